/**
 * The arena of `npm run attack`: a host and honest clients playing at 60 Hz on a fake network, on
 * the real clock (or the virtual one, for the sample in `npm test`), measured in phases: every
 * host `update()`'s duration, every honest request's round trip, and the honest reliable streams
 * (chats up, events down, calls), which must lose nothing. An attack is added as one more thing
 * each tick does.
 * @packageDocumentation
 */
import { FakeSteamNetwork } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { type Client, connectToHost, createHost, type Host, type HostOptions } from '../../src/index.js';
import { Audit, auditClient, auditHost } from './audit.js';
import { type HostileProtocol, hostileProtocol } from './protocol.js';
import { down, ReliableLedger, up } from './world.js';

/** Options of {@link Arena.create}. */
export interface ArenaOptions {
  /** Real time (`npm run attack`) or the virtual clock (the sample in `npm test`). */
  realTime: boolean;
  /** Honest clients (default 8). */
  clients?: number;
  seed?: number;
  /** One-way latency of every link, ms (default 5). */
  latencyMs?: number;
  host?: Partial<HostOptions<HostileProtocol>>;
}

/** What one phase measured. */
export interface PhaseFigures {
  /**
   * What each host `update()` cost, ms: the smaller of the process's CPU time and the wall time
   * during it. Both bound the main thread's own time from above: wall time also counts the time
   * other processes of a shared machine took the CPU away ({@link PhaseFigures.updateWallMs}), and
   * the process's CPU time also counts its other threads (the garbage collector's helpers).
   */
  readonly updateMs: number[];
  /** Host `update()` durations, wall-clock ms. */
  readonly updateWallMs: number[];
  /** Honest request round trips, ms on the network's clock. */
  readonly rttMs: number[];
}

/** The `q` quantile of `values` (0 when empty). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** Frame length, ms. */
export const TICK_MS = 16;

/** A host, its honest clients, and what they measure. */
export class Arena {
  readonly audit = new Audit();
  readonly ledger = new ReliableLedger();
  /** Requests from these SteamIDs are never answered (a slow handler an attacker piles up on). */
  readonly slow = new Set<SteamId>();
  /** Every `peerLeft` of the host: who, why, when (network clock). */
  readonly left: { peer: SteamId; reason: string; at: number }[] = [];
  /** Every `peerJoined` of the host. */
  readonly joined: SteamId[] = [];
  /** Every `peerRefused` of the host: who, why, when. */
  readonly refused: { peer: SteamId; reason: string; at: number }[] = [];
  /** Honest calls that failed (a loss). */
  callsFailed = 0;
  private figures: PhaseFigures = { updateMs: [], updateWallMs: [], rttMs: [] };
  private frame = 0;
  private nextTickAt = 0;
  private readonly honestIds: Set<SteamId>;

  private constructor(
    readonly net: FakeSteamNetwork,
    readonly host: Host<HostileProtocol>,
    readonly clients: Client<HostileProtocol>[],
  ) {
    this.honestIds = new Set(clients.map((c) => c.network.localSteamId));
    auditHost(host, this.audit);
    for (const c of clients) auditClient(c, this.audit);
    host.on('chat', (m, peer) => {
      if (this.honestIds.has(peer)) this.ledger.receive(up(peer), m.seq);
    });
    for (const c of clients) {
      const id = c.network.localSteamId;
      c.on('event', (m) => this.ledger.receive(down(id), m.seq));
    }
    host.handle('buy', (req, peer) =>
      this.slow.has(peer) ? new Promise(() => {}) : { ok: true, gold: req.qty },
    );
    host.events.on('peerLeft', (peer, reason) => this.left.push({ peer, reason, at: net.clock.now() }));
    host.events.on('peerJoined', (peer) => this.joined.push(peer));
    host.events.on('peerRefused', (peer, reason) => this.refused.push({ peer, reason, at: net.clock.now() }));
  }

  /** Builds the network and the host, and connects the honest clients. */
  static async create(options: ArenaOptions): Promise<Arena> {
    const net = new FakeSteamNetwork({
      seed: options.seed ?? 1,
      realTime: options.realTime,
      conditions: { latencyMs: options.latencyMs ?? 5 },
    });
    const hostPeer = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol: hostileProtocol,
      clock: net.clock,
      ...options.host,
    });
    const n = options.clients ?? 8;
    const clients: Client<HostileProtocol>[] = [];
    const failed: unknown[] = [];
    for (let i = 0; i < n; i++) {
      connectToHost({
        network: net.createPeer(),
        protocol: hostileProtocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
      }).then(
        (c) => clients.push(c),
        (e: unknown) => failed.push(e),
      );
    }
    for (let i = 0; i < 600 && clients.length + failed.length < n; i++) {
      host.update();
      await net.advance(TICK_MS);
    }
    if (clients.length < n)
      throw new Error(`only ${clients.length} of ${n} honest clients connected: ${String(failed[0])}`);
    clients.sort((a, b) => (a.network.localSteamId < b.network.localSteamId ? -1 : 1));
    return new Arena(net, host, clients);
  }

  /** The host's SteamID. */
  get hostId(): SteamId {
    return this.host.network.localSteamId;
  }

  /** Starts measuring a new phase; returns what the last one measured. */
  phase(): PhaseFigures {
    const done = this.figures;
    this.figures = { updateMs: [], updateWallMs: [], rttMs: [] };
    return done;
  }

  /**
   * Plays for `ms` of the network's clock, one frame per {@link TICK_MS}; `extra` runs first each
   * frame. With `quiet`, nobody sends anything new: what is in flight settles.
   */
  async play(ms: number, extra?: () => void, quiet = false): Promise<void> {
    const clock = this.net.clock;
    const until = clock.now() + ms;
    if (this.nextTickAt < clock.now()) this.nextTickAt = clock.now();
    while (clock.now() < until) {
      if (extra !== undefined) this.audit.guard('attack', extra);
      this.step(quiet);
      this.nextTickAt += TICK_MS;
      await this.net.advance(Math.max(0, this.nextTickAt - clock.now()));
    }
  }

  /** Honest play for one frame (unless `quiet`), and the host's measured update. */
  private step(quiet: boolean): void {
    const { host, ledger, audit } = this;
    const f = this.frame++;
    const clock = this.net.clock;
    for (const c of this.clients) {
      if (c.state !== 'connected' || quiet) continue;
      const id = c.network.localSteamId;
      audit.guard('honest send', () => {
        c.send('input', { seq: f, dx: 1, dy: -1 });
        if (f % 6 === 0) c.send('chat', { seq: ledger.next(up(id)), text: `gg ${f}` });
        if (f % 30 === 0 && host.isConnected(id))
          host.sendTo(id, 'event', { seq: ledger.next(down(id)), kind: 'score' });
      });
      {
        // A request every frame from every client: enough round trips that the p99 counts how
        // often they are slow, not the one hiccup of a shared machine.
        const t0 = clock.now();
        const figures = this.figures;
        c.call('buy', { item: 'sword', qty: 1 + (f % 50) }).then(
          () => figures.rttMs.push(clock.now() - t0),
          () => this.callsFailed++,
        );
      }
    }
    if (!quiet)
      audit.guard('broadcast', () =>
        host.broadcast('snapshot', { tick: f, players: this.clients.map((_, i) => ({ x: f, y: i })) }),
      );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    audit.guard('host.update', () => host.update());
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    this.figures.updateWallMs.push(wall);
    this.figures.updateMs.push(Math.min(wall, (cpu.user + cpu.system) / 1000));
    for (const c of this.clients) if (c.state === 'connected') audit.guard('client.update', () => c.update());
  }

  /** Honest reliable messages lost, duplicated or reordered, failed honest calls, honest clients gone. */
  honestLost(): number {
    const honest = (key: string) => [...this.honestIds].some((id) => key.endsWith(`:${id}`));
    const gone = this.clients.filter((c) => c.state !== 'connected').length;
    return this.ledger.missing(honest) + this.ledger.disorder(honest) + this.callsFailed + gone;
  }

  /** Closes everything. */
  async close(): Promise<void> {
    this.host.close();
    for (const c of this.clients) c.disconnect();
    await this.net.advance(50);
    this.net.dispose();
  }
}
