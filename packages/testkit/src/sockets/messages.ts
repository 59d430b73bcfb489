/**
 * Messages through a fake connection: queueing a send with Steam's result codes and per-lane numbers
 * (STEAM_API.md §15.7, the native fake's `sw_sock_queue_message`), and taking received messages off a
 * connection or a poll group as `ReceivedMessage`s.
 * @internal
 * @packageDocumentation
 */
import {
  type NetConnection,
  type ReceivedMessage,
  SendFlags,
  SOCKETS_MAX_MESSAGE_BYTES,
  SOCKETS_UNRELIABLE_UPGRADE_BYTES,
} from '@steamwire/transport-steam';
import { STEAM_BEHAVIOUR } from '../conformance/steam-behaviour.js';
import type { FakeConnection, InMessage } from './connection.js';
import type { Group } from './endpoint.js';

/** `EResult` codes a send answers. */
export const Result = {
  OK: 1,
  NoConnection: 3,
  InvalidParam: 8,
  InvalidState: 11,
  LimitExceeded: 25,
  Ignored: 41,
} as const;

/** Nagle lets a full packet's worth go at once (STEAM_BEHAVIOUR's flush size). */
const NAGLE_FLUSH_BYTES = STEAM_BEHAVIOUR.sockets.bufferingFlushBytes.value;
/** GetLocalTimestamp starts at about 30 days' worth of µs (isteamnetworkingutils.h:200-217). */
export const TIMESTAMP_BASE_US = 30n * 86_400n * 1_000_000n;

/** Steam's local timestamp, µs, at `ms` of the network's clock. */
export function timestampUs(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) + TIMESTAMP_BASE_US;
}

/**
 * Queues one message on `c` (a private copy of `data`), after Steam's checks in Steam's order: the
 * state, the size, the lane, no-delay on reliable, the send buffer, no-delay before connected.
 * @returns the EResult and, on success, the message's number on its lane.
 */
export function queueMessage(
  c: FakeConnection,
  data: Uint8Array,
  flags: number,
  lane: number,
  now: number,
): { result: number; number: bigint } {
  const fail = (result: number) => ({ result, number: -1n });
  if (c.state === 'closedByPeer' || c.state === 'problemDetectedLocally') return fail(Result.NoConnection);
  if (!c.alive) return fail(Result.InvalidState);
  if (data.length > SOCKETS_MAX_MESSAGE_BYTES) return fail(Result.InvalidParam);
  if (lane < 0 || lane >= c.lanes.length) return fail(Result.InvalidParam);
  let reliable = (flags & SendFlags.Reliable) !== 0;
  const noDelay = (flags & SendFlags.NoDelay) !== 0;
  if (reliable && noDelay) return fail(Result.InvalidParam);
  if (c.heldBytes + data.length > c.num('SendBufferSize')) return fail(Result.LimitExceeded);
  const connected = c.state === 'connected';
  if (!reliable && noDelay && !connected) return fail(Result.Ignored);
  const ln = c.lanes[lane]!;
  const number = ln.nextNumber++;
  // Unreliable messages over 16500 bytes are sent reliably (snp.cpp:326-331).
  if (data.length > SOCKETS_UNRELIABLE_UPGRADE_BYTES) reliable = true;
  // While connecting, unreliable messages are "almost certainly" dropped (steamnetworkingtypes.h:357-380).
  if (!reliable && !connected) return { result: Result.OK, number };
  const copy = data.slice();
  c.pending.push({
    data: copy,
    lane,
    number,
    reliable,
    seq: reliable ? c.nextSeq++ : 0,
    tries: 0,
    sentAt: 0,
  });
  if (reliable) c.pendingReliableBytes += copy.length;
  else c.pendingUnreliableBytes += copy.length;
  const nagleUs = c.num('NagleTime');
  // NoNagle sends this message and everything queued before it now; so does a full packet's worth.
  if (
    (flags & SendFlags.NoNagle) !== 0 ||
    nagleUs <= 0 ||
    c.pendingReliableBytes + c.pendingUnreliableBytes >= NAGLE_FLUSH_BYTES
  )
    c.nagleDeadline = now;
  else if (c.nagleDeadline === 0) c.nagleDeadline = now + nagleUs / 1000;
  return { result: Result.OK, number };
}

/** Takes `m` off its connection (and group) as the app's copy. */
function taken(m: InMessage): ReceivedMessage {
  const c = m.conn;
  m.taken = true;
  c.queueCount--;
  c.queueBytes -= m.data.length;
  return {
    connection: c.handle as NetConnection,
    data: m.data,
    remote: c.remote,
    connectionUserData: c.userData,
    timeReceivedUs: timestampUs(m.receivedAt),
    messageNumber: m.number,
    lane: m.lane,
    reliable: m.reliable,
  };
}

/** Up to `max` messages of `c`, oldest first. */
export function takeFromConnection(c: FakeConnection, max: number): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  while (out.length < max && c.queue.length > 0) {
    const m = c.queue.shift()!;
    if (!m.taken) out.push(taken(m));
  }
  return out;
}

/** Up to `max` messages of group `g`, in arrival order across its connections. */
export function takeFromGroup(g: Group, max: number): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  while (out.length < max && g.messages.length > 0) {
    const m = g.messages.shift()!;
    if (m.taken || m.group !== g.handle) continue;
    out.push(taken(m));
    const i = m.conn.queue.indexOf(m);
    if (i >= 0) m.conn.queue.splice(i, 1);
  }
  return out;
}
