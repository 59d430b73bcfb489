/**
 * The protocol the hostile-peer runs attack, and an independent validator per entry.
 *
 * Every entry a side receives is declared with a schema (zod or valibot), so the rpc layer must
 * refuse anything invalid before a handler runs. The handlers then check the payload again with the
 * hand-written predicates below — written separately from the schemas, so a schema bug and an
 * enforcement bug cannot hide each other — and count whatever slipped through.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { z } from 'zod';
import { defineProtocol, message, request, typed } from '../../src/index.js';

const finite = z.number().refine(Number.isFinite);
const seq = z.number().int().min(0).max(0x7fffffff);

/** Valibot, so that both validator families face the fuzzer. */
const snapshotSchema = v.object({
  tick: v.pipe(v.number(), v.integer(), v.minValue(0)),
  players: v.pipe(
    v.array(v.object({ x: v.pipe(v.number(), v.finite()), y: v.pipe(v.number(), v.finite()) })),
    v.maxLength(64),
  ),
});

/** Client → host, host → client, either way, and requests both ways, on several channels. */
export const hostileProtocol = defineProtocol({
  input: message(z.object({ seq, dx: finite, dy: finite }), {
    from: 'client',
    channel: 1,
    send: 'unreliableNoDelay',
  }),
  aim: message(z.object({ seq, angle: finite }), {
    from: 'client',
    channel: 1,
    send: 'unreliable',
    ordering: 'latest',
  }),
  chat: message(z.object({ seq, text: z.string().max(200) }), {
    from: 'client',
    channel: 0,
    send: 'reliable',
  }),
  bulk: message(
    z.object({ seq, data: z.instanceof(Uint8Array), tags: z.array(z.string().max(16)).max(64) }),
    { from: 'client', channel: 4, send: 'reliable' },
  ),
  snapshot: message(snapshotSchema, { from: 'host', channel: 2, send: 'unreliable', ordering: 'latest' }),
  event: message(z.object({ seq, kind: z.enum(['spawn', 'die', 'score']) }), {
    from: 'host',
    channel: 0,
    send: 'reliable',
  }),
  echo: message(z.object({ seq, text: z.string().max(64) }), {
    from: 'any',
    channel: 3,
    send: 'reliableWithBuffering',
  }),
  /** Type-only: the rpc layer validates nothing here, so the handler may see any decodable value. */
  note: message(typed<unknown>(), { from: 'any', channel: 3, send: 'reliableWithBuffering' }),
  buy: request(
    z.object({ item: z.string().max(32), qty: z.number().int().min(1).max(99) }),
    z.object({ ok: z.boolean(), gold: finite }),
    { from: 'client', channel: 0, timeoutMs: 2000 },
  ),
  ask: request(z.object({ q: z.string().max(64) }), z.object({ a: z.string().max(64) }), {
    from: 'host',
    channel: 0,
    timeoutMs: 2000,
  }),
});

/** The protocol's type. */
export type HostileProtocol = typeof hostileProtocol;

// ── independent predicates ────────────────────────────────────────────────────────────────────

function plain(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, '__proto__')
  );
}
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isSeq = (x: unknown): boolean =>
  typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0x7fffffff;
const isString = (x: unknown, max: number): boolean => typeof x === 'string' && x.length <= max;

/** True when `value` is a payload a handler of `name` may see. */
export const validPayload: Readonly<Record<string, (value: unknown) => boolean>> = {
  input: (m) => plain(m) && isSeq(m.seq) && isFiniteNumber(m.dx) && isFiniteNumber(m.dy),
  aim: (m) => plain(m) && isSeq(m.seq) && isFiniteNumber(m.angle),
  chat: (m) => plain(m) && isSeq(m.seq) && isString(m.text, 200),
  bulk: (m) =>
    plain(m) &&
    isSeq(m.seq) &&
    m.data instanceof Uint8Array &&
    Array.isArray(m.tags) &&
    m.tags.length <= 64 &&
    m.tags.every((t) => isString(t, 16)),
  snapshot: (m) =>
    plain(m) &&
    typeof m.tick === 'number' &&
    Number.isInteger(m.tick) &&
    m.tick >= 0 &&
    Array.isArray(m.players) &&
    m.players.length <= 64 &&
    m.players.every((p) => plain(p) && isFiniteNumber(p.x) && isFiniteNumber(p.y)),
  event: (m) => plain(m) && isSeq(m.seq) && (m.kind === 'spawn' || m.kind === 'die' || m.kind === 'score'),
  echo: (m) => plain(m) && isSeq(m.seq) && isString(m.text, 64),
  // Type-only: anything msgpack decodes to, but never something that reached a prototype.
  note: () => true,
  buy: (m) =>
    plain(m) &&
    isString(m.item, 32) &&
    typeof m.qty === 'number' &&
    Number.isInteger(m.qty) &&
    m.qty >= 1 &&
    m.qty <= 99,
  'buy:response': (m) => plain(m) && typeof m.ok === 'boolean' && isFiniteNumber(m.gold),
  ask: (m) => plain(m) && isString(m.q, 64),
  'ask:response': (m) => plain(m) && isString(m.a, 64),
};

/** The own property names of `Object.prototype` (and friends): compared before and after a run. */
export function prototypeFingerprint(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}
