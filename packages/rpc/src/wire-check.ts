/**
 * What travels, checked at the send: one walk over a payload that refuses, naming where, anything
 * that would not come back as itself (the table "What survives the wire" in the rpc README), before
 * msgpackr encodes it. msgpackr alone would send a function as nothing, a Map as a plain object, a Set
 * as an array, a Float32Array as its bytes, a lone surrogate as U+FFFD: here each of those throws
 * {@link UnencodableValue}, and so do `undefined` outside an object property (msgpackr leaves such
 * properties out, as JSON does), bigints past 64 bits, invalid dates, class instances and nesting
 * deeper than the receiver's pre-scan accepts ({@link MAX_SCAN_DEPTH}, which stops a cycle too).
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

const INT64_MIN = -(2n ** 63n);
const UINT64_LIMIT = 2n ** 64n;
const hasOwn = Object.prototype.hasOwnProperty;
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

/** A string UTF-8 can carry (no lone surrogate). `isWellFormed` is in every Node this supports (≥ 20). */
function wellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

function loneSurrogate(): UnencodableValue {
  return new UnencodableValue('is a string with a lone surrogate, which UTF-8 cannot carry', '');
}

/**
 * Checks that `value` arrives as itself.
 * @returns whether some object property in it holds `undefined` (left out on the wire): only then does
 *   the encoder need msgpackr's slower path that filters them.
 * @throws {@link UnencodableValue} for anything that would not.
 */
export function checkWireValue(value: unknown): boolean {
  if (value === undefined) throw new UnencodableValue('is undefined: send null, or an object', 'payload');
  try {
    return check(value, 0);
  } catch (error) {
    if (error instanceof UnencodableValue) error.within('payload');
    throw error;
  }
}

/** Checks one value, naming what is wrong; true when an object property in it holds `undefined`. */
function check(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return false;
    case 'string':
      if (!wellFormed(v)) throw loneSurrogate();
      return false;
    case 'object':
      if (v === null) return false;
      if (depth === MAX_SCAN_DEPTH) {
        throw new UnencodableValue(`is nested deeper than ${MAX_SCAN_DEPTH} levels (a cycle?)`, '');
      }
      if (Array.isArray(v)) return checkArray(v, depth + 1);
      if ((v as object).constructor === Object || isPlainObject(v)) return checkObject(v, depth + 1);
      if (v instanceof Uint8Array) return false;
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new UnencodableValue('is an invalid Date', '');
        return false;
      }
      throw new UnencodableValue(objectProblem(v), '');
    case 'bigint':
      if (v < INT64_MIN || v >= UINT64_LIMIT) {
        throw new UnencodableValue('is a bigint outside the 64-bit range, which msgpack cannot carry', '');
      }
      return false;
    case 'undefined':
      throw new UnencodableValue('is undefined: in an array, send null', '');
    case 'function':
      throw new UnencodableValue('is a function, which cannot travel', '');
    default:
      throw new UnencodableValue(`is a ${typeof v}, which cannot travel`, '');
  }
}

function checkArray(v: readonly unknown[], depth: number): boolean {
  let skipped = false;
  for (let i = 0; i < v.length; i++) {
    try {
      if (check(v[i], depth)) skipped = true;
    } catch (error) {
      if (error instanceof UnencodableValue) error.within(`[${i}]`);
      throw error;
    }
  }
  return skipped;
}

function checkObject(v: object, depth: number): boolean {
  const record = v as Record<string, unknown>;
  let skipped = false;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const item = record[key];
    if (item === undefined) {
      skipped = true;
      continue;
    }
    try {
      if (!wellFormed(key)) throw loneSurrogate();
      if (check(item, depth)) skipped = true;
    } catch (error) {
      if (error instanceof UnencodableValue) error.within(keyPath(key));
      throw error;
    }
  }
  return skipped;
}
