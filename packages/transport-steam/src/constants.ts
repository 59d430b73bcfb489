/**
 * Steam's numbers the binding needs: callback ids, send flags, result codes (STEAM_API.md §5–6).
 * Internal: users see the seam's `P2PSend`/`P2PSessionError` instead.
 * @packageDocumentation
 */

/** Callback ids (`k_iSteam…Callbacks` base + offset, steam_api_internal.h). */
export const CallbackId = {
  /** `SteamAPICallCompleted_t` (k_iSteamUtilsCallbacks 700 + 3): a call result is ready. */
  SteamAPICallCompleted: 703,
  /** `P2PSessionRequest_t` (k_iSteamNetworkingCallbacks 1200 + 2). */
  P2PSessionRequest: 1202,
  /** `P2PSessionConnectFail_t` (1200 + 3). */
  P2PSessionConnectFail: 1203,
  /** `SteamNetworkingMessagesSessionRequest_t` (k_iSteamNetworkingMessagesCallbacks 1250 + 1). */
  MessagesSessionRequest: 1251,
  /** `SteamNetworkingMessagesSessionFailed_t` (1250 + 2). */
  MessagesSessionFailed: 1252,
  /** `SteamNetConnectionStatusChangedCallback_t` (k_iSteamNetworkingSocketsCallbacks 1220 + 1). */
  ConnectionStatusChanged: 1221,
  /** `SteamNetAuthenticationStatus_t` (1220 + 2). */
  AuthenticationStatusChanged: 1222,
  /** `SteamRelayNetworkStatus_t` (k_iSteamNetworkingUtilsCallbacks 1280 + 1). */
  RelayNetworkStatusChanged: 1281,
} as const;

/** `k_nSteamNetworkingSend_*` flags (steamnetworkingtypes.h). */
export const SendFlag = {
  Unreliable: 0,
  NoNagle: 1,
  NoDelay: 4,
  UnreliableNoDelay: 5,
  Reliable: 8,
  ReliableNoNagle: 9,
  /** Restart a session that broke instead of failing the send with `NoConnection`. */
  AutoRestartBrokenSession: 32,
} as const;

/** The `EResult` values a Messages send can return (steamclientpublic.h). */
export const EResult = {
  OK: 1,
  Fail: 2,
  NoConnection: 3,
  InvalidParam: 8,
  InvalidState: 11,
  InvalidSteamID: 19,
  LimitExceeded: 25,
  ConnectFailed: 35,
  Ignored: 41,
} as const;

/** `ESteamAPIInitResult` (steam_api.h). */
export const InitResult = {
  OK: 0,
  FailedGeneric: 1,
  NoSteamClient: 2,
  VersionMismatch: 3,
} as const;

/** `ESteamNetworkingConnectionState` (steamnetworkingtypes.h). */
export const ConnectionState = {
  None: 0,
  Connecting: 1,
  FindingRoute: 2,
  Connected: 3,
  ClosedByPeer: 4,
  ProblemDetectedLocally: 5,
} as const;

/** `k_ESteamNetworkingIdentityType_SteamID`: the identity holds a SteamID64 (8 bytes). */
export const IDENTITY_TYPE_STEAMID = 16;
/** Size of `SteamNetworkingIdentity`. */
export const IDENTITY_BYTES = 136;
/** Size of `SteamErrMsg` (`k_cchMaxSteamErrMsg`). */
export const STEAM_ERR_MSG_BYTES = 1024;
/** `k_nSteamNetworkConnectionInfoFlags_Relayed`: the connection goes through Valve's relays. */
export const CONNECTION_FLAG_RELAYED = 16;
/** `k_ESteamNetConnectionEnd_Local_Rights`: the local user may not use this app. */
export const END_REASON_LOCAL_RIGHTS = 3005;
