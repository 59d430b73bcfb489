/**
 * Hostile bytes: msgpack values no honest peer sends (lying lengths, deep nesting, extension types,
 * invalid UTF-8, NaN where a finite number is due, `__proto__` keys…), frames and packets built
 * from them, and mutations of captured valid packets. All driven by a seeded {@link Rand}.
 * @packageDocumentation
 */
import { Packr, pack } from 'msgpackr';
import type { Rand } from './rand.js';

const utf8 = new TextEncoder();
const recordPackr = new Packr({ useRecords: true });
const clonePackr = new Packr({ structuredClone: true, moreTypes: true });
const bundlePackr = new Packr({ bundleStrings: true, useRecords: true });

/** Keys that reach prototypes or shadow methods when a decoder is careless. */
export const EVIL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
];

/** Byte sequences that are not UTF-8: lone continuation, overlong, surrogates, truncated, 0xff. */
const BAD_UTF8: readonly number[][] = [
  [0x80],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf0, 0x9f],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff, 0xfe],
  [0xe2, 0x28, 0xa1],
];

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** A msgpack string header for `n` bytes, in the given width (0 = smallest). */
function strHeader(n: number, width: number): number[] {
  if (width === 0 && n < 32) return [0xa0 | n];
  if (width <= 1 && n < 256) return [0xd9, n];
  if (width <= 2 && n < 65536) return [0xda, ...u16(n)];
  return [0xdb, ...u32(n)];
}

/** A msgpack string of raw bytes (which need not be UTF-8). */
export function rawString(bytes: readonly number[], width = 0): number[] {
  return [...strHeader(bytes.length, width), ...bytes];
}

/** Appends `items` to `out` (no argument spread: some values are 100 000 bytes long). */
function append(out: number[], items: readonly number[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

/** Huge values are built once per size and reused. */
const hugeCache = new Map<string, number[]>();
function huge(kind: number, n: number): number[] {
  const key = `${kind}:${n}`;
  let v = hugeCache.get(key);
  if (v === undefined) {
    if (kind === 0) v = [0xdd, ...u32(n), ...new Array<number>(n).fill(0xc0)];
    else if (kind === 1) {
      v = [0xdf, ...u32(n)];
      for (let i = 0; i < n; i++) v.push(0xcd, ...u16(i & 0xffff), 0xc0);
    } else v = rawString(new Array<number>(n).fill(0x61), 2);
    hugeCache.set(key, v);
  }
  return v;
}

/** Builds every huge value up front, so that heap measurements do not count the fuzzer's own cache. */
export function warmHostileCache(): void {
  for (const kind of [0, 1, 2])
    for (const n of [40, 65, 201, 300, 1000, 20_000, 70_000, 100_000]) huge(kind, n);
}

/** A float64 of `x`. */
function f64(x: number): number[] {
  const b = new Uint8Array(9);
  b[0] = 0xcb;
  new DataView(b.buffer).setFloat64(1, x);
  return Array.from(b);
}
/** A float32 of `x`. */
function f32(x: number): number[] {
  const b = new Uint8Array(5);
  b[0] = 0xca;
  new DataView(b.buffer).setFloat32(1, x);
  return Array.from(b);
}

/** Numbers a schema that wants finite numbers must refuse, and some edge cases it must accept. */
export function oddNumber(r: Rand): number[] {
  switch (r.int(10)) {
    case 0:
      return f64(Number.NaN);
    case 1:
      return f64(Number.POSITIVE_INFINITY);
    case 2:
      return f64(Number.NEGATIVE_INFINITY);
    case 3:
      return f32(Number.NaN);
    case 4:
      return f32(Number.POSITIVE_INFINITY);
    case 5:
      return f64(-0);
    case 6:
      return [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]; // uint64 max
    case 7:
      return [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]; // int64 min
    case 8:
      return f64(Number.MIN_VALUE);
    default:
      return f64(1e308 * 10);
  }
}

/** One extension value: mostly types we refuse (records, structured clone, bundles, typed arrays). */
export function extension(r: Rand): number[] {
  switch (r.int(12)) {
    case 0:
      return Array.from(recordPackr.pack({ a: 1, b: [2, 3] }));
    case 1:
      return Array.from(clonePackr.pack(new Set([1, 2])));
    case 2:
      return Array.from(clonePackr.pack(new Map([[1, 2]])));
    case 3: {
      const o: Record<string, unknown> = { x: 1 };
      o.self = o;
      return Array.from(clonePackr.pack(o));
    }
    case 4:
      return Array.from(bundlePackr.pack({ text: 'bundled strings', more: 'x'.repeat(40) }));
    case 5:
      return Array.from(clonePackr.pack(new Float64Array([1, Number.NaN])));
    case 6:
      return Array.from(clonePackr.pack(new RangeError('boom')));
    case 7:
      return Array.from(clonePackr.pack(/re(g)ex/g));
    case 8: {
      // fixext 1/2/4/8/16 with a random type.
      const sizes = [1, 2, 4, 8, 16];
      const i = r.int(5);
      return [
        0xd4 + i,
        r.pick([0x72, 0x73, 0x69, 0x70, 0x62, 0x74, 0x78, 0x00, 0xff, r.int(256)]),
        ...r.bytes(sizes[i]!),
      ];
    }
    case 9: {
      // ext 8/16/32 with a random type and a length that may lie.
      const n = r.int(40);
      const len = r.chance(0.3) ? r.pick([0xff, 0xffff, 0x7fffffff]) : n;
      const head = r.pick([
        [0xc7, len & 0xff],
        [0xc8, ...u16(len)],
        [0xc9, ...u32(len)],
      ]);
      return [...head, r.pick([0x72, 0x73, 0x69, 0xff, 0x00, r.int(256)]), ...r.bytes(n)];
    }
    case 10: // timestamps: valid and invalid lengths / nanoseconds
      return r.pick([
        [0xd6, 0xff, ...r.bytes(4)],
        [0xd7, 0xff, ...r.bytes(8)],
        [0xc7, 12, 0xff, ...r.bytes(12)],
        [0xc7, 3, 0xff, 1, 2, 3],
      ]);
    default:
      return [0xd4, 0x00, 0x00]; // undefined
  }
}

/** A container header declaring `count` items (array) or pairs (map), in a random width. */
function containerHeader(count: number, map: boolean, r: Rand): number[] {
  const width = count < 16 ? r.int(3) : count < 65536 ? 1 + r.int(2) : 2;
  if (width === 0) return [(map ? 0x80 : 0x90) | count];
  if (width === 1) return [map ? 0xde : 0xdc, ...u16(count)];
  return [map ? 0xdf : 0xdd, ...u32(count)];
}

/** A string that is fine, odd, huge, or not UTF-8 at all. */
export function hostileString(r: Rand): number[] {
  switch (r.int(6)) {
    case 0:
      return rawString(r.pick(BAD_UTF8), r.int(3));
    case 1:
      return rawString([...utf8.encode('ok'), ...r.pick(BAD_UTF8), ...utf8.encode('tail')]);
    case 2:
      return rawString(Array.from(utf8.encode(r.pick(EVIL_KEYS))));
    case 3:
      return huge(2, r.pick([201, 1000, r.chance(0.1) ? 70_000 : 65]));
    case 4:
      return rawString(Array.from(utf8.encode('\u0000\ud83d\ude00\u202e\ufeff')));
    default:
      return rawString(r.bytes(r.int(20)));
  }
}

/**
 * A msgpack value built to hurt: every branch either is malformed in a way the pre-scan must catch,
 * or is well-formed but wrong for the schema.
 */
export function hostileValue(r: Rand, depth = 0): number[] {
  const k = r.int(depth > 3 ? 9 : 14);
  switch (k) {
    case 0:
      return oddNumber(r);
    case 1:
      return hostileString(r);
    case 2:
      return extension(r);
    case 3: // a declared length beyond the bytes present
      return r.pick([
        [0xdb, 0xff, 0xff, 0xff, 0xf0, 0x41],
        [0xc6, 0x7f, 0xff, 0xff, 0xff, 1, 2],
        [0xdd, 0xff, 0xff, 0xff, 0xff],
        [0xdf, 0x10, 0x00, 0x00, 0x00, 0xa1, 0x61],
        [0xdc, 0xff, 0xff, 0xc0],
        [0xda, 0xff, 0xff, 0x61, 0x62],
      ]);
    case 4: // unused or truncated type bytes
      return r.pick([[0xc1], [0xcb, 1, 2], [0xcd], [0xd9], []]);
    case 5:
      return [r.int(256)];
    case 6:
      return Array.from(pack(r.pick([null, true, false, 0, -1, 2 ** 53, '', 'text', [], {}])));
    case 7: // binary of random size
      return [0xc4, r.int(8), ...r.bytes(r.int(8))];
    case 8: {
      // deep nesting, usually beyond the limit
      const d = r.pick([31, 32, 33, 64, 200, 5000]);
      const open = r.chance(0.5) ? 0x91 : 0x81;
      const out: number[] = [];
      for (let i = 0; i < d; i++) {
        out.push(open);
        if (open === 0x81) out.push(0xa1, 0x6b);
      }
      out.push(0xc0);
      return out;
    }
    case 9: {
      // a huge but honest array / map / string
      // (rarely: building and sending them dominates the fuzzer's own time)
      if (r.chance(0.85)) return huge(r.int(3), r.pick([40, 300]));
      return huge(r.int(3), r.pick([1000, 20_000, 100_000]));
    }
    case 10: {
      // an array of hostile items
      const n = r.int(5);
      const out = containerHeader(n, false, r);
      for (let i = 0; i < n; i++) append(out, hostileValue(r, depth + 1));
      return out;
    }
    case 11: {
      // a map with hostile keys and values (keys of any type, including containers)
      const n = r.int(4);
      const out = containerHeader(n, true, r);
      for (let i = 0; i < n; i++) {
        append(
          out,
          r.chance(0.7) ? rawString(Array.from(utf8.encode(r.pick(EVIL_KEYS)))) : hostileValue(r, depth + 1),
        );
        append(out, hostileValue(r, depth + 1));
      }
      return out;
    }
    case 12: // a container whose count lies by one
      return [r.pick([0x92, 0x82, 0x93]), ...hostileValue(r, depth + 1)];
    default:
      return r.bytes(r.int(12));
  }
}

/**
 * A map shaped like `template` (a valid payload), where some values are replaced by hostile ones
 * and some keys by evil keys: it gets past the pre-scan and tests the schema and the handler.
 */
export function nearlyValid(template: Record<string, unknown>, r: Rand): number[] {
  const keys = Object.keys(template);
  const extra = r.chance(0.3) ? 1 : 0;
  const out = containerHeader(keys.length + extra, true, r);
  const victim = r.int(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    append(out, Array.from(pack(key)));
    if (i === victim) append(out, r.chance(0.5) ? oddNumber(r) : hostileValue(r, 1));
    else append(out, Array.from(pack(template[key])));
  }
  if (extra) {
    append(out, rawString(Array.from(utf8.encode(r.pick(EVIL_KEYS)))));
    append(out, Array.from(pack({ polluted: true, isAdmin: true })));
  }
  return out;
}

/** A varint, as the wire writes it. */
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A frame `varint(tag) [varint(len)] body`; `last` drops the length as the final frame does. */
export function frame(id: number, body: readonly number[], last = false): number[] {
  const out = last ? varint(id * 2) : [...varint(id * 2 + 1), ...varint(body.length)];
  append(out, body);
  return out;
}

/** A data packet: the kind byte(s), then frames. */
export function dataPacket(reliable: boolean, seq: number, frames: readonly number[][]): Uint8Array {
  const head = reliable ? [0x00] : [0x80 | ((seq >>> 8) & 0x7f), seq & 0xff];
  let size = head.length;
  for (const f of frames) size += f.length;
  const out = new Uint8Array(size);
  out.set(head);
  let pos = head.length;
  for (const f of frames) {
    out.set(f, pos);
    pos += f.length;
  }
  return out;
}

/** Mutates a captured packet: bit flips, truncation, byte edits, insertions, lengths that lie. */
export function mutate(data: Uint8Array, r: Rand, other?: Uint8Array): Uint8Array {
  let b = Array.from(data);
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const at = b.length === 0 ? 0 : r.int(b.length);
    switch (r.int(11)) {
      case 0:
        if (b.length > 0) b[at] = b[at]! ^ (1 << r.int(8));
        break;
      case 1:
        b = b.slice(0, r.int(b.length + 1));
        break;
      case 2:
        if (b.length > 0)
          b[at] = r.pick([0x00, 0x7f, 0x80, 0xc1, 0xdd, 0xdf, 0xdb, 0xc7, 0xd4, 0xff, r.int(256)]);
        break;
      case 3:
        b.splice(at, 0, ...r.bytes(1 + r.int(8)));
        break;
      case 4:
        b.splice(at, 1 + r.int(8));
        break;
      case 5: // a giant varint where a tag or length may sit
        b.splice(
          at,
          1,
          ...r.pick([
            [0xff, 0xff, 0xff, 0x7f],
            [0xff, 0xff, 0xff, 0xff, 0x0f],
            [0x80, 0x80, 0x80, 0x80, 0x80],
          ]),
        );
        break;
      case 6: // a msgpack header with a huge count or length
        b.splice(
          at,
          1,
          ...r.pick([
            [0xdd, 0xff, 0xff, 0xff, 0xff],
            [0xdb, 0x7f, 0xff, 0xff, 0xff],
            [0xdf, 0x0f, 0xff, 0xff, 0xff],
          ]),
        );
        break;
      case 7:
        if (other !== undefined) b = [...b.slice(0, at), ...Array.from(other).slice(r.int(other.length + 1))];
        break;
      case 8: // duplicate a slice (frames twice, a body twice)
        b.splice(at, 0, ...b.slice(at, at + 1 + r.int(16)));
        break;
      case 9: // hostile value spliced in
        b = [...b.slice(0, at), ...hostileValue(r, 2), ...b.slice(at + r.int(4))];
        break;
      default: // first byte: another packet kind
        if (b.length > 0) b[0] = r.pick([0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x15, 0x7f, 0x80, 0xff]);
        break;
    }
  }
  return Uint8Array.from(b);
}
