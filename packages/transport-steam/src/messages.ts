/**
 * {@link P2PNetworking} over `ISteamNetworkingMessages` (interface `SteamNetworkingMessages002`),
 * Valve's replacement for `ISteamNetworking`, behind the same seam so that switching is one option.
 *
 * Differences from the legacy API, and how they are handled:
 * - Receive is batched: one `ReceiveMessagesOnChannel` call returns up to {@link RECEIVE_BATCH}
 *   messages, which are copied (staged in native scratch memory, then into shared slabs; see slab.ts)
 *   into a per-channel queue and released at once; `getAvailableP2PPacketSize`/`readP2PPacket` are
 *   served from that queue.
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
import { NativeHeap } from './heap.js';
import {
  MESSAGES_P2P_LIMITS,
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
import { PacketQueue } from './packet-queue.js';
import { ByteSlab, type NativeScratch, nativeScratch, SLAB_MAX_PACKET } from './slab.js';
import { sessionFailDetail } from './sockets-mapping.js';
import type { SteamId } from './steam-id.js';
import { checkBoolean, checkChannel, checkRemote, checkSend, checkSize } from './validate.js';

/** Most messages taken from Steam per `ReceiveMessagesOnChannel` call. */
export const RECEIVE_BATCH = 64;

/** Where in the {@link NativeScratch} one message's head is copied, and where payloads are staged. */
const SCRATCH_HEAD = 0;
const SCRATCH_HEAD_WORD = SCRATCH_HEAD / 4;
const SCRATCH_STAGE = 64;
/** The views path's slabs, and the payload size up to which it copies byte by byte. */
const VIEW_SLAB_BYTES = 64 * 1024;
const SMALL_COPY = 32;
/** A native address whose upper uint32 is below this fits a JS number exactly (< 2^53). */
const NUMBER_ADDRESS_HI_LIMIT = 0x200000;

/**
 * Legacy send type → Messages send flags (index = `P2PSend`), Valve's migration equivalents: the old
 * `Unreliable` and `Reliable` did not wait for Nagle, so they map to the NoNagle flags (a plain
 * `Unreliable` would hold every packet up to NagleTime, 5 ms); only `ReliableWithBuffering` coalesces.
 */
const SEND_FLAGS: readonly number[] = [
  SendFlag.Unreliable | SendFlag.NoNagle | SendFlag.AutoRestartBrokenSession,
  SendFlag.UnreliableNoDelay | SendFlag.AutoRestartBrokenSession,
  SendFlag.ReliableNoNagle | SendFlag.AutoRestartBrokenSession,
  SendFlag.Reliable | SendFlag.AutoRestartBrokenSession,
];

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
  /** Native calls made besides Steam's own: views made and memcpy calls that copy messages out (for the FFI bench). */
  nativeHelperCalls = 0;

  private readonly ctx: SteamContext;
  private readonly fn: MessagesFunctions;
  private readonly self: NativePointer;
  private readonly pump: CallbackPump;
  private readonly queues = new Map<number, PacketQueue>();
  /** A reusable `SteamNetworkingIdentity` (type SteamID, size 8); only the id at offset 8 changes. */
  private readonly identity = new Uint8Array(IDENTITY_BYTES);
  private readonly identityView = new DataView(this.identity.buffer);
  private readonly messagePointers = new BigUint64Array(RECEIVE_BATCH);
  /** The same pointers as uint32 halves, read as numbers without making a BigInt. */
  private readonly pointerWords = new Uint32Array(this.messagePointers.buffer);
  /**
   * Views over Steam's heap (the fastest path: a message is read with no native call but its release),
   * else `null`; where a view cannot be made the scratch path serves.
   */
  private readonly heap: NativeHeap | null;
  /** Native staging memory (second path), else `null` and every read goes through `koffi.decode`. */
  private readonly scratch: NativeScratch | null;
  private readonly slab = new ByteSlab();
  /** Where the views path copies payloads (shared slabs, as slab.ts explains). */
  private viewSlab = new ArrayBuffer(VIEW_SLAB_BYTES);
  private viewSlabBytes = new Uint8Array(this.viewSlab);
  private viewSlabAt = 0;
  /** Payloads staged in the scratch during one {@link pull}: start offsets, sizes and senders. */
  private readonly stagedAt = new Int32Array(RECEIVE_BATCH);
  private readonly stagedSize = new Int32Array(RECEIVE_BATCH);
  private readonly stagedFrom: SteamId[] = new Array<SteamId>(RECEIVE_BATCH).fill(0n);
  private staged = 0;
  private stagedBytes = 0;
  private lastSender = { lo: -1, hi: -1, id: 0n };
  private readonly infoOut: Uint8Array;
  private readonly statusOut: Uint8Array;
  private loopbackOpen = false;

  /**
   * @internal Built by `initSteam` once the interface pointer is known to be non-NULL. `heap` reads
   * messages through views (heap.ts); `scratch` is the next receive path's staging memory; both `null`
   * take the `koffi.decode` path (the tests run all three).
   */
  constructor(
    ctx: SteamContext,
    fn: MessagesFunctions,
    self: NativePointer,
    localSteamId: SteamId,
    scratch: NativeScratch | null = nativeScratch(ctx.koffi),
    heap: NativeHeap | null = new NativeHeap(ctx.koffi),
  ) {
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
    this.scratch = scratch;
    this.heap = heap;
    ctx.callbackHandlers.add(this.onCallback);
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
    const ch = checkSend(remote, data, sendType, channel, this.limits);
    if (typeof ch !== 'number') {
      this.lastSendFailure = ch;
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
   * Each payload is copied out of native memory before its message is released.
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
    // A view made for a new heap region is a native call too (koffi.view), counted for the FFI bench.
    const regions = this.heap?.regionCount ?? 0;
    let failure: unknown;
    try {
      for (let i = 0; i < count; i++) {
        const message = pointers[i]!;
        if (message === 0n) continue;
        try {
          if (this.heap !== null && this.copyOutViewed(this.heap, i, q)) continue;
          if (this.scratch === null) this.copyOutDecoded(message, q);
          else this.copyOut(this.scratch, i, q);
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
    } finally {
      this.nativeHelperCalls += (this.heap?.regionCount ?? 0) - regions;
      // Staged bytes are already out of native memory: queue them even when something threw.
      try {
        this.flush(q);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * The fast path for message `i` of the batch: two integer-only memcpy calls, its head into the scratch
   * and its payload into the staging area, which {@link flush} moves to a slab in one JS copy. A large
   * payload is queued at once; a sender that is not a SteamID is dropped.
   */
  private copyOut(scratch: NativeScratch, i: number, q: PacketQueue): void {
    const pointerWords = this.pointerWords;
    const hi = pointerWords[2 * i + 1]!;
    if (hi >= NUMBER_ADDRESS_HI_LIMIT) {
      this.copyOutDecoded(this.messagePointers[i]!, q);
      return;
    }
    // The first 32 bytes of a SteamNetworkingMessage_t: m_pData, m_cbSize, m_conn, identity type/size, SteamID64.
    scratch.copy(scratch.address + SCRATCH_HEAD, hi * 0x1_0000_0000 + pointerWords[2 * i]!, 32);
    this.nativeHelperCalls++;
    const w = scratch.words;
    // Only SteamID identities can be answered through this seam; anything else is dropped.
    if ((w[SCRATCH_HEAD_WORD + 4]! | 0) !== IDENTITY_TYPE_STEAMID) return;
    const dataLo = w[SCRATCH_HEAD_WORD]!;
    const dataHi = w[SCRATCH_HEAD_WORD + 1]!;
    let size = w[SCRATCH_HEAD_WORD + 2]! | 0;
    const from = this.sender(w[SCRATCH_HEAD_WORD + 6]!, w[SCRATCH_HEAD_WORD + 7]!);
    if (size <= 0 || (dataLo === 0 && dataHi === 0)) {
      size = 0;
    } else if (size > SLAB_MAX_PACKET || dataHi >= NUMBER_ADDRESS_HI_LIMIT) {
      this.queueLarge(q, (BigInt(dataHi) << 32n) | BigInt(dataLo), size, from);
      return;
    }
    if (this.stagedBytes + size > SLAB_MAX_PACKET || this.staged === RECEIVE_BATCH) this.flush(q);
    const at = this.stagedBytes;
    if (size > 0) {
      scratch.copy(scratch.address + SCRATCH_STAGE + at, dataHi * 0x1_0000_0000 + dataLo, size);
      this.nativeHelperCalls++;
    }
    const n = this.staged;
    this.stagedAt[n] = at;
    this.stagedSize[n] = size;
    this.stagedFrom[n] = from;
    this.staged = n + 1;
    // 8-byte steps, as ByteSlab.take: the staged block is later copied to a slab in one piece.
    this.stagedBytes = at + ((size + 7) & ~7);
  }

  /**
   * The fastest path for message `i` of the batch: its head and payload read through views of Steam's
   * heap, the payload copied straight into a slab. False when no view covers them (the caller takes
   * another path). Why: a profile of a 64-packet tick showed the two memcpy crossings per message
   * costing as much as the rest of the receive; with views a message costs one crossing, its release.
   */
  private copyOutViewed(heap: NativeHeap, i: number, q: PacketQueue): boolean {
    const pointerWords = this.pointerWords;
    const at = heap.find(pointerWords[2 * i]! + pointerWords[2 * i + 1]! * 0x1_0000_0000, 32);
    if (at < 0) return false;
    const w = heap.words;
    const o = at >> 2;
    // m_pData, m_cbSize, m_conn, identity type/size, SteamID64 (STEAM_API.md, SteamNetworkingMessage_t).
    const dataLo = w[o]!;
    const dataHi = w[o + 1]!;
    const size = w[o + 2]! | 0;
    // Only SteamID identities can be answered through this seam; anything else is dropped.
    if ((w[o + 4]! | 0) !== IDENTITY_TYPE_STEAMID) return true;
    const from = this.sender(w[o + 6]!, w[o + 7]!);
    let data: Uint8Array;
    if (size <= 0 || (dataLo === 0 && dataHi === 0)) data = new Uint8Array(0);
    else if (size > SLAB_MAX_PACKET) return false;
    else {
      const d = heap.find(dataLo + dataHi * 0x1_0000_0000, size);
      if (d < 0) return false;
      data = this.viewedCopy(heap.bytes, d, size);
    }
    // Packets staged by another path (if any) come first: order is kept.
    if (this.staged > 0) this.flush(q);
    q.push({ data, remoteSteamId: from });
    this.messagesReceived++;
    return true;
  }

  /**
   * Copies `size` bytes at `from` in `bytes` into the views path's slab and returns them. The
   * constructor, not `subarray` (V8 looks up a species constructor on every subarray call); short
   * payloads byte by byte, which is cheaper than making a view to copy from.
   */
  private viewedCopy(bytes: Uint8Array, from: number, size: number): Uint8Array {
    if (this.viewSlabAt + size > VIEW_SLAB_BYTES) {
      this.viewSlab = new ArrayBuffer(VIEW_SLAB_BYTES);
      this.viewSlabBytes = new Uint8Array(this.viewSlab);
      this.viewSlabAt = 0;
    }
    const at = this.viewSlabAt;
    const slab = this.viewSlabBytes;
    if (size <= SMALL_COPY) for (let i = 0; i < size; i++) slab[at + i] = bytes[from + i]!;
    else slab.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, size), at);
    this.viewSlabAt = at + ((size + 7) & ~7);
    return new Uint8Array(this.viewSlab, at, size);
  }

  /**
   * Queues a payload too big for a slab (or at an address beyond 2^53) in a buffer of its own, after
   * what is staged so that order is kept.
   */
  private queueLarge(q: PacketQueue, data: NativePointer, size: number, from: SteamId): void {
    this.flush(q);
    q.push({ data: this.ctx.koffi.decode(data, 'uint8_t', size) as Uint8Array, remoteSteamId: from });
    this.messagesReceived++;
  }

  /** Queues every staged payload (one JS copy of the whole staged block into a slab) on `q`. */
  private flush(q: PacketQueue): void {
    const n = this.staged;
    if (n === 0) return;
    this.staged = 0;
    const bytes = this.stagedBytes;
    this.stagedBytes = 0;
    const block = this.slab.take(bytes);
    block.set(this.scratch!.bytes.subarray(SCRATCH_STAGE, SCRATCH_STAGE + bytes));
    const { buffer, byteOffset } = block;
    for (let j = 0; j < n; j++) {
      const size = this.stagedSize[j]!;
      // The constructor, not `subarray`: V8's subarray looks up a species constructor on every call.
      const data =
        size === 0 ? new Uint8Array(0) : new Uint8Array(buffer, byteOffset + this.stagedAt[j]!, size);
      q.push({ data, remoteSteamId: this.stagedFrom[j]! });
    }
    this.messagesReceived += n;
  }

  /** The fallback: reads one message's head and payload with `koffi.decode` (which allocates). */
  private copyOutDecoded(message: NativePointer, q: PacketQueue): void {
    this.nativeHelperCalls += 2;
    const h = this.ctx.koffi.decode(message, this.ctx.structs.MessageHead) as {
      m_pData: NativePointer | null;
      m_cbSize: number;
      m_eType: number;
      m_steamID64: number | bigint;
    };
    // Only SteamID identities can be answered through this seam; anything else is dropped.
    if (h.m_eType !== IDENTITY_TYPE_STEAMID) return;
    const id = BigInt(h.m_steamID64);
    const from = this.sender(Number(id & 0xffffffffn), Number(id >> 32n));
    const size = Math.max(0, h.m_cbSize);
    const data =
      size === 0 || h.m_pData === null || h.m_pData === 0n
        ? new Uint8Array(0)
        : (this.ctx.koffi.decode(h.m_pData, 'uint8_t', size) as Uint8Array);
    // Staged packets (if any) come first: order is kept.
    this.flush(q);
    q.push({ data, remoteSteamId: from });
    this.messagesReceived++;
  }

  /** The sender's SteamID, reusing the last BigInt when the sender repeats. */
  private sender(lo: number, hi: number): SteamId {
    const last = this.lastSender;
    if (lo !== last.lo || hi !== last.hi) this.lastSender = { lo, hi, id: (BigInt(hi) << 32n) | BigInt(lo) };
    return this.lastSender.id;
  }

  getAvailableP2PPacketSize(channel?: number): number | null {
    this.ctx.assertLive('getAvailableP2PPacketSize');
    const ch = checkChannel(channel);
    const q = this.queue(ch);
    if (q.size === 0) this.pull(ch);
    return q.peek()?.data.byteLength ?? null;
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
    const dropped = this.queues.get(ch)?.dropFrom(remote).count ?? 0;
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
    this.pump.run();
  }

  /** Turns 1251/1252 into events; registered with the context, so whoever pumps delivers them. */
  private readonly onCallback = (id: number, param: NativePointer, size: number): void => {
    const { koffi, structs } = this.ctx;
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
          m_szEndDebug: string;
        };
      };
      if (cb.m_info.m_identityRemote.m_eType === IDENTITY_TYPE_STEAMID) {
        this.emit(
          'sessionConnectFail',
          BigInt(cb.m_info.m_identityRemote.m_steamID64),
          sessionErrorOf(cb.m_info.m_eEndReason),
          sessionFailDetail(cb.m_info.m_eEndReason, cb.m_info.m_szEndDebug),
        );
      }
    }
  };
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
