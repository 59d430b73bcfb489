/**
 * The receiving side of the fake's wire: a packet reaches its destination, finds (or opens) the
 * receiver's session, raises a session request when unaccepted, is held or made readable, and
 * counts against the receiver's buffer for that remote. Steam bounds that buffer
 * (`RecvBufferSize`, `RecvBufferMessages`): past it unreliable packets are dropped, and reliable
 * ones are not acknowledged, so they wait at the sender and are resent once the receiver reads.
 * @internal
 * @packageDocumentation
 */
import { P2PSend, P2PSessionError, type SteamId } from '@steamwire/transport-steam';
import type { Packet, PeerCore, Session, Task } from './state.js';
import type { FakeNetworkStats } from './stats.js';
import type { Topology } from './topology.js';

/** What the receiving side and the timers need from the wire (implemented by `Wire`). */
export interface WireOps {
  readonly topology: Topology;
  readonly stats: FakeNetworkStats;
  openSession(owner: PeerCore, remote: SteamId, relayAllowed: boolean): Session;
  markUsed(session: Session): void;
  makeReadable(to: PeerCore, p: Packet): void;
  schedule(task: Task, at: number): void;
  clearSending(session: Session): number;
  close(session: Session): void;
  flushNagle(session: Session, now: number): void;
  arm(): void;
}

/** What became of a packet that reached its destination's side of the wire. */
export const Arrival = {
  /** Held, readable, or dropped on purpose (closed session, full buffer for unreliable). */
  Landed: 0,
  /** Nobody to take it right now (offline, removed, partitioned, another API): nothing happened. */
  Unreachable: 1,
  /** A reliable packet the receiver's buffer has no room for: not acknowledged, to be resent. */
  Full: 2,
} as const;
/** One {@link Arrival} value. */
export type Arrival = (typeof Arrival)[keyof typeof Arrival];

function isReliable(sendType: number): boolean {
  return sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering;
}

/** The packet no longer counts against its receiver's buffer (read, dropped or discarded). */
export function release(p: Packet): void {
  const rx = p.rx;
  if (rx === null) return;
  rx.rxCount--;
  rx.rxBytes -= p.data.length;
  p.rx = null;
}

/** The remote of `session` is known to have its side open. */
export function hear(wire: WireOps, session: Session): void {
  if (!session.heard) wire.markUsed(session); // connecting → connected restarts the idle timeout
  session.heard = true;
  session.waitingSince = -1;
  session.sessionError = P2PSessionError.None;
}

/** The receiver's session with the sender of `p`, opened if needed; null when nobody can take it. */
function receiverSession(wire: WireOps, from: Session): Session | null {
  const topology = wire.topology;
  let session = from.mirror;
  if (session !== null && !session.closed && !session.owner.removed) {
    return topology.linkUp(from.owner, session.owner) ? session : null;
  }
  const to: PeerCore | undefined = topology.peers.get(from.remote);
  // Each Steam API keeps its own sessions: a peer on another backend never sees this traffic.
  if (to === undefined || to.rules.backend !== from.owner.rules.backend) return null;
  if (!topology.linkUp(from.owner, to)) return null;
  session = to.sessions.get(from.owner.steamId) ?? null;
  if (session === null) {
    session = wire.openSession(to, from.owner.steamId, to.rules.relayPerSession ? to.allowRelay : true);
    if (to.rules.requestPerConnection) {
      // One request per connection: an unaccepted one ends after the hold time (Purge).
      wire.schedule(session.purgeTask, session.createdAt + to.rules.unacceptedHoldMs);
    }
  }
  from.mirror = session;
  return session;
}

/**
 * A packet reaches its destination: opens (or finds) the receiver's session, raises a session
 * request when unaccepted, and holds it, makes it readable, or refuses it when the receiver's
 * buffer for that remote is full.
 */
export function arrive(wire: WireOps, p: Packet, now: number): Arrival {
  const from = p.session;
  const stats = wire.stats;
  if (from.closed || p.epoch !== from.epoch) {
    if (from.closed) stats.dropped.sessionClosed++;
    else stats.dropped.connectFailed++;
    return Arrival.Landed;
  }
  const session = receiverSession(wire, from);
  if (session === null) return Arrival.Unreachable;
  const to = session.owner;
  if (from.heard) from.waitingSince = -1; // the remote's transport saw it: the connection lives
  hear(wire, session);
  if (p.probe) {
    // A connection attempt without data: the remote learns of us (once), or answers if it accepted.
    if (!session.accepted && session.lastRequestAt === Number.NEGATIVE_INFINITY) requestSession(session, now);
    else if (session.accepted && !from.heard && wire.topology.routeUp(session)) hear(wire, from);
    return Arrival.Landed;
  }
  session.openChannels.add(p.channel);
  if (!session.accepted) requestSession(session, now);
  const rules = to.rules;
  const length = p.data.length;
  if (session.rxCount >= rules.recvBufferMessages || session.rxBytes + length > rules.recvBufferBytes) {
    if (isReliable(p.sendType)) return Arrival.Full;
    stats.dropped.receiveBufferFull++;
    return Arrival.Landed;
  }
  p.rx = session;
  session.rxCount++;
  session.rxBytes += length;
  if (session.accepted) {
    wire.makeReadable(to, p);
    // The receiver's side is open: the sender learns it with the acknowledgement.
    if (!from.heard && wire.topology.routeUp(session)) hear(wire, from);
    return Arrival.Landed;
  }
  p.at = now;
  session.held.push(p);
  if (!rules.requestPerConnection) wire.schedule(session.purgeTask, now + rules.unacceptedHoldMs);
  return Arrival.Landed;
}

/** Posts `sessionRequest` for an unaccepted session, as often as its backend does. */
function requestSession(session: Session, now: number): void {
  const rules = session.owner.rules;
  const first = session.lastRequestAt === Number.NEGATIVE_INFINITY;
  // Legacy re-posts while the peer keeps sending; Messages asks once per connection.
  if (first || (!rules.requestPerConnection && now - session.lastRequestAt >= rules.sessionRequestRepostMs)) {
    session.lastRequestAt = now;
    session.owner.post('sessionRequest', session.remote, P2PSessionError.None);
  }
}
