import fc from 'fast-check';
import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '../src/codec.js';
import { DEFAULT_DECODE_LIMITS } from '../src/decode-limits.js';
import { scanMsgpack } from '../src/msgpack-scan.js';
import { VarintReader, varintSize, writeVarint } from '../src/wire.js';

const scan = (bytes: Uint8Array | number[]) => {
  const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  return scanMsgpack(b, 0, b.length, DEFAULT_DECODE_LIMITS) >= 0;
};
const encoder = new Encoder();
/** Encodes `v` and returns a copy of the bytes. */
const encode = (v: unknown) => {
  encoder.encode(v);
  return encoder.bytes.slice(encoder.start, encoder.end);
};
const decoder = new Decoder();
const decodeValue = (b: Uint8Array, start: number, end: number) => decoder.decode(b, start, end);

describe('varints', () => {
  it('round-trip every size and report their length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x0fffffff }), (n) => {
        const buf = new Uint8Array(8);
        const end = writeVarint(buf, 0, n);
        expect(end).toBe(varintSize(n));
        const reader = new VarintReader();
        expect(reader.read(buf, 0, end)).toBe(n);
        expect(reader.end).toBe(end);
      }),
    );
  });

  it('refuse truncated and over-long varints', () => {
    const reader = new VarintReader();
    expect(reader.read(Uint8Array.from([0x80, 0x80]), 0, 2)).toBe(-1);
    expect(reader.read(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x01]), 0, 5)).toBe(-1);
    expect(reader.read(Uint8Array.from([0x05]), 0, 0)).toBe(-1);
  });

  it('leave each reader its own end, so interleaved reads never disturb each other', () => {
    const buf = Uint8Array.from([0x81, 0x01, 0x05, 0xff, 0xff, 0x03]);
    const a = new VarintReader();
    const b = new VarintReader();
    expect(a.read(buf, 0, buf.length)).toBe(129);
    expect(b.read(buf, 3, buf.length)).toBe(0xffff);
    expect(a.end).toBe(2);
    expect(b.end).toBe(6);
  });
});

describe('msgpack scan', () => {
  it('accepts whatever our encoder produces, and decoding gives the value back', () => {
    // `__proto__` keys are renamed on decode by design (see the pollution test below), so they are
    // left out of this round trip.
    const value = fc.jsonValue({ maxDepth: 6 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encode(v);
        expect(scan(bytes)).toBe(true);
        expect(decodeValue(bytes, 0, bytes.length)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('writes exactly the bytes msgpackr writes for flat objects (its fast path included)', () => {
    const reference = new Packr({
      useRecords: false,
      variableMapSize: true,
      skipValues: [undefined],
    } as ConstructorParameters<typeof Packr>[0]);
    const scalar = fc.oneof(
      fc.integer({ min: -(2 ** 31) - 2, max: 2 ** 32 + 2 }),
      fc.constantFrom(0, -0, 127, 128, -32, -33, -128, -129, 0x7fff, -0x8001, NaN, Infinity),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.string({ maxLength: 40 }),
      fc.constant([1]),
    );
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 30, maxLength: 34 }));
    fc.assert(
      fc.property(fc.dictionary(key, scalar, { maxKeys: 18 }), (v) => {
        expect(encode(v)).toEqual(Uint8Array.from(reference.pack(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps each encoder its own result: a second encoder does not overwrite the first', () => {
    const reference = new Packr({ useRecords: false, variableMapSize: true });
    const a = new Encoder();
    const b = new Encoder();
    // Flat objects (our fast path), then values msgpackr encodes into its one shared buffer.
    for (const [va, vb] of [
      [
        { x: 1, name: 'a' },
        { y: 2, name: 'bb' },
      ],
      [{ list: [1, 2, 3], nested: { deep: true } }, ['another', { value: 'b'.repeat(100) }]],
      [{ big: 'x'.repeat(70_000) }, [1, 2]],
    ]) {
      a.encode(va);
      b.encode(vb);
      expect(a.bytes.slice(a.start, a.end)).toEqual(Uint8Array.from(reference.pack(va)));
      expect(b.bytes.slice(b.start, b.end)).toEqual(Uint8Array.from(reference.pack(vb)));
    }
  });

  it('accepts binary, dates and bigints; refuses undefined inside arrays at the encoder', () => {
    const v = { b: new Uint8Array([1, 2, 3]), d: new Date(1_700_000_000_000), id: 76561197960365730n };
    const bytes = encode(v);
    expect(scan(bytes)).toBe(true);
    const back = decodeValue(bytes, 0, bytes.length) as typeof v;
    expect(Array.from(back.b)).toEqual([1, 2, 3]);
    expect(back.d.getTime()).toBe(1_700_000_000_000);
    expect(back.id).toBe(76561197960365730n);
    expect(() => encode({ u: [undefined, 1] })).toThrow(/payload.u\[0\] is undefined/);
  });

  it('writes what msgpackr would for nested data, dates at every timestamp size and long strings', () => {
    const reference = new Packr({ useRecords: false, variableMapSize: true });
    const dates = [0, 1_700_000_000_000, 1_234, -1_234, 2 ** 34 * 1000, 8.64e15, -8.64e15].map(
      (t) => new Date(t),
    );
    for (const v of [
      { tick: 3, players: [{ id: 1, x: 0.5, name: 'Ada', tags: ['a', 'é', '😀'] }] },
      dates,
      ['x'.repeat(31), 'x'.repeat(32), 'é'.repeat(20), 'é'.repeat(200), '😀'.repeat(40_000)],
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
      new Uint8Array(300),
    ]) {
      expect(encode(v)).toEqual(Uint8Array.from(reference.pack(v)));
    }
  });

  it('refuses msgpackr records (structures a peer would define for later packets)', () => {
    const withRecords = new Packr({ useRecords: true }).pack([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
    expect(scan(withRecords)).toBe(false);
  });

  it('refuses extension types we do not need (Set, RegExp, Error, structured clone)', () => {
    const packr = new Packr({ moreTypes: true, structuredClone: true });
    for (const v of [new Set([1]), /x+/g, new Error('boom'), new Float32Array(2)]) {
      expect(scan(packr.pack(v))).toBe(false);
    }
    expect(scan([0xc7, 0x01, 0x05, 0x00])).toBe(false); // ext 8 of an unknown type
    expect(scan([0xd5, 0x72, 0x40, 0x00])).toBe(false); // fixext 2 record definition
    expect(scan([0xc1])).toBe(false);
  });

  it('refuses nesting deeper than 32', () => {
    const deep = [...new Array(40).fill(0x91), 0x01];
    expect(scan(deep)).toBe(false);
    const ok = [...new Array(30).fill(0x91), 0x01];
    expect(scan(ok)).toBe(true);
  });

  it('refuses declared lengths beyond the bytes present, before anything allocates', () => {
    expect(scan([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01])).toBe(false); // array32 of 4G items
    expect(scan([0xdf, 0x7f, 0xff, 0xff, 0xff])).toBe(false); // map32
    expect(scan([0xdb, 0x00, 0x10, 0x00, 0x00, 0x61])).toBe(false); // str32 of 1 MiB
    expect(scan([0xc6, 0x00, 0x00, 0x00, 0x09, 0x01])).toBe(false); // bin32
    expect(scan([0x92, 0x01])).toBe(false); // truncated array
  });

  it('refuses trailing bytes and non-scalar map keys', () => {
    expect(scan([0x01, 0x02])).toBe(false);
    expect(scan([0x81, 0x90, 0x01])).toBe(false); // key is an array
    expect(scan([0x81, 0xc0, 0x01])).toBe(false); // key is nil
    expect(scan([0x81, 0x01, 0x01])).toBe(true); // integer key
  });

  it('never lets a __proto__ key pollute a prototype', () => {
    const bytes = pack(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(scan(bytes)).toBe(true);
    const v = decodeValue(bytes, 0, bytes.length) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('never throws on arbitrary bytes, and what it accepts msgpackr decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        if (scan(bytes)) expect(() => decodeValue(bytes, 0, bytes.length)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
