/**
 * The fake wire's timers, each a rule of Steam's with the number from the peer's backend: connect
 * and connection-lost timeouts (connect-fail), expiry of what an unaccepted peer sent, the answer to
 * a session request, the Nagle delay of buffered reliable sends, and the idle timeout of backends
 * that have one.
 * @internal
 * @packageDocumentation
 */
import { P2PSessionError } from '@steamwire/transport-steam';
import { onTick, roundTrip } from './internal/timing.js';
import type { Session } from './state.js';
import { hear, release, type WireOps } from './wire-receive.js';

/** Connect / liveness deadline of a session that is waiting for its remote. */
export function onCheck(wire: WireOps, session: Session, now: number): void {
  if (session.closed || session.waitingSince < 0) return;
  const rules = session.owner.rules;
  const limit = session.heard ? rules.connectionLostTimeoutMs : rules.connectTimeoutMs;
  const due = session.waitingSince + limit;
  if (now < due) {
    wire.schedule(session.checkTask, due);
    return;
  }
  // A connected session whose remote is reachable is kept alive (Steam's keep-alives get through).
  if (session.heard && wire.topology.routeUp(session)) {
    session.waitingSince = -1;
    return;
  }
  wire.stats.dropped.connectFailed += wire.clearSending(session);
  session.heard = false;
  session.waitingSince = -1;
  session.sessionError = P2PSessionError.Timeout;
  // Legacy posts P2PSessionConnectFail_t once per session (closing it re-arms the callback);
  // Messages posts SessionFailed for every failed connection attempt.
  if (!session.failPosted || !rules.connectFailOncePerSession) {
    session.failPosted = true;
    session.owner.post('sessionConnectFail', session.remote, P2PSessionError.Timeout);
  }
}

/**
 * What an unaccepted peer sent expires: packet by packet after the hold time (legacy), or the whole
 * unaccepted connection at once (Messages), so that its next send opens a new one and asks again.
 */
export function onPurge(wire: WireOps, session: Session, now: number): void {
  if (session.closed || session.accepted) return;
  const rules = session.owner.rules;
  const holdFor = rules.unacceptedHoldMs;
  const stats = wire.stats;
  if (rules.requestPerConnection) {
    const due = session.createdAt + holdFor;
    if (now < due) {
      wire.schedule(session.purgeTask, due);
      return;
    }
    stats.dropped.unacceptedTimeout += session.held.length;
    session.held.clear();
    wire.close(session);
    return;
  }
  const held = session.held;
  for (let p = held.peek(); p !== undefined; p = held.peek()) {
    if (p.at + holdFor > now) {
      wire.schedule(session.purgeTask, p.at + holdFor);
      return;
    }
    held.shift();
    release(p);
    stats.dropped.unacceptedTimeout++;
  }
}

/** The answer of `session`'s owner reaches the peer that requested the session. */
export function onAnswer(wire: WireOps, session: Session, now: number): void {
  if (session.closed || !session.accepted) return;
  const topology = wire.topology;
  const requester = topology.peers.get(session.remote);
  if (requester === undefined) return;
  if (!topology.linkUp(session.owner, requester)) {
    // Lost on the way: Steam retries for as long as a connection attempt may take.
    if (now - session.acceptedAt < session.owner.rules.connectTimeoutMs) {
      const c = topology.sessionConditions(session);
      wire.schedule(session.answerTask, onTick(now + roundTrip(c, topology.usesRelay(session))));
    }
    return;
  }
  const theirs = requester.sessions.get(session.owner.steamId);
  if (theirs?.accepted) hear(wire, theirs);
}

/** Buffered `ReliableWithBuffering` data has waited its delay: out it goes. */
export function onNagle(wire: WireOps, session: Session, now: number): void {
  if (session.closed || session.nagle.length === 0) return;
  const due = session.nagleSince + session.owner.rules.bufferingDelayMs;
  if (now < due) {
    wire.schedule(session.nagleTask, due);
    return;
  }
  wire.flushNagle(session, now);
  wire.arm();
}

/** Steam's idle check: a session unused for the idle timeout closes on this side, silently. */
export function onIdle(wire: WireOps, session: Session, now: number): void {
  const idle = session.owner.rules.idleTimeoutMs;
  if (session.closed || idle === null) return;
  const due = session.lastUsedAt + idle;
  if (now < due) {
    wire.schedule(session.idleTask, due);
    return;
  }
  if (session.outbound.length > 0 || session.inFlightPackets > 0 || session.nagle.length > 0) {
    // GNS extends the deadline by a second while unacknowledged data is still on its way.
    wire.schedule(session.idleTask, now + 1000);
    return;
  }
  wire.close(session);
}
