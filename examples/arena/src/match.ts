/**
 * A whole match on fake Steam peers: one host and N bot clients over a `FakeSteamNetwork` with
 * realistic conditions. The bots find the host as friends do on Steam: it opens a friends-only lobby
 * and invites them, and they join it. Headless matches run on the virtual clock (faster than real
 * time); live ones run on real time so a person can watch.
 */
import { ConnectionRefusedError, type HostedLobby, onLobbyJoinRequest, type PeerStats } from '@steamwire/rpc';
import { type FakePeer, FakeSteamNetwork, type LinkConditions } from '@steamwire/testkit';
import {
  ChatRoomEnterResponse,
  type Clock,
  type LobbyId,
  LobbyJoinError,
  type SteamId,
} from '@steamwire/transport-steam';
import { ArenaClient, describeJoinFailure } from './client-game.js';
import type { ArenaHost } from './host-game.js';
import { hostInLobby } from './lobby.js';
import type { NetGraphRow } from './render.js';

/** 60–120 ms round trips with jitter and 2 % loss: a decent home connection across a continent. */
export const REALISTIC_CONDITIONS: Partial<LinkConditions> = { latencyMs: 35, jitterMs: 10, loss: 0.02 };

const BOT_NAMES = 'Ada Brick Cosmo Dot Echo Fizz Gus Hex Iris Jinx Kip Lux Moss Nova Orb Pip'.split(' ');

export interface MatchOptions {
  /** Bot clients (default 3); those past the host's capacity are refused and listed in `refused`. */
  clients?: number;
  /** Most players the host holds (default 16). */
  capacity?: number;
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
  /** Bots refused at the door because the match was full (expected when asking for more than fit). */
  joinsRefused: number;
  messagesSent: Record<string, number>;
  messagesReceived: Record<string, number>;
  snapshotsPerClient: number[];
  /**
   * Respawn requests the bots sent, by outcome. Bots ask as soon as they see themselves dead, so the
   * host refuses them until its 1 s respawn delay is over: `refusedTooSoon` grows with every death
   * in a healthy match. `failed` (no valid answer in time) must stay 0.
   */
  respawnRequests: ArenaClient['respawnRequests'];
  /** The lobby the players came through: its id, and its members now (the host included) of how many. */
  lobby: { id: string; members: number; memberLimit: number };
  rejections: number;
  errors: number;
  scores: Record<string, number>;
}

export class Match {
  readonly startedAt: number;
  private lastGraph: { at: number; totals: Map<SteamId, [number, number]> } | undefined;

  private constructor(
    readonly net: FakeSteamNetwork,
    readonly arena: ArenaHost,
    /** The lobby the bots found the host through. */
    readonly lobby: HostedLobby,
    readonly clients: ArenaClient[],
    /** Every error the host's and the clients' ticks caught (none in a healthy match). */
    readonly errors: unknown[],
    /** Bots that could not join, and why in words. */
    readonly refused: { name: string; why: string }[],
  ) {
    this.startedAt = net.clock.now();
  }

  /**
   * Creates the network and the host's lobby, starts the host, invites the bots (the host's Steam
   * friends) from the lobby, lets them join it, and starts everyone's ticks.
   */
  static async start(options: MatchOptions = {}): Promise<Match> {
    const net = new FakeSteamNetwork({
      seed: options.seed ?? 1,
      realTime: options.realTime ?? false,
      conditions: options.conditions ?? REALISTIC_CONDITIONS,
    });
    const hostPeer = net.createPeer();
    const count = options.clients ?? 3;
    const bots = Array.from({ length: count }, () => net.createPeer());
    // The bots are the host's Steam friends: its invite reaches them, and its friends-only lobby lets them in.
    for (const bot of bots) net.setFriends(hostPeer.localSteamId, bot.localSteamId);
    // Errors are caught and counted where they happen (in the host's and clients' ticks); the match
    // keeps them to report.
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    const { arena, lobby } = await settled(
      net,
      hostInLobby({
        network: hostPeer,
        lobbies: hostPeer.lobbies,
        friends: hostPeer.friends,
        clock: net.clock,
        seed: options.seed ?? 1,
        capacity: options.capacity,
        onError,
      }),
    );
    arena.start();
    const clients: ArenaClient[] = [];
    const refused: { name: string; why: string }[] = [];
    let failure: unknown;
    let joined = 0;
    bots.forEach((bot, i) => {
      const name = BOT_NAMES[i % BOT_NAMES.length]!;
      waitForInvite(bot, net.clock)
        .then((lobbyId) =>
          ArenaClient.joinLobby({
            network: bot,
            lobbies: bot.lobbies,
            lobbyId,
            clock: net.clock,
            name,
            seed: (options.seed ?? 1) * 100 + i,
            onError,
          }),
        )
        .then(
          (c) => clients.push(c),
          (error) => {
            // A full match turns the late ones away: expected, reported. Anything else is a failure.
            if (isFull(error)) refused.push({ name, why: describeJoinFailure(error, arena.capacity) });
            else failure ??= error;
          },
        )
        .finally(() => {
          joined += 1;
        });
    });
    // The overlay's invite dialog; on the fake, the host picks every friend who is online.
    lobby.openInviteDialog();
    // On the virtual clock nothing happens unless time is advanced; on real time this just waits.
    await net.runUntil(() => joined === count, { timeoutMs: 30_000 });
    if (failure !== undefined) throw failure;
    // In the order the bots were created, so a seeded match lists them the same way every time.
    clients.sort((a, b) => (a.steamId < b.steamId ? -1 : 1));
    const match = new Match(net, arena, lobby, clients, errors, refused);
    for (const c of match.clients) c.start();
    return match;
  }

  /** What went wrong, for a person: who could not join, and the first errors the ticks caught. */
  report(): string[] {
    const lines = this.refused.map((r) => `${r.name} could not join: ${r.why}`);
    for (const error of this.errors.slice(0, 3))
      lines.push(
        `error caught in a tick: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    if (this.errors.length > 3) lines.push(`…and ${this.errors.length - 3} more errors`);
    return lines;
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
    const respawnRequests = { granted: 0, refusedTooSoon: 0, refusedAlive: 0, refusedUnknown: 0, failed: 0 };
    for (const c of this.clients) {
      if (!c.disconnected) add(c.client.stats());
      for (const key of Object.keys(respawnRequests) as (keyof typeof respawnRequests)[])
        respawnRequests[key] += c.respawnRequests[key];
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
      respawnRequests.failed === 0 &&
      snapshotsPerClient.every((n) => n >= expectedSnapshots * 0.8);
    const scores: Record<string, number> = {};
    for (const p of this.arena.world.players.values()) scores[p.name] = p.score;
    return {
      healthy,
      simulatedMs,
      clientsExpected: this.clients.length,
      clientsConnected: connected,
      joinsRefused: this.refused.length,
      messagesSent: sent,
      messagesReceived: received,
      snapshotsPerClient,
      respawnRequests,
      lobby: {
        id: this.lobby.lobbyId.toString(),
        members: this.lobby.members.length,
        memberLimit: this.lobby.memberLimit,
      },
      rejections,
      errors: this.errors.length,
      scores,
    };
  }

  /** Everyone leaves politely, the lobby too; the network stops. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.stop();
    this.arena.stop();
    this.lobby.close();
    // Let the goodbyes go out before the network stops.
    await this.net.advance(50);
    this.net.dispose();
  }
}

/** Lets (virtual) time pass until `pending` settles. */
async function settled<T>(net: FakeSteamNetwork, pending: Promise<T>): Promise<T> {
  let done = false;
  const mark = () => {
    done = true;
  };
  pending.then(mark, mark);
  await net.runUntil(() => done, { timeoutMs: 30_000 });
  return pending;
}

/** A bot in the game's menu: its frame loop pumps Steam's callbacks until the host's invite arrives. */
function waitForInvite(bot: FakePeer, clock: Clock): Promise<LobbyId> {
  return new Promise((resolve) => {
    const menu = clock.setInterval(() => bot.runCallbacks(), 16);
    const stop = onLobbyJoinRequest(bot.friends, ({ lobbyId }) => {
      stop();
      clock.clearInterval(menu);
      resolve(lobbyId);
    });
  });
}

/** Turned away because the match (or its lobby) had no seat left. */
function isFull(error: unknown): boolean {
  return (
    (error instanceof ConnectionRefusedError && error.reason === 'full') ||
    (error instanceof LobbyJoinError && error.response === ChatRoomEnterResponse.Full)
  );
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
