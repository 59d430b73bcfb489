/**
 * {@link P2PNetworking} over Steam's legacy `ISteamNetworking` API (interface `SteamNetworking006`):
 * a thin, checked, one-to-one wrapper.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { CallbackId } from './constants.js';
import type { SteamContext } from './context.js';
import { CallbackPump } from './dispatch.js';
import type { LegacyFunctions, NativePointer } from './flat.js';
import {
  LEGACY_P2P_LIMITS,
  P2P_MAX_RELIABLE_BYTES,
  type P2PLimits,
  type P2PNetworking,
  type P2PNetworkingEvents,
  type P2PPacket,
  type P2PSend,
  type P2PSendFailure,
  type P2PSessionError,
  type P2PSessionState,
  type TypedEmitter,
} from './p2p.js';
import { ByteSlab, SLAB_MAX_PACKET } from './slab.js';
import type { SteamId } from './steam-id.js';
import { checkBoolean, checkChannel, checkRemote, checkSend, checkSize } from './validate.js';

// ISteamNetworking returns a bare false for three documented reasons: too large, invalid id, or too
// many bytes queued. The first two are caught before the call, so a false from Steam is the third:
// back-pressure, reported as such so callers queue and retry (as they do on the Messages backend).
const FAIL_STEAM: P2PSendFailure = Object.freeze({ reason: 'limitExceeded' });

/** First size of the buffer for large packets; it grows (never shrinks) when a caller asks for more. */
const INITIAL_LARGE_BYTES = 64 * 1024;

const Emitter = EventEmitter as unknown as new () => TypedEmitter<P2PNetworkingEvents>;

/**
 * The legacy backend. The receive path uses preallocated out-parameters and reads straight into a
 * shared slab (see slab.ts): a packet costs one FFI call to read (plus one for
 * `getAvailableP2PPacketSize`), and the only allocations are the returned view and packet object.
 */
export class LegacyNetworking extends Emitter implements P2PNetworking {
  readonly localSteamId: SteamId;
  readonly limits: P2PLimits = LEGACY_P2P_LIMITS;
  lastSendFailure: P2PSendFailure | null = null;

  private readonly ctx: SteamContext;
  private readonly fn: LegacyFunctions;
  private readonly self: NativePointer;
  private readonly pump: CallbackPump;
  private readonly slab = new ByteSlab();
  private largeBuffer: Uint8Array | null = null;
  private readonly sizeOut = new Uint32Array(1);
  /** The sender's SteamID as two uint32 halves (little-endian), so a repeat sender costs no BigInt. */
  private readonly remoteOut = new Uint32Array(2);
  private lastRemote = { lo: -1, hi: -1, id: 0n };
  private readonly stateOut: Uint8Array;

  /** @internal Built by `initSteam` once the interface pointer is known to be non-NULL. */
  constructor(ctx: SteamContext, fn: LegacyFunctions, self: NativePointer, localSteamId: SteamId) {
    super();
    this.ctx = ctx;
    this.fn = fn;
    this.self = self;
    this.localSteamId = localSteamId;
    this.pump = new CallbackPump(ctx);
    this.stateOut = new Uint8Array(ctx.koffi.sizeof(ctx.structs.P2PSessionState_t));
    ctx.callbackHandlers.add(this.onCallback);
  }

  sendP2PPacket(remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number): boolean {
    this.ctx.assertLive('sendP2PPacket');
    const ch = checkSend(remote, data, sendType, channel, this.limits);
    if (typeof ch !== 'number') {
      this.lastSendFailure = ch;
      return false;
    }
    const ok = this.fn.SendP2PPacket(this.self, remote, data, data.byteLength, sendType, ch);
    this.lastSendFailure = ok ? null : FAIL_STEAM;
    return ok;
  }

  getAvailableP2PPacketSize(channel?: number): number | null {
    this.ctx.assertLive('getAvailableP2PPacketSize');
    const ch = checkChannel(channel);
    // Steam answers bool + size: false is "none waiting", true with 0 an empty packet.
    return this.fn.IsP2PPacketAvailable(this.self, this.sizeOut, ch) ? this.sizeOut[0]! : null;
  }

  readP2PPacket(size: number, channel?: number): P2PPacket | null {
    this.ctx.assertLive('readP2PPacket');
    // No packet is larger than 1 MiB, so a larger request needs no larger buffer (and a hostile size
    // cannot make us allocate gigabytes).
    const want = Math.min(checkSize(size), P2P_MAX_RELIABLE_BYTES);
    const ch = checkChannel(channel);
    if (want > SLAB_MAX_PACKET) return this.readLarge(want, ch);
    const view = this.slab.take(want);
    if (!this.fn.ReadP2PPacket(this.self, view, want, this.sizeOut, this.remoteOut, ch)) {
      this.slab.trimLast(view, 0);
      return null;
    }
    // Steam reports the packet's full size; when the caller asked for less, the rest is lost (truncation).
    return { data: this.slab.trimLast(view, Math.min(this.sizeOut[0]!, want)), remoteSteamId: this.sender() };
  }

  /** Reads a packet too big for the slab through one reusable buffer, returning an exact-size copy. */
  private readLarge(want: number, channel: number): P2PPacket | null {
    if (this.largeBuffer === null || this.largeBuffer.byteLength < want) {
      const grown = Math.max(want, (this.largeBuffer?.byteLength ?? INITIAL_LARGE_BYTES) * 2);
      this.largeBuffer = new Uint8Array(Math.min(grown, P2P_MAX_RELIABLE_BYTES));
    }
    const buffer = this.largeBuffer;
    if (!this.fn.ReadP2PPacket(this.self, buffer, want, this.sizeOut, this.remoteOut, channel)) return null;
    return { data: buffer.slice(0, Math.min(this.sizeOut[0]!, want)), remoteSteamId: this.sender() };
  }

  /** The SteamID in {@link remoteOut}, reusing the last BigInt when the sender repeats. */
  private sender(): SteamId {
    const lo = this.remoteOut[0]!;
    const hi = this.remoteOut[1]!;
    const last = this.lastRemote;
    if (lo !== last.lo || hi !== last.hi) this.lastRemote = { lo, hi, id: (BigInt(hi) << 32n) | BigInt(lo) };
    return this.lastRemote.id;
  }

  acceptP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('acceptP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    return this.fn.AcceptP2PSessionWithUser(this.self, remote);
  }

  allowP2PPacketRelay(allow: boolean): boolean {
    this.ctx.assertLive('allowP2PPacketRelay');
    return this.fn.AllowP2PPacketRelay(this.self, checkBoolean('allow', allow));
  }

  closeP2PChannelWithUser(remote: SteamId, channel: number): boolean {
    this.ctx.assertLive('closeP2PChannelWithUser');
    const valid = checkRemote(remote);
    const ch = checkChannel(channel);
    if (!valid) return false;
    return this.fn.CloseP2PChannelWithUser(this.self, remote, ch);
  }

  closeP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('closeP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    return this.fn.CloseP2PSessionWithUser(this.self, remote);
  }

  getP2PSessionState(remote: SteamId): P2PSessionState | null {
    this.ctx.assertLive('getP2PSessionState');
    if (!checkRemote(remote)) return null;
    if (!this.fn.GetP2PSessionState(this.self, remote, this.stateOut)) return null;
    const s = this.ctx.koffi.decode(this.stateOut, this.ctx.structs.P2PSessionState_t) as {
      m_bConnectionActive: number;
      m_bConnecting: number;
      m_eP2PSessionError: number;
      m_bUsingRelay: number;
      m_nBytesQueuedForSend: number;
      m_nPacketsQueuedForSend: number;
      m_nRemoteIP: number;
      m_nRemotePort: number;
    };
    return {
      connectionActive: s.m_bConnectionActive !== 0,
      connecting: s.m_bConnecting !== 0,
      sessionError: s.m_eP2PSessionError as P2PSessionError,
      usingRelay: s.m_bUsingRelay !== 0,
      bytesQueuedForSend: s.m_nBytesQueuedForSend,
      packetsQueuedForSend: s.m_nPacketsQueuedForSend,
      remoteIp: s.m_nRemoteIP,
      remotePort: s.m_nRemotePort,
    };
  }

  runCallbacks(): void {
    this.ctx.assertLive('runCallbacks');
    this.pump.run();
  }

  /** Turns 1202/1203 into events; registered with the context, so whoever pumps delivers them. */
  private readonly onCallback = (id: number, param: NativePointer, size: number): void => {
    const { koffi, structs } = this.ctx;
    if (id === CallbackId.P2PSessionRequest && size >= 8) {
      const cb = koffi.decode(param, structs.P2PSessionRequest_t) as { m_steamIDRemote: number | bigint };
      this.emit('sessionRequest', BigInt(cb.m_steamIDRemote));
    } else if (id === CallbackId.P2PSessionConnectFail && size >= 9) {
      const cb = koffi.decode(param, structs.P2PSessionConnectFail_t) as {
        m_steamIDRemote: number | bigint;
        m_eP2PSessionError: number;
      };
      this.emit('sessionConnectFail', BigInt(cb.m_steamIDRemote), cb.m_eP2PSessionError as P2PSessionError);
    }
  };
}
