/**
 * The endpoint host and client share: its lifecycle and update loop, the peer table (adding and
 * removing peers), and the control traffic that keeps sessions honest (heartbeats, timeouts,
 * goodbyes, lingering sessions), plus the public option and event types.
 *
 * {@link Endpoint} is the top of a stack of layers, one concept per file (see `endpoint-core.ts`):
 * `peer.ts` per-peer state, `send.ts` the send pipeline, `receive.ts` the receive pipeline,
 * `calls.ts` requests and responses.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { CallingEndpoint } from './calls.js';
import { ControlKind, ControlReader, controlPacket, readTime, timePacket } from './control.js';
import type { RejectReason } from './enforce.js';
import { DisconnectedError } from './errors.js';
import { Peer } from './peer.js';
import type { Protocol } from './protocol.js';
import type { PeerStats } from './stats.js';

export type { CallOptions } from './calls.js';
export { DEFAULT_CONTROL_CHANNEL, DEFAULT_MAX_MESSAGE_BYTES, type EndpointOptions } from './endpoint-core.js';
export { Peer, type PeerState } from './peer.js';

/** Why a peer left or a client got disconnected. */
export type DisconnectReason =
  /** The other side said goodbye (`disconnect()` / `close()`). */
  | 'left'
  /** The host removed this peer (`kick`); the detail carries the kick code. */
  | 'kicked'
  /** Too many rejected frames, per the violation policy. */
  | 'violations'
  /** Nothing heard within the heartbeat timeout. */
  | 'timeout'
  /** Steam reported the session failed (`sessionConnectFail`). */
  | 'connectFailed'
  /** The host closed. */
  | 'hostClosed'
  /** This side closed. */
  | 'closed'
  /** The same SteamID said hello again (it restarted); the old session is gone. */
  | 'reconnected';

/** Events both sides emit. */
export type CommonEvents = {
  /**
   * A packet or frame from `peer` was dropped before any handler (counted per peer and reason).
   * `messageName` is set once the frame's id was read.
   */
  rejected: (peer: SteamId, reason: RejectReason, messageName: string | undefined) => void;
  /**
   * A handler threw, an async schema was met, or an internal step failed. Never thrown from
   * `update()`: without a listener it is only counted.
   */
  error: (error: unknown, context: { peer?: SteamId; messageName?: string }) => void;
};

/**
 * What an endpoint holds, from {@link Endpoint.debugState}. Counts are summed over its peers (the
 * host's local client included).
 */
export interface EndpointDebugState {
  /** The endpoint was closed (host closed, client disconnected). */
  readonly closed: boolean;
  /** Peers known in any state. */
  readonly peers: number;
  /** Peers that completed the handshake. */
  readonly connected: number;
  /** Peers still handshaking or authenticating. */
  readonly handshaking: number;
  /** Calls we made that await a response. */
  readonly pendingCalls: number;
  /** Requests from peers whose handler has not answered yet. */
  readonly inflightRequests: number;
  /** Bytes reserved for fragmented messages being reassembled (their declared sizes). */
  readonly reassemblyBytes: number;
  /** Bytes actually buffered for them (grows with what arrived, up to `reassemblyBytes`). */
  readonly reassemblyBufferedBytes: number;
  /** Frames batched and not yet handed to Steam. */
  readonly queuedFrames: number;
  /** Packets held for a retry after Steam's back-pressure, and their bytes. */
  readonly retryPackets: number;
  /** Bytes of {@link EndpointDebugState.retryPackets}. */
  readonly retryBytes: number;
  /** Packets from the host held until its welcome (client side). */
  readonly earlyPackets: number;
  /** Packets from a same-process endpoint waiting for the next update. */
  readonly inboxPackets: number;
  /** Sessions kept open briefly so a goodbye is delivered. */
  readonly lingeringSessions: number;
  /** Errors raised with no `error` listener (counted, not thrown). */
  readonly unreportedErrors: number;
}

/**
 * Shared machinery of {@link Host} and {@link Client}. Not constructed directly.
 * @typeParam P the protocol.
 */
export abstract class Endpoint<P extends Protocol = Protocol> extends CallingEndpoint<P> {
  private readonly lingering = new Set<unknown>();
  private tickTimer: unknown = null;
  private nextHousekeeping = 0;

  // ───────────────────────────── lifecycle ─────────────────────────────

  /** Starts calling `update()` every `tickMs` on the clock. */
  protected startTicking(tickMs: number): void {
    if (this.tickTimer !== null || this.closed) return;
    this.tickTimer = this.clock.setInterval(() => this.update(), tickMs);
  }

  /** Stops the automatic updates. */
  protected stopTicking(): void {
    if (this.tickTimer === null) return;
    this.clock.clearInterval(this.tickTimer as never);
    this.tickTimer = null;
  }

  /**
   * Pumps the network once: delivers Steam callbacks, reads every channel the protocol uses (and
   * the control channel), enforces and dispatches, sends heartbeats, times out silent peers, then
   * flushes batched sends. Never throws; failures are counted and emitted as `error`.
   */
  update(): void {
    if (this.closed) return;
    try {
      this.now = this.clock.now();
      if (this.usesNetwork()) {
        try {
          this.network.runCallbacks();
        } catch (error) {
          this.reportError(error, undefined, undefined);
        }
        this.drain();
      }
      this.processInbox();
      if (this.now >= this.nextHousekeeping) {
        this.nextHousekeeping = this.now + Math.min(100, this.heartbeatIntervalMs);
        this.housekeeping();
      }
      this.flush();
      this.afterUpdate();
    } catch (error) {
      this.reportError(error, undefined, undefined);
    }
  }

  /** Statistics of one peer, or `undefined` when it is not a peer. */
  protected peerStats(peerId: SteamId): PeerStats | undefined {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return undefined;
    let queued = 0;
    if (peer.local === null) {
      try {
        queued = this.network.getP2PSessionState(peerId)?.bytesQueuedForSend ?? 0;
      } catch {
        queued = 0;
      }
    }
    return peer.counters.snapshot(peerId, this.protocol, this.channelNumbers, queued);
  }

  /**
   * A read-only snapshot of the endpoint's internal bookkeeping: what it still holds for its peers.
   * For leak checks in tests and soak runs; after traffic settles every count but `peers` returns to 0.
   */
  debugState(): EndpointDebugState {
    let connected = 0;
    let handshaking = 0;
    let pendingCalls = 0;
    let inflightRequests = 0;
    let reassemblyBytes = 0;
    let reassemblyBufferedBytes = 0;
    let queuedFrames = 0;
    let retryPackets = 0;
    let retryBytes = 0;
    let earlyPackets = 0;
    for (const peer of this.peers.values()) {
      if (peer.state === 'connected') connected++;
      else handshaking++;
      pendingCalls += peer.pending.size;
      inflightRequests += peer.inflight;
      reassemblyBytes += peer.reassembler.reserved;
      reassemblyBufferedBytes += peer.reassembler.bufferedBytes;
      for (const q of peer.queues) queuedFrames += q?.frames ?? 0;
      retryPackets += peer.retry.length;
      retryBytes += peer.retryBytes;
      earlyPackets += peer.early?.length ?? 0;
    }
    return {
      closed: this.closed,
      peers: this.peers.size,
      connected,
      handshaking,
      pendingCalls,
      inflightRequests,
      reassemblyBytes,
      reassemblyBufferedBytes,
      queuedFrames,
      retryPackets,
      retryBytes,
      earlyPackets,
      inboxPackets: this.inbox.length,
      lingeringSessions: this.lingering.size,
      unreportedErrors: this.unreportedErrors,
    };
  }

  /** Whether this endpoint reads the network (a local client does not). */
  protected usesNetwork(): boolean {
    return true;
  }

  /** Called at the end of each update (the host drives its local client from here). */
  protected afterUpdate(): void {}

  /** Marks the endpoint closed and releases timers; subclasses send goodbyes first. */
  protected shutdown(): void {
    this.closed = true;
    this.stopTicking();
  }

  // ───────────────────────────── control ─────────────────────────────

  /** Handles a control packet; subclasses handle the handshake kinds and call this for the rest. */
  protected override receiveControl(from: SteamId, data: Uint8Array): void {
    const peer = this.peers.get(from);
    if (peer === undefined) return;
    if (peer.state === 'connected') peer.lastHeard = this.now;
    switch (data[0]) {
      case ControlKind.Ping:
        if (peer.state === 'connected' && data.length === 9) {
          const pong = data.slice();
          pong[0] = ControlKind.Pong;
          this.sendControl(peer, pong, false);
        }
        return;
      case ControlKind.Pong: {
        const sent = readTime(data);
        const rtt = this.now - sent;
        // A peer could echo anything: only plausible samples count.
        if (peer.state === 'connected' && rtt >= 0 && rtt <= 60_000) peer.counters.addRtt(rtt);
        return;
      }
      case ControlKind.Bye: {
        const reader = new ControlReader(data, 1);
        const reason = reader.string() ?? 'left';
        const detail = reader.string() ?? '';
        this.onBye(peer, reason, detail);
        return;
      }
      default:
        return;
    }
  }

  /** The peer said goodbye. */
  protected abstract onBye(peer: Peer, reason: string, detail: string): void;

  /** A peer is gone (after its state was cleared); subclasses emit their events. */
  protected abstract onPeerGone(
    peer: Peer,
    reason: DisconnectReason,
    detail: string,
    wasConnected: boolean,
  ): void;

  /** Sends heartbeats, times out silent peers and stale handshakes. */
  private housekeeping(): void {
    const now = this.now;
    for (const peer of this.peers.values()) {
      if (peer.local !== null) continue;
      if (peer.state !== 'connected') {
        if (now >= peer.deadline) this.onHandshakeTimeout(peer);
        continue;
      }
      if (now - peer.lastHeard > this.heartbeatTimeoutMs) {
        this.removePeer(peer, 'timeout', '', null);
        continue;
      }
      if (now >= peer.nextPing) {
        peer.nextPing = now + this.heartbeatIntervalMs;
        this.sendControl(peer, timePacket(ControlKind.Ping, now), false);
      }
    }
  }

  /** A handshake did not complete in time. */
  protected abstract onHandshakeTimeout(peer: Peer): void;

  /** Creates and registers a peer. */
  protected addPeer(id: SteamId, local: Endpoint | null): Peer {
    const peer = new Peer(
      id,
      local,
      this.channelNumbers.length,
      this.protocol.entries.length,
      this.now,
      local === null ? this.rateLimits : false,
      this.maxMessageBytes,
    );
    this.peers.set(id, peer);
    return peer;
  }

  /**
   * Removes a peer: rejects its pending calls, frees its buffers, optionally says goodbye (the
   * session then closes after `lingerMs`, so the goodbye is delivered), and emits the subclass event.
   */
  protected removePeer(
    peer: Peer,
    reason: DisconnectReason,
    detail: string,
    bye: { reason: string; detail: string } | null,
  ): void {
    if (peer.state === 'closed') return;
    const wasConnected = peer.state === 'connected';
    if (bye !== null && wasConnected) {
      this.flushPeer(peer);
      this.sendControl(peer, controlPacket(ControlKind.Bye, [bye.reason, bye.detail]), true);
    }
    peer.state = 'closed';
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    if (peer.local === null) this.closeSessionLater(peer.id, bye !== null ? this.lingerMs : 0);
    for (const callId of [...peer.pending.keys()]) {
      const call = this.settle(peer, callId);
      call?.reject(new DisconnectedError(peer.id, reason));
    }
    peer.reassembler.clear();
    peer.queues.fill(undefined);
    peer.dirty.length = 0;
    peer.retry.length = 0;
    peer.retryBytes = 0;
    peer.early = null;
    this.onPeerGone(peer, reason, detail, wasConnected);
  }

  /** Closes the Steam session with `id`, now or after `delayMs` (unless the id became a peer again). */
  protected closeSessionLater(id: SteamId, delayMs: number): void {
    if (delayMs <= 0) {
      this.closeSessionQuietly(id);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      this.lingering.delete(timer);
      if (!this.peers.has(id)) this.closeSessionQuietly(id);
    }, delayMs);
    this.lingering.add(timer);
  }

  /**
   * Closes the Steam session with `id`. It runs from timers too, where a throw would be uncaught:
   * if the network is already gone (e.g. Steam shut down right after a goodbye), that is reported as
   * an `error` event instead.
   */
  protected closeSessionQuietly(id: SteamId): void {
    try {
      this.network.closeP2PSessionWithUser(id);
    } catch (error) {
      this.reportError(error, id, undefined);
    }
  }

  /** Closes every lingering session at once (used when the endpoint shuts down for good). */
  protected cancelLingering(): void {
    for (const t of this.lingering) this.clock.clearTimeout(t as never);
    this.lingering.clear();
  }
}
