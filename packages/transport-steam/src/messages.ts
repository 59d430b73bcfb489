/**
 * {@link P2PNetworking} over `ISteamNetworkingMessages` (interface `SteamNetworkingMessages002`),
 * Valve's replacement for `ISteamNetworking`, behind the same seam so that switching is one option.
 *
 * Differences from the legacy API, and how they are handled:
 * - Receive is batched: one `ReceiveMessagesOnChannel` call returns up to {@link RECEIVE_BATCH}
 *   messages, which are copied (into shared slabs, see slab.ts) into a per-channel queue and released at once;
 *   `getAvailableP2PPacketSize`/`readP2PPacket` are served from that queue.
 * - Messages are limited to 512 KiB (reliable); unreliable sends keep the legacy 1200-byte MTU rule
 *   so that code written for either backend behaves the same.
 * - Steam does not document sending to yourself here, so a send to {@link localSteamId} takes a local
 *   loopback path in JS (as legacy `SendP2PPacket` to self does in Steam).
 * - `acceptP2PSessionWithUser` is true for any valid id (Steam's Accept is false when nothing is pending,
 *   which the legacy contract does not have).
 * - Idle sessions are closed silently by Steam after a few minutes without traffic, with no callback;
 *   the next send (flagged `AutoRestartBrokenSession`) simply starts a new session.
 * - Relay use is a global Steam setting for this API; `allowP2PPacketRelay` only records the wish.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  CallbackId,
  CONNECTION_FLAG_RELAYED,
  ConnectionState,
  END_REASON_LOCAL_RIGHTS,
  EResult,
  IDENTITY_BYTES,
  IDENTITY_TYPE_STEAMID,
  SendFlag,
} from './constants.js';
import type { SteamContext } from './context.js';
import { CallbackPump } from './dispatch.js';
import type { MessagesFunctions, NativePointer } from './flat.js';
import {
  isReliableSend,
  MESSAGES_MAX_MESSAGE_BYTES,
  P2P_MAX_UNRELIABLE_BYTES,
  type P2PLimits,
  type P2PNetworking,
  type P2PNetworkingEvents,
  type P2PPacket,
  type P2PSend,
  type P2PSendFailure,
  P2PSessionError,
  type P2PSessionState,
  type TypedEmitter,
} from './p2p.js';
import { ByteSlab, type NativeCopy, nativeCopy, SLAB_MAX_PACKET } from './slab.js';
import type { SteamId } from './steam-id.js';
import { checkBoolean, checkChannel, checkData, checkRemote, checkSendType, checkSize } from './validate.js';

/** Most messages taken from Steam per `ReceiveMessagesOnChannel` call. */
export const RECEIVE_BATCH = 64;

/** The limits of the Messages backend: the legacy MTU for unreliable, 512 KiB for reliable. */
export const MESSAGES_P2P_LIMITS: P2PLimits = Object.freeze({
  maxUnreliableBytes: P2P_MAX_UNRELIABLE_BYTES,
  maxReliableBytes: MESSAGES_MAX_MESSAGE_BYTES,
});

/** Legacy send type → Messages send flags (index = `P2PSend`). */
const SEND_FLAGS: readonly number[] = [
  SendFlag.Unreliable | SendFlag.AutoRestartBrokenSession,
  SendFlag.UnreliableNoDelay | SendFlag.AutoRestartBrokenSession,
  SendFlag.ReliableNoNagle | SendFlag.AutoRestartBrokenSession,
  SendFlag.Reliable | SendFlag.AutoRestartBrokenSession,
];

const FAIL_INVALID_ID: P2PSendFailure = Object.freeze({ reason: 'invalidSteamId' });
const FAIL_TOO_LARGE: P2PSendFailure = Object.freeze({ reason: 'tooLarge' });

/** Maps a send's `EResult` to the seam's reason. */
function sendFailure(result: number): P2PSendFailure {
  switch (result) {
    // The header documents NoConnection for a broken session; Valve's source returns ConnectFailed.
    case EResult.NoConnection:
    case EResult.ConnectFailed:
      return { reason: 'noConnection', result };
    case EResult.LimitExceeded:
      return { reason: 'limitExceeded', result };
    case EResult.Ignored:
      return { reason: 'ignored', result };
    case EResult.InvalidSteamID:
      return { reason: 'invalidSteamId', result };
    default:
      return { reason: 'failed', result };
  }
}

/** Why a Messages session ended, in the legacy vocabulary. */
function sessionErrorOf(endReason: number): P2PSessionError {
  return endReason === END_REASON_LOCAL_RIGHTS ? P2PSessionError.NoRightsToApp : P2PSessionError.Timeout;
}

/** A FIFO of received packets for one channel (array + head index: O(1) shift without copying). */
class PacketQueue {
  private items: P2PPacket[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(packet: P2PPacket): void {
    this.items.push(packet);
  }
  peek(): P2PPacket | undefined {
    return this.items[this.head];
  }
  shift(): P2PPacket | undefined {
    const packet = this.items[this.head];
    if (packet === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as P2PPacket;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return packet;
  }
  /** Drops every packet from `remote`; returns how many. */
  dropFrom(remote: SteamId): number {
    const kept = this.items.slice(this.head).filter((p) => p.remoteSteamId !== remote);
    const dropped = this.size - kept.length;
    this.items = kept;
    this.head = 0;
    return dropped;
  }
}

const Emitter = EventEmitter as unknown as new () => TypedEmitter<P2PNetworkingEvents>;

/** The `ISteamNetworkingMessages` backend. */
export class MessagesNetworking extends Emitter implements P2PNetworking {
  readonly localSteamId: SteamId;
  readonly limits: P2PLimits = MESSAGES_P2P_LIMITS;
  lastSendFailure: P2PSendFailure | null = null;
  /** Whether relays were allowed by the last `allowP2PPacketRelay` (recorded only; see the file comment). */
  relayAllowed = true;
  /** Number of `ReceiveMessagesOnChannel` calls made so far (for benchmarks and diagnostics). */
  receiveCalls = 0;
  /** Number of messages taken from Steam so far. */
  messagesReceived = 0;

  private readonly ctx: SteamContext;
  private readonly fn: MessagesFunctions;
  private readonly self: NativePointer;
  private readonly pump: CallbackPump;
  private readonly queues = new Map<number, PacketQueue>();
  /** A reusable `SteamNetworkingIdentity` (type SteamID, size 8); only the id at offset 8 changes. */
  private readonly identity = new Uint8Array(IDENTITY_BYTES);
  private readonly identityView = new DataView(this.identity.buffer);
  private readonly messagePointers = new BigUint64Array(RECEIVE_BATCH);
  /** libc memcpy when reachable (fast path), else `null` and every read goes through `koffi.decode`. */
  private readonly copy: NativeCopy | null;
  private readonly slab = new ByteSlab();
  /** The first 32 bytes of one `SteamNetworkingMessage_t`: m_pData, m_cbSize, m_conn, identity type/size, SteamID64. */
  private readonly head = new Uint8Array(32);
  private readonly headView = new DataView(this.head.buffer);
  private lastSender = { lo: -1, hi: -1, id: 0n };
  private readonly infoOut: Uint8Array;
  private readonly statusOut: Uint8Array;
  private loopbackOpen = false;

  /** @internal Built by `initSteam` once the interface pointer is known to be non-NULL. */
  constructor(ctx: SteamContext, fn: MessagesFunctions, self: NativePointer, localSteamId: SteamId) {
    super();
    this.ctx = ctx;
    this.fn = fn;
    this.self = self;
    this.localSteamId = localSteamId;
    this.pump = new CallbackPump(ctx);
    this.identityView.setInt32(0, IDENTITY_TYPE_STEAMID, true);
    this.identityView.setInt32(4, 8, true);
    this.infoOut = new Uint8Array(ctx.koffi.sizeof(ctx.structs.SteamNetConnectionInfo_t));
    this.statusOut = new Uint8Array(ctx.koffi.sizeof(ctx.structs.SteamNetConnectionRealTimeStatus_t));
    this.copy = nativeCopy(ctx.koffi);
  }

  /** Writes `remote` into the reusable identity (built by hand: Valve's ParseString/ToString crash before init). */
  private identityOf(remote: SteamId): Uint8Array {
    this.identityView.setBigUint64(8, remote, true);
    return this.identity;
  }

  private queue(channel: number): PacketQueue {
    let q = this.queues.get(channel);
    if (q === undefined) {
      q = new PacketQueue();
      this.queues.set(channel, q);
    }
    return q;
  }

  sendP2PPacket(remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number): boolean {
    this.ctx.assertLive('sendP2PPacket');
    const valid = checkRemote(remote);
    checkData(data);
    checkSendType(sendType);
    const ch = checkChannel(channel);
    if (!valid) {
      this.lastSendFailure = FAIL_INVALID_ID;
      return false;
    }
    const limit = isReliableSend(sendType) ? this.limits.maxReliableBytes : this.limits.maxUnreliableBytes;
    if (data.byteLength > limit) {
      this.lastSendFailure = FAIL_TOO_LARGE;
      return false;
    }
    if (remote === this.localSteamId) {
      this.loopbackOpen = true;
      this.queue(ch).push({ data: data.slice(), remoteSteamId: remote });
      this.lastSendFailure = null;
      return true;
    }
    const result = this.fn.SendMessageToUser(
      this.self,
      this.identityOf(remote),
      data,
      data.byteLength,
      SEND_FLAGS[sendType]!,
      ch,
    );
    this.lastSendFailure = result === EResult.OK ? null : sendFailure(result);
    return result === EResult.OK;
  }

  /**
   * Takes up to {@link RECEIVE_BATCH} messages for `channel` from Steam into its queue. Every message is
   * released exactly once, even when copying one of them throws; the first error is rethrown after.
   */
  private pull(channel: number): void {
    const pointers = this.messagePointers;
    this.receiveCalls++;
    const count = Math.min(
      this.fn.ReceiveMessagesOnChannel(this.self, channel, pointers, RECEIVE_BATCH),
      RECEIVE_BATCH,
    );
    if (count <= 0) return;
    const q = this.queue(channel);
    let failure: unknown;
    for (let i = 0; i < count; i++) {
      const message = pointers[i]!;
      if (message === 0n) continue;
      try {
        const packet = this.copyOut(message);
        if (packet !== null) {
          q.push(packet);
          this.messagesReceived++;
        }
      } catch (err) {
        failure ??= err;
      } finally {
        try {
          this.fn.Message_Release(message);
        } catch (err) {
          failure ??= err;
        }
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Copies one native message's payload and sender out; `null` for a sender that is not a SteamID. */
  private copyOut(message: NativePointer): P2PPacket | null {
    let data: NativePointer | null;
    let size: number;
    let identityType: number;
    let lo: number;
    let hi: number;
    if (this.copy !== null) {
      this.copy(this.head, message, 32);
      const v = this.headView;
      data = v.getBigUint64(0, true);
      size = v.getInt32(8, true);
      identityType = v.getInt32(16, true);
      lo = v.getUint32(24, true);
      hi = v.getUint32(28, true);
    } else {
      const h = this.ctx.koffi.decode(message, this.ctx.structs.MessageHead) as {
        m_pData: NativePointer | null;
        m_cbSize: number;
        m_eType: number;
        m_steamID64: number | bigint;
      };
      const id = BigInt(h.m_steamID64);
      data = h.m_pData;
      size = h.m_cbSize;
      identityType = h.m_eType;
      lo = Number(id & 0xffffffffn);
      hi = Number(id >> 32n);
    }
    // Only SteamID identities can be answered through this seam; anything else is dropped.
    if (identityType !== IDENTITY_TYPE_STEAMID) return null;
    return { data: this.payload(data, Math.max(0, size)), remoteSteamId: this.sender(lo, hi) };
  }

  private payload(data: NativePointer | null, size: number): Uint8Array {
    if (size === 0 || data === null || data === 0n) return new Uint8Array(0);
    if (this.copy !== null && size <= SLAB_MAX_PACKET) {
      const view = this.slab.take(size);
      this.copy(view, data, size);
      return view;
    }
    return this.ctx.koffi.decode(data, 'uint8_t', size) as Uint8Array;
  }

  /** The sender's SteamID, reusing the last BigInt when the sender repeats. */
  private sender(lo: number, hi: number): SteamId {
    const last = this.lastSender;
    if (lo !== last.lo || hi !== last.hi) this.lastSender = { lo, hi, id: (BigInt(hi) << 32n) | BigInt(lo) };
    return this.lastSender.id;
  }

  getAvailableP2PPacketSize(channel?: number): number {
    this.ctx.assertLive('getAvailableP2PPacketSize');
    const ch = checkChannel(channel);
    const q = this.queue(ch);
    if (q.size === 0) this.pull(ch);
    return q.peek()?.data.byteLength ?? 0;
  }

  readP2PPacket(size: number, channel?: number): P2PPacket | null {
    this.ctx.assertLive('readP2PPacket');
    const want = checkSize(size);
    const ch = checkChannel(channel);
    const q = this.queue(ch);
    if (q.size === 0) this.pull(ch);
    const packet = q.shift();
    if (packet === undefined) return null;
    // As legacy Steam: a smaller buffer truncates the packet and the rest is lost.
    return packet.data.byteLength <= want
      ? packet
      : { data: packet.data.subarray(0, want), remoteSteamId: packet.remoteSteamId };
  }

  acceptP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('acceptP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    if (remote === this.localSteamId) return true;
    // Steam's Accept is false when no session is pending; the seam promises false only for an invalid id.
    this.fn.AcceptSessionWithUser(this.self, this.identityOf(remote));
    return true;
  }

  allowP2PPacketRelay(allow: boolean): boolean {
    this.ctx.assertLive('allowP2PPacketRelay');
    this.relayAllowed = checkBoolean('allow', allow);
    return true;
  }

  closeP2PChannelWithUser(remote: SteamId, channel: number): boolean {
    this.ctx.assertLive('closeP2PChannelWithUser');
    const valid = checkRemote(remote);
    const ch = checkChannel(channel);
    if (!valid) return false;
    const dropped = this.queues.get(ch)?.dropFrom(remote) ?? 0;
    if (remote === this.localSteamId) {
      const was = this.loopbackOpen;
      if ([...this.queues.values()].every((q) => q.size === 0)) this.loopbackOpen = false;
      return was || dropped > 0;
    }
    return this.fn.CloseChannelWithUser(this.self, this.identityOf(remote), ch);
  }

  closeP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('closeP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    // Closing a session drops its queued data, including what this backend already took from Steam.
    for (const q of this.queues.values()) q.dropFrom(remote);
    if (remote === this.localSteamId) {
      const was = this.loopbackOpen;
      this.loopbackOpen = false;
      return was;
    }
    return this.fn.CloseSessionWithUser(this.self, this.identityOf(remote));
  }

  getP2PSessionState(remote: SteamId): P2PSessionState | null {
    this.ctx.assertLive('getP2PSessionState');
    if (!checkRemote(remote)) return null;
    if (remote === this.localSteamId) {
      if (!this.loopbackOpen) return null;
      return {
        connectionActive: true,
        connecting: false,
        sessionError: P2PSessionError.None,
        usingRelay: false,
        bytesQueuedForSend: 0,
        packetsQueuedForSend: 0,
        remoteIp: 0x7f000001,
        remotePort: 0,
      };
    }
    const state = this.fn.GetSessionConnectionInfo(
      this.self,
      this.identityOf(remote),
      this.infoOut,
      this.statusOut,
    );
    if (state <= ConnectionState.None) return null;
    const { koffi, structs } = this.ctx;
    const info = koffi.decode(this.infoOut, structs.SteamNetConnectionInfo_t) as {
      m_addrRemote: { m_ipv6: number[] | Uint8Array; m_port: number };
      m_eEndReason: number;
      m_nFlags: number;
    };
    const status = koffi.decode(this.statusOut, structs.SteamNetConnectionRealTimeStatus_t) as {
      m_cbPendingUnreliable: number;
      m_cbPendingReliable: number;
    };
    const closed = state === ConnectionState.ClosedByPeer || state === ConnectionState.ProblemDetectedLocally;
    return {
      connectionActive: state === ConnectionState.Connected,
      connecting: state === ConnectionState.Connecting || state === ConnectionState.FindingRoute,
      sessionError: closed ? sessionErrorOf(info.m_eEndReason) : P2PSessionError.None,
      usingRelay: (info.m_nFlags & CONNECTION_FLAG_RELAYED) !== 0,
      bytesQueuedForSend: Math.max(0, status.m_cbPendingUnreliable) + Math.max(0, status.m_cbPendingReliable),
      // This API counts queued bytes only; there is no packet count to report.
      packetsQueuedForSend: 0,
      remoteIp: ipv4Of(info.m_addrRemote.m_ipv6),
      remotePort: info.m_addrRemote.m_port,
    };
  }

  runCallbacks(): void {
    this.ctx.assertLive('runCallbacks');
    const { koffi, structs } = this.ctx;
    this.pump.run((id, param, size) => {
      if (id === CallbackId.MessagesSessionRequest && size >= IDENTITY_BYTES) {
        const cb = koffi.decode(param, structs.SteamNetworkingMessagesSessionRequest_t) as {
          m_identityRemote: { m_eType: number; m_steamID64: number | bigint };
        };
        if (cb.m_identityRemote.m_eType === IDENTITY_TYPE_STEAMID) {
          this.emit('sessionRequest', BigInt(cb.m_identityRemote.m_steamID64));
        }
      } else if (
        id === CallbackId.MessagesSessionFailed &&
        size >= koffi.sizeof(structs.SteamNetConnectionInfo_t)
      ) {
        const cb = koffi.decode(param, structs.SteamNetworkingMessagesSessionFailed_t) as {
          m_info: {
            m_identityRemote: { m_eType: number; m_steamID64: number | bigint };
            m_eEndReason: number;
          };
        };
        if (cb.m_info.m_identityRemote.m_eType === IDENTITY_TYPE_STEAMID) {
          this.emit(
            'sessionConnectFail',
            BigInt(cb.m_info.m_identityRemote.m_steamID64),
            sessionErrorOf(cb.m_info.m_eEndReason),
          );
        }
      }
    });
  }
}

/** The IPv4 address (host-order uint32) of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else 0. */
function ipv4Of(ipv6: ArrayLike<number>): number {
  if (ipv6.length !== 16) return 0;
  for (let i = 0; i < 10; i++) if (ipv6[i] !== 0) return 0;
  if (ipv6[10] !== 0xff || ipv6[11] !== 0xff) return 0;
  return ((ipv6[12]! << 24) | (ipv6[13]! << 16) | (ipv6[14]! << 8) | ipv6[15]!) >>> 0;
}

/** @internal Exposed for tests: the send flags each `P2PSend` maps to. */
export function messagesSendFlags(sendType: P2PSend): number {
  return SEND_FLAGS[sendType]!;
}
