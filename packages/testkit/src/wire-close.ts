/**
 * Closing on the fake wire: a whole session (what it queued, sent, held or made readable is dropped
 * and the session forgotten), or one channel of it (the last one closes the session, as in Steam).
 * @internal
 * @packageDocumentation
 */
import type { Packet, Session } from './state.js';
import { release, type WireOps } from './wire-receive.js';

/** Closes `session`: drops what it queued, sent, held or made readable, and forgets it. */
export function closeSession(wire: WireOps, session: Session): void {
  const stats = wire.stats;
  stats.dropped.sessionClosed += session.outbound.length + session.inFlightPackets + session.held.length;
  wire.clearSending(session);
  session.held.clear();
  session.closed = true;
  if (session.owner.sessions.get(session.remote) === session) session.owner.sessions.delete(session.remote);
  const remote = session.remote;
  for (const channel of session.openChannels) {
    const inbox = session.owner.inbox.get(channel);
    if (inbox !== undefined) stats.discardedUnread += inbox.filter((p) => p.session.owner.steamId !== remote);
  }
  session.rxCount = 0;
  session.rxBytes = 0;
  session.openChannels.clear();
}

/** Drops the packets of `queue` on `channel`; returns how many, and their bytes. */
function dropChannel(queue: Session['outbound'], channel: number): { packets: number; bytes: number } {
  let bytes = 0;
  const packets = queue.filter((p) => {
    if (p.channel !== channel) return true;
    bytes += p.data.length;
    return false;
  });
  return { packets, bytes };
}

/**
 * Closes one channel of `session`, dropping its data both ways; closing the last open channel
 * closes the session (as Steam does).
 * @returns false when the channel was not open.
 */
export function closeChannel(wire: WireOps, session: Session, channel: number): boolean {
  if (!session.openChannels.has(channel)) return false;
  if (session.openChannels.size === 1) {
    wire.close(session);
    return true;
  }
  session.openChannels.delete(channel);
  const stats = wire.stats;
  const queued = dropChannel(session.outbound, channel);
  session.queuedBytes -= queued.bytes;
  const buffered = dropChannel(session.nagle, channel);
  session.nagleBytes -= buffered.bytes;
  stats.dropped.channelClosed += queued.packets + buffered.packets;
  const stream = session.streams.get(channel);
  if (stream !== undefined) {
    stats.dropped.channelClosed += stream.queue.length;
    for (const p of stream.queue) session.inFlightBytes -= p.data.length;
    session.inFlightPackets -= stream.queue.length;
    session.streams.delete(channel); // its pending task finds itself orphaned and stops
  }
  const keep = (p: Packet): boolean => {
    if (p.channel !== channel) return true;
    release(p);
    return false;
  };
  stats.dropped.channelClosed += session.held.filter(keep);
  const inbox = session.owner.inbox.get(channel);
  const remote = session.remote;
  if (inbox !== undefined)
    stats.discardedUnread += inbox.filter((p) => p.session.owner.steamId !== remote || keep(p));
  return true;
}
