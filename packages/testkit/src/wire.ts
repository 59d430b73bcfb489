/**
 * Moves packets through simulated time: send queues under a bandwidth cap, loss, jitter,
 * duplication and reordering on the way, reliable streams that hold order through retransmissions,
 * session requests and answers, connect timeouts, and expiry of packets an unaccepted peer sent.
 *
 * Everything scheduled lives in one binary heap ordered by (time, insertion), driven by a single
 * clock timer armed for the earliest item: O(log n) per packet, no closure per packet.
 * @internal
 * @packageDocumentation
 */
import { P2PSend, P2PSessionError, type TimerHandle } from '@steamwire/transport-steam';
import type { TestClock } from './clock.js';
import { Deque } from './internal/deque.js';
import { MinHeap } from './internal/heap.js';
import type { LinkConditions } from './link.js';
import type { SeededRng } from './rng.js';
import { Packet, type PeerCore, Session, Stream, type Task, TaskKind } from './state.js';
import type { FakeNetworkStats } from './stats.js';
import type { Topology } from './topology.js';

/** Timing rules of the simulated Steam. */
export interface WireOptions {
  readonly connectTimeoutMs: number;
  readonly sessionRequestRepostMs: number;
  readonly unacceptedDropMs: number;
}

type Scheduled = Packet | Task;

/**
 * Deliveries happen on whole milliseconds (rounded up). Arrivals that fall within the same
 * millisecond then share one clock firing instead of one each, which is what keeps hundreds of
 * jittery peers fast on the virtual clock; finer precision would make tests slower, not truer.
 */
const onTick = Math.ceil;

function isReliable(sendType: number): boolean {
  return sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering;
}

/** One round trip on a link: the delay a retransmission adds. At least 1 ms, so retries always move time. */
function roundTrip(c: LinkConditions, relayed: boolean): number {
  return Math.max(1, 2 * (c.latencyMs + (relayed ? c.relayLatencyMs : 0)) + c.jitterMs);
}

/** The packet mover of one network. */
export class Wire {
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
    readonly options: WireOptions,
  ) {}

  // ---- entry points used by peers -------------------------------------------------------------

  /** Queues a validated, copied packet on `session` (which the caller has accepted). */
  send(session: Session, data: Uint8Array, sendType: P2PSend, channel: number): void {
    const now = this.clock.now();
    const stats = this.stats;
    stats.sent++;
    stats.bytesSent += data.length;
    if (session.waitingSince < 0) {
      // Sending starts a wait for the remote: an answer while connecting, any sign of life after.
      session.waitingSince = now;
      this.schedule(session.checkTask, now + this.options.connectTimeoutMs);
    }
    const packet = new Packet(session, session.epoch, data, sendType, channel);
    session.outbound.push(packet);
    session.queuedBytes += data.length;
    if (!session.pumpTask.scheduled) this.pump(session, now);
    this.arm();
  }

  /** Accepts `session` on its owner's side: held packets become readable, and the requester is answered. */
  accept(session: Session): void {
    if (session.accepted || session.closed) return;
    const now = this.clock.now();
    session.accepted = true;
    session.acceptedAt = now;
    const dropAfter = this.options.unacceptedDropMs;
    for (let p = session.held.shift(); p !== undefined; p = session.held.shift()) {
      if (p.at + dropAfter <= now) this.stats.dropped.unacceptedTimeout++;
      else this.deliver(session.owner, p);
    }
    if (session.heard) {
      this.schedule(session.answerTask, onTick(now + this.oneWay(session)));
      this.arm();
    }
  }

  /** Closes `session`: drops what it queued, sent, held or made readable, and forgets it. */
  close(session: Session): void {
    const dropped = session.outbound.length + session.inFlightPackets + session.held.length;
    this.stats.dropped.sessionClosed += dropped;
    this.clearSending(session);
    session.held.clear();
    session.closed = true;
    session.owner.sessions.delete(session.remote);
    const remote = session.remote;
    for (const channel of session.openChannels) {
      const inbox = session.owner.inbox.get(channel);
      if (inbox !== undefined)
        this.stats.discardedUnread += inbox.filter((p) => p.session.owner.steamId !== remote);
    }
    session.openChannels.clear();
  }

  /**
   * Closes one channel of `session`, dropping its data both ways; closing the last open channel
   * closes the session (as Steam does).
   * @returns false when the channel was not open.
   */
  closeChannel(session: Session, channel: number): boolean {
    if (!session.openChannels.has(channel)) return false;
    if (session.openChannels.size === 1) {
      this.close(session);
      return true;
    }
    session.openChannels.delete(channel);
    const stats = this.stats;
    let bytes = 0;
    stats.dropped.channelClosed += session.outbound.filter((p) => {
      if (p.channel !== channel) return true;
      bytes += p.data.length;
      return false;
    });
    session.queuedBytes -= bytes;
    const stream = session.streams.get(channel);
    if (stream !== undefined) {
      stats.dropped.channelClosed += stream.queue.length;
      for (const p of stream.queue) session.inFlightBytes -= p.data.length;
      session.inFlightPackets -= stream.queue.length;
      session.streams.delete(channel); // its pending task finds itself orphaned and stops
    }
    stats.dropped.channelClosed += session.held.filter((p) => p.channel !== channel);
    const inbox = session.owner.inbox.get(channel);
    const remote = session.remote;
    if (inbox !== undefined) stats.discardedUnread += inbox.filter((p) => p.session.owner.steamId !== remote);
    return true;
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

  // ---- scheduling -----------------------------------------------------------------------------

  private schedule(task: Task, at: number): void {
    if (task.scheduled) return;
    task.scheduled = true;
    task.at = at;
    this.heap.push(task);
  }

  /** Keeps one clock timer armed for the earliest scheduled item. */
  private arm(): void {
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
    switch (item.kind) {
      case TaskKind.Arrive:
        if (!this.arrive(item as Packet, now)) this.stats.dropped.unreachable++;
        return;
      case TaskKind.Stream:
        (item as Task).scheduled = false;
        this.onStream(item as Task, now);
        return;
      case TaskKind.Pump:
        (item as Task).scheduled = false;
        this.pump((item as Task).session, now);
        return;
      case TaskKind.Check:
        (item as Task).scheduled = false;
        this.onCheck((item as Task).session, now);
        return;
      case TaskKind.Purge:
        (item as Task).scheduled = false;
        this.onPurge((item as Task).session, now);
        return;
      case TaskKind.Answer:
        (item as Task).scheduled = false;
        this.onAnswer((item as Task).session, now);
        return;
    }
  }

  // ---- sending --------------------------------------------------------------------------------

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

  /** Drops everything `session` queued or has in flight, and starts a new epoch. */
  private clearSending(session: Session): number {
    const dropped = session.outbound.length + session.inFlightPackets;
    session.epoch++;
    session.outbound.clear();
    session.queuedBytes = 0;
    session.inFlightBytes = 0;
    session.inFlightPackets = 0;
    session.nextFreeAt = 0;
    session.streams.clear(); // pending stream tasks find themselves orphaned and stop
    this.blocked.delete(session);
    return dropped;
  }

  // ---- receiving ------------------------------------------------------------------------------

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
      if (!this.arrive(p, now)) {
        // The remote is unreachable right now: retransmit after a round trip, holding the rest back.
        const c = this.topology.sessionConditions(session);
        p.at = onTick(now + roundTrip(c, this.topology.usesRelay(session)));
        this.stats.retransmitted++;
        this.schedule(task, p.at);
        return;
      }
      queue.shift();
      session.inFlightBytes -= p.data.length;
      session.inFlightPackets--;
    }
  }

  /**
   * A packet reaches its destination: opens (or finds) the receiver's session, raises a session
   * request when unaccepted, or makes it readable.
   * @returns false when the destination cannot be reached right now (nothing happened).
   */
  private arrive(p: Packet, now: number): boolean {
    const from = p.session;
    if (from.closed || p.epoch !== from.epoch) {
      if (from.closed) this.stats.dropped.sessionClosed++;
      else this.stats.dropped.connectFailed++;
      return true;
    }
    let session = from.mirror;
    let to: PeerCore | undefined;
    if (session !== null && !session.closed && !session.owner.removed) {
      to = session.owner;
      if (!this.topology.linkUp(from.owner, to)) return false;
    } else {
      to = this.topology.peers.get(from.remote);
      if (to === undefined || !this.topology.linkUp(from.owner, to)) return false;
      session = to.sessions.get(from.owner.steamId) ?? null;
      if (session === null) {
        session = new Session(to, from.owner.steamId, to.allowRelay);
        to.sessions.set(from.owner.steamId, session);
      }
      from.mirror = session;
    }
    if (from.heard) from.waitingSince = -1; // the remote's transport saw it: the connection lives
    this.hear(session);
    session.openChannels.add(p.channel);
    if (session.accepted) {
      this.deliver(to, p);
      // The receiver's side is open: the sender learns it with the acknowledgement.
      if (!from.heard && this.topology.routeUp(session)) this.hear(from);
      return true;
    }
    p.at = now;
    session.held.push(p);
    this.schedule(session.purgeTask, now + this.options.unacceptedDropMs);
    if (now - session.lastRequestAt >= this.options.sessionRequestRepostMs) {
      session.lastRequestAt = now;
      to.post('sessionRequest', from.owner.steamId, P2PSessionError.None);
    }
    return true;
  }

  /** Makes a packet readable by `to`. */
  private deliver(to: PeerCore, p: Packet): void {
    let inbox = to.inbox.get(p.channel);
    if (inbox === undefined) {
      inbox = new Deque<Packet>();
      to.inbox.set(p.channel, inbox);
    }
    inbox.push(p);
    this.stats.delivered++;
    this.stats.bytesDelivered += p.data.length;
  }

  /** The remote of `session` is known to have its side open. */
  private hear(session: Session): void {
    session.heard = true;
    session.waitingSince = -1;
    session.sessionError = P2PSessionError.None;
  }

  // ---- timers ---------------------------------------------------------------------------------

  /** Connect / liveness deadline of a session that is waiting for its remote. */
  private onCheck(session: Session, now: number): void {
    if (session.closed || session.waitingSince < 0) return;
    const due = session.waitingSince + this.options.connectTimeoutMs;
    if (now < due) {
      this.schedule(session.checkTask, due);
      return;
    }
    // A connected session whose remote is reachable is kept alive (Steam's keep-alives get through).
    if (session.heard && this.topology.routeUp(session)) {
      session.waitingSince = -1;
      return;
    }
    this.stats.dropped.connectFailed += this.clearSending(session);
    session.heard = false;
    session.waitingSince = -1;
    session.sessionError = P2PSessionError.Timeout;
    if (!session.failPosted) {
      // Steam posts P2PSessionConnectFail_t once per session; closing it re-arms the callback.
      session.failPosted = true;
      session.owner.post('sessionConnectFail', session.remote, P2PSessionError.Timeout);
    }
  }

  /** Packets held from an unaccepted peer expire. */
  private onPurge(session: Session, now: number): void {
    if (session.closed || session.accepted) return;
    const dropAfter = this.options.unacceptedDropMs;
    const held = session.held;
    for (let p = held.peek(); p !== undefined; p = held.peek()) {
      if (p.at + dropAfter > now) {
        this.schedule(session.purgeTask, p.at + dropAfter);
        return;
      }
      held.shift();
      this.stats.dropped.unacceptedTimeout++;
    }
  }

  /** The answer of `session`'s owner reaches the peer that requested the session. */
  private onAnswer(session: Session, now: number): void {
    if (session.closed || !session.accepted) return;
    const requester = this.topology.peers.get(session.remote);
    if (requester === undefined) return;
    if (!this.topology.linkUp(session.owner, requester)) {
      // Lost on the way: Steam retries for as long as a connection attempt may take.
      if (now - session.acceptedAt < this.options.connectTimeoutMs) {
        this.schedule(
          session.answerTask,
          onTick(now + roundTrip(this.topology.sessionConditions(session), this.topology.usesRelay(session))),
        );
      }
      return;
    }
    const theirs = requester.sessions.get(session.owner.steamId);
    if (theirs?.accepted) this.hear(theirs);
  }

  private oneWay(session: Session): number {
    const c = this.topology.sessionConditions(session);
    return c.latencyMs + (this.topology.usesRelay(session) ? c.relayLatencyMs : 0);
  }
}
