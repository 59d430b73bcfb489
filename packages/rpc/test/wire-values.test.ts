// "What survives the wire" (the rpc README's table), one property per row: values of each row's kind
// go from a client to a real host and back over the fake network, and arrive as the table says; what
// the table refuses throws EncodeError at the send, naming where it is, and nothing leaves.
import { readFileSync } from 'node:fs';
import { FakeSteamNetwork } from '@steamwire/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  connectToHost,
  createHost,
  defineProtocol,
  EncodeError,
  type Host,
  message,
  request,
  typed,
} from '../src/index.js';

const protocol = defineProtocol({
  value: message(typed<unknown>(), { from: 'any', channel: 0, send: 'reliable' }),
  echo: request(typed<unknown>(), typed<unknown>(), { from: 'client', channel: 0 }),
});

let net: FakeSteamNetwork;
let host: Host<typeof protocol>;
let client: Client<typeof protocol>;
const atHost: unknown[] = [];
const atClient: unknown[] = [];

beforeAll(async () => {
  net = new FakeSteamNetwork({ seed: 9 });
  const hostPeer = net.createPeer();
  host = createHost({ network: hostPeer, protocol, tickMs: 5, rateLimits: false });
  // The host sends back what it got: the value crosses the wire twice, through both encoders.
  host.on('value', (v, peer) => {
    atHost.push(v);
    host.sendTo(peer, 'value', v);
  });
  host.handle('echo', (v) => v);
  client = await net.run(
    connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      tickMs: 5,
      rateLimits: false,
      setup: (c) => c.on('value', (v) => atClient.push(v)),
    }),
  );
});
afterAll(() => net.dispose());

/** What the table says arrives for `v`: `-0` as `0`, a Buffer as a Uint8Array, `undefined` properties left out. */
function arrived(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (v instanceof Date || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(arrived);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = arrived(x);
  return out;
}

/** Sends each value both ways and as a request, and checks what arrives. */
async function roundTrip(values: unknown[]): Promise<void> {
  atHost.length = 0;
  atClient.length = 0;
  for (const v of values) client.send('value', v);
  const echoed = await net.run(Promise.all(values.map((v) => client.call('echo', v))));
  await net.advance(40);
  const expected = values.map(arrived);
  expect(atHost).toStrictEqual(expected);
  expect(atClient).toStrictEqual(expected);
  expect(echoed).toStrictEqual(expected);
}

const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const key = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.date({ noInvalidDate: true }),
);

/** The accepted rows: for each, the values of its kind. */
const accepted: Record<string, fc.Arbitrary<unknown>> = {
  '`null`, `true` / `false`': fc.oneof(fc.constant(null), fc.boolean()),
  'a number: an integer or not, `NaN`, `±Infinity`, past 2^53 too': fc.oneof(
    fc.double(),
    fc.integer(),
    fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 32 + 10 }),
    fc.constantFrom(76561197960365730, 2 ** 53 + 2, -(2 ** 60), Number.MAX_VALUE, Number.MIN_VALUE, -0),
  ),
  'a `bigint` from −2^63 to 2^64 − 1': fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.constantFrom(0n, 5n, -5n, 76561197960365730n, -(2n ** 63n), 2n ** 64n - 1n),
  ),
  'a string': fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ unit: 'binary', maxLength: 300 }).filter(wellFormed),
    fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 70_000 }),
  ),
  'a `Uint8Array` (a `Buffer` too)': fc.oneof(
    fc.uint8Array({ maxLength: 70_000 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  ),
  'a valid `Date`': fc.date({ noInvalidDate: true }),
  'an array of these': fc.array(leaf, { maxLength: 40 }),
  'a plain object of these': fc.oneof(
    fc.dictionary(key, fc.oneof(leaf, fc.constant(undefined)), { maxKeys: 40 }),
    fc
      .dictionary(key, leaf, { maxKeys: 6 })
      .map((o) => Object.assign(Object.create(null) as Record<string, unknown>, o)),
    fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
      ),
    })).tree,
  ),
};

/** A refused value and where it shows in EncodeError's `path` when it is the payload itself. */
interface Bad {
  readonly value: unknown;
  /** It is refused only outside an object property (undefined is left out there). */
  readonly notAsProperty?: boolean;
  /** It is found below where it is put (too deep: where the nesting runs out). */
  readonly pathBelow?: boolean;
}
class Player {
  x = 1;
}
const bad = (value: unknown, notAsProperty = false, pathBelow = false): Bad => ({
  value,
  notAsProperty,
  pathBelow,
});
const deep = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};
const cyclic = () => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};

/** The refused rows: for each, the values of its kind, and what EncodeError says about them. */
const refused: Record<string, { values: fc.Arbitrary<Bad>; problem: RegExp }> = {
  '`undefined` as the payload or in an array': {
    values: fc.constant(bad(undefined, true)),
    problem: /is undefined/,
  },
  'a function, a symbol': {
    values: fc.constantFrom(
      bad(() => 1),
      bad(Math.max),
      bad(Symbol('s')),
    ),
    problem: /is a (function|symbol)/,
  },
  'a `Map`, a `Set`': {
    values: fc.oneof(
      fc.array(fc.tuple(key, fc.integer())).map((e) => bad(new Map(e))),
      fc.array(fc.integer()).map((e) => bad(new Set(e))),
    ),
    problem: /is a (Map|Set)/,
  },
  'other binary: `ArrayBuffer`, `DataView`, `Float32Array`…': {
    values: fc
      .integer({ min: 0, max: 8 })
      .chain((n) =>
        fc.constantFrom(
          bad(new ArrayBuffer(n)),
          bad(new DataView(new ArrayBuffer(n))),
          bad(new Float32Array(n)),
          bad(new Int16Array(n)),
          bad(new Uint8ClampedArray(n)),
          bad(new BigInt64Array(n)),
        ),
      ),
    problem: /binary data travels as a Uint8Array/,
  },
  'an instance of a class (`Error`, `RegExp`, your own)': {
    values: fc.constantFrom(bad(new Error('x')), bad(/x/g), bad(new Player()), bad(Promise.resolve(1))),
    problem: /is an instance of (Error|RegExp|Player|Promise): send a plain object/,
  },
  'a `bigint` beyond 64 bits': {
    values: fc
      .oneof(
        fc.bigInt({ min: 2n ** 64n, max: 2n ** 100n }),
        fc.bigInt({ min: -(2n ** 100n), max: -(2n ** 63n) - 1n }),
      )
      .map((b) => bad(b)),
    problem: /bigint outside the 64-bit range/,
  },
  'an invalid `Date`': { values: fc.constant(bad(new Date(Number.NaN))), problem: /invalid Date/ },
  'a string with a lone surrogate': {
    values: fc
      .tuple(
        fc.string({ maxLength: 80 }),
        fc.constantFrom('\ud800', '\udfff', '\ud83d'),
        fc.string({ maxLength: 80 }),
      )
      .map(([a, s, b]) => bad(a + s + b)),
    problem: /lone surrogate/,
  },
  'nesting deeper than 64 levels, or a cycle': {
    values: fc.constantFrom(bad(deep(65), false, true), bad(cyclic(), false, true)),
    problem: /nested deeper than 64 levels/,
  },
};

/** Puts `value` at the end of `steps` (array indices or object keys) inside otherwise valid data. */
function embed(value: unknown, steps: (number | string)[]): { payload: unknown; path: string } {
  let payload = value;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (typeof step === 'number') payload = [...Array.from({ length: step }, () => 0), payload, 'after'];
    else payload = { before: 1, [step]: payload, after: 'x' };
  }
  const path = steps
    .map((s) =>
      typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`,
    )
    .join('');
  return { payload, path: `payload${path}` };
}

const steps = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    key.filter((k) => k !== 'before' && k !== 'after'),
  ),
  {
    maxLength: 4,
  },
);

describe('What survives the wire', () => {
  for (const [row, values] of Object.entries(accepted)) {
    it(`${row}: arrives as the table says, both ways and in requests`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(values, { minLength: 1, maxLength: 8 }), roundTrip), {
        numRuns: 60,
      });
    });
  }

  for (const [row, { values, problem }] of Object.entries(refused)) {
    it(`${row}: EncodeError at the send, naming where it is; nothing leaves`, async () => {
      const before = client.stats().channels[0]!.bytesOut;
      await fc.assert(
        fc.asyncProperty(values, steps, async ({ value, notAsProperty, pathBelow }, path) => {
          const where = notAsProperty && typeof path.at(-1) === 'string' ? [...path, 0] : path;
          const embedded = embed(value, where);
          const sent = () => client.send('value', embedded.payload);
          expect(sent).toThrow(EncodeError);
          let error: EncodeError | undefined;
          try {
            sent();
          } catch (e) {
            error = e as EncodeError;
          }
          expect(error).toMatchObject({ code: 'ENCODE_FAILED', messageName: 'value' });
          expect(error!.problem).toMatch(problem);
          // Too deep (a cycle too) is reported where the nesting runs out, below where it starts.
          if (pathBelow) expect(error!.path?.startsWith(embedded.path)).toBe(true);
          else expect(error!.path).toBe(embedded.path);
          await expect(client.call('echo', embedded.payload)).rejects.toBeInstanceOf(EncodeError);
          expect(() => host.broadcast('value', embedded.payload)).toThrow(EncodeError);
        }),
        { numRuns: 40 },
      );
      client.flush();
      expect(client.stats().channels[0]!.bytesOut).toBe(before);
    });
  }

  it('a SteamID sent as a bigint arrives exactly, as a bigint', async () => {
    await roundTrip([76561197960365730n, { owner: 76561197960365730n, players: [5n] }]);
    expect(atHost[0]).toBe(76561197960365730n);
  });

  it('32 levels of nesting travel (the receiver takes as many)', async () => {
    await roundTrip([deep(32)]);
  });

  it('the README’s table has exactly these rows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## What survives the wire'));
    const table = section.slice(
      section.indexOf('\n|') + 1,
      section.indexOf('\n\n', section.indexOf('| ---')),
    );
    const rows = table
      .split('\n')
      .slice(2)
      .map((line) => line.split('|')[1]?.trim());
    expect(rows).toEqual([...Object.keys(accepted), ...Object.keys(refused)]);
  });
});
