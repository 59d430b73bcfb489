/**
 * A whole match on fake Steam peers: one host and N bot clients over a `FakeSteamNetwork` with
 * realistic conditions. Headless matches run on the virtual clock (faster than real time); live ones
 * run on real time so a person can watch.
 */
import type { PeerStats } from '@steamwire/rpc';
import { FakeSteamNetwork, type LinkConditions } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { ArenaClient } from './client-game.js';
import { ArenaHost } from './host-game.js';
import type { NetGraphRow } from './render.js';

/** 60–120 ms round trips with jitter and 2 % loss: a decent home connection across a continent. */
export const REALISTIC_CONDITIONS: Partial<LinkConditions> = { latencyMs: 35, jitterMs: 10, loss: 0.02 };

const BOT_NAMES = ['Ada', 'Brick', 'Cosmo', 'Dot', 'Echo', 'Fizz', 'Gus', 'Hex'];

export interface MatchOptions {
  /** Bot clients (default 3). */
  clients?: number;
  seed?: number;
  /** Run on real time (live view) instead of the virtual clock. */
  realTime?: boolean;
  conditions?: Partial<LinkConditions>;
}

/** The one JSON line a headless match ends with. */
export interface MatchSummary {
  healthy: boolean;
  simulatedMs: number;
  clientsExpected: number;
  clientsConnected: number;
  messagesSent: Record<string, number>;
  messagesReceived: Record<string, number>;
  snapshotsPerClient: number[];
  requests: { ok: number; refused: number; failed: number };
  rejections: number;
  errors: number;
  scores: Record<string, number>;
}

export class Match {
  readonly errors: unknown[] = [];
  readonly startedAt: number;
  private lastGraph: { at: number; totals: Map<SteamId, [number, number]> } | undefined;

  private constructor(
    readonly net: FakeSteamNetwork,
    readonly arena: ArenaHost,
    readonly clients: ArenaClient[],
  ) {
    this.startedAt = net.clock.now();
  }

  /** Creates the network, starts the host, connects the bots and starts everyone's ticks. */
  static async start(options: MatchOptions = {}): Promise<Match> {
    const net = new FakeSteamNetwork({
      seed: options.seed ?? 1,
      realTime: options.realTime ?? false,
      conditions: options.conditions ?? REALISTIC_CONDITIONS,
    });
    const hostPeer = net.createPeer();
    const arena = new ArenaHost({ network: hostPeer, clock: net.clock, seed: options.seed ?? 1 });
    const errors: unknown[] = [];
    arena.host.events.on('error', (e) => errors.push(e));
    arena.start();
    const count = options.clients ?? 3;
    const connecting = Array.from({ length: count }, (_, i) =>
      ArenaClient.connect({
        network: net.createPeer(),
        clock: net.clock,
        host: hostPeer.localSteamId,
        name: BOT_NAMES[i % BOT_NAMES.length]!,
        seed: (options.seed ?? 1) * 100 + i,
      }),
    );
    let clients: ArenaClient[] | undefined;
    let failure: unknown;
    Promise.all(connecting).then(
      (c) => {
        clients = c;
      },
      (e) => {
        failure = e;
      },
    );
    // On the virtual clock nothing happens unless time is advanced; on real time this just waits.
    await net.runUntil(() => clients !== undefined || failure !== undefined, { timeoutMs: 30_000 });
    if (failure !== undefined) throw failure;
    const match = new Match(net, arena, clients!);
    match.errors.push(...errors);
    for (const c of match.clients) {
      c.client.events.on('error', (e) => match.errors.push(e));
      c.start();
    }
    arena.host.events.on('error', (e) => match.errors.push(e));
    return match;
  }

  /** Per connected client, as the host sees it: RTT, loss, traffic rates since the last call, rejections. */
  netGraph(): NetGraphRow[] {
    const now = this.net.clock.now();
    const totals = new Map<SteamId, [number, number]>();
    const rows: NetGraphRow[] = [];
    for (const peer of this.arena.host.peerIds) {
      const stats = this.arena.host.stats(peer);
      if (!stats) continue;
      const [inBytes, outBytes] = trafficTotals(stats);
      totals.set(peer, [inBytes, outBytes]);
      const before = this.lastGraph?.totals.get(peer);
      const seconds = this.lastGraph ? (now - this.lastGraph.at) / 1000 : 0;
      rows.push({
        label: this.arena.nameOf(peer) ?? peer.toString().slice(-6),
        rttMs: stats.rttMs ?? undefined,
        lossPct: stats.loss * 100,
        kbInPerSec: before && seconds > 0 ? (inBytes - before[0]) / 1024 / seconds : 0,
        kbOutPerSec: before && seconds > 0 ? (outBytes - before[1]) / 1024 / seconds : 0,
        rejected: Object.values(stats.rejected).reduce((a, b) => a + b, 0),
      });
    }
    this.lastGraph = { at: now, totals };
    return rows;
  }

  /** Everything the summary line reports. */
  summary(): MatchSummary {
    const sent: Record<string, number> = {};
    const received: Record<string, number> = {};
    let rejections = 0;
    const add = (stats: PeerStats) => {
      for (const [name, m] of Object.entries(stats.messages)) {
        sent[name] = (sent[name] ?? 0) + m.messagesOut;
        received[name] = (received[name] ?? 0) + m.messagesIn;
      }
      rejections += Object.values(stats.rejected).reduce((a, b) => a + b, 0);
    };
    for (const peer of this.arena.host.peerIds) {
      const s = this.arena.host.stats(peer);
      if (s) add(s);
    }
    const requests = { ok: 0, refused: 0, failed: 0 };
    for (const c of this.clients) {
      if (!c.disconnected) add(c.client.stats());
      requests.ok += c.requests.ok;
      requests.refused += c.requests.refused;
      requests.failed += c.requests.failed;
    }
    const connected = this.clients.filter(
      (c) => !c.disconnected && this.arena.host.isConnected(c.steamId),
    ).length;
    const snapshotsPerClient = this.clients.map((c) => c.snapshotsReceived);
    const simulatedMs = Math.round(this.net.clock.now() - this.startedAt);
    // Healthy: everyone stayed, nothing blew up, and every client saw most of the 20 Hz snapshots.
    const expectedSnapshots = (simulatedMs / 1000) * 20;
    const healthy =
      connected === this.clients.length &&
      this.errors.length === 0 &&
      requests.failed === 0 &&
      snapshotsPerClient.every((n) => n >= expectedSnapshots * 0.8);
    const scores: Record<string, number> = {};
    for (const p of this.arena.world.players.values()) scores[p.name] = p.score;
    return {
      healthy,
      simulatedMs,
      clientsExpected: this.clients.length,
      clientsConnected: connected,
      messagesSent: sent,
      messagesReceived: received,
      snapshotsPerClient,
      requests,
      rejections,
      errors: this.errors.length,
      scores,
    };
  }

  /** Everyone leaves politely; the network stops. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.stop();
    this.arena.stop();
    // Let the goodbyes go out before the network stops.
    await this.net.advance(50);
    this.net.dispose();
  }
}

function trafficTotals(stats: PeerStats): [number, number] {
  let inBytes = 0;
  let outBytes = 0;
  for (const t of Object.values(stats.channels)) {
    inBytes += t.bytesIn;
    outBytes += t.bytesOut;
  }
  return [inBytes, outBytes];
}
