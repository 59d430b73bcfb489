/**
 * What the typed Sockets and Utils APIs and the Sockets P2P backend share for one Steam session: the
 * bound functions, the interface addresses, and the decoders from Steam's structs to typed objects.
 * Structs are read with a DataView at the offsets of STEAM_API.md §4 and §15.5 (the same under both
 * pack rules, except where the callback's `m_info` starts, which comes from the koffi layout).
 * @packageDocumentation
 */
import { IDENTITY_BYTES, IDENTITY_TYPE_STEAMID } from './constants.js';
import type { SteamContext } from './context.js';
import type { SocketsFunctions, UtilsFunctions } from './flat.js';
import { NativeHeap } from './heap.js';
import { checkConfigOptions, configDef } from './sockets-checks.js';
import {
  availabilityName,
  type ConfigDataType,
  netConnectionEndName,
  netConnectionStateName,
} from './sockets-constants.js';
import type {
  AuthenticationStatus,
  ConfigOptions,
  ConnectionInfo,
  ConnectionStatusChange,
  LaneStatus,
  ListenSocket,
  NetConnection,
  RealTimeStatus,
  ReceivedMessage,
  RelayNetworkStatus,
  SettableConfigName,
} from './sockets-types.js';
import type { SteamId } from './steam-id.js';

/** `ESteamNetworkingConfigDataType` numbers. */
export const CONFIG_DATA_TYPE: Record<ConfigDataType, number> = {
  int32: 1,
  int64: 2,
  float: 3,
  string: 4,
  ptr: 5,
};
const DATA_TYPE_NAMES: readonly ConfigDataType[] = ['int32', 'int32', 'int64', 'float', 'string', 'ptr'];

/** The name of a data type number. */
export function configDataTypeName(type: number): ConfigDataType {
  return DATA_TYPE_NAMES[type] ?? 'int32';
}

const utf8 = new TextDecoder();

/** A NUL-terminated UTF-8 string at `offset` (at most `max` bytes). */
export function cString(bytes: Uint8Array, offset: number, max: number): string {
  const field = bytes.subarray(offset, offset + max);
  const end = field.indexOf(0);
  return utf8.decode(end === -1 ? field : field.subarray(0, end));
}

function ipText(bytes: Uint8Array, at: number): string | null {
  const ip = bytes.subarray(at, at + 16);
  if (ip.every((b) => b === 0)) return null;
  const mapped = ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  if (mapped) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return groups.join(':');
}

/** Decodes a `SteamNetConnectionInfo_t` found at `at` in `bytes`. */
export function decodeConnectionInfo(bytes: Uint8Array, at = 0): ConnectionInfo {
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, 696);
  const isSteamId = v.getInt32(0, true) === IDENTITY_TYPE_STEAMID;
  const listen = v.getUint32(144, true);
  const ip = ipText(bytes, at + 148);
  const endReason = v.getInt32(180, true);
  const flags = v.getInt32(440, true);
  return {
    remote: isSteamId ? v.getBigUint64(8, true) : null,
    userData: v.getBigInt64(136, true),
    listenSocket: listen === 0 ? null : (listen as ListenSocket),
    remoteAddress: ip === null ? null : { ip, port: v.getUint16(164, true) },
    popRemote: v.getUint32(168, true),
    popRelay: v.getUint32(172, true),
    state: netConnectionStateName(v.getInt32(176, true)),
    endReason,
    endReasonName: endReason === 0 ? null : netConnectionEndName(endReason),
    endDebug: cString(bytes, at + 184, 128),
    description: cString(bytes, at + 312, 128),
    flags: {
      unauthenticated: (flags & 1) !== 0,
      unencrypted: (flags & 2) !== 0,
      loopbackBuffers: (flags & 4) !== 0,
      fast: (flags & 8) !== 0,
      relayed: (flags & 16) !== 0,
      dualWifi: (flags & 32) !== 0,
    },
  };
}

/** Decodes a `SteamNetConnectionRealTimeStatus_t`. */
export function decodeRealTimeStatus(bytes: Uint8Array): RealTimeStatus {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 120);
  return {
    state: netConnectionStateName(v.getInt32(0, true)),
    ping: v.getInt32(4, true),
    qualityLocal: v.getFloat32(8, true),
    qualityRemote: v.getFloat32(12, true),
    outPacketsPerSec: v.getFloat32(16, true),
    outBytesPerSec: v.getFloat32(20, true),
    inPacketsPerSec: v.getFloat32(24, true),
    inBytesPerSec: v.getFloat32(28, true),
    sendRateBytesPerSecond: v.getInt32(32, true),
    pendingUnreliable: v.getInt32(36, true),
    pendingReliable: v.getInt32(40, true),
    sentUnackedReliable: v.getInt32(44, true),
    queueTimeUs: v.getBigInt64(48, true),
  };
}

/** Decodes `count` `SteamNetConnectionRealTimeLaneStatus_t`s (64 bytes each). */
export function decodeLaneStatus(bytes: Uint8Array, count: number): LaneStatus[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, count * 64);
  const out: LaneStatus[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * 64;
    out.push({
      pendingUnreliable: v.getInt32(o, true),
      pendingReliable: v.getInt32(o + 4, true),
      sentUnackedReliable: v.getInt32(o + 8, true),
      queueTimeUs: v.getBigInt64(o + 16, true),
    });
  }
  return out;
}

/** Decodes a `SteamRelayNetworkStatus_t`. */
export function decodeRelayStatus(bytes: Uint8Array): RelayNetworkStatus {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 272);
  return {
    availability: availabilityName(v.getInt32(0, true)),
    pingMeasurementInProgress: v.getInt32(4, true) !== 0,
    networkConfig: availabilityName(v.getInt32(8, true)),
    anyRelay: availabilityName(v.getInt32(12, true)),
    debugMessage: cString(bytes, 16, 256),
  };
}

/** Decodes a `SteamNetAuthenticationStatus_t`. */
export function decodeAuthStatus(bytes: Uint8Array): AuthenticationStatus {
  return {
    availability: availabilityName(new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true)),
    debugMessage: cString(bytes, 4, 256),
  };
}

/** The `SteamNetworkingConfigValue_t` options array for `options`, and the string values it cannot carry. */
export function encodeConfigOptions(options: ConfigOptions | undefined): {
  array: Uint8Array | null;
  count: number;
  strings: [SettableConfigName, string][];
} {
  const entries = checkConfigOptions(options);
  const numeric = entries.filter(([name]) => configDef(name).type !== 'string');
  const strings = entries.filter(([name]) => configDef(name).type === 'string') as [
    SettableConfigName,
    string,
  ][];
  if (numeric.length === 0) return { array: null, count: 0, strings };
  const array = new Uint8Array(16 * numeric.length);
  const v = new DataView(array.buffer);
  numeric.forEach(([name, value], i) => {
    const d = configDef(name);
    v.setInt32(i * 16, d.id, true);
    v.setInt32(i * 16 + 4, CONFIG_DATA_TYPE[d.type], true);
    if (d.type === 'int64') v.setBigInt64(i * 16 + 8, value as bigint, true);
    else if (d.type === 'float') v.setFloat32(i * 16 + 8, value as number, true);
    else v.setInt32(i * 16 + 8, value as number, true);
  });
  return { array, count: numeric.length, strings };
}

/** Everything one session's Sockets/Utils users share. */
export class SocketsCore {
  readonly ctx: SteamContext;
  readonly fn: SocketsFunctions;
  readonly utilsFn: UtilsFunctions;
  /** `ISteamNetworkingSockets *` and `ISteamNetworkingUtils *`, as numbers. */
  readonly self: number;
  readonly utils: number;
  readonly heap: NativeHeap;
  /** Connections the P2P backend owns: their status changes are its business, not the typed API's. */
  readonly backendConnections = new Set<number>();
  /** The P2P backend's listen socket (0 when none): its incoming connections are the backend's. */
  backendListenSocket = 0;
  /** koffi.decode/encode calls made where a view could not serve (diagnostics and the FFI bench). */
  helperCalls = 0;
  /** Offsets inside a 1221 callback under this platform's pack rule. */
  readonly statusInfoAt: number;
  readonly statusOldStateAt: number;
  private readonly identityBytes = new Uint8Array(IDENTITY_BYTES);
  private readonly identityView = new DataView(this.identityBytes.buffer);

  constructor(ctx: SteamContext, fn: SocketsFunctions, utilsFn: UtilsFunctions, self: bigint, utils: bigint) {
    this.ctx = ctx;
    this.fn = fn;
    this.utilsFn = utilsFn;
    this.self = Number(self);
    this.utils = Number(utils);
    this.heap = new NativeHeap(ctx.koffi);
    const cb = ctx.structs.SteamNetConnectionStatusChangedCallback_t;
    this.statusInfoAt = ctx.koffi.offsetof(cb, 'm_info');
    this.statusOldStateAt = ctx.koffi.offsetof(cb, 'm_eOldState');
    this.identityView.setInt32(0, IDENTITY_TYPE_STEAMID, true);
    this.identityView.setInt32(4, 8, true);
  }

  /** Steam's local clock (`GetLocalTimestamp`), in ms: the time of the network the session is on. */
  nowMs(): number {
    return Number(this.utilsFn.GetLocalTimestamp(this.utils)) / 1000;
  }

  /** A reusable `SteamNetworkingIdentity` holding `remote` (built by hand: Valve's parser needs init). */
  identity(remote: SteamId): Uint8Array {
    this.identityView.setBigUint64(8, remote, true);
    return this.identityBytes;
  }

  /** Decodes a 1221 callback's payload. */
  decodeStatusChange(param: bigint, size: number): ConnectionStatusChange {
    const bytes = this.ctx.koffi.decode(param, 'uint8_t', size) as Uint8Array;
    const v = new DataView(bytes.buffer, bytes.byteOffset, size);
    return {
      connection: v.getUint32(0, true) as NetConnection,
      info: decodeConnectionInfo(bytes, this.statusInfoAt),
      oldState: netConnectionStateName(v.getInt32(this.statusOldStateAt, true)),
    };
  }

  /** Copies `size` bytes at native `address` into a new array. */
  copyBytes(address: number, size: number): Uint8Array {
    if (size <= 0 || address === 0) return new Uint8Array(0);
    const at = this.heap.find(address, size);
    if (at >= 0) return this.heap.bytes.slice(at, at + size);
    this.helperCalls++;
    return (this.ctx.koffi.decode(address, 'uint8_t', size) as Uint8Array).slice();
  }

  /**
   * Fills a message from `AllocateMessage(data.length)` for `SendMessages`: its buffer gets `data`,
   * `m_conn`, `m_nFlags` and `m_idxLane` their values; nothing else is touched.
   */
  writeOutgoing(address: number, connection: number, flags: number, lane: number, data: Uint8Array): void {
    const heap = this.heap;
    const at = heap.find(address, 216);
    if (at < 0) {
      this.writeOutgoingSlow(address, connection, flags, lane, data);
      return;
    }
    const w = heap.words;
    const word = at >> 2;
    const dataAddress = w[word]! + w[word + 1]! * 0x1_0000_0000;
    w[word + 3] = connection;
    w[word + 49] = flags >>> 0;
    heap.bytes[at + 208] = lane & 0xff;
    heap.bytes[at + 209] = lane >>> 8;
    const n = data.byteLength;
    if (n === 0) return;
    const d = heap.find(dataAddress, n);
    if (d >= 0) heap.bytes.set(data, d);
    else {
      this.helperCalls++;
      this.ctx.koffi.encode(dataAddress, 'uint8_t', data, n);
    }
  }

  private writeOutgoingSlow(
    address: number,
    connection: number,
    flags: number,
    lane: number,
    data: Uint8Array,
  ): void {
    const { koffi } = this.ctx;
    this.helperCalls += data.byteLength > 0 ? 5 : 4;
    const head = koffi.decode(address, 'uint8_t', 8) as Uint8Array;
    const v = new DataView(head.buffer, head.byteOffset, 8);
    const dataAddress = v.getUint32(0, true) + v.getUint32(4, true) * 0x1_0000_0000;
    if (data.byteLength > 0) koffi.encode(dataAddress, 'uint8_t', data, data.byteLength);
    koffi.encode(address, 12, 'uint32_t', connection);
    koffi.encode(address, 196, 'int32_t', flags);
    koffi.encode(address, 208, 'uint16_t', lane);
  }

  /** Reads a received `SteamNetworkingMessage_t` at `address` into a typed message (the caller releases it). */
  readMessage(address: number): ReceivedMessage {
    const head = this.copyBytes(address, 216);
    const v = new DataView(head.buffer, head.byteOffset, 216);
    const dataAddress = v.getUint32(0, true) + v.getUint32(4, true) * 0x1_0000_0000;
    const size = Math.max(0, v.getInt32(8, true));
    return {
      connection: v.getUint32(12, true) as NetConnection,
      data: this.copyBytes(dataAddress, size),
      remote: v.getInt32(16, true) === IDENTITY_TYPE_STEAMID ? v.getBigUint64(24, true) : null,
      connectionUserData: v.getBigInt64(152, true),
      timeReceivedUs: v.getBigInt64(160, true),
      messageNumber: v.getBigInt64(168, true),
      reliable: (v.getInt32(196, true) & 8) !== 0,
      lane: v.getUint16(208, true),
    };
  }
}
