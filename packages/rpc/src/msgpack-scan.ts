/**
 * The bounded msgpack pre-scan: before msgpackr sees a payload from a peer, one pass checks that it
 * holds exactly one value msgpackr may safely decode, and at what cost. Remote bytes never configure
 * the decoder: msgpackr runs with records off, and this scan refuses every extension type except
 * `undefined` and timestamps, declared lengths beyond the bytes present, and non-scalar map keys, so
 * msgpackr never sees a record definition (which it would otherwise honour even with
 * `useRecords: false`), a structured-clone reference, or a stack-busting tree.
 *
 * Cost is not bytes: a 1 MiB payload can hold a million empty maps (a million objects to build) or
 * one map of 150 000 keys. The scan therefore counts what decoding will do — elements, nesting, keys
 * per map, string bytes — stops as soon as a payload passes its {@link ScanLimits}, and returns the
 * work decoding will take, so an endpoint can charge it to the sender's budget for the update.
 * @packageDocumentation
 */

/** Deepest nesting any declaration may allow. */
export const MAX_SCAN_DEPTH = 64;

/** What one payload may cost to decode, checked by {@link scanMsgpack}. */
export interface ScanLimits {
  /** Most msgpack values: every scalar, array, map and map key counts one. */
  readonly maxElements: number;
  /** Deepest nesting of arrays and maps (at most {@link MAX_SCAN_DEPTH}). */
  readonly maxDepth: number;
  /** Most keys in any one map. */
  readonly maxMapKeys: number;
  /** Most bytes of strings (keys included) in the whole payload. */
  readonly maxStringBytes: number;
}

/** {@link scanMsgpack}'s answer for bytes that are not one safe msgpack value. */
export const SCAN_INVALID = -1;
/** {@link scanMsgpack}'s answer for a valid payload that passes its limits. */
export const SCAN_TOO_COMPLEX = -2;

/**
 * Work units one map key adds to its element (building a property costs about three elements).
 * One work unit is about one element decoded; see `EndpointOptions.workPerUpdate`.
 */
export const KEY_COST = 2;
/** String bytes per work unit (decoding text, two-byte characters included). */
export const STRING_BYTES_PER_UNIT = 8;

// Remaining item counts and map flags per nesting level, reused by every scan. Module constants, not
// fields: TurboFan then knows the arrays and drops their checks (measured: the scan runs ~10 % slower
// on arrays it must load). Sharing them is safe: a scan runs to its end without calling anything, so
// two scans never interleave, and nothing in them outlives the call.
const remaining = new Float64Array(MAX_SCAN_DEPTH + 1);
const isMap = new Uint8Array(MAX_SCAN_DEPTH + 1);

/**
 * Checks that `buf[start, end)` holds exactly one msgpack value that is safe to hand to msgpackr:
 * no extension other than `undefined` (fixext1 type 0) and timestamps (type -1), no `0xc1`, map keys
 * only strings or integers, every declared length within the bytes present; and within `limits`.
 * One pass, no allocation, and never more than `limits.maxElements` steps.
 * @returns the work decoding will take (elements, plus {@link KEY_COST} per map key, plus string
 *   bytes / {@link STRING_BYTES_PER_UNIT}); {@link SCAN_INVALID} for unsafe bytes;
 *   {@link SCAN_TOO_COMPLEX} for a payload over its limits.
 */
export function scanMsgpack(buf: Uint8Array, start: number, end: number, limits: ScanLimits): number {
  const maxElements = limits.maxElements;
  const maxDepth = Math.min(limits.maxDepth, MAX_SCAN_DEPTH);
  const maxMapKeys = limits.maxMapKeys;
  const maxStringBytes = limits.maxStringBytes;
  let pos = start;
  let depth = 0;
  let elements = 0;
  let keys = 0;
  let stringBytes = 0;
  remaining[0] = 1;
  isMap[0] = 0;
  for (;;) {
    if (remaining[depth] === 0) {
      if (depth === 0) {
        if (pos !== end) return SCAN_INVALID;
        return elements + keys * KEY_COST + Math.floor(stringBytes / STRING_BYTES_PER_UNIT);
      }
      depth--;
      continue;
    }
    const keyPosition = isMap[depth] === 1 && remaining[depth]! % 2 === 0;
    remaining[depth]!--;
    if (pos >= end) return SCAN_INVALID;
    if (++elements > maxElements) return SCAN_TOO_COMPLEX;
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
      return SCAN_INVALID;
    }
    if (b <= 0x7f || b >= 0xe0) continue;
    if (b <= 0x8f) {
      items = (b & 0x0f) * 2;
      map = 1;
    } else if (b <= 0x9f) {
      items = b & 0x0f;
    } else if (b <= 0xbf) {
      skip = b & 0x1f;
      stringBytes += skip;
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          continue;
        case 0xc4: // bin 8
          if (pos + 1 > end) return SCAN_INVALID;
          skip = 1 + buf[pos]!;
          break;
        case 0xd9: // str 8
          if (pos + 1 > end) return SCAN_INVALID;
          skip = 1 + buf[pos]!;
          stringBytes += skip - 1;
          break;
        case 0xc5: // bin 16
          if (pos + 2 > end) return SCAN_INVALID;
          skip = 2 + ((buf[pos]! << 8) | buf[pos + 1]!);
          break;
        case 0xda: // str 16
          if (pos + 2 > end) return SCAN_INVALID;
          skip = 2 + ((buf[pos]! << 8) | buf[pos + 1]!);
          stringBytes += skip - 2;
          break;
        case 0xc6: // bin 32
          if (pos + 4 > end) return SCAN_INVALID;
          skip = 4 + (buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!));
          break;
        case 0xdb: // str 32
          if (pos + 4 > end) return SCAN_INVALID;
          skip = 4 + (buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!));
          stringBytes += skip - 4;
          break;
        case 0xc7: // ext 8: only the 12-byte timestamp
          if (pos + 2 > end || buf[pos] !== 12 || buf[pos + 1] !== 0xff) return SCAN_INVALID;
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
          if (pos + 2 > end || buf[pos] !== 0) return SCAN_INVALID;
          skip = 2;
          break;
        case 0xd6: // fixext 4 / fixext 8: only timestamps (type -1)
          if (pos + 1 > end || buf[pos] !== 0xff) return SCAN_INVALID;
          skip = 5;
          break;
        case 0xd7:
          if (pos + 1 > end || buf[pos] !== 0xff) return SCAN_INVALID;
          skip = 9;
          break;
        case 0xdc: // array 16
          if (pos + 2 > end) return SCAN_INVALID;
          items = (buf[pos]! << 8) | buf[pos + 1]!;
          pos += 2;
          break;
        case 0xdd: // array 32
          if (pos + 4 > end) return SCAN_INVALID;
          items = buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
          pos += 4;
          break;
        case 0xde: // map 16
          if (pos + 2 > end) return SCAN_INVALID;
          items = ((buf[pos]! << 8) | buf[pos + 1]!) * 2;
          map = 1;
          pos += 2;
          break;
        case 0xdf: // map 32
          if (pos + 4 > end) return SCAN_INVALID;
          items =
            (buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!)) * 2;
          map = 1;
          pos += 4;
          break;
        default: // 0xc1 (never used), 0xc8/0xc9 ext 16/32, 0xd5/0xd8 fixext 2/16: none are ours.
          return SCAN_INVALID;
      }
    }
    if (items >= 0) {
      if (keyPosition) return SCAN_INVALID;
      if (items === 0) continue;
      // Every item takes at least one byte: a count beyond the bytes left is a lie, refused before
      // msgpackr would pre-allocate for it.
      if (items > end - pos) return SCAN_INVALID;
      if (elements + items > maxElements || depth === maxDepth) return SCAN_TOO_COMPLEX;
      if (map === 1) {
        const n = items / 2;
        if (n > maxMapKeys) return SCAN_TOO_COMPLEX;
        keys += n;
      }
      depth++;
      remaining[depth] = items;
      isMap[depth] = map;
      continue;
    }
    pos += skip;
    if (pos > end) return SCAN_INVALID;
    if (stringBytes > maxStringBytes) return SCAN_TOO_COMPLEX;
  }
}
