/**
 * Steam's numbers for `ISteamNetworkingSockets` and `ISteamNetworkingUtils` (SDK 1.62
 * steamnetworkingtypes.h; STEAM_API.md §15), as const objects, with the names the typed Sockets API
 * uses. Part of the seam: no native code, so fakes and games can use them without the binding.
 * @packageDocumentation
 */

/** `ESteamNetworkingConnectionState` numbers (the internal negative states never reach the API). */
export const NetConnectionStateNumber = {
  none: 0,
  connecting: 1,
  findingRoute: 2,
  connected: 3,
  closedByPeer: 4,
  problemDetectedLocally: 5,
} as const;

/** A connection's state, by name: Steam's `ESteamNetworkingConnectionState`. */
export type NetConnectionState = keyof typeof NetConnectionStateNumber;

const STATE_NAMES: readonly NetConnectionState[] = [
  'none',
  'connecting',
  'findingRoute',
  'connected',
  'closedByPeer',
  'problemDetectedLocally',
];

/** The name of an `ESteamNetworkingConnectionState` number; unknown numbers read as `'none'`. */
export function netConnectionStateName(state: number): NetConnectionState {
  return STATE_NAMES[state] ?? 'none';
}

/**
 * `ESteamNetConnectionEnd`: why a connection ended. 1000–1999 and 2000–2999 are the application's
 * own codes (normal and "exceptional" ends); the rest are Steam's (STEAM_API.md §15.6).
 */
export const NetConnectionEnd = {
  Invalid: 0,
  App_Generic: 1000,
  App_Max: 1999,
  AppException_Generic: 2000,
  AppException_Max: 2999,
  Local_OfflineMode: 3001,
  Local_ManyRelayConnectivity: 3002,
  Local_HostedServerPrimaryRelay: 3003,
  Local_NetworkConfig: 3004,
  Local_Rights: 3005,
  Local_P2P_ICE_NoPublicAddresses: 3006,
  Remote_Timeout: 4001,
  Remote_BadCrypt: 4002,
  Remote_BadCert: 4003,
  Remote_BadProtocolVersion: 4006,
  Remote_P2P_ICE_NoPublicAddresses: 4007,
  Misc_Generic: 5001,
  Misc_InternalError: 5002,
  Misc_Timeout: 5003,
  Misc_SteamConnectivity: 5005,
  Misc_NoRelaySessionsToClient: 5006,
  Misc_P2P_Rendezvous: 5008,
  Misc_P2P_NAT_Firewall: 5009,
  Misc_PeerSentNoConnection: 5010,
} as const;

/** A name for an end reason: one of {@link NetConnectionEnd}'s, or `App`/`AppException` for the application's ranges. */
export type NetConnectionEndName = keyof typeof NetConnectionEnd | 'App' | 'AppException';

const END_NAMES = new Map<number, keyof typeof NetConnectionEnd>(
  Object.entries(NetConnectionEnd).map(([name, code]) => [code, name as keyof typeof NetConnectionEnd]),
);

/** The name of an end reason, or `null` for a number Steam does not define. */
export function netConnectionEndName(code: number): NetConnectionEndName | null {
  const exact = END_NAMES.get(code);
  if (exact !== undefined) return exact;
  if (code >= 1000 && code <= 1999) return 'App';
  if (code >= 2000 && code <= 2999) return 'AppException';
  return null;
}

/**
 * `k_nSteamNetworkingSend_*` flags. Combine with `|`. `NoDelay` is invalid on reliable sends;
 * `AutoRestartBrokenSession` is for `ISteamNetworkingMessages` only.
 */
export const SendFlags = {
  Unreliable: 0,
  NoNagle: 1,
  /** The migration equivalent of legacy `k_EP2PSendUnreliable`. */
  UnreliableNoNagle: 1,
  NoDelay: 4,
  /** The migration equivalent of legacy `k_EP2PSendUnreliableNoDelay`; a dropped send returns `ignored`. */
  UnreliableNoDelay: 5,
  /** Reliable, with Nagle (waits up to `NagleTime`, 5 ms by default): legacy `ReliableWithBuffering`. */
  Reliable: 8,
  /** The migration equivalent of legacy `k_EP2PSendReliable`. */
  ReliableNoNagle: 9,
  UseCurrentThread: 16,
  AutoRestartBrokenSession: 32,
} as const;

/** Largest message `ISteamNetworkingSockets` sends, reliable or not (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`). */
export const SOCKETS_MAX_MESSAGE_BYTES = 512 * 1024;
/** Steam sends unreliable messages larger than this reliably (Valve's open-source snp.h). */
export const SOCKETS_UNRELIABLE_UPGRADE_BYTES = 16_500;
/** Most lanes a connection can have on Steam; more than 8 is "a lot" (isteamnetworkingsockets.h). */
export const SOCKETS_MAX_LANES = 255;
/** `TimeoutInitial` / `TimeoutConnected` defaults (ms): a connection that gets no answer ends after this. */
export const SOCKETS_CONNECT_TIMEOUT_MS = 10_000;

/** `ESteamNetworkingAvailability` numbers. */
export const AvailabilityNumber = {
  cannotTry: -102,
  failed: -101,
  previously: -100,
  retrying: -10,
  unknown: 0,
  neverTried: 1,
  waiting: 2,
  attempting: 3,
  current: 100,
} as const;

/** Whether a Steam networking service (relays, certificates) is usable: `current` means ready. */
export type Availability = keyof typeof AvailabilityNumber;

const AVAILABILITY = new Map<number, Availability>(
  Object.entries(AvailabilityNumber).map(([name, code]) => [code, name as Availability]),
);

/** The name of an `ESteamNetworkingAvailability` number; unknown numbers read as `'unknown'`. */
export function availabilityName(code: number): Availability {
  return AVAILABILITY.get(code) ?? 'unknown';
}

/** The `EResult` numbers the Sockets API returns, by name. */
export const SteamResultNumber = {
  ok: 1,
  fail: 2,
  noConnection: 3,
  invalidParam: 8,
  invalidState: 11,
  timeout: 16,
  limitExceeded: 25,
  duplicateRequest: 29,
  connectFailed: 35,
  handshakeFailed: 36,
  ignored: 41,
} as const;

/** A Steam `EResult` by name; `'unknown'` for a number not in {@link SteamResultNumber}. */
export type SteamResult = keyof typeof SteamResultNumber | 'unknown';

const RESULTS = new Map<number, SteamResult>(
  Object.entries(SteamResultNumber).map(([name, code]) => [code, name as SteamResult]),
);

/** The name of an `EResult` number. */
export function steamResultName(code: number): SteamResult {
  return RESULTS.get(code) ?? 'unknown';
}

/** The data type of a configuration value (`ESteamNetworkingConfigDataType`). */
export type ConfigDataType = 'int32' | 'int64' | 'float' | 'string' | 'ptr';

/** Where a value may be set: `global` only, or per `connection` (and every scope that feeds one). */
export type ConfigValueScope = 'global' | 'connection';

/** One entry of {@link CONFIG_VALUES}. */
export interface ConfigValueDef<
  T extends ConfigDataType = ConfigDataType,
  S extends ConfigValueScope = ConfigValueScope,
> {
  /** The `ESteamNetworkingConfigValue` number. */
  readonly id: number;
  readonly type: T;
  readonly scope: S;
}

const def = <T extends ConfigDataType, S extends ConfigValueScope>(
  id: number,
  type: T,
  scope: S,
): ConfigValueDef<T, S> => Object.freeze({ id, type, scope });

/**
 * The configuration values (`ESteamNetworkingConfigValue`) a P2P game meets, by Steam's name (without
 * the `k_ESteamNetworkingConfig_` prefix): id, data type and scope (STEAM_API.md §15.12). The fake
 * network settings (`FakePacketLoss_*`, `FakePacketLag_*`, ...) are global and act on real Steam too,
 * which is how a game is tested under bad conditions.
 */
export const CONFIG_VALUES = {
  FakePacketLoss_Send: def(2, 'float', 'global'),
  FakePacketLoss_Recv: def(3, 'float', 'global'),
  FakePacketLag_Send: def(4, 'int32', 'global'),
  FakePacketLag_Recv: def(5, 'int32', 'global'),
  FakePacketReorder_Send: def(6, 'float', 'global'),
  FakePacketReorder_Recv: def(7, 'float', 'global'),
  FakePacketReorder_Time: def(8, 'int32', 'global'),
  SendBufferSize: def(9, 'int32', 'connection'),
  SendRateMin: def(10, 'int32', 'connection'),
  SendRateMax: def(11, 'int32', 'connection'),
  NagleTime: def(12, 'int32', 'connection'),
  LogLevel_AckRTT: def(13, 'int32', 'connection'),
  LogLevel_PacketDecode: def(14, 'int32', 'connection'),
  LogLevel_Message: def(15, 'int32', 'connection'),
  LogLevel_PacketGaps: def(16, 'int32', 'connection'),
  LogLevel_P2PRendezvous: def(17, 'int32', 'connection'),
  LogLevel_SDRRelayPings: def(18, 'int32', 'global'),
  IP_AllowWithoutAuth: def(23, 'int32', 'connection'),
  TimeoutInitial: def(24, 'int32', 'connection'),
  TimeoutConnected: def(25, 'int32', 'connection'),
  FakePacketDup_Send: def(26, 'float', 'global'),
  FakePacketDup_Recv: def(27, 'float', 'global'),
  FakePacketDup_TimeMax: def(28, 'int32', 'global'),
  MTU_PacketSize: def(32, 'int32', 'connection'),
  MTU_DataSize: def(33, 'int32', 'connection'),
  Unencrypted: def(34, 'int32', 'connection'),
  SymmetricConnect: def(37, 'int32', 'connection'),
  LocalVirtualPort: def(38, 'int32', 'connection'),
  DualWifi_Enable: def(39, 'int32', 'connection'),
  ConnectionUserData: def(40, 'int64', 'connection'),
  PacketTraceMaxBytes: def(41, 'int32', 'global'),
  FakeRateLimit_Send_Rate: def(42, 'int32', 'global'),
  FakeRateLimit_Send_Burst: def(43, 'int32', 'global'),
  FakeRateLimit_Recv_Rate: def(44, 'int32', 'global'),
  FakeRateLimit_Recv_Burst: def(45, 'int32', 'global'),
  EnableDiagnosticsUI: def(46, 'int32', 'connection'),
  RecvBufferSize: def(47, 'int32', 'connection'),
  RecvBufferMessages: def(48, 'int32', 'connection'),
  RecvMaxMessageSize: def(49, 'int32', 'connection'),
  RecvMaxSegmentsPerPacket: def(50, 'int32', 'connection'),
  OutOfOrderCorrectionWindowMicroseconds: def(51, 'int32', 'global'),
  FakePacketJitter_Send_Avg: def(53, 'float', 'global'),
  FakePacketJitter_Send_Max: def(54, 'float', 'global'),
  FakePacketJitter_Send_Pct: def(55, 'float', 'global'),
  FakePacketJitter_Recv_Avg: def(56, 'float', 'global'),
  FakePacketJitter_Recv_Max: def(57, 'float', 'global'),
  FakePacketJitter_Recv_Pct: def(58, 'float', 'global'),
  SendTimeSincePreviousPacket: def(59, 'int32', 'connection'),
  P2P_STUN_ServerList: def(103, 'string', 'connection'),
  P2P_Transport_ICE_Enable: def(104, 'int32', 'connection'),
  P2P_Transport_ICE_Penalty: def(105, 'int32', 'connection'),
  P2P_Transport_SDR_Penalty: def(106, 'int32', 'connection'),
  P2P_TURN_ServerList: def(107, 'string', 'connection'),
  P2P_TURN_UserList: def(108, 'string', 'connection'),
  P2P_TURN_PassList: def(109, 'string', 'connection'),
  P2P_Transport_ICE_Implementation: def(110, 'int32', 'connection'),
  Callback_ConnectionStatusChanged: def(201, 'ptr', 'connection'),
  Callback_AuthStatusChanged: def(202, 'ptr', 'global'),
  Callback_RelayNetworkStatusChanged: def(203, 'ptr', 'global'),
  Callback_MessagesSessionRequest: def(204, 'ptr', 'global'),
  Callback_MessagesSessionFailed: def(205, 'ptr', 'global'),
  Callback_CreateConnectionSignaling: def(206, 'ptr', 'global'),
  Callback_FakeIPResult: def(207, 'ptr', 'global'),
} as const;
