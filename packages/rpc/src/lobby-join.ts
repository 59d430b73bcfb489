/**
 * Joining a game through its Steam lobby: join the lobby, check the host's protocol fingerprint in the
 * lobby data before sending it anything, connect to the lobby's owner (the host), and say so with a
 * typed `hostLeft` event when the owner leaves the lobby (the rpc client then disconnects cleanly).
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type {
  Clock,
  Lobbies,
  LobbyDataUpdate,
  LobbyId,
  LobbyKicked,
  LobbyMemberChange,
  LobbyMemberChangeKind,
  SteamId,
  TypedEmitter,
} from '@steamwire/transport-steam';
import { type Client, type ConnectOptions, connectToHost } from './client.js';
import { ConnectAbortedError } from './errors.js';
import { LobbyHostGoneError, LobbyProtocolMismatchError, NotAGameLobbyError } from './lobby-errors.js';
import {
  checkLobbies,
  checkLobbyId,
  checkProtocol,
  checkSameUser,
  type LobbyWaitOptions,
  lobbyWait,
} from './lobby-options.js';
import { LOBBY_FINGERPRINT_KEY, LOBBY_PROTOCOL_KEY, protocolDifferences } from './lobby-protocol.js';
import { pumpWhile, type SteamWait } from './lobby-wait.js';
import type { Protocol } from './protocol.js';

/**
 * How long a joiner waits for a lobby's fingerprint that is not there yet: Steam sends lobby data
 * batched after a short delay, so a friend who joins the very moment the lobby is created may get in
 * before it.
 */
export const LOBBY_DATA_WAIT_MS = 2000;

/** What {@link LobbyClientEvents.hostLeft} tells. */
export interface HostLeft {
  readonly lobbyId: LobbyId;
  /** The host we were connected to (the lobby's owner when we joined). */
  readonly previousOwner: SteamId;
  /**
   * Whom Steam made the owner: the member a new host would be (us, when it is our own id); `null` when
   * Steam does not say (we are no longer in the lobby).
   */
  readonly newOwner: SteamId | null;
  /** How the host went: left, disconnected, kicked, banned, or handed the lobby over (`ownerChanged`). */
  readonly change: LobbyMemberChangeKind | 'ownerChanged';
}

/** Events of a {@link LobbyClient}, fired from the session's callback pump (the client's `update()`). */
export type LobbyClientEvents = {
  /** The host is no longer the lobby's owner; the rpc client is disconnected right after. Fired once. */
  hostLeft: (info: HostLeft) => void;
  /** Steam removed us from the lobby (`adminId` did); the rpc client was disconnected. */
  removedFromLobby: (adminId: SteamId) => void;
};

/** Options of {@link joinLobby}: the lobby, and every `connectToHost` option but `host` (the lobby's owner is). */
export interface JoinLobbyOptions<P extends Protocol>
  extends Omit<ConnectOptions<P>, 'host'>,
    Omit<LobbyWaitOptions, 'clock' | 'signal'> {
  /** The Steam session's lobbies (`session.lobbies`, or a fake peer's `lobbies`). */
  lobbies: Lobbies;
  /** The lobby to join: from an invite, `+connect_lobby`, {@link findLobbies}, or typed by a player. */
  lobbyId: LobbyId;
}

/**
 * A client in a lobby's game: the rpc client connected to the lobby's owner, and the lobby around it.
 * Get one from {@link joinLobby}. Once the rpc client has disconnected (e.g. the host's goodbye came
 * first), it pumps Steam's callbacks itself every `pollMs` so `hostLeft` still arrives, until that
 * event, the removal, or {@link LobbyClient.leave}.
 */
export class LobbyClient<P extends Protocol> {
  /** The rpc client, connected to {@link LobbyClient.owner}. */
  readonly client: Client<P>;
  /** The lobby's SteamID. */
  readonly lobbyId: LobbyId;
  /** The host: the lobby's owner when we joined. */
  readonly owner: SteamId;
  /** Lobby events (see {@link LobbyClientEvents}). */
  readonly events: TypedEmitter<LobbyClientEvents> =
    new EventEmitter() as unknown as TypedEmitter<LobbyClientEvents>;
  private hostGone = false;
  private left = false;
  private pumping: ReturnType<Clock['setInterval']> | undefined;

  /** @internal Use {@link joinLobby}. */
  constructor(
    private readonly lobbies: Lobbies,
    client: Client<P>,
    lobbyId: LobbyId,
    owner: SteamId,
    /** How to keep Steam's callbacks pumped once the rpc client no longer does. */
    private readonly wait: { readonly pump: () => void; readonly clock: Clock; readonly pollMs: number },
  ) {
    this.client = client;
    this.lobbyId = lobbyId;
    this.owner = owner;
    lobbies.on('lobbyMemberChange', this.onMemberChange);
    lobbies.on('lobbyDataUpdate', this.onDataUpdate);
    lobbies.on('lobbyKicked', this.onKicked);
    // The rpc client's update() pumps Steam's callbacks only while it is connected. When the host's
    // goodbye comes first (it closed), the lobby news of its leaving still has to reach us.
    client.events.on('disconnected', this.onDisconnected);
  }

  /** The lobby's members, us included, in Steam's order; empty once we left. */
  get members(): SteamId[] {
    return this.left ? [] : this.lobbies.getLobbyMembers(this.lobbyId);
  }

  /** Disconnects from the host (with a goodbye) and leaves the lobby. Safe to call twice. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.unsubscribe();
    this.client.disconnect();
    this.lobbies.leaveLobby(this.lobbyId);
  }

  private unsubscribe(): void {
    this.lobbies.off('lobbyMemberChange', this.onMemberChange);
    this.lobbies.off('lobbyDataUpdate', this.onDataUpdate);
    this.lobbies.off('lobbyKicked', this.onKicked);
    this.client.events.off('disconnected', this.onDisconnected);
    this.stopPumping();
  }

  private readonly onDisconnected = (): void => {
    if (this.left || this.hostGone || this.pumping !== undefined) return;
    this.pumping = this.wait.clock.setInterval(() => {
      try {
        this.wait.pump();
      } catch {
        // Steam shut down: no lobby news will come any more.
        this.stopPumping();
      }
    }, this.wait.pollMs);
  };

  private stopPumping(): void {
    if (this.pumping !== undefined) this.wait.clock.clearInterval(this.pumping);
    this.pumping = undefined;
  }

  private readonly onMemberChange = (change: LobbyMemberChange): void => {
    if (change.lobbyId !== this.lobbyId || change.userId !== this.owner || change.change === 'entered')
      return;
    this.lostHost(change.change);
  };

  // Steam sends no owner-changed event: a hand-over (`SetLobbyOwner`) shows as a data update.
  private readonly onDataUpdate = (update: LobbyDataUpdate): void => {
    if (update.lobbyId !== this.lobbyId || update.memberId !== null) return;
    const owner = this.lobbies.getLobbyOwner(this.lobbyId);
    if (owner !== null && owner !== this.owner) this.lostHost('ownerChanged');
  };

  private readonly onKicked = (kicked: LobbyKicked): void => {
    if (kicked.lobbyId !== this.lobbyId) return;
    this.left = true;
    this.unsubscribe();
    this.client.disconnect();
    this.events.emit('removedFromLobby', kicked.adminId);
  };

  private lostHost(change: HostLeft['change']): void {
    if (this.hostGone) return;
    this.hostGone = true;
    this.stopPumping();
    const newOwner = this.lobbies.getLobbyOwner(this.lobbyId);
    // Told first, so the game reads why before the disconnect it is about to see. Host migration
    // would start here; until then the game ends cleanly for this client.
    this.events.emit('hostLeft', { lobbyId: this.lobbyId, previousOwner: this.owner, newOwner, change });
    this.client.disconnect();
  }
}

/**
 * Checks the lobby's fingerprint against `protocol`: nothing when they match; the typed error when
 * they differ, or (if `missing` says so) when the lobby has none.
 */
function fingerprintProblem(
  lobbies: Lobbies,
  lobbyId: LobbyId,
  protocol: Protocol,
  missing: boolean,
): Error | null {
  const published = lobbies.getLobbyData(lobbyId, LOBBY_FINGERPRINT_KEY);
  if (published === '') return missing ? new NotAGameLobbyError(lobbyId) : null;
  if (published === protocol.fingerprint) return null;
  const differences = protocolDifferences(protocol, lobbies.getLobbyData(lobbyId, LOBBY_PROTOCOL_KEY));
  return new LobbyProtocolMismatchError(lobbyId, protocol.fingerprint, published, differences);
}

/** Resolves once the lobby's fingerprint is readable (rejects with `NotAGameLobbyError` after a while). */
function fingerprintArrived(lobbies: Lobbies, lobbyId: LobbyId, wait: SteamWait): Promise<void> {
  if (lobbies.getLobbyData(lobbyId, LOBBY_FINGERPRINT_KEY) !== '') return Promise.resolve();
  let listener: ((update: LobbyDataUpdate) => void) | undefined;
  const arrived = new Promise<void>((resolve) => {
    listener = (update) => {
      if (update.lobbyId === lobbyId && lobbies.getLobbyData(lobbyId, LOBBY_FINGERPRINT_KEY) !== '')
        resolve();
    };
    lobbies.on('lobbyDataUpdate', listener);
  });
  return pumpWhile(arrived, wait, undefined, () => ({ error: new NotAGameLobbyError(lobbyId) })).finally(
    () => {
      if (listener !== undefined) lobbies.off('lobbyDataUpdate', listener);
    },
  );
}

/**
 * Joins a game through its lobby: joins the lobby (Steam's answer, e.g. `Full`, rejects as the seam's
 * `LobbyJoinError`), checks the protocol fingerprint the host published against `protocol` before
 * sending the host anything, then connects to the lobby's owner with `connectToHost`. If the owner
 * leaves while we connect, connecting stops with `LobbyHostGoneError`. On any failure after joining,
 * the lobby is left again. Pumps Steam's callbacks while it waits.
 * @throws (rejects with) RpcArgumentError for a bad option (before Steam is asked anything);
 *   `LobbyJoinError`, `LobbyProtocolMismatchError`, `NotAGameLobbyError`, `LobbyHostGoneError`,
 *   `LobbyTimeoutError`, `LobbyAbortedError`, or what `connectToHost` rejects with.
 */
export async function joinLobby<P extends Protocol>(options: JoinLobbyOptions<P>): Promise<LobbyClient<P>> {
  const lobbies = checkLobbies(options?.lobbies);
  const network = checkSameUser(options.network, lobbies);
  const protocol = checkProtocol(options.protocol);
  const lobbyId = checkLobbyId(options.lobbyId);
  const waits = lobbyWait(options, lobbies, network);
  const { lobbies: _lobbies, lobbyId: _lobbyId, lobbyTimeoutMs, pollMs: _pollMs, ...connect } = options;
  // A search may have told us the lobby's data already: then a mismatch is refused without joining.
  const early = fingerprintProblem(lobbies, lobbyId, protocol, false);
  if (early !== null) throw early;
  await pumpWhile(lobbies.joinLobby(lobbyId), waits.for('JoinLobby'), () => lobbies.leaveLobby(lobbyId));
  const self = lobbies.localSteamId;
  let owner: SteamId | null = null;
  const hostLeft = new AbortController();
  const watch = (change: LobbyMemberChange) => {
    if (change.lobbyId === lobbyId && change.userId === owner && change.change !== 'entered')
      hostLeft.abort();
  };
  try {
    const dataWaitMs = Math.min(lobbyTimeoutMs ?? LOBBY_DATA_WAIT_MS, LOBBY_DATA_WAIT_MS);
    await fingerprintArrived(lobbies, lobbyId, waits.for('LobbyData', dataWaitMs));
    const problem = fingerprintProblem(lobbies, lobbyId, protocol, true);
    if (problem !== null) throw problem;
    owner = lobbies.getLobbyOwner(lobbyId);
    if (owner === null || owner === self) throw new LobbyHostGoneError(lobbyId, owner);
    lobbies.on('lobbyMemberChange', watch);
    const signal =
      connect.signal === undefined ? hostLeft.signal : AbortSignal.any([connect.signal, hostLeft.signal]);
    let client: Client<P>;
    try {
      client = await connectToHost<P>({ ...connect, host: owner, signal });
    } catch (error) {
      if (error instanceof ConnectAbortedError && hostLeft.signal.aborted)
        throw new LobbyHostGoneError(lobbyId, lobbies.getLobbyOwner(lobbyId));
      throw error;
    }
    if (hostLeft.signal.aborted) {
      client.disconnect();
      throw new LobbyHostGoneError(lobbyId, lobbies.getLobbyOwner(lobbyId));
    }
    return new LobbyClient(lobbies, client, lobbyId, owner, waits.for('LobbyEvents'));
  } catch (error) {
    lobbies.leaveLobby(lobbyId);
    throw error;
  } finally {
    lobbies.off('lobbyMemberChange', watch);
  }
}
