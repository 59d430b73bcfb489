/**
 * The typed `ISteamNetworkingSockets` and `ISteamNetworkingUtils` APIs, as pure types: real
 * connections with states and end reasons, poll groups, lanes with priorities and weights, real-time
 * status, and the utilities a P2P game needs (relay access, configuration values including Steam's fake
 * lag and loss). The binding implements them over Valve's library (`session.sockets`,
 * `session.utils` from `@steamwire/transport-steam/steam`); a fake can implement the same interfaces.
 *
 * Conventions: handles are branded numbers (0 is never a valid handle); SteamIDs are `bigint`; Steam's
 * enums are string names (their numbers are in sockets-constants); events are delivered only from
 * `runCallbacks()`, never from native threads.
 * @packageDocumentation
 */
import type { TypedEmitter } from './p2p.js';
import type {
  Availability,
  CONFIG_VALUES,
  ConfigDataType,
  ConfigValueScope,
  NetConnectionEndName,
  NetConnectionState,
  SteamResult,
} from './sockets-constants.js';
import type { SteamId } from './steam-id.js';

declare const handleKind: unique symbol;

/** An `HSteamNetConnection`: a connection, local to this process. */
export type NetConnection = number & { readonly [handleKind]: 'NetConnection' };
/** An `HSteamListenSocket`. */
export type ListenSocket = number & { readonly [handleKind]: 'ListenSocket' };
/** An `HSteamNetPollGroup`. */
export type PollGroup = number & { readonly [handleKind]: 'PollGroup' };

/** Bits of `SteamNetConnectionInfo_t::m_nFlags`, by name. */
export interface ConnectionFlags {
  readonly unauthenticated: boolean;
  readonly unencrypted: boolean;
  /** An in-process pipe (a connection to yourself). */
  readonly loopbackBuffers: boolean;
  /** LAN or localhost. */
  readonly fast: boolean;
  /** Through Valve's relays (SDR) or TURN. */
  readonly relayed: boolean;
  readonly dualWifi: boolean;
}

/** `SteamNetConnectionInfo_t`: what Steam knows about a connection. */
export interface ConnectionInfo {
  /** The remote's SteamID, or `null` when its identity is not a SteamID. */
  readonly remote: SteamId | null;
  /** The connection's user data (-1 when never set). In a status change, the value when it was queued. */
  readonly userData: bigint;
  /** The listen socket it came in on, `null` for connections made locally. */
  readonly listenSocket: ListenSocket | null;
  /** The remote address, when Steam knows it (not through relays): IPv4 dotted or IPv6 text, and port. */
  readonly remoteAddress: { readonly ip: string; readonly port: number } | null;
  /** Relay points of presence (`m_idPOPRemote`, `m_idPOPRelay`), 0 when unused. */
  readonly popRemote: number;
  readonly popRelay: number;
  readonly state: NetConnectionState;
  /** `ESteamNetConnectionEnd`; 0 while the connection is alive. */
  readonly endReason: number;
  readonly endReasonName: NetConnectionEndName | null;
  /** Steam's (or the closing peer's) explanation, up to 127 characters. */
  readonly endDebug: string;
  /** Steam's description of the connection, for logs. */
  readonly description: string;
  readonly flags: ConnectionFlags;
}

/** A `SteamNetConnectionStatusChangedCallback_t` (callback 1221). */
export interface ConnectionStatusChange {
  readonly connection: NetConnection;
  readonly info: ConnectionInfo;
  readonly oldState: NetConnectionState;
}

/** `SteamNetConnectionRealTimeStatus_t`: the connection's live numbers. */
export interface RealTimeStatus {
  readonly state: NetConnectionState;
  /** Round-trip time, ms; -1 until measured. */
  readonly ping: number;
  /** Fraction of packets delivered (0..1) seen from here and from the remote; -1 when there is no data yet. */
  readonly qualityLocal: number;
  readonly qualityRemote: number;
  readonly outPacketsPerSec: number;
  readonly outBytesPerSec: number;
  readonly inPacketsPerSec: number;
  readonly inBytesPerSec: number;
  /** Estimated rate at which Steam can send, bytes per second. */
  readonly sendRateBytesPerSecond: number;
  /** Bytes queued and not yet sent. */
  readonly pendingUnreliable: number;
  readonly pendingReliable: number;
  /** Reliable bytes sent and not yet acknowledged. */
  readonly sentUnackedReliable: number;
  /** Estimated time a message queued now would wait, µs (meaningful with a single lane). */
  readonly queueTimeUs: bigint;
}

/** `SteamNetConnectionRealTimeLaneStatus_t`: one lane's share of the queues. */
export interface LaneStatus {
  readonly pendingUnreliable: number;
  readonly pendingReliable: number;
  readonly sentUnackedReliable: number;
  readonly queueTimeUs: bigint;
}

/** A message received on a connection (copied out of Steam's memory; Steam's copy is released). */
export interface ReceivedMessage {
  readonly connection: NetConnection;
  readonly data: Uint8Array;
  /** The sender's SteamID, or `null` when its identity is not a SteamID. */
  readonly remote: SteamId | null;
  /** The connection's user data when the message was returned. */
  readonly connectionUserData: bigint;
  /** Local timestamp (µs, `getLocalTimestamp()` clock) when it arrived. */
  readonly timeReceivedUs: bigint;
  /** The sender's number for it, per lane, from 1. */
  readonly messageNumber: bigint;
  readonly lane: number;
  /** Only the reliable bit of the flags means anything on receive. */
  readonly reliable: boolean;
}

/** One message for {@link SteamNetworkingSockets.sendMessages}. */
export interface OutgoingMessage {
  readonly connection: NetConnection;
  readonly data: Uint8Array;
  /** `SendFlags` bits (default `SendFlags.Reliable`). */
  readonly flags?: number;
  /** The lane (default 0); must be below the connection's configured lane count. */
  readonly lane?: number;
}

/** The outcome of one send: its message number, or Steam's `EResult`. */
export type SendResult =
  | { readonly ok: true; readonly messageNumber: bigint }
  | { readonly ok: false; readonly result: SteamResult; readonly code: number };

/** One lane for {@link SteamNetworkingSockets.configureConnectionLanes}. */
export interface LaneConfig {
  /** Lower numbers are served first, strictly (default 0). */
  readonly priority?: number;
  /** Lanes of equal priority share bandwidth in proportion to their weights: 1..65535 (default 1). */
  readonly weight?: number;
}

/** `SteamNetAuthenticationStatus_t` (callback 1222). */
export interface AuthenticationStatus {
  readonly availability: Availability;
  readonly debugMessage: string;
}

/** `SteamRelayNetworkStatus_t` (callback 1281). */
export interface RelayNetworkStatus {
  readonly availability: Availability;
  readonly pingMeasurementInProgress: boolean;
  readonly networkConfig: Availability;
  readonly anyRelay: Availability;
  readonly debugMessage: string;
}

/** Every configuration value name (Steam's, without `k_ESteamNetworkingConfig_`). */
export type ConfigValueName = keyof typeof CONFIG_VALUES;

/** The JS type of a value of data type `T`. */
export type ConfigJsType<T extends ConfigDataType> = T extends 'int64'
  ? bigint
  : T extends 'string'
    ? string
    : T extends 'ptr'
      ? never
      : number;

/** The JS type of the value named `N`. */
export type ConfigValueOf<N extends ConfigValueName> = ConfigJsType<(typeof CONFIG_VALUES)[N]['type']>;

/**
 * The values the typed API sets: all but the function pointers (`Callback_*`), because events reach
 * JavaScript only through `runCallbacks()`.
 */
export type SettableConfigName = {
  [N in ConfigValueName]: (typeof CONFIG_VALUES)[N]['type'] extends 'ptr' ? never : N;
}[ConfigValueName];

/** Values set on an object when it is created (passed to Steam with the creating call). */
export type ConfigOptions = { readonly [N in SettableConfigName]?: ConfigValueOf<N> };

/** Where a value is set or read. A connection inherits from its listen socket, the interface, then global. */
export type ConfigScope =
  | 'global'
  | 'interface'
  | { readonly connection: NetConnection }
  | { readonly listenSocket: ListenSocket };

/** A value as read back, and whether it was set at that scope or inherited. */
export interface ConfigReading<V> {
  readonly value: V;
  readonly inherited: boolean;
}

/** What `getConfigValueInfo` says about a value. */
export interface ConfigValueInfo {
  readonly id: number;
  readonly name: string;
  readonly dataType: ConfigDataType;
  readonly scope: ConfigValueScope;
}

/** Events of {@link SteamNetworkingSockets}, delivered only from `runCallbacks()`. */
export type SocketsEvents = {
  /** A connection changed state (incoming connections arrive as `none → connecting` with a listen socket). */
  connectionStatusChanged: (change: ConnectionStatusChange) => void;
  /** Steam's certificate status changed. */
  authenticationStatusChanged: (status: AuthenticationStatus) => void;
};

/** Events of {@link SteamNetworkingUtils}, delivered only from `runCallbacks()`. */
export type UtilsEvents = {
  /** Access to Valve's relay network changed. */
  relayNetworkStatusChanged: (status: RelayNetworkStatus) => void;
};

/**
 * `ISteamNetworkingSockets` for P2P, typed. Methods that Steam answers with an `EResult` return its
 * name; methods that create an object throw `SteamNetworkingError` when Steam returns no handle.
 */
export interface SteamNetworkingSockets extends TypedEmitter<SocketsEvents> {
  /** Listens for P2P connections on a virtual port (0 when you have one listener). */
  createListenSocketP2P(virtualPort?: number, options?: ConfigOptions): ListenSocket;
  /** Closes a listen socket; the connections that came through it end at once. False for a bad handle. */
  closeListenSocket(socket: ListenSocket): boolean;
  /** Starts a connection to `remote`'s listen socket on `virtualPort`; the result arrives as status changes. */
  connectP2P(remote: SteamId, virtualPort?: number, options?: ConfigOptions): NetConnection;
  /** Accepts an incoming connection (state `connecting`, with a listen socket). Do it within a second or two. */
  acceptConnection(connection: NetConnection): SteamResult;
  /**
   * Closes a connection; the handle is dead afterwards. `reason` is yours: 1000–2999 (0 means 1000); the
   * peer sees it with `debug`. With `linger`, reliable data still queued is sent first.
   * @returns false for a bad handle.
   */
  closeConnection(connection: NetConnection, reason?: number, debug?: string, linger?: boolean): boolean;
  setConnectionUserData(connection: NetConnection, userData: bigint): boolean;
  /** The user data, -1 for a bad handle or when never set. */
  getConnectionUserData(connection: NetConnection): bigint;
  setConnectionName(connection: NetConnection, name: string): void;
  /** The name given with `setConnectionName`, `null` for a bad handle. */
  getConnectionName(connection: NetConnection): string | null;
  /** Sends one message (Steam copies it). */
  sendMessage(connection: NetConnection, data: Uint8Array, flags?: number): SendResult;
  /** Sends many messages in one call (`AllocateMessage` + `SendMessages`); results in the same order. */
  sendMessages(messages: readonly OutgoingMessage[]): SendResult[];
  /** Sends what Nagle is holding on this connection now. */
  flushMessages(connection: NetConnection): SteamResult;
  /** Takes up to `max` messages received on one connection; `null` for a bad handle. */
  receiveMessages(connection: NetConnection, max?: number): ReceivedMessage[] | null;
  /** `null` for a bad handle. */
  getConnectionInfo(connection: NetConnection): ConnectionInfo | null;
  /** The live numbers, with the first `lanes` lanes' shares; `null` for a bad or closed handle. */
  getRealTimeStatus(
    connection: NetConnection,
    lanes?: number,
  ): { readonly status: RealTimeStatus; readonly lanes: readonly LaneStatus[] } | null;
  /** Steam's human-readable dump of the connection, `null` for a bad handle. */
  getDetailedConnectionStatus(connection: NetConnection): string | null;
  /** Sets how many lanes the connection has (it can never shrink) and their priorities and weights. */
  configureConnectionLanes(connection: NetConnection, lanes: readonly LaneConfig[]): SteamResult;
  /** This peer's identity as Steam knows it (`null` when not known yet). */
  getIdentity(): SteamId | null;
  /** Starts fetching the certificates connections need; not retried after a failure unless called again. */
  initAuthentication(): Availability;
  getAuthenticationStatus(): AuthenticationStatus;
  /** A poll group: one receive call reads every member connection. */
  createPollGroup(): PollGroup;
  /** Members are left in no group, still connected. False for a bad handle. */
  destroyPollGroup(group: PollGroup): boolean;
  /** Puts a connection in a group (`null` removes it); its queued messages follow it. */
  setConnectionPollGroup(connection: NetConnection, group: PollGroup | null): boolean;
  /** Takes up to `max` messages from every connection in the group; `null` for a bad handle. */
  receiveMessagesOnPollGroup(group: PollGroup, max?: number): ReceivedMessage[] | null;
  /** Two connected ends of an in-process pipe (no status callbacks), for tests. */
  createSocketPair(): [NetConnection, NetConnection];
  /** Delivers pending Steam callbacks as events (of every API of this session). Call once per frame. */
  runCallbacks(): void;
}

/** `ISteamNetworkingUtils`, the parts a P2P game needs, typed. */
export interface SteamNetworkingUtils extends TypedEmitter<UtilsEvents> {
  /** Starts measuring relay pings now rather than on first connect ("usually completes in a few seconds"). */
  initRelayNetworkAccess(): void;
  getRelayNetworkStatus(): RelayNetworkStatus;
  /** Steam's local clock, µs; starts at about 30 days' worth and never goes negative. */
  getLocalTimestamp(): bigint;
  /**
   * Sets a configuration value (`null` restores the default globally, or removes the override elsewhere).
   * Out-of-range numbers are clamped by Steam.
   * @returns false when Steam refuses (e.g. a global-only value on a connection, or a bad handle).
   */
  setConfigValue<N extends SettableConfigName>(
    name: N,
    value: ConfigValueOf<N> | null,
    scope?: ConfigScope,
  ): boolean;
  /** Reads a value at a scope; `null` when the scope's object does not exist or cannot hold the value. */
  getConfigValue<N extends SettableConfigName>(
    name: N,
    scope?: ConfigScope,
  ): ConfigReading<ConfigValueOf<N>> | null;
  /** Steam's name, type and scope for a value (by name or number); `null` for a value Steam does not know. */
  getConfigValueInfo(value: ConfigValueName | number): ConfigValueInfo | null;
  /** Delivers pending Steam callbacks as events (of every API of this session). */
  runCallbacks(): void;
}
