/**
 * Errors of the lobby, friends and call-result APIs (`Lobbies`, `Friends`, Steam's async calls). Each is a {@link SteamwireError} with a stable `code` and the data needed to act on it.
 * @packageDocumentation
 */
import { SteamwireError } from './errors.js';
import type { ChatRoomEnterResponse, LobbyId } from './lobbies.js';

/**
 * Why Steam could not deliver an async call's result (Steam's `ESteamAPICallFailure`).
 * `None` (-1) is also used when Steam returned no call handle at all.
 */
export const SteamAPICallFailure = {
  None: -1,
  /** The local Steam process has gone away. */
  SteamGone: 0,
  /** The connection to Steam's servers broke (or was already broken). */
  NetworkFailure: 1,
  /** Steam does not know this call handle (it may have been consumed already). */
  InvalidHandle: 2,
  /** The result arrived with a different callback id than the call produces. */
  MismatchedCallback: 3,
} as const;
/** One of the {@link SteamAPICallFailure} numbers. */
export type SteamAPICallFailure = (typeof SteamAPICallFailure)[keyof typeof SteamAPICallFailure];

/** Which Steam limit a {@link SteamLimitError} is about. */
export type SteamLimitName =
  | 'lobbyMembers'
  | 'lobbyKeyBytes'
  | 'lobbyValueBytes'
  | 'lobbyChatBytes'
  | 'richPresenceKeys'
  | 'richPresenceKeyBytes'
  | 'richPresenceValueBytes'
  | 'connectStringBytes';

/** A value is over one of Steam's documented limits; nothing was sent to Steam. */
export class SteamLimitError extends SteamwireError {
  /** Which limit. */
  readonly limit: SteamLimitName;
  /** The largest allowed value. */
  readonly max: number;
  /** What was given. */
  readonly actual: number;
  constructor(limit: SteamLimitName, max: number, actual: number, what: string) {
    super('STEAM_LIMIT_EXCEEDED', `${what} is ${actual}, over Steam's limit of ${max}: make it smaller.`);
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}

/** Steam did not deliver an async call's result (`failure` says why). */
export class SteamCallFailedError extends SteamwireError {
  /** The Steam method whose result failed, e.g. `'CreateLobby'`. */
  readonly call: string;
  readonly failure: SteamAPICallFailure;
  constructor(call: string, failure: SteamAPICallFailure, detail?: string) {
    super(
      'STEAM_CALL_FAILED',
      `Steam could not complete ${call} (ESteamAPICallFailure ${failure}${detail ? `, ${detail}` : ''}): check that Steam is running and online, then try again.`,
    );
    this.call = call;
    this.failure = failure;
  }
}

/** Why a pending call was given up: the session shut down, or a newer call of the same kind replaced it. */
export type SteamCallCancelReason = 'shutdown' | 'superseded';

/** A pending async call will never settle: Steam was shut down, or a newer call superseded it. */
export class SteamCallCancelledError extends SteamwireError {
  /** The Steam method, e.g. `'RequestLobbyList'`. */
  readonly call: string;
  readonly reason: SteamCallCancelReason;
  constructor(call: string, reason: SteamCallCancelReason) {
    super(
      'STEAM_CALL_CANCELLED',
      reason === 'shutdown'
        ? `${call} was cancelled because Steam was shut down: initialise Steam again before retrying.`
        : `${call} was cancelled by a newer ${call} (Steam runs one at a time): use the newer call's result.`,
    );
    this.call = call;
    this.reason = reason;
  }
}

/** `createLobby` failed: Steam's `LobbyCreated_t` carried this `EResult`. */
export class LobbyCreateError extends SteamwireError {
  /** Steam's `EResult` (2 Fail, 3 NoConnection, 15 AccessDenied, 16 Timeout, 25 LimitExceeded…). */
  readonly result: number;
  constructor(result: number) {
    super(
      'LOBBY_CREATE_FAILED',
      `Steam could not create the lobby (EResult ${result}): ${createAdvice(result)}`,
    );
    this.result = result;
  }
}

function createAdvice(result: number): string {
  if (result === 15) return 'the app is not set up for lobbies on Steam; check its Steamworks settings.';
  if (result === 25) return 'too many lobbies were created recently; wait and try again.';
  if (result === 3 || result === 16) return 'Steam is offline or slow; check the connection and try again.';
  return 'try again later.';
}

/** `joinLobby` did not get in: `response` is Steam's `EChatRoomEnterResponse`. */
export class LobbyJoinError extends SteamwireError {
  readonly lobbyId: LobbyId;
  /** Why (2 gone, 3 not allowed or not joinable, 4 full, 6 banned…). */
  readonly response: ChatRoomEnterResponse;
  constructor(lobbyId: LobbyId, response: ChatRoomEnterResponse) {
    super('LOBBY_JOIN_FAILED', `Could not join lobby ${lobbyId}: ${joinAdvice(response)}`);
    this.lobbyId = lobbyId;
    this.response = response;
  }
}

function joinAdvice(response: number): string {
  switch (response) {
    case 2:
      return 'it no longer exists; search again.';
    case 3:
      return 'you are not allowed in (friends only, private, or closed to joiners); ask for an invite.';
    case 4:
      return 'it is full; try another lobby.';
    case 6:
      return 'you are banned from it.';
    case 15:
      return 'Steam is rate limiting joins; wait and try again.';
    default:
      return `Steam refused (EChatRoomEnterResponse ${response}); try again or pick another lobby.`;
  }
}
