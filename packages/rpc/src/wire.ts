/**
 * The wire format: varints, packet kinds, frames, and msgpack payloads decoded only after a bounded
 * scan.
 *
 * A data packet starts with its kind: one byte for reliable packets, and for unreliable ones two
 * bytes holding the high bit and a 15-bit sequence number. Then come frames:
 *
 *     frame = varint(tag) [varint(length)] body      tag = id << 1 | hasLength
 *
 * The last frame of a packet omits its length (it runs to the end of the packet), so a full batch
 * costs 2 bytes of framing per message for ids < 64 and bodies < 128 bytes. Ids 0 and 1 are
 * responses (ok / error); declared entries start at 2. A request body starts with a varint call id.
 *
 * Remote bytes never configure the decoder: msgpackr runs with records off, and {@link scanMsgpack}
 * first walks the payload with explicit bounds, refusing every extension type except `undefined`
 * and timestamps, nesting deeper than {@link MAX_DEPTH}, declared lengths beyond the bytes present,
 * and non-scalar map keys — so msgpackr never sees a record definition (which it would otherwise
 * honour even with `useRecords: false`), a structured-clone reference, or a stack-busting tree.
 * @packageDocumentation
 */
import { Packr, RESET_BUFFER_MODE, REUSE_BUFFER_MODE, Unpackr } from 'msgpackr';

/** First byte of every packet on a data channel. */
export const PacketKind = {
  /** Frames, sent reliably. */
  Reliable: 0x00,
  /**
   * Sent unreliably: any first byte with the high bit set. The low 7 bits and the next byte are a
   * 15-bit sequence number per (peer, channel); frames follow.
   */
  Unreliable: 0x80,
  /** First part of a reliable message too large for one packet: varint total length, then bytes. */
  FragmentFirst: 0x02,
  /** A following part of that message. */
  FragmentNext: 0x03,
} as const;

/** Bytes before the first frame of a reliable packet. */
export const RELIABLE_HEADER_BYTES = 1;
/** Bytes before the first frame of an unreliable packet (flag + 15-bit sequence). */
export const UNRELIABLE_HEADER_BYTES = 2;
/** Unreliable sequence numbers wrap at 2^15. */
export const SEQ_MASK = 0x7fff;
/** Frame id of a successful response. */
export const RESPONSE_OK_ID = 0;
/** Frame id of a failed response (body: call id, msgpack `[code, message]`). */
export const RESPONSE_ERROR_ID = 1;
/** Deepest msgpack nesting accepted from a peer. */
export const MAX_DEPTH = 32;
/** Largest varint accepted: 4 bytes, i.e. below 2^28 (ids, lengths up to 256 MiB, call ids). */
export const MAX_VARINT = 0x0fffffff;

/** Bytes `value` (0 ≤ value ≤ {@link MAX_VARINT}) takes as a varint. */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

/** Writes `value` as an unsigned LEB128 varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}

/** Position after the varint read by the last successful {@link readVarint}. */
export let varintEnd = 0;

/**
 * Reads a varint at `pos` without reading at or past `end`.
 * @returns the value (its end in {@link varintEnd}), or -1 when truncated or longer than 4 bytes.
 */
export function readVarint(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) return -1;
    const byte = buf[pos++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      varintEnd = pos;
      return value >>> 0;
    }
  }
  return -1;
}

// Remaining item counts and map flags per nesting level, reused by every scan.
const remaining = new Float64Array(MAX_DEPTH + 1);
const isMap = new Uint8Array(MAX_DEPTH + 1);

/**
 * Checks that `buf[start, end)` holds exactly one msgpack value that is safe to hand to msgpackr:
 * no extension other than `undefined` (fixext1 type 0) and timestamps (type -1), no `0xc1`, nesting
 * at most {@link MAX_DEPTH}, map keys only strings or integers, and every declared length within the
 * bytes present. One pass, no allocation.
 */
export function scanMsgpack(buf: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  let depth = 0;
  remaining[0] = 1;
  isMap[0] = 0;
  for (;;) {
    if (remaining[depth] === 0) {
      if (depth === 0) return pos === end;
      depth--;
      continue;
    }
    const keyPosition = isMap[depth] === 1 && remaining[depth]! % 2 === 0;
    remaining[depth]!--;
    if (pos >= end) return false;
    const b = buf[pos++]!;
    let skip = 0;
    let items = -1;
    let map = 0;
    if (
      keyPosition &&
      !(
        b <= 0x7f ||
        b >= 0xe0 ||
        (b >= 0xa0 && b <= 0xbf) ||
        (b >= 0xcc && b <= 0xd3) ||
        (b >= 0xd9 && b <= 0xdb)
      )
    ) {
      return false;
    }
    if (b <= 0x7f || b >= 0xe0) continue;
    if (b <= 0x8f) {
      items = (b & 0x0f) * 2;
      map = 1;
    } else if (b <= 0x9f) {
      items = b & 0x0f;
    } else if (b <= 0xbf) {
      skip = b & 0x1f;
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          continue;
        case 0xc4: // bin 8
        case 0xd9: // str 8
          if (pos + 1 > end) return false;
          skip = 1 + buf[pos]!;
          break;
        case 0xc5: // bin 16
        case 0xda: // str 16
          if (pos + 2 > end) return false;
          skip = 2 + ((buf[pos]! << 8) | buf[pos + 1]!);
          break;
        case 0xc6: // bin 32
        case 0xdb: // str 32
          if (pos + 4 > end) return false;
          skip = 4 + (buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!));
          break;
        case 0xc7: // ext 8: only the 12-byte timestamp
          if (pos + 2 > end || buf[pos] !== 12 || buf[pos + 1] !== 0xff) return false;
          skip = 14;
          break;
        case 0xca:
          skip = 4;
          break;
        case 0xcb:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd4: // fixext 1: only undefined (type 0)
          if (pos + 2 > end || buf[pos] !== 0) return false;
          skip = 2;
          break;
        case 0xd6: // fixext 4 / fixext 8: only timestamps (type -1)
          if (pos + 1 > end || buf[pos] !== 0xff) return false;
          skip = 5;
          break;
        case 0xd7:
          if (pos + 1 > end || buf[pos] !== 0xff) return false;
          skip = 9;
          break;
        case 0xdc: // array 16
          if (pos + 2 > end) return false;
          items = (buf[pos]! << 8) | buf[pos + 1]!;
          pos += 2;
          break;
        case 0xdd: // array 32
          if (pos + 4 > end) return false;
          items = buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
          pos += 4;
          break;
        case 0xde: // map 16
          if (pos + 2 > end) return false;
          items = ((buf[pos]! << 8) | buf[pos + 1]!) * 2;
          map = 1;
          pos += 2;
          break;
        case 0xdf: // map 32
          if (pos + 4 > end) return false;
          items =
            (buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!)) * 2;
          map = 1;
          pos += 4;
          break;
        default: // 0xc1 (never used), 0xc8/0xc9 ext 16/32, 0xd5/0xd8 fixext 2/16: none are ours.
          return false;
      }
    }
    if (items >= 0) {
      if (keyPosition) return false;
      if (items === 0) continue;
      // Every item takes at least one byte: a count beyond the bytes left is a lie, refused before
      // msgpackr would pre-allocate for it.
      if (items > end - pos || depth === MAX_DEPTH) return false;
      depth++;
      remaining[depth] = items;
      isMap[depth] = map;
      continue;
    }
    pos += skip;
    if (pos > end) return false;
  }
}

/** The encoder: records off, minimal map headers, `undefined` properties left out (as JSON does). */
// `skipValues` exists in msgpackr 2 but is missing from its Options type.
const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  skipValues: [undefined],
} as ConstructorParameters<typeof Packr>[0]);
/** The decoder: records off, maps as plain objects (msgpackr renames `__proto__` keys). */
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  int64AsType: 'number',
});
const PACK_MODE = REUSE_BUFFER_MODE | RESET_BUFFER_MODE;

/** The encoded bytes of the last {@link encodeValue}: `encoded.subarray(encodedStart, encodedEnd)`. */
export let encoded: Uint8Array = new Uint8Array(0);
/** Start of the last encoding in {@link encoded}. */
export let encodedStart = 0;
/** End of the last encoding in {@link encoded}. */
export let encodedEnd = 0;

/**
 * Encodes `value` into msgpackr's reusable scratch buffer (no allocation for small values); read
 * the bytes from {@link encoded} between {@link encodedStart} and {@link encodedEnd} before the next
 * call. msgpackr cannot write at an arbitrary offset of our packet buffer (it word-aligns its start),
 * so the caller copies these bytes once, straight into the packet.
 * @throws whatever msgpackr throws for an unencodable value.
 */
export function encodeValue(value: unknown): void {
  encodedSlice = null;
  if (encodeFlat(value)) return;
  const out = packr.pack(value, PACK_MODE) as unknown as Uint8Array & { start: number; end: number };
  // msgpackr hands back its own Node Buffer; a plain Uint8Array view of it (made again only when
  // msgpackr grows its buffer) keeps `subarray`/`set` on V8's fast typed-array paths, where
  // Buffer#subarray goes through Node's JS wrapper.
  if (out !== encodedTarget) {
    encodedTarget = out;
    encodedTargetView = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  encoded = encodedTargetView;
  encodedStart = out.start;
  encodedEnd = out.end;
}

/** The Buffer msgpackr returned last, and {@link encodedTargetView}, our plain view of it. */
let encodedTarget: Uint8Array | null = null;
let encodedTargetView: Uint8Array = new Uint8Array(0);

/**
 * Where {@link encodeFlat} writes: 15 entries of at most 32 + 32 bytes each, plus the map header,
 * always fit, so the writes need no bounds checks.
 */
const flatScratch = new Uint8Array(1024);
const flatView = new DataView(flatScratch.buffer);
const objectHasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * The common game message — a plain object of at most 15 properties whose keys and values are short
 * ASCII strings, numbers, booleans or null — encoded without msgpackr's general machinery (its
 * `skipValues` path builds a key array and searches `skipValues` for every property). The bytes are
 * exactly the ones {@link packr} writes for it: same property order and filter (own enumerable,
 * `undefined` skipped), fixmap header, msgpackr's integer widths and float64 for the rest.
 * @returns false, having written nothing that counts, for anything else (msgpackr then encodes it).
 */
function encodeFlat(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value.constructor !== Object) return false;
  const object = value as Record<string, unknown>;
  const buf = flatScratch;
  let pos = 1;
  let count = 0;
  // msgpackr filters with `object.hasOwnProperty(key)` when that is a function: any but the
  // built-in one is left to msgpackr itself.
  const hasOwn = object.hasOwnProperty;
  if (hasOwn !== objectHasOwnProperty && typeof hasOwn === 'function') return false;
  const checkOwn = hasOwn === objectHasOwnProperty;
  for (const key in object) {
    // This exact form (not Object.hasOwn) is what V8 folds away inside a for-in over a plain object.
    // biome-ignore lint/suspicious/noPrototypeBuiltins: the built-in, checked above.
    if (checkOwn && !object.hasOwnProperty(key)) continue;
    const v = object[key];
    if (v === undefined) continue;
    if (++count > 15) return false;
    const keyLen = key.length;
    if (keyLen > 31) return false;
    buf[pos++] = 0xa0 | keyLen;
    for (let i = 0; i < keyLen; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[pos++] = c;
    }
    if (typeof v === 'number') {
      if (v >>> 0 === v) {
        if (v < 0x80) {
          buf[pos++] = v;
        } else if (v < 0x100) {
          buf[pos++] = 0xcc;
          buf[pos++] = v;
        } else if (v < 0x10000) {
          buf[pos++] = 0xcd;
          buf[pos++] = v >> 8;
          buf[pos++] = v & 0xff;
        } else {
          buf[pos++] = 0xce;
          flatView.setUint32(pos, v);
          pos += 4;
        }
      } else if (v >> 0 === v) {
        if (v >= -0x20) {
          buf[pos++] = 0x100 + v;
        } else if (v >= -0x80) {
          buf[pos++] = 0xd0;
          buf[pos++] = v + 0x100;
        } else if (v >= -0x8000) {
          buf[pos++] = 0xd1;
          flatView.setInt16(pos, v);
          pos += 2;
        } else {
          buf[pos++] = 0xd2;
          flatView.setInt32(pos, v);
          pos += 4;
        }
      } else {
        buf[pos++] = 0xcb;
        flatView.setFloat64(pos, v);
        pos += 8;
      }
    } else if (typeof v === 'boolean') {
      buf[pos++] = v ? 0xc3 : 0xc2;
    } else if (v === null) {
      buf[pos++] = 0xc0;
    } else if (typeof v === 'string') {
      const len = v.length;
      if (len > 31) return false;
      buf[pos++] = 0xa0 | len;
      for (let i = 0; i < len; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) return false;
        buf[pos++] = c;
      }
    } else {
      return false;
    }
  }
  buf[0] = 0x80 | count;
  encoded = buf;
  encodedStart = 0;
  encodedEnd = pos;
  return true;
}
/** {@link encodedBytes}' cache for the current encoding. */
let encodedSlice: Uint8Array | null = null;

/**
 * The bytes of the last {@link encodeValue} as one view, made once per encoding however many
 * packets (a broadcast) copy it.
 */
export function encodedBytes(): Uint8Array {
  if (encodedSlice === null) encodedSlice = encoded.subarray(encodedStart, encodedEnd);
  return encodedSlice;
}

/**
 * Decodes the msgpack value in `buf[start, end)`.
 * Call only after {@link scanMsgpack} accepted the same range.
 * @throws whatever msgpackr throws (callers treat it as a decode rejection).
 */
export function decodeValue(buf: Uint8Array, start: number, end: number): unknown {
  const n = end - start;
  // msgpackr reads `end: 0` as "to the end of the buffer": an empty range must never reach it.
  if (!(n > 0)) throw new RangeError('There is no msgpack value in an empty range.');
  if (n > MAX_COPIED_DECODE) {
    decodeRange.start = start;
    decodeRange.end = end;
    return unpackr.unpack(buf, decodeRange);
  }
  // Decoding from our own buffer at offset 0 rather than from the packet is what keeps this cheap:
  // msgpackr caches a DataView on every source as an expando property (a DataView and a hidden-class
  // change per packet, ~1 µs), and it uses its key cache only for sources that end below byte 180, so
  // a small message late in a batch would otherwise have its keys re-extracted as new strings.
  if (n > decodeScratch.length) {
    let size = decodeScratch.length * 2;
    while (size < n) size *= 2;
    decodeScratch = new Uint8Array(size);
  }
  const scratch = decodeScratch;
  if (n <= 64) {
    for (let i = 0; i < n; i++) scratch[i] = buf[start + i]!;
  } else {
    scratch.set(buf.subarray(start, end));
  }
  decodeRange.start = 0;
  decodeRange.end = n;
  return unpackr.unpack(scratch, decodeRange);
}

/** Payloads up to this size are copied into {@link decodeScratch} before decoding. */
const MAX_COPIED_DECODE = 64 * 1024;
/** Where small payloads are decoded from; msgpackr's cached DataView on it is made once per growth. */
let decodeScratch = new Uint8Array(2048);
/** The range argument of every unpack, reused (msgpackr reads `start`/`end` and keeps nothing). */
const decodeRange = { start: 0, end: 0 };
