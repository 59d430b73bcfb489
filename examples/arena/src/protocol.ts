/**
 * The arena's protocol: the one place that says what travels, on which channel, how, and who may
 * send it. Every message has a schema, checked on receipt before any handler: clients are untrusted,
 * and so is a host (it is just another player's machine).
 */
import { defineProtocol, type InferMessage, message, request } from '@steamwire/rpc';
import * as v from 'valibot';
import { MAX_PARTS, PLAYERS_PER_PART } from './parts.js';

/** Players a match holds unless the host says otherwise; one more is refused with reason `full`. */
export const MAX_PLAYERS = 16;

const axis = v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1));

export const inputSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  dx: axis,
  dy: axis,
  dash: v.boolean(),
});

/** Longest name a snapshot may carry: a chosen name and the host's " (2)" when it is taken. */
const MAX_DISPLAY_NAME = 24;
/** Chat lines each side keeps, and sends to a player who just joined. */
export const CHAT_HISTORY = 50;
/** Most coins or hazards a snapshot may carry. */
const MAX_ITEMS = 32;

/** Text a terminal will show: no control or format characters (escape sequences, bidi overrides). */
const printable = (max: number) =>
  v.pipe(v.string(), v.maxLength(max), v.regex(/^[^\p{Cc}\p{Cf}]*$/u, 'no control characters'));
const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const point = v.tuple([finite, finite]);

export const snapshotPartSchema = v.object({
  tick: count,
  time: finite,
  part: v.pipe(count, v.maxValue(MAX_PARTS - 1)),
  parts: v.pipe(count, v.minValue(1), v.maxValue(MAX_PARTS)),
  players: v.pipe(
    v.array(
      v.object({
        id: v.pipe(v.string(), v.regex(/^\d{1,20}$/)),
        name: printable(MAX_DISPLAY_NAME),
        x: finite,
        y: finite,
        score: count,
        alive: v.boolean(),
        deaths: count,
      }),
    ),
    v.maxLength(PLAYERS_PER_PART),
  ),
  coins: v.optional(v.pipe(v.array(point), v.maxLength(MAX_ITEMS))),
  hazards: v.optional(v.pipe(v.array(point), v.maxLength(MAX_ITEMS))),
});

export const respawnResultSchema = v.variant('ok', [
  v.object({ ok: v.literal(true), x: finite, y: finite }),
  v.object({ ok: v.literal(false), reason: v.picklist(['alive', 'too-soon', 'unknown-player']) }),
]);

/** What a player types (client → host). Who said it is the host's to say, not the client's. */
export const saySchema = v.object({
  text: v.pipe(
    printable(120),
    v.check((t) => t.trim() !== '', 'say something'),
  ),
});

/**
 * A chat line as the host sends it. `system` lines are the host's own (joins, leaves); `player`
 * lines carry the name the host knows the speaker by. `seq` orders lines and spots repeats.
 */
export const chatLineSchema = v.variant('kind', [
  v.object({ kind: v.literal('system'), seq: count, text: printable(160) }),
  v.object({
    kind: v.literal('player'),
    seq: count,
    from: v.pipe(printable(MAX_DISPLAY_NAME), v.minLength(1)),
    text: printable(120),
  }),
]);

export const arenaProtocol = defineProtocol({
  /** Every client tick; a lost input is replaced by the next one, so no reliability and no delay. */
  input: message(inputSchema, { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  /**
   * 20 Hz world state, in parts that each fit one packet. An old snapshot is useless once a newer one
   * arrived, but latest-wins is decided by tick when the parts are put together (parts.ts), not per
   * packet here: a tick's parts may travel in several packets.
   */
  snapshot: message(snapshotPartSchema, { from: 'host', channel: 2, send: 'unreliable' }),
  /** Chat must arrive, in order: a player's line goes to the host, which relays it to everyone. */
  say: message(saySchema, { from: 'client', channel: 0, send: 'reliable' }),
  chat: message(chatLineSchema, { from: 'host', channel: 0, send: 'reliable' }),
  /**
   * A player who just joined asks for the recent lines: those sent with its welcome reached it
   * before its handlers existed. Answered once per player (it is much bigger than the question).
   */
  recentChat: request(
    v.object({}),
    v.object({ lines: v.pipe(v.array(chatLineSchema), v.maxLength(CHAT_HISTORY)) }),
    { from: 'client', channel: 0, timeoutMs: 5000 },
  ),
  /** A dead player asks to come back; the host decides. */
  respawn: request(v.object({}), respawnResultSchema, { from: 'client', channel: 0, timeoutMs: 2000 }),
});

export type ArenaProtocol = typeof arenaProtocol;
export type ChatLine = InferMessage<ArenaProtocol, 'chat'>;
