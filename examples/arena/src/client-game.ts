/**
 * A client: sends its input every tick, draws the host's snapshots through an interpolation buffer,
 * chats, and asks the host to respawn it after dying. A bot brain stands in for a human's keyboard.
 */
import {
  type Client,
  ConnectionRefusedError,
  type ConnectOptions,
  ConnectTimeoutError,
  connectToHost,
  type JoinLobbyOptions,
  joinLobby,
  type LobbyClient,
  LobbyHostGoneError,
  LobbyProtocolMismatchError,
  NotAGameLobbyError,
} from '@steamwire/rpc';
import {
  ChatRoomEnterResponse,
  type Clock,
  type Lobbies,
  type LobbyId,
  LobbyJoinError,
  type P2PNetworking,
  type SteamId,
} from '@steamwire/transport-steam';
import { botChat, botInput } from './bot.js';
import { ChatLog } from './chat.js';
import { SnapshotBuffer } from './interpolation.js';
import { ArenaNameError, nameProblem } from './names.js';
import { SnapshotAssembler } from './parts.js';
import { type ArenaProtocol, arenaProtocol, MAX_PLAYERS } from './protocol.js';
import { seededRandom } from './sim.js';

export interface ArenaClientOptions {
  network: P2PNetworking;
  clock: Clock;
  host: SteamId;
  name: string;
  seed?: number;
  /** Input rate (default 30 Hz). */
  tickHz?: number;
  connect?: Partial<ConnectOptions<ArenaProtocol>>;
  /** Told about every error caught in a tick (they are counted in `errors` either way). */
  onError?: (error: unknown) => void;
}

/** Options of {@link ArenaClient.joinLobby}: the lobby instead of the host (its owner is the host). */
export interface ArenaLobbyClientOptions extends Omit<ArenaClientOptions, 'host' | 'connect'> {
  lobbies: Lobbies;
  lobbyId: LobbyId;
  connect?: Partial<JoinLobbyOptions<ArenaProtocol>>;
}

export class ArenaClient {
  readonly buffer = new SnapshotBuffer(100);
  readonly parts = new SnapshotAssembler();
  readonly chat = new ChatLog();
  /**
   * This client's respawn requests by outcome: granted; refused because the respawn delay had not
   * passed, because it was alive already, or because the host did not know it; failed (no valid answer).
   */
  readonly respawnRequests = { granted: 0, refusedTooSoon: 0, refusedAlive: 0, refusedUnknown: 0, failed: 0 };
  /** Complete snapshots put together from their parts. */
  snapshotsReceived = 0;
  /** Messages from the host dropped before any handler (malformed, invalid, wrong direction…). */
  rejections = 0;
  /** Why the last request failed (respawn or recent chat: timeout, disconnect, an invalid answer). */
  lastRequestError: unknown;
  /** Errors thrown inside a tick or a handler: caught and counted, never fatal. */
  errors = 0;
  /** The most recent of those errors. */
  lastError: unknown;
  /** Set when the host is gone, with why. */
  disconnected: string | undefined;
  /** The lobby this client joined the match through (`ArenaClient.joinLobby`), if any. */
  lobby: LobbyClient<ArenaProtocol> | undefined;
  private seq = 0;
  private respawning = false;
  private timer: ReturnType<Clock['setInterval']> | undefined;
  private readonly rng: () => number;
  private readonly selfId: string;

  private constructor(
    readonly client: Client<ArenaProtocol>,
    readonly name: string,
    private readonly clock: Clock,
    private readonly tickMs: number,
    seed: number,
    /** This client's own SteamID. */
    readonly steamId: SteamId,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {
    this.rng = seededRandom(seed);
    this.selfId = steamId.toString();
    client.on('snapshot', (part) => {
      const snap = this.parts.accept(part);
      if (!snap) return;
      this.snapshotsReceived += 1;
      this.buffer.push(snap, this.clock.now());
    });
    client.on('chat', (line) => this.chat.add(line));
    // A handler that threw (rpc catches it and reports it here) counts as an error of the game.
    client.events.on('error', (error) => this.fail(error));
    client.events.on('rejected', () => {
      this.rejections += 1;
    });
    client.events.on('disconnected', (reason, detail) => {
      // The first reason is the real one (a lobby's hostLeft comes before the disconnect it causes).
      this.disconnected ??= detail ? `${reason} (${detail})` : reason;
      this.stopTimer();
    });
    // The lines sent with our welcome reached us before these handlers existed: ask for them now.
    void this.fetchRecentChat();
  }

  /**
   * Connects to the host; rejects with {@link ArenaNameError} for a name the host would refuse, or
   * the rpc layer's typed errors (timeout, refused, mismatch…).
   */
  static async connect(options: ArenaClientOptions): Promise<ArenaClient> {
    const problem = nameProblem(options.name);
    if (problem !== undefined) throw new ArenaNameError(options.name, problem);
    const client = await connectToHost({
      network: options.network,
      protocol: arenaProtocol,
      host: options.host,
      clock: options.clock,
      auth: { name: options.name },
      ...options.connect,
    });
    return new ArenaClient(
      client,
      options.name,
      options.clock,
      1000 / (options.tickHz ?? 30),
      options.seed ?? 1,
      options.network.localSteamId,
      options.onError,
    );
  }

  /**
   * Joins the match through its Steam lobby, as players on Steam do: `joinLobby` checks the lobby's
   * protocol fingerprint before connecting to its owner. Rejects as {@link ArenaClient.connect} does,
   * plus the lobby's errors (full, another version of the game, the host gone…).
   */
  static async joinLobby(options: ArenaLobbyClientOptions): Promise<ArenaClient> {
    const problem = nameProblem(options.name);
    if (problem !== undefined) throw new ArenaNameError(options.name, problem);
    const joined = await joinLobby({
      network: options.network,
      lobbies: options.lobbies,
      lobbyId: options.lobbyId,
      protocol: arenaProtocol,
      clock: options.clock,
      auth: { name: options.name },
      ...options.connect,
    });
    const arena = new ArenaClient(
      joined.client,
      options.name,
      options.clock,
      1000 / (options.tickHz ?? 30),
      options.seed ?? 1,
      options.network.localSteamId,
      options.onError,
    );
    arena.lobby = joined;
    joined.events.on('hostLeft', ({ newOwner }) => {
      arena.disconnected ??= `the host left the lobby (Steam made ${newOwner ?? 'nobody'} its owner)`;
    });
    return arena;
  }

  start(): void {
    if (this.timer || this.disconnected) return;
    this.timer = this.clock.setInterval(() => this.tick(), this.tickMs);
  }

  /** Leaves the match with a goodbye (and its lobby, when it joined through one). */
  stop(): void {
    this.stopTimer();
    if (!this.disconnected) this.client.disconnect();
    this.lobby?.leave();
  }

  /** The chat as drawn, oldest line first. */
  get chatLog(): string[] {
    return this.chat.text();
  }

  /** The chat lines as the host sent them. */
  get chatLines() {
    return this.chat.all();
  }

  /** The name the host shows this player under (it adds " (2)" when the name was taken). */
  get shownName(): string {
    return this.buffer.latest()?.players.find((p) => p.id === this.selfId)?.name ?? this.name;
  }

  /** The world as this client draws it right now (interpolated). */
  view() {
    return this.buffer.sample(this.clock.now());
  }

  /**
   * One frame: read the network, send this tick's input, flush. It runs in a timer, where a throw
   * would be an uncaught exception that ends the process: every error is caught and counted.
   */
  tick(): void {
    try {
      this.client.update();
      if (this.disconnected) return;
      const latest = this.buffer.latest();
      this.seq += 1;
      this.client.send('input', botInput(latest, this.selfId, this.seq, this.rng));
      const me = latest?.players.find((p) => p.id === this.selfId);
      if (me && !me.alive && !this.respawning) void this.askRespawn();
      const line = botChat(this.rng);
      if (line) this.client.send('say', { text: line });
    } catch (error) {
      this.fail(error);
    }
    try {
      if (!this.disconnected) this.client.flush();
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

  /** The awaited request: resolves with the host's decision, or fails on timeout/disconnect. */
  private async askRespawn(): Promise<void> {
    this.respawning = true;
    try {
      const result = await this.client.call('respawn', {});
      const counts = this.respawnRequests;
      if (result.ok) counts.granted += 1;
      else if (result.reason === 'too-soon') counts.refusedTooSoon += 1;
      else if (result.reason === 'alive') counts.refusedAlive += 1;
      else counts.refusedUnknown += 1;
    } catch (error) {
      // RequestTimeoutError, DisconnectedError, ValidationError…: counted; the next tick asks again.
      this.respawnRequests.failed += 1;
      this.lastRequestError = error;
    } finally {
      // Wait a little before asking again, so a "too soon" answer is not followed by a flood.
      this.clock.setTimeout(() => {
        this.respawning = false;
      }, 300);
    }
  }

  private async fetchRecentChat(): Promise<void> {
    try {
      const { lines } = await this.client.call('recentChat', {});
      for (const line of lines) this.chat.add(line);
    } catch (error) {
      // Only the lines from before we joined are missing; live chat still arrives.
      this.lastRequestError = error;
    }
  }

  private stopTimer(): void {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Why joining failed, in words for a player (the CLI prints it). `capacity` is what the host holds,
 * when known; arena hosts hold {@link MAX_PLAYERS} unless started otherwise.
 */
export function describeJoinFailure(error: unknown, capacity = MAX_PLAYERS): string {
  if (error instanceof ArenaNameError)
    return `the name ${JSON.stringify(error.playerName)} cannot be used: ${error.problem}`;
  if (error instanceof ConnectionRefusedError) {
    if (error.reason === 'full') return `the match is full (${capacity} players)`;
    if (error.reason === 'authFailed') return 'the host refused this name; pick another one';
    return `the host refused to let us in (${error.reason})`;
  }
  if (error instanceof ConnectTimeoutError)
    return 'the host did not answer; check its SteamID and that it is hosting';
  if (error instanceof LobbyJoinError && error.response === ChatRoomEnterResponse.Full)
    return `the match is full (${capacity} players)`;
  if (error instanceof LobbyProtocolMismatchError)
    return 'the host runs another version of the game; both must run the same version';
  if (error instanceof NotAGameLobbyError) return 'that lobby is not an arena match';
  if (error instanceof LobbyHostGoneError) return 'the host left the lobby before we got in';
  return error instanceof Error ? error.message : String(error);
}
