/**
 * The one seam of Steamwire: {@link P2PNetworking} mirrors Steam's `ISteamNetworking` P2P API one to
 * one. The real koffi binding, the `ISteamNetworkingMessages` backend and the testkit's fakes all
 * implement it; everything above (rpc, games, tests) depends only on it.
 *
 * This file must stay free of native code: importing it never loads koffi or a Steam library.
 * @packageDocumentation
 */
import type * as TypedEmitterModule from 'typed-emitter';
import type { Clock } from './clock.js';
import type { SteamId } from './steam-id.js';

/** typed-emitter's interface (a CommonJS type package, reached through its namespace under NodeNext). */
export type TypedEmitter<Events extends TypedEmitterModule.EventMap> = TypedEmitterModule.default<Events>;

/**
 * How a packet is sent (Steam's `EP2PSend`; the numbers are Steam's).
 *
 * - `Unreliable` (0): ≤ 1200 bytes; may be lost, duplicated or reordered; held back while NAT
 *   traversal runs.
 * - `UnreliableNoDelay` (1): as `Unreliable`, but dropped if the connection is not yet established.
 * - `Reliable` (2): up to 1 MiB; arrives exactly once and in order per (peer, channel).
 * - `ReliableWithBuffering` (3): as `Reliable`, with Nagle-style coalescing (a following `Reliable`
 *   send flushes it).
 */
export const P2PSend = {
  Unreliable: 0,
  UnreliableNoDelay: 1,
  Reliable: 2,
  ReliableWithBuffering: 3,
} as const;
/** One of the four {@link P2PSend} numbers. */
export type P2PSend = (typeof P2PSend)[keyof typeof P2PSend];

/** True for the two reliable send types. */
export function isReliableSend(sendType: P2PSend): boolean {
  return sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering;
}

/**
 * Why a P2P session failed (Steam's `EP2PSessionError`; the numbers are Steam's).
 * 1 and 3 are deleted values Steam never sends; they are kept so that every number Steam defines
 * has a name.
 */
export const P2PSessionError = {
  None: 0,
  NotRunningApp_DELETED: 1,
  NoRightsToApp: 2,
  DestinationNotLoggedIn_DELETED: 3,
  /** The target did not accept in time (or a firewall blocked UDP 3478, 4379, 4380 outbound). */
  Timeout: 4,
  Max: 5,
} as const;
/** One of the {@link P2PSessionError} numbers. */
export type P2PSessionError = (typeof P2PSessionError)[keyof typeof P2PSessionError];

/** Largest unreliable packet `ISteamNetworking` accepts (bytes): "your typical MTU size". */
export const P2P_MAX_UNRELIABLE_BYTES = 1200;
/** Largest reliable packet `ISteamNetworking` accepts (bytes): 1 MiB. */
export const P2P_MAX_RELIABLE_BYTES = 1024 * 1024;
/** Largest message `ISteamNetworkingMessages` accepts, reliable or not (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`). */
export const MESSAGES_MAX_MESSAGE_BYTES = 512 * 1024;
/** Seconds-scale constant of Steam: a session that cannot be established fails after about 20 s. */
export const P2P_CONNECT_TIMEOUT_MS = 20_000;

/** Size limits of a backend, so the layers above split and check against the right numbers. */
export interface P2PLimits {
  /** Largest payload for `Unreliable`/`UnreliableNoDelay` (1200 on `ISteamNetworking`). */
  readonly maxUnreliableBytes: number;
  /** Largest payload for `Reliable`/`ReliableWithBuffering` (1 MiB on `ISteamNetworking`, 512 KiB on Messages). */
  readonly maxReliableBytes: number;
}

/** The limits of the legacy `ISteamNetworking` API. */
export const LEGACY_P2P_LIMITS: P2PLimits = Object.freeze({
  maxUnreliableBytes: P2P_MAX_UNRELIABLE_BYTES,
  maxReliableBytes: P2P_MAX_RELIABLE_BYTES,
});

/** The limits of the `ISteamNetworkingMessages` backend: the legacy MTU for unreliable, 512 KiB for reliable. */
export const MESSAGES_P2P_LIMITS: P2PLimits = Object.freeze({
  maxUnreliableBytes: P2P_MAX_UNRELIABLE_BYTES,
  maxReliableBytes: MESSAGES_MAX_MESSAGE_BYTES,
});

/**
 * Steam's `P2PSessionState_t`, field for field (camelCase).
 * Steam documents it as "debug only": use it for net graphs and diagnostics.
 */
export interface P2PSessionState {
  /** A connection to the remote is open (`m_bConnectionActive`). */
  connectionActive: boolean;
  /** The connection is being established (`m_bConnecting`). */
  connecting: boolean;
  /** Last error on this session (`m_eP2PSessionError`). */
  sessionError: P2PSessionError;
  /** Traffic goes through a Steam relay server (`m_bUsingRelay`). */
  usingRelay: boolean;
  /** Bytes queued and not yet sent (`m_nBytesQueuedForSend`). */
  bytesQueuedForSend: number;
  /** Packets queued and not yet sent (`m_nPacketsQueuedForSend`). */
  packetsQueuedForSend: number;
  /** Remote IPv4 address as a host-order uint32, 0 when unknown or relayed (`m_nRemoteIP`). */
  remoteIp: number;
  /** Remote UDP port, 0 when unknown or relayed (`m_nRemotePort`). */
  remotePort: number;
}

/** A packet read with {@link P2PNetworking.readP2PPacket}. */
export interface P2PPacket {
  /** The payload; truncated to the requested size if the packet was larger (as Steam does). */
  data: Uint8Array;
  /** Who sent it. */
  remoteSteamId: SteamId;
}

/** Why the last `sendP2PPacket` returned false, when the backend can tell. */
export type P2PSendFailureReason =
  /** Larger than the send type allows. */
  | 'tooLarge'
  /** The target SteamID is not valid. */
  | 'invalidSteamId'
  /** Too many bytes are queued for that peer (Steam's back-pressure). */
  | 'limitExceeded'
  /** The session broke or was closed by the peer (Messages: `NoConnection`/`ConnectFailed`). */
  | 'noConnection'
  /** A no-delay packet was dropped because the connection is not ready (Messages: `Ignored`). */
  | 'ignored'
  /** Any other failure Steam reported. */
  | 'failed';

/** Details of a failed send: the reason and, where the backend has one, Steam's `EResult`. */
export interface P2PSendFailure {
  readonly reason: P2PSendFailureReason;
  /** Steam's `EResult` number, when the backend returns one (the Messages backend does). */
  readonly result?: number;
}

/** The events every {@link P2PNetworking} emits, only from inside {@link P2PNetworking.runCallbacks}. */
export type P2PNetworkingEvents = {
  /**
   * Steam's `P2PSessionRequest_t`: `remote` sent a packet and there is no session with it yet.
   * Call {@link P2PNetworking.acceptP2PSessionWithUser} to accept; ignore to refuse. Re-posted
   * periodically while the peer keeps sending unaccepted.
   */
  sessionRequest: (remote: SteamId) => void;
  /**
   * Steam's `P2PSessionConnectFail_t`: the session with `remote` failed (usually
   * {@link P2PSessionError.Timeout} after ~20 s). Posted once per failed session; unsent packets to
   * that peer are dropped, and a later send starts a new attempt.
   */
  sessionConnectFail: (remote: SteamId, error: P2PSessionError) => void;
};

/**
 * Steam's P2P networking (`ISteamNetworking`) as a typed interface. SteamIDs are `bigint`;
 * channels are small non-negative integers (0 when omitted).
 *
 * Events are delivered only from {@link P2PNetworking.runCallbacks}, never synchronously from a send,
 * so handlers never run re-entrantly inside your own calls.
 */
export interface P2PNetworking extends TypedEmitter<P2PNetworkingEvents> {
  /** This peer's own SteamID (`ISteamUser::GetSteamID`). */
  readonly localSteamId: SteamId;
  /** Size limits of this backend. */
  readonly limits: P2PLimits;
  /** Why the most recent `sendP2PPacket` that returned false failed; `null` after a successful send. */
  readonly lastSendFailure: P2PSendFailure | null;
  /**
   * The clock this network's time runs on, when it is not the system's: the testkit's fakes set it
   * to their (virtual) clock, and endpoints built on the network (rpc hosts and clients) use it unless
   * told otherwise. The real binding leaves it unset (real time).
   */
  readonly clock?: Clock;

  /**
   * Accepts a session request from `remote` so its packets become readable.
   * Call it in response to `sessionRequest`. Sending to a peer accepts implicitly.
   * @returns false only when `remote` is not a valid SteamID.
   */
  acceptP2PSessionWithUser(remote: SteamId): boolean;

  /**
   * Allows or forbids falling back to Steam's relay servers when a direct connection fails.
   * Applies to sessions created afterwards (and to existing ones that must reconnect). Allowed by default.
   * @returns always true.
   */
  allowP2PPacketRelay(allow: boolean): boolean;

  /**
   * Closes one channel with `remote`. Once every channel to that user is closed, the session closes,
   * and new data from the user raises a new `sessionRequest`.
   * @returns false when there was no such session or channel.
   */
  closeP2PChannelWithUser(remote: SteamId, channel: number): boolean;

  /**
   * Closes the session with `remote`, dropping data queued from and to it. New data from that user
   * raises a new `sessionRequest`.
   * @returns false when there was no session.
   */
  closeP2PSessionWithUser(remote: SteamId): boolean;

  /**
   * The state of the session with `remote` (Steam's `P2PSessionState_t`).
   * @returns `null` when there is no session (Steam returns false).
   */
  getP2PSessionState(remote: SteamId): P2PSessionState | null;

  /**
   * Size in bytes of the next packet waiting on `channel` (Steam's `IsP2PPacketAvailable`), or `null`
   * when none is waiting. Never blocks.
   *
   * A 0-byte packet is a packet: `0` means one is waiting and has no bytes, which is not the same as
   * `null`. A receive loop must therefore test for `null`, never for `> 0`, or one empty packet from
   * any peer blocks the channel:
   *
   * ```ts
   * for (let size = net.getAvailableP2PPacketSize(ch); size !== null; size = net.getAvailableP2PPacketSize(ch)) {
   *   const packet = net.readP2PPacket(size, ch);
   *   if (packet !== null) handle(packet.remoteSteamId, packet.data);
   * }
   * ```
   */
  getAvailableP2PPacketSize(channel?: number): number | null;

  /**
   * Reads the next packet waiting on `channel`. Never blocks.
   * @param size Largest number of bytes to return; a larger packet is truncated (as Steam does)
   *   and the rest is lost. Pass the value from {@link getAvailableP2PPacketSize}.
   * @returns `null` when nothing is waiting on that channel.
   */
  readP2PPacket(size: number, channel?: number): P2PPacket | null;

  /**
   * Sends `data` to `remote` on `channel`. Session-less: creates the session as needed (and accepts
   * a pending request from that peer).
   * The bytes are copied before this returns (as Steam does): the caller may reuse `data` at once.
   * Every implementation must keep that promise; the rpc layer sends views of one reusable buffer.
   * @returns true when queued (not a delivery receipt); false when the packet is too large for the
   *   send type, `remote` is invalid, or too many bytes are queued — see {@link lastSendFailure}.
   */
  sendP2PPacket(remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number): boolean;

  /**
   * Delivers pending Steam callbacks as events (`sessionRequest`, `sessionConnectFail`).
   * Call it once per frame/tick.
   */
  runCallbacks(): void;
}
