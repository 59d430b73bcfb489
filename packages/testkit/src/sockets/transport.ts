/**
 * How the fake Sockets connections of a network reach each other: frames (connect, accept, close,
 * data, acknowledgements, pings) travel between peers under the network's link conditions (latency,
 * jitter, loss, duplication, partitions, peers offline or gone) plus Steam's own fake lag and loss
 * settings, on the network's clock. Messages leave in batches when Nagle lets them (lower lane
 * priority numbers first); reliable ones are numbered, resent until acknowledged, and taken by the
 * receiver only in order and only while its receive buffer has room, as the native fake does.
 * @internal
 * @packageDocumentation
 */
import type { Clock, SteamId } from '@steamwire/transport-steam';
import type { SeededRng } from '../rng.js';
import type { Topology } from '../topology.js';
import type { FakeConnection, OutMessage, WireMessage } from './connection.js';

/** Steam retries connect requests every 0.5 s (GNS connections.h:31). */
export const CONNECT_RETRY_MS = 500;
/** A quiet connection pings this often, so the other end knows it is alive. */
const KEEPALIVE_MS = 1000;
/** Retransmission timeout: 2 round trips + 10 ms, at least 20 ms, doubling per try up to 2 s. */
const RTO_MIN_MS = 20;
const RTO_MAX_MS = 2000;
/** Messages packed into one frame at most (the native fake's datagram size). */
const BATCH_BYTES = 60_000;

/** What travels between two peers' connections (`src`/`dst` are connection handles). */
export type Frame =
  | { kind: 'connect'; src: number; vport: number; srcVport: number; symmetric: boolean }
  | { kind: 'accept' | 'ping' | 'pong' | 'ack'; src: number; dst: number; value: number }
  | { kind: 'close'; src: number; dst: number; reason: number; debug: string }
  | { kind: 'reset'; src: number; dst: number }
  | { kind: 'data'; src: number; dst: number; messages: WireMessage[] };

/** What the transport needs from a peer's Sockets endpoint. */
export interface TransportPeer {
  readonly id: SteamId;
  /** Steam's fake loss and lag settings of this peer (global scope), percent and ms. */
  fakeNetwork(): { lossSend: number; lossRecv: number; lagSend: number; lagRecv: number };
  /** A frame arrived from `from`. */
  receive(frame: Frame, from: SteamId): void;
  /** Every message of `messages` that came in order, for the app (false: no room, keep it). */
  take(c: FakeConnection, message: WireMessage): boolean;
  /** The connection lost its remote (TimeoutConnected passed since the first unanswered packet). */
  lost(c: FakeConnection): void;
}

/** The Sockets traffic of one fake network. */
export class SocketsTransport {
  readonly peers = new Map<SteamId, TransportPeer>();
  disposed = false;

  constructor(
    readonly clock: Clock,
    private readonly rng: SeededRng,
    private readonly topology: Topology,
  ) {}

  /** Runs `fn` after `ms` unless the network is disposed by then. */
  later(ms: number, fn: () => void): void {
    this.clock.setTimeout(
      () => {
        if (!this.disposed) fn();
      },
      Math.max(0, ms),
    );
  }

  /** Whether `from` can reach `to` right now (both there and online, no partition between them). */
  reachable(from: SteamId, to: SteamId): boolean {
    const a = this.topology.peers.get(from);
    const b = this.topology.peers.get(to);
    if (a === undefined || b === undefined || !this.peers.has(to)) return false;
    return this.topology.linkUp(a, b);
  }

  /** Whether traffic from `from` to `to` goes through Steam's relay (a relay-only link). */
  relayed(from: SteamId, to: SteamId): boolean {
    return from !== to && this.topology.conditions(from, to).relayOnly;
  }

  /** The UDP port `to` is seen on when reached directly. */
  portOf(to: SteamId): number {
    return this.topology.peers.get(to)?.port ?? 0;
  }

  /** Sends `frame` from `sender` (for connection `c`, if any) to `to`. */
  send(sender: TransportPeer, to: SteamId, frame: Frame, c: FakeConnection | null): void {
    const now = this.clock.now();
    if (c !== null) {
      c.counts.outPackets++;
      if (frame.kind === 'data') for (const m of frame.messages) c.counts.outBytes += m.data.length;
      // Data and pings want an answer: the connection is lost TimeoutConnected after the first unanswered one.
      if ((frame.kind === 'data' || frame.kind === 'ping') && !c.pipe && c.waitingSince === 0) {
        c.waitingSince = now;
        this.watch(sender, c);
      }
      if (c.pipe) {
        // An in-process pipe: no network, no loss, no lag.
        this.peers.get(to)?.receive(frame, sender.id);
        return;
      }
    }
    if (!this.reachable(sender.id, to)) return;
    const link = this.topology.conditions(sender.id, to);
    const receiver = this.peers.get(to)!;
    const mine = sender.fakeNetwork();
    const theirs = receiver.fakeNetwork();
    if (
      this.rng.chance(link.loss) ||
      this.rng.chance(mine.lossSend / 100) ||
      this.rng.chance(theirs.lossRecv / 100)
    )
      return;
    if (frame.kind === 'close') {
      // A close is there before the peer's next call, as a loopback datagram is for the native fake
      // (whose sends look at the peer's news first): sends after it see the connection closed.
      receiver.receive(frame, sender.id);
      return;
    }
    const delay =
      link.latencyMs +
      (link.relayOnly ? link.relayLatencyMs : 0) +
      this.rng.next() * link.jitterMs +
      mine.lagSend +
      theirs.lagRecv;
    const copies =
      frame.kind === 'data' && frame.messages.every((m) => !m.reliable) && this.rng.chance(link.duplicate)
        ? 2
        : 1;
    for (let i = 0; i < copies; i++) {
      this.later(delay + i, () => {
        if (this.reachable(sender.id, to)) this.peers.get(to)?.receive(frame, sender.id);
      });
    }
  }

  /** Arms the check of connection `c`'s TimeoutConnected (one timer at a time). */
  private watch(peer: TransportPeer, c: FakeConnection): void {
    if (c.lostArmed) return;
    c.lostArmed = true;
    this.later(c.waitingSince + c.num('TimeoutConnected') - this.clock.now(), () => {
      c.lostArmed = false;
      if (c.state !== 'connected' || c.lingering || c.waitingSince === 0) return;
      if (this.clock.now() - c.waitingSince >= c.num('TimeoutConnected')) peer.lost(c);
      else this.watch(peer, c);
    });
  }

  /** Anything from the remote: it is alive, nothing waits for an answer any more. */
  heard(c: FakeConnection, bytes: number): void {
    c.waitingSince = 0;
    c.counts.inPackets++;
    c.counts.inBytes += bytes;
  }

  /** Keeps pinging connection `c` while it is connected, so a vanished remote is noticed. */
  keepAlive(peer: TransportPeer, c: FakeConnection): void {
    if (c.pipe) return;
    this.later(KEEPALIVE_MS, () => {
      if (c.state !== 'connected' || c.lingering) return;
      this.send(
        peer,
        c.remote,
        { kind: 'ping', src: c.handle, dst: c.remoteHandle, value: this.clock.now() },
        c,
      );
      this.keepAlive(peer, c);
    });
  }

  /**
   * Sends what `c` has pending when Nagle lets it (or at once with `force`), lower lane priority
   * numbers first and in send order within a priority, in batches; reliable messages wait for their
   * acknowledgement.
   */
  transmit(peer: TransportPeer, c: FakeConnection, force: boolean): void {
    if ((c.state !== 'connected' && !c.lingering) || c.pending.length === 0) return;
    const now = this.clock.now();
    if (!force && c.nagleDeadline !== 0 && now < c.nagleDeadline) return;
    c.nagleDeadline = 0;
    const order = [...c.pending].sort((a, b) => c.lanes[a.lane]!.priority - c.lanes[b.lane]!.priority);
    c.pending = [];
    c.pendingReliableBytes = c.pendingUnreliableBytes = 0;
    let batch: WireMessage[] = [];
    let bytes = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      this.send(peer, c.remote, { kind: 'data', src: c.handle, dst: c.remoteHandle, messages: batch }, c);
      batch = [];
      bytes = 0;
    };
    for (const m of order) {
      if (bytes + m.data.length > BATCH_BYTES) flush();
      if (m.reliable) {
        m.sentAt = now;
        c.unacked.set(m.seq, m);
        c.unackedBytes += m.data.length;
      }
      batch.push(m);
      bytes += m.data.length;
    }
    flush();
    if (c.unacked.size > 0) this.retry(peer, c);
  }

  /** Resends `c`'s unacknowledged messages whose timeout passed, until every one is acknowledged. */
  private retry(peer: TransportPeer, c: FakeConnection): void {
    const rto = (m: OutMessage): number => {
      let t = Math.max(RTO_MIN_MS, c.rtt > 0 ? 2 * c.rtt + 10 : RTO_MIN_MS);
      for (let i = 0; i < m.tries && t < RTO_MAX_MS; i++) t *= 2;
      return Math.min(t, RTO_MAX_MS);
    };
    let next = Number.POSITIVE_INFINITY;
    for (const m of c.unacked.values()) next = Math.min(next, m.sentAt + rto(m));
    if (!Number.isFinite(next) || (c.retryAt !== 0 && c.retryAt <= next)) return;
    c.retryAt = next;
    const gen = ++c.retryGen;
    this.later(next - this.clock.now(), () => {
      if (gen !== c.retryGen) return;
      c.retryAt = 0;
      if ((c.state !== 'connected' && !c.lingering) || c.unacked.size === 0) return;
      const now = this.clock.now();
      const due = [...c.unacked.values()].filter((m) => now >= m.sentAt + rto(m));
      for (const m of due) {
        m.tries++;
        m.sentAt = now;
      }
      for (let i = 0; i < due.length; ) {
        let bytes = 0;
        const batch: WireMessage[] = [];
        for (; i < due.length && (batch.length === 0 || bytes + due[i]!.data.length <= BATCH_BYTES); i++) {
          batch.push(due[i]!);
          bytes += due[i]!.data.length;
        }
        this.send(peer, c.remote, { kind: 'data', src: c.handle, dst: c.remoteHandle, messages: batch }, c);
      }
      this.retry(peer, c);
    });
  }

  /** Acknowledgement from the remote: everything up to `upTo` arrived. */
  acked(c: FakeConnection, upTo: number): void {
    const now = this.clock.now();
    for (const [seq, m] of c.unacked) {
      if (seq > upTo) continue;
      if (m.tries === 0) c.rtt = c.rtt < 0 ? now - m.sentAt : (c.rtt + 3 * (now - m.sentAt)) / 4;
      c.unacked.delete(seq);
      c.unackedBytes -= m.data.length;
    }
  }

  /** The message at `c.rxNext` was taken: moves on, and takes what waited ahead of it while there is room. */
  private advance(peer: TransportPeer, c: FakeConnection): void {
    const drop = (seq: number): void => {
      const stale = c.ahead.get(seq);
      if (stale === undefined) return;
      c.ahead.delete(seq);
      c.aheadBytes -= stale.data.length;
    };
    drop(c.rxNext); // the same message may also have waited ahead, from an earlier copy
    c.rxNext++;
    for (let next = c.ahead.get(c.rxNext); next !== undefined; next = c.ahead.get(c.rxNext)) {
      if (!peer.take(c, next)) break;
      drop(c.rxNext);
      c.rxNext++;
    }
  }

  /** Data for connection `c`: unreliable messages as they come, reliable ones in order, then acknowledged. */
  data(peer: TransportPeer, c: FakeConnection, messages: readonly WireMessage[]): void {
    let reliable = false;
    for (const m of messages) {
      if (!m.reliable) {
        peer.take(c, m);
        continue;
      }
      reliable = true;
      if (m.seq < c.rxNext) continue; // a duplicate: acknowledged again below
      if (m.seq > c.rxNext) {
        // Ahead of a gap: kept (once), bounded by the receive buffer's size.
        if (!c.ahead.has(m.seq) && c.aheadBytes + m.data.length <= c.num('RecvBufferSize')) {
          c.ahead.set(m.seq, m);
          c.aheadBytes += m.data.length;
        }
        continue;
      }
      if (!peer.take(c, m)) continue; // no room: not acknowledged, the sender sends it again
      this.advance(peer, c);
    }
    if (reliable && c.state === 'connected')
      this.send(peer, c.remote, { kind: 'ack', src: c.handle, dst: c.remoteHandle, value: c.rxNext - 1 }, c);
  }
}
