/**
 * A game-shaped world for the flood, chaos and soak runs: one host and N clients on a fake network,
 * updated by hand once per frame (as a game loop does), with per-client reliable sequence numbers
 * both ways so that loss, duplication and reordering of "reliable" data can be counted.
 * @packageDocumentation
 */
import { type FakePeer, FakeSteamNetwork, type LinkConditions } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { type Client, connectToHost, createHost, type Host, type HostOptions } from '../../src/index.js';
import { Audit, auditClient, auditHost } from './audit.js';
import { type HostileProtocol, hostileProtocol } from './protocol.js';

/** Options of {@link createWorld}. */
export interface WorldOptions {
  seed: number;
  clients: number;
  /** Frame length in ms (default 1000 / 60). */
  frameMs?: number;
  conditions?: Partial<LinkConditions>;
  host?: Partial<HostOptions<HostileProtocol>>;
}

/** Reliable streams checked for exactly-once, in-order delivery. */
export class ReliableLedger {
  /** Next sequence number per (stream key). */
  private readonly nextOut = new Map<string, number>();
  private readonly received = new Map<string, number>();
  private readonly disorderByKey = new Map<string, number>();

  /** The next sequence number to send on `key`. */
  next(key: string): number {
    const n = this.nextOut.get(key) ?? 0;
    this.nextOut.set(key, n + 1);
    return n;
  }

  /** Records `seq` received on `key`; anything but the next expected one is disorder. */
  receive(key: string, seq: number): void {
    const want = this.received.get(key) ?? 0;
    if (seq !== want) this.disorderByKey.set(key, (this.disorderByKey.get(key) ?? 0) + 1);
    this.received.set(key, Math.max(want, seq + 1));
  }

  /** Sent but never received, over the streams whose keys pass `filter`. */
  missing(filter: (key: string) => boolean = () => true): number {
    let n = 0;
    for (const [key, sent] of this.nextOut) if (filter(key)) n += sent - (this.received.get(key) ?? 0);
    return n;
  }

  /** Messages received out of order, twice, or never sent, over the streams whose keys pass `filter`. */
  disorder(filter: (key: string) => boolean = () => true): number {
    let n = 0;
    for (const [key, count] of this.disorderByKey) if (filter(key)) n += count;
    return n;
  }

  /** Messages sent over the streams whose keys pass `filter`. */
  sent(filter: (key: string) => boolean = () => true): number {
    let n = 0;
    for (const [key, sent] of this.nextOut) if (filter(key)) n += sent;
    return n;
  }
}

/** A host, its clients and the referee. */
export interface World {
  net: FakeSteamNetwork;
  hostPeer: FakePeer;
  host: Host<HostileProtocol>;
  clients: Client<HostileProtocol>[];
  audit: Audit;
  ledger: ReliableLedger;
  frameMs: number;
  /** One frame: time passes, then the host and every client still connected update. */
  frame(): Promise<void>;
}

/** Key of the reliable stream from `peer` to the host. */
export const up = (peer: SteamId) => `up:${peer}`;
/** Key of the reliable stream from the host to `peer`. */
export const down = (peer: SteamId) => `down:${peer}`;

/** Builds the world and connects every client (updating by hand, as a game loop would). */
export async function createWorld(options: WorldOptions): Promise<World> {
  const frameMs = options.frameMs ?? 1000 / 60;
  const net = new FakeSteamNetwork({ seed: options.seed, conditions: options.conditions ?? {} });
  const hostPeer = net.createPeer();
  const audit = new Audit();
  const ledger = new ReliableLedger();
  const host = createHost({
    network: hostPeer,
    protocol: hostileProtocol,
    clock: net.clock,
    ...options.host,
  });
  auditHost(host, audit);
  host.on('chat', (m, peer) => ledger.receive(up(peer), m.seq));
  const clients: Client<HostileProtocol>[] = [];
  const world: World = {
    net,
    hostPeer,
    host,
    clients,
    audit,
    ledger,
    frameMs,
    async frame() {
      await net.advance(frameMs);
      audit.guard('host.update', () => host.update());
      for (const c of clients) if (c.state === 'connected') audit.guard('client.update', () => c.update());
    },
  };
  const pending = Array.from({ length: options.clients }, () =>
    connectToHost({
      network: net.createPeer(),
      protocol: hostileProtocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
    }).then((c) => {
      auditClient(c, audit);
      const id = c.network.localSteamId;
      c.on('event', (m) => ledger.receive(down(id), m.seq));
      clients.push(c);
    }),
  );
  for (let i = 0; i < 2000 && clients.length < options.clients; i++) await world.frame();
  await Promise.all(pending);
  // Deterministic order, whatever order the welcomes came in.
  clients.sort((a, b) => (a.network.localSteamId < b.network.localSteamId ? -1 : 1));
  return world;
}
