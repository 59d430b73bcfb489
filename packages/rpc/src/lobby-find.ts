/**
 * Finding a lobby to join: a search that lists only lobbies of this game's protocol, and the ways
 * Steam tells a game which lobby its player chose: an accepted invite or "Join Game" while running
 * (`gameLobbyJoinRequested`), `+connect_lobby <id>` when Steam launched it, or a relaunch while running.
 * @packageDocumentation
 */
import {
  connectLobbyFromCommandLine,
  type Friends,
  type Lobbies,
  type LobbyId,
  type LobbyListFilters,
  type SteamId,
} from '@steamwire/transport-steam';
import { RpcArgumentError } from './errors.js';
import {
  checkFriendsObject,
  checkLobbies,
  checkProtocol,
  type LobbyWaitOptions,
  lobbyWait,
} from './lobby-options.js';
import { LOBBY_FINGERPRINT_KEY, LOBBY_KEY_PREFIX } from './lobby-protocol.js';
import { pumpWhile } from './lobby-wait.js';
import type { Protocol } from './protocol.js';

/** Options of {@link findLobbies}. */
export interface FindLobbiesOptions extends LobbyWaitOptions {
  /** The Steam session's lobbies. */
  lobbies: Lobbies;
  /** Only lobbies whose host runs this protocol are listed (a filter on its fingerprint). */
  protocol: Protocol;
  /**
   * More filters (the game's own data, free slots, distance…). Steam's default distance lists only
   * nearby regions: pass `distance: LobbyDistanceFilter.Worldwide` to see every lobby.
   */
  filters?: LobbyListFilters;
}

/** A lobby {@link findLobbies} listed. */
export interface FoundLobby {
  readonly lobbyId: LobbyId;
  /** Members now (the host included). */
  readonly members: number;
  /** The member limit (0 when Steam does not say). */
  readonly memberLimit: number;
  /** The game's lobby data (the flow's own `steamwire.` keys left out). Written by the host: validate before trusting it. */
  readonly data: ReadonlyMap<string, string>;
}

/**
 * Lists the joinable lobbies of this game's protocol (Steam lists only public and invisible lobbies
 * that are not full; friends-only lobbies are joined by invite). Nearest first, as Steam sorts them.
 * @throws (rejects with) RpcArgumentError for a bad option; the seam's `SteamCallCancelledError` when
 *   a newer search replaced this one; `LobbyTimeoutError`, `LobbyAbortedError`.
 */
export async function findLobbies(options: FindLobbiesOptions): Promise<FoundLobby[]> {
  const lobbies = checkLobbies(options?.lobbies);
  const protocol = checkProtocol(options.protocol);
  const filters = options.filters ?? {};
  if (typeof filters !== 'object' || filters === null) {
    throw new RpcArgumentError('filters', 'filters must be LobbyListFilters (an object).');
  }
  const waits = lobbyWait(options, lobbies, undefined);
  const request = lobbies.requestLobbyList({
    ...filters,
    stringFilters: [
      ...(filters.stringFilters ?? []),
      { key: LOBBY_FINGERPRINT_KEY, value: protocol.fingerprint },
    ],
  });
  const ids = await pumpWhile(request, waits.for('RequestLobbyList'));
  return ids.map((lobbyId) => {
    const data = new Map<string, string>();
    for (const [key, value] of lobbies.getAllLobbyData(lobbyId)) {
      if (!key.startsWith(LOBBY_KEY_PREFIX)) data.set(key, value);
    }
    return {
      lobbyId,
      members: lobbies.getNumLobbyMembers(lobbyId),
      memberLimit: lobbies.getLobbyMemberLimit(lobbyId),
      data,
    };
  });
}

/** A lobby the player chose to join outside the game: what {@link onLobbyJoinRequest} and {@link launchLobbyRequest} give. */
export interface LobbyJoinRequest {
  readonly lobbyId: LobbyId;
  /**
   * How: an accepted invite or "Join Game" while running (`invite`), `+connect_lobby` when Steam
   * launched the game (`launch`), or Steam launching the running game again with one (`relaunch`).
   */
  readonly source: 'invite' | 'launch' | 'relaunch';
  /** The friend it came through (the inviter, or the friend joined), when Steam says. */
  readonly friendId: SteamId | null;
}

/**
 * The lobby Steam launched the game to join (`+connect_lobby <id>` on the process's command line or
 * in Steam's launch command line), or `null`. Check it once at start-up.
 */
export function launchLobbyRequest(friends: Friends): LobbyJoinRequest | null {
  const lobbyId = checkFriendsObject(friends).getLaunchLobby();
  return lobbyId === null ? null : { lobbyId, source: 'launch', friendId: null };
}

/**
 * Calls `handler` each time the player chooses a lobby in Steam while the game runs: an accepted
 * invite or "Join Game" on a friend (`gameLobbyJoinRequested`), or a relaunch with `+connect_lobby`.
 * Events come from the session's callback pump (a host's or client's `update()` pumps it).
 * @returns a function that stops listening.
 */
export function onLobbyJoinRequest(
  friends: Friends,
  handler: (request: LobbyJoinRequest) => void,
): () => void {
  const f = checkFriendsObject(friends);
  if (typeof handler !== 'function') throw new RpcArgumentError('handler', 'handler must be a function.');
  const onInvite = (request: { lobbyId: LobbyId; friendId: SteamId }) =>
    handler({ lobbyId: request.lobbyId, source: 'invite', friendId: request.friendId });
  // The process's own argv still holds the lobby it was first launched with: read Steam's new line only.
  const onRelaunch = () => {
    const lobbyId = connectLobbyFromCommandLine(f.getLaunchCommandLine());
    if (lobbyId !== null) handler({ lobbyId, source: 'relaunch', friendId: null });
  };
  f.on('gameLobbyJoinRequested', onInvite);
  f.on('newLaunchParameters', onRelaunch);
  return () => {
    f.off('gameLobbyJoinRequested', onInvite);
    f.off('newLaunchParameters', onRelaunch);
  };
}
