/**
 * The errors of the lobby flow (`hostLobby`, `joinLobby`, `findLobbies`): each an {@link RpcError}
 * with a stable `code`, a sentence saying what to do, and the data needed to act. Steam's own refusals
 * pass through as the seam's errors (`LobbyJoinError` with its `response`, `LobbyCreateError`…).
 * @packageDocumentation
 */
import type { LobbyId, SteamId } from '@steamwire/transport-steam';
import { RpcError } from './errors.js';
import { describeDifferences, type ProtocolDifference, quoted } from './protocol-diff.js';

export type { ProtocolDifference };

/**
 * The lobby's host runs another protocol than this game (its fingerprint in the lobby data differs).
 * Raised before connecting, so nothing was sent to the host; the lobby was left again.
 */
export class LobbyProtocolMismatchError extends RpcError {
  /** The lobby. */
  readonly lobbyId: LobbyId;
  /** This game's protocol fingerprint. */
  readonly localFingerprint: string;
  /** The fingerprint the lobby's host published. */
  readonly lobbyFingerprint: string;
  /**
   * The entries that differ, when the host published its protocol's entries as well (it does when
   * they fit one lobby data value); `null` when only the fingerprints are known.
   */
  readonly differences: readonly ProtocolDifference[] | null;
  constructor(
    lobbyId: LobbyId,
    localFingerprint: string,
    lobbyFingerprint: string,
    differences: readonly ProtocolDifference[] | null,
  ) {
    const which =
      differences !== null && differences.length > 0
        ? ` Entries that differ: ${describeDifferences(differences)}.`
        : '';
    super(
      'LOBBY_PROTOCOL_MISMATCH',
      `Lobby ${lobbyId}'s host runs protocol ${quoted(lobbyFingerprint)} but this game runs ${localFingerprint}: update the older game so both build the same defineProtocol().${which}`,
    );
    this.lobbyId = lobbyId;
    this.localFingerprint = localFingerprint;
    this.lobbyFingerprint = lobbyFingerprint;
    this.differences = differences;
  }
}

/** The lobby carries no protocol fingerprint: it was not made by `hostLobby` (or by another game). */
export class NotAGameLobbyError extends RpcError {
  /** The lobby. */
  readonly lobbyId: LobbyId;
  constructor(lobbyId: LobbyId) {
    super(
      'LOBBY_NOT_A_GAME',
      `Lobby ${lobbyId} carries no Steamwire protocol fingerprint, so it is not a game this one can join: pick a lobby that hostLobby() created.`,
    );
    this.lobbyId = lobbyId;
  }
}

/** The lobby has no host to connect to: its owner left (or Steam made us the owner) before we connected. */
export class LobbyHostGoneError extends RpcError {
  /** The lobby. */
  readonly lobbyId: LobbyId;
  /** Who owns the lobby now (`null` when Steam does not say, e.g. we are no longer in it). */
  readonly owner: SteamId | null;
  constructor(lobbyId: LobbyId, owner: SteamId | null) {
    super(
      'LOBBY_HOST_GONE',
      `The host of lobby ${lobbyId} left before we connected${owner === null ? '' : ` (the owner is now ${owner})`}: find another lobby or host one.`,
    );
    this.lobbyId = lobbyId;
    this.owner = owner;
  }
}

/** Steam did not answer a lobby call (create, join, list) within `lobbyTimeoutMs`. */
export class LobbyTimeoutError extends RpcError {
  /** The Steam call, e.g. `'JoinLobby'`. */
  readonly call: string;
  /** The time waited, in milliseconds. */
  readonly timeoutMs: number;
  constructor(call: string, timeoutMs: number) {
    super(
      'LOBBY_TIMEOUT',
      `Steam did not answer ${call} within ${timeoutMs} ms: check that Steam is online, then try again.`,
    );
    this.call = call;
    this.timeoutMs = timeoutMs;
  }
}

/** A lobby step was aborted through its `AbortSignal`. */
export class LobbyAbortedError extends RpcError {
  /** The Steam call that was waited for, e.g. `'CreateLobby'`. */
  readonly call: string;
  constructor(call: string, reason?: unknown) {
    super('LOBBY_ABORTED', `Waiting for ${call} was aborted by its signal.`, { cause: reason });
    this.call = call;
  }
}

/** Steam refused to store the lobby's data right after creating it; the lobby was left again. */
export class LobbyDataRefusedError extends RpcError {
  /** The lobby. */
  readonly lobbyId: LobbyId;
  /** The key Steam refused. */
  readonly key: string;
  constructor(lobbyId: LobbyId, key: string) {
    super(
      'LOBBY_DATA_REFUSED',
      `Steam refused to set lobby data '${key}' on the new lobby ${lobbyId}: check that Steam is online, then host again.`,
    );
    this.lobbyId = lobbyId;
    this.key = key;
  }
}
