/**
 * The arena's protocol: the one place that says what travels, on which channel, how, and who may
 * send it. Everything a client sends is validated by a schema on the host (clients are untrusted);
 * snapshots come from the authoritative host and are type-only.
 */
import { defineProtocol, type InferMessage, message, request, typed } from '@steamwire/rpc';
import * as v from 'valibot';
import type { SnapshotPart } from './parts.js';
import type { RespawnResult } from './sim.js';

/** Players a match holds unless the host says otherwise; one more is refused with reason `full`. */
export const MAX_PLAYERS = 16;

const axis = v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1));

export const inputSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  dx: axis,
  dy: axis,
  dash: v.boolean(),
});

export const chatSchema = v.object({
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(120)),
  /** Set by the host when it relays a player's line; ignored when a client sends it. */
  from: v.optional(v.pipe(v.string(), v.maxLength(32))),
});

export const arenaProtocol = defineProtocol({
  /** Every client tick; a lost input is replaced by the next one, so no reliability and no delay. */
  input: message(inputSchema, { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  /**
   * 20 Hz world state, in parts that each fit one packet. An old snapshot is useless once a newer one
   * arrived, but latest-wins is decided by tick when the parts are put together (parts.ts), not per
   * packet here: a tick's parts may travel in several packets.
   */
  snapshot: message(typed<SnapshotPart>(), { from: 'host', channel: 2, send: 'unreliable' }),
  /** Chat must arrive, in order. */
  chat: message(chatSchema, { from: 'any', channel: 0, send: 'reliable' }),
  /** A dead player asks to come back; the host decides. */
  respawn: request(v.object({}), typed<RespawnResult>(), { from: 'client', channel: 0, timeoutMs: 2000 }),
});

export type ArenaProtocol = typeof arenaProtocol;
export type ChatLine = InferMessage<ArenaProtocol, 'chat'>;
