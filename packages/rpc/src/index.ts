/**
 * `@steamwire/rpc`: typed messages and requests over Steam P2P. Declare a protocol once with
 * `defineProtocol`; `createHost` and `connectToHost` give typed, validated, batched, authoritative
 * sessions over any `P2PNetworking` (real Steam or the testkit's fake).
 * @packageDocumentation
 */

export type { CallOptions } from './call-table.js';
export { Client, type ClientEvents, type ClientState, type ConnectOptions, connectToHost } from './client.js';
export type { EndpointDebugState } from './debug-state.js';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode-limits.js';
export {
  CLIENT_RATE_LIMITS,
  defaultViolationPolicy,
  HOST_RATE_LIMITS,
  type RateLimitOptions,
  type RejectReason,
  RejectReasons,
  type ViolationInfo,
  type ViolationPolicy,
} from './enforce.js';
export * from './errors.js';
export type { CommonEvents, DisconnectReason } from './events.js';
export { type ForgedPacket, forgeMessagePacket } from './forge.js';
export {
  createHost,
  Host,
  type HostEvents,
  type HostOptions,
  type KickOptions,
  type RefuseReason,
} from './host.js';
export {
  DEFAULT_LEAVE_GRACE_MS,
  DEFAULT_LOBBY_POLL_MS,
  DEFAULT_LOBBY_TIMEOUT_MS,
  type FindLobbiesOptions,
  type FoundLobby,
  findLobbies,
  HostedLobby,
  type HostedLobbyEvents,
  type HostLeft,
  type HostLobbyOptions,
  hostLobby,
  type JoinLobbyOptions,
  joinLobby,
  LEFT_LOBBY_KICK_CODE,
  LOBBY_DATA_WAIT_MS,
  LOBBY_FINGERPRINT_KEY,
  LOBBY_KEY_PREFIX,
  LOBBY_PROTOCOL_KEY,
  LobbyAbortedError,
  LobbyClient,
  type LobbyClientEvents,
  LobbyDataRefusedError,
  type LobbyHost,
  LobbyHostGoneError,
  type LobbyJoinRequest,
  LobbyProtocolMismatchError,
  LobbyTimeoutError,
  type LobbyWaitOptions,
  launchLobbyRequest,
  NotAGameLobbyError,
  type OpenLobbyOptions,
  onLobbyJoinRequest,
  openLobby,
  type ProtocolDifference,
} from './lobby.js';
export {
  DEFAULT_CONTROL_CHANNEL,
  DEFAULT_ENFORCEMENT_MEMORY_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_WORK_PER_UPDATE,
  type EndpointOptions,
} from './options.js';
export {
  type AnyDefinition,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type Direction,
  defineProtocol,
  type MessageDef,
  type MessageOptions,
  message,
  type Protocol,
  type ProtocolDefinitions,
  type ProtocolEntry,
  type ProtocolOptions,
  type RequestDef,
  type RequestOptions,
  request,
  SEND_TYPES,
  type SendTypeName,
  type TypeOnlySchema,
  typed,
} from './protocol.js';
export type { MessageTrafficStats, PeerStats, TrafficStats } from './stats.js';
export type {
  AnyProtocol,
  CallableName,
  CallableRequests,
  DefinitionsOf,
  FromOf,
  HandledName,
  HandledRequests,
  InferMessage,
  InferMessageInput,
  InferRequest,
  InferRequestInput,
  InferResponse,
  InferResponseInput,
  MaySend,
  MessageHandlers,
  MessageInputs,
  MessageNames,
  OtherSide,
  ReceivableMessages,
  ReceivableName,
  RequestHandlers,
  RequestInputs,
  RequestNames,
  Responses,
  SendableMessages,
  SendableName,
  Side,
} from './types.js';
export type { WireChecked, WireProblem, WireValue } from './wire-value.js';
