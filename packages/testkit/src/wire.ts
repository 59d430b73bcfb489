/**
 * Moves packets through simulated time, for every backend alike: send queues under a bandwidth cap,
 * Nagle buffering, loss, jitter, duplication and reordering on the way, and reliable streams that
 * hold order through retransmissions. Arrival (receive buffers, holding for accept, session
 * requests) lives in `wire-receive.ts`; timeouts and timers in `wire-timers.ts`. Each peer's
 * backend rules (`backend.ts`) decide the numbers.
 *
 * Everything scheduled lives in one binary heap ordered by (time, insertion), driven by a single
 * clock timer armed for the earliest item: O(log n) per packet, no closure per packet.
 * @internal
 * @packageDocumentation
 */
import { P2PSend, type SteamId, type TimerHandle } from '@steamwire/transport-steam';
import type { TestClock } from './clock.js';
import { Deque } from './internal/deque.js';
import { MinHeap } from './internal/heap.js';
import { onTick, roundTrip } from './internal/timing.js';
import type { LinkConditions } from './link.js';
import type { SeededRng } from './rng.js';
import { Packet, type PeerCore, Session, Stream, type Task, TaskKind } from './state.js';
import type { FakeNetworkStats } from './stats.js';
import type { Topology } from './topology.js';
import { closeChannel, closeSession } from './wire-close.js';
import { Arrival, arrive, release, type WireOps } from './wire-receive.js';
import { onAnswer, onCheck, onIdle, onNagle, onPurge } from './wire-timers.js';

type Scheduled = Packet | Task;

const EMPTY = new Uint8Array(0);

function isReliable(sendType: number): boolean {
  return sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering;
}

/** The packet mover of one network. */
export class Wire implements WireOps {
  private readonly heap = new MinHeap<Scheduled>();
  private timer: TimerHandle | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private processing = false;
  private disposed = false;
  /** Sessions with queued packets and no route: re-tried when the topology changes. */
  private readonly blocked = new Set<Session>();
  private readonly fire = (): void => this.onTimer();

  constructor(
    readonly clock: TestClock,
    private readonly rng: SeededRng,
    readonly topology: Topology,
    readonly stats: FakeNetworkStats,
  ) {}

  // ---- entry points used by peers -------------------------------------------------------------

  /** A new session of `owner` with `remote`, registered with its owner. */
  openSession(owner: PeerCore, remote: SteamId, relayAllowed: boolean): Session {
    const session = new Session(owner, remote, relayAllowed, this.clock.now());
    owner.sessions.set(remote, session);
    this.markUsed(session);
    return session;
  }

  /** Queues a validated, copied packet on `session` (which the caller has accepted). */
  send(session: Session, data: Uint8Array, sendType: P2PSend, channel: number): void {
    const now = this.clock.now();
    const stats = this.stats;
    stats.sent++;
    stats.bytesSent += data.length;
    this.markUsed(session);
    if (session.waitingSince < 0) {
      // Sending starts a wait for the remote: an answer while connecting, any sign of life after.
      session.waitingSince = now;
      const rules = session.owner.rules;
      const limit = session.heard ? rules.connectionLostTimeoutMs : rules.connectTimeoutMs;
      this.schedule(session.checkTask, now + limit);
    }
    const packet = new Packet(session, session.epoch, data, sendType, channel);
    const delay = session.owner.rules.bufferingDelayMs;
    if (sendType === P2PSend.ReliableWithBuffering && delay > 0) {
      // Nagle: wait for more data, a flush, or the delay (Steam coalesces such sends).
      if (session.nagle.length === 0) {
        session.nagleSince = now;
        this.schedule(session.nagleTask, now + delay);
      }
      session.nagle.push(packet);
      session.nagleBytes += data.length;
      if (session.nagleBytes >= session.owner.rules.bufferingFlushBytes) this.flushNagle(session, now);
      this.arm();
      return;
    }
    // A plain reliable send forces out what was buffered before it, keeping the reliable order.
    if (sendType === P2PSend.Reliable && session.nagle.length > 0) this.flushNagle(session, now);
    this.enqueue(session, packet, now);
    this.arm();
  }

  /**
   * Starts connecting `session` without data: Steam drops a no-delay packet sent before the
   * connection, but the attempt it starts still reaches the remote (a session request there).
   */
  probe(session: Session, channel: number): void {
    const now = this.clock.now();
    this.markUsed(session);
    if (session.waitingSince < 0) {
      session.waitingSince = now;
      this.schedule(session.checkTask, now + session.owner.rules.connectTimeoutMs);
    }
    if (this.topology.routeUp(session)) {
      const p = new Packet(session, session.epoch, EMPTY, P2PSend.UnreliableNoDelay, channel);
      p.probe = true;
      p.at = onTick(now + this.oneWay(session));
      this.heap.push(p);
    }
    this.arm();
  }

  /** Moves every buffered `ReliableWithBuffering` packet of `session` to its send queue, in order. */
  flushNagle(session: Session, now: number): void {
    session.nagleBytes = 0;
    for (let p = session.nagle.shift(); p !== undefined; p = session.nagle.shift())
      this.enqueue(session, p, now);
  }

  /** Accepts `session` on its owner's side: held packets become readable, and the requester is answered. */
  accept(session: Session): void {
    if (session.accepted || session.closed) return;
    const now = this.clock.now();
    session.accepted = true;
    session.acceptedAt = now;
    this.markUsed(session);
    const holdFor = session.owner.rules.unacceptedHoldMs;
    for (let p = session.held.shift(); p !== undefined; p = session.held.shift()) {
      if (p.at + holdFor <= now) {
        release(p);
        this.stats.dropped.unacceptedTimeout++;
      } else {
        this.makeReadable(session.owner, p);
      }
    }
    if (session.heard) {
      this.schedule(session.answerTask, onTick(now + this.oneWay(session)));
      this.arm();
    }
  }

  /** Closes `session`: drops what it queued, sent, held or made readable, and forgets it. */
  close(session: Session): void {
    closeSession(this, session);
  }

  /**
   * Closes one channel of `session`, dropping its data both ways; closing the last open channel
   * closes the session (as Steam does).
   * @returns false when the channel was not open.
   */
  closeChannel(session: Session, channel: number): boolean {
    return closeChannel(this, session, channel);
  }

  /** Re-tries every session whose packets wait for a route (after the topology changed). */
  wakeBlocked(): void {
    if (this.blocked.size === 0) return;
    const now = this.clock.now();
    for (const session of this.blocked) this.schedule(session.pumpTask, now);
    this.blocked.clear();
    this.arm();
  }

  /** Stops every timer; nothing happens afterwards. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.heap.clear();
    this.blocked.clear();
  }

  // ---- shared with wire-receive.ts and wire-timers.ts -----------------------------------------

  /** A send, accept or connection on this side: the idle timeout starts again. */
  markUsed(session: Session): void {
    session.lastUsedAt = this.clock.now();
    const idle = session.owner.rules.idleTimeoutMs;
    if (idle !== null) this.schedule(session.idleTask, session.lastUsedAt + idle);
  }

  /** Makes a counted packet readable by `to`. */
  makeReadable(to: PeerCore, p: Packet): void {
    let inbox = to.inbox.get(p.channel);
    if (inbox === undefined) {
      inbox = new Deque<Packet>();
      to.inbox.set(p.channel, inbox);
    }
    inbox.push(p);
    this.stats.delivered++;
    this.stats.bytesDelivered += p.data.length;
  }

  /** Schedules `task` at `at` unless it is already scheduled. */
  schedule(task: Task, at: number): void {
    if (task.scheduled) return;
    task.scheduled = true;
    task.at = at;
    this.heap.push(task);
  }

  /** Drops everything `session` queued, buffered or has in flight, and starts a new epoch. */
  clearSending(session: Session): number {
    const dropped = session.outbound.length + session.inFlightPackets + session.nagle.length;
    session.epoch++;
    session.outbound.clear();
    session.nagle.clear();
    session.nagleBytes = 0;
    session.queuedBytes = 0;
    session.inFlightBytes = 0;
    session.inFlightPackets = 0;
    session.nextFreeAt = 0;
    session.streams.clear(); // pending stream tasks find themselves orphaned and stop
    this.blocked.delete(session);
    return dropped;
  }

  /** Keeps one clock timer armed for the earliest scheduled item. */
  arm(): void {
    if (this.processing || this.disposed) return;
    const next = this.heap.peek();
    if (next === undefined) return;
    if (this.timer !== null) {
      if (this.armedAt <= next.at) return;
      this.clock.clearTimeout(this.timer);
    }
    this.armedAt = next.at;
    this.timer = this.clock.setTimeout(this.fire, next.at - this.clock.now());
  }

  /** One-way delay of `session`'s link. */
  oneWay(session: Session): number {
    const c = this.topology.sessionConditions(session);
    return c.latencyMs + (this.topology.usesRelay(session) ? c.relayLatencyMs : 0);
  }

  // ---- scheduling -----------------------------------------------------------------------------

  private onTimer(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    if (this.disposed) return;
    const now = this.clock.now();
    const heap = this.heap;
    this.processing = true;
    try {
      for (let next = heap.peek(); next !== undefined && next.at <= now; next = heap.peek()) {
        heap.pop();
        this.dispatch(next, now);
      }
    } finally {
      this.processing = false;
      this.arm();
    }
  }

  private dispatch(item: Scheduled, now: number): void {
    if (item.kind === TaskKind.Arrive) {
      if (arrive(this, item as Packet, now) === Arrival.Unreachable) this.stats.dropped.unreachable++;
      return;
    }
    const task = item as Task;
    task.scheduled = false;
    switch (task.kind) {
      case TaskKind.Stream:
        this.onStream(task, now);
        break;
      case TaskKind.Pump:
        this.pump(task.session, now);
        break;
      case TaskKind.Check:
        onCheck(this, task.session, now);
        break;
      case TaskKind.Purge:
        onPurge(this, task.session, now);
        break;
      case TaskKind.Answer:
        onAnswer(this, task.session, now);
        break;
      case TaskKind.Nagle:
        onNagle(this, task.session, now);
        break;
      case TaskKind.Idle:
        onIdle(this, task.session, now);
        break;
    }
  }

  // ---- sending --------------------------------------------------------------------------------

  private enqueue(session: Session, packet: Packet, now: number): void {
    session.outbound.push(packet);
    session.queuedBytes += packet.data.length;
    if (!session.pumpTask.scheduled) this.pump(session, now);
  }

  /** Transmits what the route and the bandwidth cap allow; re-schedules itself for the rest. */
  private pump(session: Session, now: number): void {
    if (session.closed || session.outbound.length === 0) return;
    if (!session.heard && !this.topology.routeUp(session)) {
      // Not connected yet: Steam holds the packets while it tries to reach the peer, until the
      // connect timeout (Check) gives up. Once connected, the sender cannot tell the peer has
      // gone: packets leave, unreliable ones are lost and reliable ones retransmitted.
      this.blocked.add(session);
      return;
    }
    const conditions = this.topology.sessionConditions(session);
    const bandwidth = conditions.bandwidthBytesPerSec;
    const capped = bandwidth !== Number.POSITIVE_INFINITY;
    const relayed = this.topology.usesRelay(session);
    for (let p = session.outbound.peek(); p !== undefined; p = session.outbound.peek()) {
      if (capped && session.nextFreeAt > now) {
        this.schedule(session.pumpTask, onTick(session.nextFreeAt));
        return;
      }
      session.outbound.shift();
      session.queuedBytes -= p.data.length;
      this.depart(session, p, now, conditions, relayed);
      if (capped) session.nextFreeAt = Math.max(session.nextFreeAt, now) + (p.data.length * 1000) / bandwidth;
    }
  }

  /** Puts one packet on the link: decides loss, delay, duplication. */
  private depart(session: Session, p: Packet, now: number, c: LinkConditions, relayed: boolean): void {
    const rng = this.rng;
    const base = now + c.latencyMs + (relayed ? c.relayLatencyMs : 0);
    if (isReliable(p.sendType)) {
      let at = base + (c.jitterMs > 0 ? rng.next() * c.jitterMs : 0);
      if (c.loss > 0) {
        // Each lost transmission is noticed and resent about one round trip later.
        const rtt = roundTrip(c, relayed);
        while (rng.next() < c.loss) {
          at += rtt;
          this.stats.retransmitted++;
        }
      }
      at = onTick(at);
      let stream = session.streams.get(p.channel);
      if (stream === undefined) {
        stream = new Stream(session, p.channel);
        session.streams.set(p.channel, stream);
      }
      if (at < stream.lastAt) at = stream.lastAt; // in order: never before the packet ahead of it
      stream.lastAt = at;
      p.at = at;
      stream.queue.push(p);
      session.inFlightBytes += p.data.length;
      session.inFlightPackets++;
      this.schedule(stream.task, at);
      return;
    }
    if (rng.chance(c.loss)) {
      this.stats.dropped.loss++;
      return;
    }
    let at = base + (c.jitterMs > 0 ? rng.next() * c.jitterMs : 0);
    if (rng.chance(c.reorder)) at += rng.next() * roundTrip(c, relayed);
    p.at = onTick(at);
    this.heap.push(p);
    if (rng.chance(c.duplicate)) {
      const copy = new Packet(session, p.epoch, p.data.slice(), p.sendType, p.channel);
      copy.at = onTick(base + (c.jitterMs > 0 ? rng.next() * c.jitterMs : 0));
      this.stats.duplicated++;
      this.heap.push(copy);
    }
  }

  /** The head of a reliable stream is due: deliver it and every later packet already due. */
  private onStream(task: Task, now: number): void {
    const session = task.session;
    const stream = session.streams.get(task.channel);
    if (stream === undefined || stream.task !== task) return;
    const queue = stream.queue;
    for (let p = queue.peek(); p !== undefined; p = queue.peek()) {
      if (p.at > now) {
        this.schedule(task, p.at);
        return;
      }
      const landed = arrive(this, p, now);
      if (landed !== Arrival.Landed) {
        // Unreachable, or the receiver's buffer is full and it did not acknowledge: Steam resends
        // after a round trip, holding the rest of the stream back.
        const c = this.topology.sessionConditions(session);
        p.at = onTick(now + roundTrip(c, this.topology.usesRelay(session)));
        if (landed === Arrival.Full) this.stats.receiverFull++;
        else this.stats.retransmitted++;
        this.schedule(task, p.at);
        return;
      }
      queue.shift();
      session.inFlightBytes -= p.data.length;
      session.inFlightPackets--;
    }
  }
}
