/**
 * msgpack payloads in and out: the {@link Encoder} (a fast path for flat game messages, the
 * {@link MsgpackWriter} for everything else: one pass that refuses what would not arrive as itself)
 * and the {@link Decoder} (the bounded pre-scan, then msgpackr). Each endpoint owns one of each, so no
 * endpoint ever reads another's result.
 * @packageDocumentation
 */
import { Unpackr } from 'msgpackr';
import { type ScanLimits, scanMsgpack } from './msgpack-scan.js';
import { MsgpackWriter } from './msgpack-write.js';

/**
 * The decoder: records off, maps as plain objects (msgpackr renames `__proto__` keys), and 64-bit
 * integers as bigints, always: a SteamID sent as a bigint comes back exactly, never as a rounded
 * number (the writer sends numbers as ints of at most 32 bits, or float64).
 */
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  int64AsType: 'bigint',
});
const objectHasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * Encodes one payload at a time. After {@link Encoder.encode}, the bytes are
 * `bytes.subarray(start, end)` until this encoder's next `encode`: fields of this encoder, over
 * buffers of its own, so two endpoints never read (or overwrite) each other's result. The caller
 * copies these bytes once, straight into the packet.
 */
export class Encoder {
  /** Holds the last encoding, between {@link Encoder.start} and {@link Encoder.end}. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Start of the last encoding in {@link Encoder.bytes}. */
  start = 0;
  /** End of the last encoding in {@link Encoder.bytes}. */
  end = 0;
  /** The last encoding is one flat map of scalars (nesting 1), written without msgpackr. */
  isFlat = false;
  /** {@link Encoder.view}'s cache for the current encoding. */
  private slice: Uint8Array | null = null;
  /** Writes everything {@link Encoder.encodeFlat} does not. */
  private readonly writer = new MsgpackWriter();
  /**
   * Where {@link Encoder.encodeFlat} writes: 15 entries of at most 32 + 32 bytes each, plus the map
   * header, always fit, so the writes need no bounds checks.
   */
  private readonly flat = new Uint8Array(1024);
  private readonly flatView = new DataView(this.flat.buffer);

  /**
   * Encodes `value` (into a reusable scratch buffer: no allocation for small values).
   * @throws `UnencodableValue` (from `msgpack-write.ts`) for anything that would not arrive as
   *   itself: a function, a symbol, `undefined` outside an object property, a Map, a Set, a class
   *   instance…
   */
  encode(value: unknown): void {
    this.slice = null;
    this.isFlat = this.encodeFlat(value);
    if (this.isFlat) return;
    const writer = this.writer;
    writer.write(value);
    this.bytes = writer.bytes;
    this.start = 0;
    this.end = writer.length;
  }

  /**
   * The bytes of the last {@link Encoder.encode} as one view, made once per encoding however many
   * packets (a broadcast) copy it.
   */
  view(): Uint8Array {
    if (this.slice === null) this.slice = this.bytes.subarray(this.start, this.end);
    return this.slice;
  }

  /**
   * The common game message (a plain object of at most 15 properties whose keys and values are
   * short ASCII strings, numbers, booleans or null) encoded in one tight loop, without the general
   * writer's dispatch and checks on every value. The bytes are exactly the ones the writer (and
   * msgpackr) write for it: same property order and filter (own enumerable, `undefined` skipped),
   * fixmap header, the same integer widths and float64 for the rest.
   * @returns false, having written nothing that counts, for anything else (the writer then encodes it).
   */
  private encodeFlat(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || value.constructor !== Object) return false;
    const object = value as Record<string, unknown>;
    const buf = this.flat;
    const view = this.flatView;
    let pos = 1;
    let count = 0;
    // An object with a `hasOwnProperty` of its own is left to the writer (which refuses it when it is
    // a function, since functions cannot travel).
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
            view.setUint32(pos, v);
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
            view.setInt16(pos, v);
            pos += 2;
          } else {
            buf[pos++] = 0xd2;
            view.setInt32(pos, v);
            pos += 4;
          }
        } else {
          buf[pos++] = 0xcb;
          view.setFloat64(pos, v);
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
    this.bytes = buf;
    this.start = 0;
    this.end = pos;
    return true;
  }
}

/** Payloads up to this size are copied into the decoder's scratch buffer before decoding. */
const MAX_COPIED_DECODE = 64 * 1024;

/** Checks and decodes msgpack payloads from peers. */
export class Decoder {
  /** Where small payloads are decoded from; msgpackr's cached DataView on it is made once per growth. */
  private scratch = new Uint8Array(2048);
  /** The range argument of every unpack, reused (msgpackr reads `start`/`end` and keeps nothing). */
  private readonly range = { start: 0, end: 0 };

  /**
   * Whether `buf[start, end)` holds one msgpack value safe to decode within `limits`, and at what
   * cost (see `scanMsgpack` in `msgpack-scan.ts`): the work, or `SCAN_INVALID` / `SCAN_TOO_COMPLEX`.
   */
  check(buf: Uint8Array, start: number, end: number, limits: ScanLimits): number {
    return scanMsgpack(buf, start, end, limits);
  }

  /**
   * Decodes the msgpack value in `buf[start, end)`. Call only after {@link Decoder.check} accepted
   * the same range (returned a cost, not a negative answer).
   * @throws whatever msgpackr throws (callers treat it as a decode rejection).
   */
  decode(buf: Uint8Array, start: number, end: number): unknown {
    const n = end - start;
    // msgpackr reads `end: 0` as "to the end of the buffer": an empty range must never reach it.
    if (!(n > 0)) throw new RangeError('There is no msgpack value in an empty range.');
    const range = this.range;
    if (n > MAX_COPIED_DECODE) {
      range.start = start;
      range.end = end;
      return unpackr.unpack(buf, range);
    }
    // Decoding from our own buffer at offset 0 rather than from the packet is what keeps this cheap:
    // msgpackr caches a DataView on every source as an expando property (a DataView and a
    // hidden-class change per packet, ~1 µs), and it uses its key cache only for sources that end
    // below byte 180, so a small message late in a batch would otherwise have its keys re-extracted
    // as new strings.
    let scratch = this.scratch;
    if (n > scratch.length) {
      let size = scratch.length * 2;
      while (size < n) size *= 2;
      scratch = new Uint8Array(size);
      this.scratch = scratch;
    }
    if (n <= 64) {
      for (let i = 0; i < n; i++) scratch[i] = buf[start + i]!;
    } else {
      scratch.set(buf.subarray(start, end));
    }
    range.start = 0;
    range.end = n;
    return unpackr.unpack(scratch, range);
  }
}
