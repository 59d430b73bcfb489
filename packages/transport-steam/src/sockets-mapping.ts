/**
 * How `P2PNetworking` maps onto `ISteamNetworkingSockets` connections: the numbers and encodings the
 * binding's Sockets backend and the testkit's in-memory one share, so the two cannot drift apart.
 * Channels 0..6 ride lanes 0..6 unchanged; lane 7 carries every other channel with the channel number
 * as an unsigned LEB128 varint (1-5 bytes) in front of the payload. Legacy send types become Steam's
 * documented migration flags. A waiting incoming connection is announced again at Steam's connect
 * retry cadence.
 * @packageDocumentation
 */

import type { P2PSessionFailDetail } from './p2p.js';
import { netConnectionEndName, SendFlags } from './sockets-constants.js';

/** Lanes per connection: channels 0..6, plus lane 7 for every other channel. */
export const SOCKETS_SEAM_LANES = 8;
/** The lane that carries channels 7 and up, behind their number. */
export const SOCKETS_HEADER_LANE = 7;
/** How often a waiting incoming connection is announced again as `sessionRequest` (Steam re-sends every 0.5 s). */
export const SESSION_REQUEST_REPOST_MS = 500;

/** Legacy send type → Sockets send flags (index = `P2PSend`): Steam's documented migration equivalents. */
export const SOCKETS_SEND_FLAGS: readonly number[] = Object.freeze([
  SendFlags.UnreliableNoNagle,
  SendFlags.UnreliableNoDelay,
  SendFlags.ReliableNoNagle,
  SendFlags.Reliable,
]);

/** Bytes an unsigned LEB128 varint of `value` takes. */
export function varintSize(value: number): number {
  let n = 1;
  for (let v = value >>> 7; v !== 0; v >>>= 7) n++;
  return n;
}

/** Bytes the channel header of `channel` takes on the wire (0 below lane 7). */
export function channelHeaderSize(channel: number): number {
  return channel < SOCKETS_HEADER_LANE ? 0 : varintSize(channel);
}

/** Writes `value` as an unsigned LEB128 varint at the start of `bytes`. */
export function writeVarint(bytes: Uint8Array, value: number): void {
  let v = value >>> 0;
  let i = 0;
  while (v >= 0x80) {
    bytes[i++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  bytes[i] = v;
}

/**
 * Reads an unsigned LEB128 varint of at most 5 bytes from `bytes[at..end)`: the value and the bytes it
 * took, or `null` when it is truncated, too long, or above the int32 channel range (a hostile peer).
 */
export function readVarint(bytes: Uint8Array, at: number, end: number): [number, number] | null {
  let value = 0;
  for (let i = 0; i < 5 && at + i < end; i++) {
    const b = bytes[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value <= 0x7fffffff ? [value, i + 1] : null;
  }
  return null;
}

/** What `sessionConnectFail` tells about a connection that ended with `endReason` (Steam's words in `debug`). */
export function sessionFailDetail(endReason: number, debug: unknown): P2PSessionFailDetail {
  const name = netConnectionEndName(endReason);
  const text = typeof debug === 'string' ? debug.replace(/\0[\s\S]*$/, '') : '';
  return {
    endReason,
    ...(name !== null && { endReasonName: name }),
    ...(text !== '' && { debug: text }),
  };
}
