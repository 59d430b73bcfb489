/**
 * The lobby flow's public surface: hosting through a Steam lobby (`hostLobby`, `openLobby`), finding
 * and joining one (`findLobbies`, `onLobbyJoinRequest`, `launchLobbyRequest`, `joinLobby`), and their
 * errors. Written against the seam's `Lobbies` and `Friends` only, so it runs on real Steam and on
 * both fakes alike.
 * @packageDocumentation
 */
export {
  LobbyAbortedError,
  LobbyDataRefusedError,
  LobbyHostGoneError,
  LobbyProtocolMismatchError,
  LobbyTimeoutError,
  NotAGameLobbyError,
  type ProtocolDifference,
} from './lobby-errors.js';
export {
  type FindLobbiesOptions,
  type FoundLobby,
  findLobbies,
  type LobbyJoinRequest,
  launchLobbyRequest,
  onLobbyJoinRequest,
} from './lobby-find.js';
export {
  HostedLobby,
  type HostedLobbyEvents,
  type HostLobbyOptions,
  hostLobby,
  LEFT_LOBBY_KICK_CODE,
  type LobbyHost,
  type OpenLobbyOptions,
  openLobby,
} from './lobby-host.js';
export {
  type HostLeft,
  type JoinLobbyOptions,
  joinLobby,
  LOBBY_DATA_WAIT_MS,
  LobbyClient,
  type LobbyClientEvents,
} from './lobby-join.js';
export {
  DEFAULT_LEAVE_GRACE_MS,
  DEFAULT_LOBBY_POLL_MS,
  DEFAULT_LOBBY_TIMEOUT_MS,
  type LobbyWaitOptions,
} from './lobby-options.js';
export { LOBBY_FINGERPRINT_KEY, LOBBY_KEY_PREFIX, LOBBY_PROTOCOL_KEY } from './lobby-protocol.js';
