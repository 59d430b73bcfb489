/**
 * The msgpack writer: encodes a payload in one pass, and refuses at the send anything that would not
 * come back as itself (the table "What survives the wire" in the rpc README). msgpackr itself would
 * send a function as nothing, a Map as a plain object, a Set as an array, a Float32Array as its bytes,
 * and a bigint back as a rounded number: here each of those throws {@link UnencodableValue}, naming
 * where in the payload it is.
 *
 * What it writes: `null`, booleans, numbers (integers in msgpack's smallest int form when they fit 32
 * bits, every other number as float64, as msgpackr does), bigints as int64 / uint64, strings as
 * UTF-8, `Uint8Array` as bin, `Date` as a timestamp, arrays, and plain objects as maps of their own
 * enumerable string keys, leaving out properties that hold `undefined`. Nesting is bounded by the
 * pre-scan's {@link MAX_SCAN_DEPTH}, so a payload the receiver would refuse fails here instead (a cycle
 * too). The bytes decode with msgpackr on the other side.
 * @packageDocumentation
 */
import { MAX_SCAN_DEPTH } from './msgpack-scan.js';

/** A value that cannot travel, and where it is in the payload (`payload.players[3].onHit`). */
export class UnencodableValue extends Error {
  /** Where it is, from the payload's root (built on the way out of the nesting). */
  path: string;

  constructor(
    /** What is wrong with it, e.g. `is a function, which cannot travel`. */
    readonly problem: string,
    path: string,
  ) {
    super(`${path} ${problem}`);
    this.path = path;
  }

  /** Puts `segment` (a key, an index, or `payload`) in front of the path. */
  within(segment: string): void {
    this.path = segment + this.path;
    this.message = `${this.path} ${this.problem}`;
  }
}

/** Largest buffer a writer keeps between payloads; a bigger payload gets one of its own. */
const MAX_KEPT = 64 * 1024;
/** Strings up to this many UTF-16 units are encoded by hand; longer ones by `TextEncoder.encodeInto`. */
const SHORT_STRING = 64;
const TWO_POW_32 = 0x1_0000_0000;
const INT64_MIN = -(2n ** 63n);
const INT64_LIMIT = 2n ** 63n;
const UINT64_LIMIT = 2n ** 64n;
const utf8 = new TextEncoder();
const hasOwn = Object.prototype.hasOwnProperty;
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function keyPath(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A plain object: made by `{}`, `Object.create(null)` or `JSON.parse`, in this realm or another. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (
    proto === null ||
    proto === Object.prototype ||
    (Object.getPrototypeOf(proto) === null &&
      typeof proto.constructor === 'function' &&
      proto.constructor.name === 'Object')
  );
}

/** Why an object that is not an array, a plain object, a `Uint8Array` or a `Date` cannot travel. */
function objectProblem(value: object): string {
  if (value instanceof Map) return 'is a Map: send a plain object, or an array of [key, value] pairs';
  if (value instanceof Set) return 'is a Set: send an array';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `is a ${value.constructor.name}: binary data travels as a Uint8Array`;
  }
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
  return `is an instance of ${typeof name === 'string' && name !== '' ? name : 'a class'}: send a plain object`;
}

/** Writes msgpack into a buffer of its own; the result is `bytes[0, length)` until the next write. */
export class MsgpackWriter {
  /** The buffer of the last {@link MsgpackWriter.write}. */
  bytes: Uint8Array;
  /** Bytes written by the last {@link MsgpackWriter.write}. */
  length = 0;
  private view: DataView;
  private pos = 0;
  /** The buffer kept between payloads (at most {@link MAX_KEPT} bytes). */
  private kept: Uint8Array;
  private keptView: DataView;

  constructor() {
    this.kept = new Uint8Array(1024);
    this.keptView = new DataView(this.kept.buffer);
    this.bytes = this.kept;
    this.view = this.keptView;
  }

  /**
   * Encodes `value` as one msgpack value.
   * @throws {@link UnencodableValue} for anything that would not arrive as itself.
   */
  write(value: unknown): void {
    this.bytes = this.kept;
    this.view = this.keptView;
    this.pos = 0;
    this.length = 0;
    if (value === undefined) throw new UnencodableValue('is undefined: send null, or an object', 'payload');
    try {
      this.value(value, 0);
    } catch (error) {
      if (error instanceof UnencodableValue) error.within('payload');
      throw error;
    }
    this.length = this.pos;
  }

  /** Makes room for `n` more bytes. */
  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
    if (size <= MAX_KEPT) {
      this.kept = grown;
      this.keptView = this.view;
    }
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.ensure(1);
        this.bytes[this.pos++] = v ? 0xc3 : 0xc2;
        return;
      case 'object':
        if (v === null) {
          this.ensure(1);
          this.bytes[this.pos++] = 0xc0;
          return;
        }
        if (depth === MAX_SCAN_DEPTH) {
          throw new UnencodableValue(`is nested deeper than ${MAX_SCAN_DEPTH} levels (a cycle?)`, '');
        }
        if (Array.isArray(v)) this.array(v, depth + 1);
        else if ((v as object).constructor === Object || isPlainObject(v)) this.object(v, depth + 1);
        else if (v instanceof Uint8Array) this.binary(v);
        else if (v instanceof Date) this.date(v);
        else throw new UnencodableValue(objectProblem(v), '');
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'undefined':
        throw new UnencodableValue('is undefined: in an array, send null', '');
      case 'function':
        throw new UnencodableValue('is a function, which cannot travel', '');
      default:
        throw new UnencodableValue(`is a ${typeof v}, which cannot travel`, '');
    }
  }

  private number(v: number): void {
    this.ensure(9);
    const buf = this.bytes;
    let pos = this.pos;
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
        this.view.setUint32(pos, v);
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
        this.view.setInt16(pos, v);
        pos += 2;
      } else {
        buf[pos++] = 0xd2;
        this.view.setInt32(pos, v);
        pos += 4;
      }
    } else {
      buf[pos++] = 0xcb;
      this.view.setFloat64(pos, v);
      pos += 8;
    }
    this.pos = pos;
  }

  private bigint(v: bigint): void {
    this.ensure(9);
    if (v >= INT64_MIN && v < INT64_LIMIT) {
      this.bytes[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, v);
    } else if (v >= INT64_LIMIT && v < UINT64_LIMIT) {
      this.bytes[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, v);
    } else {
      throw new UnencodableValue('is a bigint outside the 64-bit range, which msgpack cannot carry', '');
    }
    this.pos += 8;
  }

  private string(s: string): void {
    const len = s.length;
    // Short ASCII, the common case (keys, names): one pass, written after a fixstr header.
    if (len < 32) {
      this.ensure(1 + len);
      const buf = this.bytes;
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === len) {
        buf[this.pos] = 0xa0 | len;
        this.pos = start + len;
        return;
      }
    }
    // At most 3 bytes per UTF-16 unit; the header is sized for that, then shrunk to the real length.
    const max = len * 3;
    const headerBytes = max < 32 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
    this.ensure(headerBytes + max);
    const start = this.pos + headerBytes;
    const n = len < SHORT_STRING ? this.utf8Short(s, start) : this.utf8Long(s, start);
    const needed = n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    const buf = this.bytes;
    if (needed < headerBytes) buf.copyWithin(this.pos + needed, start, start + n);
    let pos = this.pos;
    if (needed === 1) {
      buf[pos++] = 0xa0 | n;
    } else if (needed === 2) {
      buf[pos++] = 0xd9;
      buf[pos++] = n;
    } else if (needed === 3) {
      buf[pos++] = 0xda;
      buf[pos++] = n >> 8;
      buf[pos++] = n & 0xff;
    } else {
      buf[pos++] = 0xdb;
      this.view.setUint32(pos, n);
      pos += 4;
    }
    this.pos = pos + n;
  }

  /** UTF-8 of `s` at `at` by hand; returns its length. A lone surrogate cannot be encoded. */
  private utf8Short(s: string, at: number): number {
    const buf = this.bytes;
    let pos = at;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        buf[pos++] = c;
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else {
        const next = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw this.loneSurrogate();
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[pos++] = 0xf0 | (c >> 18);
        buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      }
    }
    return pos - at;
  }

  /** UTF-8 of a long string at `at` through `TextEncoder`, which would silently replace a lone surrogate. */
  private utf8Long(s: string, at: number): number {
    if (isWellFormed !== undefined && !isWellFormed.call(s)) throw this.loneSurrogate();
    return utf8.encodeInto(s, this.bytes.subarray(at)).written;
  }

  private loneSurrogate(): UnencodableValue {
    return new UnencodableValue('is a string with a lone surrogate, which UTF-8 cannot carry', '');
  }

  private binary(v: Uint8Array): void {
    const n = v.length;
    this.ensure(5 + n);
    const buf = this.bytes;
    if (n < 0x100) {
      buf[this.pos++] = 0xc4;
      buf[this.pos++] = n;
    } else if (n < 0x10000) {
      buf[this.pos++] = 0xc5;
      buf[this.pos++] = n >> 8;
      buf[this.pos++] = n & 0xff;
    } else {
      buf[this.pos++] = 0xc6;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
    buf.set(v, this.pos);
    this.pos += n;
  }

  /** A timestamp (extension -1) in its smallest form, as msgpack's spec and msgpackr read it. */
  private date(v: Date): void {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new UnencodableValue('is an invalid Date', '');
    const seconds = Math.floor(ms / 1000);
    const nanoseconds = (ms - seconds * 1000) * 1_000_000;
    this.ensure(15);
    const buf = this.bytes;
    if (nanoseconds === 0 && seconds >= 0 && seconds < TWO_POW_32) {
      buf[this.pos++] = 0xd6;
      buf[this.pos++] = 0xff;
      this.view.setUint32(this.pos, seconds);
      this.pos += 4;
    } else if (seconds >= 0 && seconds < 2 ** 34) {
      buf[this.pos++] = 0xd7;
      buf[this.pos++] = 0xff;
      this.view.setUint32(this.pos, nanoseconds * 4 + Math.floor(seconds / TWO_POW_32));
      this.view.setUint32(this.pos + 4, seconds >>> 0);
      this.pos += 8;
    } else {
      buf[this.pos++] = 0xc7;
      buf[this.pos++] = 12;
      buf[this.pos++] = 0xff;
      this.view.setUint32(this.pos, nanoseconds);
      this.view.setBigInt64(this.pos + 4, BigInt(seconds));
      this.pos += 12;
    }
  }

  private array(v: unknown[], depth: number): void {
    const n = v.length;
    this.ensure(5);
    const buf = this.bytes;
    if (n < 16) {
      buf[this.pos++] = 0x90 | n;
    } else if (n < 0x10000) {
      buf[this.pos++] = 0xdc;
      buf[this.pos++] = n >> 8;
      buf[this.pos++] = n & 0xff;
    } else {
      buf[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
    for (let i = 0; i < n; i++) {
      try {
        this.value(v[i], depth);
      } catch (error) {
        if (error instanceof UnencodableValue) error.within(`[${i}]`);
        throw error;
      }
    }
  }

  private object(v: object, depth: number): void {
    const record = v as Record<string, unknown>;
    // A fixmap header is written first; the rare object with 16 or more properties moves its
    // entries right once it is known how many there are.
    this.ensure(1);
    const headerAt = this.pos++;
    let count = 0;
    for (const key in record) {
      if (!hasOwn.call(record, key)) continue;
      const item = record[key];
      if (item === undefined) continue;
      count++;
      this.string(key);
      try {
        this.value(item, depth);
      } catch (error) {
        if (error instanceof UnencodableValue) error.within(keyPath(key));
        throw error;
      }
    }
    if (count < 16) {
      this.bytes[headerAt] = 0x80 | count;
      return;
    }
    const extra = count < 0x10000 ? 2 : 4;
    this.ensure(extra);
    const buf = this.bytes;
    buf.copyWithin(headerAt + 1 + extra, headerAt + 1, this.pos);
    this.pos += extra;
    if (extra === 2) {
      buf[headerAt] = 0xde;
      buf[headerAt + 1] = count >> 8;
      buf[headerAt + 2] = count & 0xff;
    } else {
      buf[headerAt] = 0xdf;
      this.view.setUint32(headerAt + 1, count);
    }
  }
}
