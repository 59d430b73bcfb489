/**
 * The authoritative host: it owns the world, applies validated inputs, runs the rules at a fixed
 * tick rate and broadcasts snapshots. Clients never decide anything.
 */
import { createHost, type Host, type HostOptions } from '@steamwire/rpc';
import type { Clock, P2PNetworking, SteamId } from '@steamwire/transport-steam';
import * as v from 'valibot';
import { ChatLog } from './chat.js';
import { nameProblem, uniqueName } from './names.js';
import { splitSnapshot } from './parts.js';
import { type ArenaProtocol, arenaProtocol, type ChatLine, MAX_PLAYERS } from './protocol.js';
import {
  addPlayer,
  applyInput,
  createWorld,
  removePlayer,
  respawn,
  snapshotOf,
  stepWorld,
  type World,
} from './sim.js';

/** What a client sends with its hello: the name it asks for (names.ts says which are allowed). */
const authSchema = v.object({ name: v.string() });

export interface ArenaHostOptions {
  network: P2PNetworking;
  clock: Clock;
  /** Simulation rate (default 60 Hz). */
  tickHz?: number;
  /** Snapshot rate (default 20 Hz). */
  snapshotHz?: number;
  seed?: number;
  /** Most players at once (default {@link MAX_PLAYERS}); the next one is refused with reason `full`. */
  capacity?: number;
  /** Extra host options (acceptPeer from a lobby, heartbeat timeouts…). */
  hostOptions?: Partial<HostOptions<ArenaProtocol>>;
  /** Told about every error caught in a tick (they are counted in `errors` either way). */
  onError?: (error: unknown) => void;
}

export class ArenaHost {
  readonly world: World;
  readonly host: Host<ArenaProtocol>;
  /** The host's SteamID: what clients connect to. */
  readonly steamId: SteamId;
  /** Most players at once. */
  readonly capacity: number;
  readonly chat = new ChatLog();
  readonly respawns = { granted: 0, refused: 0 };
  /** Errors thrown inside a tick: caught and counted, so a bug never takes the process down. */
  errors = 0;
  /** The most recent of those errors. */
  lastError: unknown;
  private readonly names = new Map<SteamId, string>();
  private chatSeq = 0;
  /** Players that got the recent chat already: it is answered once per player. */
  private readonly sentRecentChat = new Set<SteamId>();
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly ticksPerSnapshot: number;
  private timer: ReturnType<Clock['setInterval']> | undefined;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(options: ArenaHostOptions) {
    this.clock = options.clock;
    this.onError = options.onError;
    const tickHz = options.tickHz ?? 60;
    this.tickMs = 1000 / tickHz;
    this.ticksPerSnapshot = Math.max(1, Math.round(tickHz / (options.snapshotHz ?? 20)));
    this.world = createWorld({ seed: options.seed ?? 1 });
    this.steamId = options.network.localSteamId;
    this.capacity = options.capacity ?? MAX_PLAYERS;
    this.host = createHost({
      network: options.network,
      protocol: arenaProtocol,
      clock: options.clock,
      // The rpc layer refuses the peer past this one with reason 'full' before it is welcomed.
      maxPeers: this.capacity,
      // A name that could pass for the host is refused (the client sees reason 'authFailed'); a
      // name already taken gets a number: "Ada (2)".
      authenticate: (peer, payload) => {
        const auth = v.safeParse(authSchema, payload);
        if (!auth.success || nameProblem(auth.output.name) !== undefined) return false;
        const others = [...this.names].filter(([id]) => id !== peer).map(([, name]) => name);
        this.names.set(peer, uniqueName(auth.output.name, others));
        return true;
      },
      ...options.hostOptions,
    });
    const host = this.host;
    // A handler that threw (rpc catches it and reports it here) counts as an error of the game.
    host.events.on('error', (error) => this.fail(error));
    host.events.on('peerJoined', (peer) => {
      const name = this.names.get(peer) ?? 'player';
      addPlayer(this.world, peer.toString(), name);
      this.post({ kind: 'system', seq: ++this.chatSeq, text: `${name} joined` });
    });
    host.events.on('peerLeft', (peer, reason) => {
      removePlayer(this.world, peer.toString());
      this.post({
        kind: 'system',
        seq: ++this.chatSeq,
        text: `${this.names.get(peer) ?? 'a player'} left (${reason})`,
      });
      this.names.delete(peer);
      this.sentRecentChat.delete(peer);
    });
    // Turned away after its name was reserved (the match filled up meanwhile): free the name.
    host.events.on('peerRefused', (peer) => {
      if (!host.isConnected(peer)) this.names.delete(peer);
    });
    host.on('input', (input, peer) => {
      applyInput(this.world, peer.toString(), input);
    });
    host.on('say', (said, peer) => {
      // A player's line is always a 'player' line under the name the host knows.
      this.post({
        kind: 'player',
        seq: ++this.chatSeq,
        from: this.names.get(peer) ?? 'player',
        text: said.text,
      });
    });
    host.handle('recentChat', async (_req, peer) => {
      if (this.sentRecentChat.has(peer)) return { lines: [] };
      this.sentRecentChat.add(peer);
      return { lines: [...this.chat.all()] };
    });
    host.handle('respawn', async (_req, peer) => {
      const result = respawn(this.world, peer.toString());
      if (result.ok) this.respawns.granted += 1;
      else this.respawns.refused += 1;
      return result;
    });
  }

  /** Starts the fixed-rate simulation (network updates run in the same timer). */
  start(): void {
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => this.tick(), this.tickMs);
  }

  stop(): void {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.host.close();
  }

  /** Name of a connected player. */
  nameOf(peer: SteamId): string | undefined {
    return this.names.get(peer);
  }

  /**
   * One frame: read the network, step the world, send snapshots, flush. It runs in a timer, where a
   * throw would be an uncaught exception that ends the process: every error is caught and counted.
   */
  tick(): void {
    try {
      this.host.update();
      stepWorld(this.world, this.tickMs / 1000);
      if (this.world.tick % this.ticksPerSnapshot === 0) {
        for (const part of splitSnapshot(snapshotOf(this.world))) this.host.broadcast('snapshot', part);
      }
    } catch (error) {
      this.fail(error);
    }
    try {
      this.host.flush();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.errors += 1;
    this.lastError = error;
    try {
      this.onError?.(error);
    } catch {
      // The listener's own bug must not escape the timer either; the error is already counted.
    }
  }

  /** The chat as drawn, oldest line first. */
  get chatLog(): string[] {
    return this.chat.text();
  }

  private post(line: ChatLine): void {
    this.chat.add(line);
    this.host.broadcast('chat', line);
  }
}
