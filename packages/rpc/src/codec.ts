/**
 * msgpack payloads in and out: the {@link Encoder} (a fast path for flat game messages; everything
 * else is checked by `wire-check.ts`, which refuses what would not arrive as itself, then encoded by
 * msgpackr) and the {@link Decoder} (the bounded pre-scan, then msgpackr). Each endpoint owns one of
 * each, so no endpoint ever reads another's result.
 * @packageDocumentation
 */
import { Packr, RESET_BUFFER_MODE, REUSE_BUFFER_MODE, Unpackr } from 'msgpackr';
import { type ScanLimits, scanMsgpack } from './msgpack-scan.js';
import { checkWireValue } from './wire-check.js';

/**
 * The encoders: records off, minimal map headers, no `toJSON` (a Date subclass stays a Date). They
 * send bigints as int64 / uint64 and numbers as ints of at most 32 bits or float64, so nothing is
 * rounded; what they would change is refused before they run. `skipping` also leaves out properties
 * that hold `undefined` (as JSON does), on a slower path (a key array, a search per property), so it
 * runs only for payloads that have one. msgpackr keeps its write buffer in module state whatever the
 * instance, so the result is copied at once.
 */
const PACK_OPTIONS = { useRecords: false, variableMapSize: true, useToJSON: false };
const packr = new Packr(PACK_OPTIONS);
// `skipValues` exists in msgpackr 2 but is missing from its Options type.
const skipping = new Packr({ ...PACK_OPTIONS, skipValues: [undefined] } as ConstructorParameters<
  typeof Packr
>[0]);
const PACK_MODE = REUSE_BUFFER_MODE | RESET_BUFFER_MODE;
/** Largest copy buffer an encoder keeps between encodings; bigger payloads get one of their own. */
const MAX_KEPT_COPY = 64 * 1024;

/**
 * The decoder: records off, maps as plain objects (msgpackr renames `__proto__` keys), and 64-bit
 * integers as bigints, always: a SteamID sent as a bigint comes back exactly, never as a rounded
 * number.
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
  /** The Buffer msgpackr returned last, and our plain view of it. */
  private target: Uint8Array | null = null;
  private targetView: Uint8Array = new Uint8Array(0);
  /** Where what msgpackr encoded is copied; grows up to {@link MAX_KEPT_COPY} and is kept. */
  private copy = new Uint8Array(1024);
  /**
   * Where {@link Encoder.encodeFlat} writes: 15 entries of at most 32 + 32 bytes each, plus the map
   * header, always fit, so the writes need no bounds checks.
   */
  private readonly flat = new Uint8Array(1024);
  private readonly flatView = new DataView(this.flat.buffer);

  /**
   * Encodes `value` (into a reusable scratch buffer: no allocation for small values).
   * @throws `UnencodableValue` (from `wire-check.ts`) for anything that would not arrive as
   *   itself: a function, a symbol, `undefined` outside an object property, a Map, a Set, a class
   *   instance…
   */
  encode(value: unknown): void {
    this.slice = null;
    this.isFlat = this.encodeFlat(value);
    if (this.isFlat) return;
    type Packed = Uint8Array & { start: number; end: number };
    const out = (checkWireValue(value)
      ? skipping.pack(value, PACK_MODE)
      : packr.pack(value, PACK_MODE)) as unknown as Packed;
    // msgpackr hands back its own Node Buffer; a plain Uint8Array view of it (made again only when
    // msgpackr grows its buffer) keeps `subarray`/`set` on V8's fast typed-array paths, where
    // Buffer#subarray goes through Node's JS wrapper.
    if (out !== this.target) {
      this.target = out;
      this.targetView = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    // msgpackr writes into one buffer for the whole process: copied, the result stays this
    // encoder's even if another endpoint encodes before our caller is done with it.
    const n = out.end - out.start;
    let copy = this.copy;
    if (n > copy.length) {
      copy = new Uint8Array(n <= MAX_KEPT_COPY ? Math.min(MAX_KEPT_COPY, Math.max(n, copy.length * 2)) : n);
      if (copy.length <= MAX_KEPT_COPY) this.copy = copy;
    }
    copy.set(this.targetView.subarray(out.start, out.end));
    this.bytes = copy;
    this.start = 0;
    this.end = n;
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
   * check and msgpackr's general machinery (its `skipValues` path builds a key array and searches
   * `skipValues` for every property); every such value travels, so it needs no check. The bytes are
   * exactly the ones msgpackr writes for it: same property order and filter (own enumerable,
   * `undefined` skipped), fixmap header, msgpackr's integer widths and float64 for the rest.
   * @returns false, having written nothing that counts, for anything else (checked, then msgpackr).
   */
  private encodeFlat(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || value.constructor !== Object) return false;
    const object = value as Record<string, unknown>;
    const buf = this.flat;
    const view = this.flatView;
    let pos = 1;
    let count = 0;
    // An object with a `hasOwnProperty` of its own is left to the check (which refuses it when it is
    // a function, since functions cannot travel) and msgpackr.
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
