/**
 * Control keeps sessions honest: heartbeats and round trips, silent peers and stale handshakes,
 * goodbyes and the closing of Steam sessions after them. Every control packet is counted against
 * its sender like data: its bytes, and its own budget of control packets per second (an honest peer
 * sends about two), past which it is rejected and not answered.
 *
 * A session lingers after a goodbye long enough for the goodbye to arrive. Handshake packets go to
 * the side's policy, which knows what a hello or a welcome means to it; the packet formats live in
 * `control-packets.ts`.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { ControlKind, ControlReader, controlPacket, readTime, timePacket } from './control-packets.js';
import type { EndpointState } from './endpoint-state.js';
import type { EnforcementMemory } from './enforce-memory.js';
import type { EndpointConfig } from './options.js';
import type { Outbox } from './outbox.js';
import type { Peer } from './peer.js';
import type { Reporter } from './report.js';

/** What the side (host or client) decides on control traffic. */
export interface ControlPolicy {
  /** A control packet that may belong to the handshake; returns true when the side handled it. */
  handshake(from: SteamId, data: Uint8Array): boolean;
  /** `peer` said goodbye. */
  bye(peer: Peer, reason: string, detail: string): void;
  /** `peer` did not complete its handshake by its deadline. */
  handshakeTimedOut(peer: Peer): void;
  /** `peer` was silent for longer than the heartbeat timeout. */
  silent(peer: Peer): void;
}

/** Heartbeats, goodbyes and session closing for one endpoint. */
export class Control {
  /** Timers of sessions kept open briefly so a goodbye is delivered. */
  private readonly lingering = new Set<unknown>();

  constructor(
    private readonly config: EndpointConfig,
    private readonly state: EndpointState,
    private readonly peers: ReadonlyMap<SteamId, Peer>,
    private readonly outbox: Outbox,
    private readonly reporter: Reporter,
    private readonly memory: EnforcementMemory,
    private readonly policy: ControlPolicy,
  ) {}

  /** Sessions kept open briefly so a goodbye is delivered. */
  get lingeringSessions(): number {
    return this.lingering.size;
  }

  /** Handles one packet from the control channel. */
  receive(from: SteamId, data: Uint8Array): void {
    const now = this.state.now;
    let peer = this.peers.get(from);
    // Counted against the SteamID whether or not it has a session now (a goodbye does not reset
    // its budget); a SteamID never seen has nothing to count against until its hello is admitted.
    const record = peer?.enforcement ?? this.memory.get(from);
    if (record !== undefined) {
      if (peer !== undefined) {
        const c = peer.counters.channel;
        const slot = this.config.controlSlot;
        c[slot * 4]!++;
        c[slot * 4 + 1]! += data.length;
      }
      if (!record.controlBucket.take(1, now) || !record.byteBucket.take(data.length, now)) {
        if (peer === undefined) record.count('rateLimited');
        this.reporter.reject(peer, from, 'rateLimited', undefined);
        return;
      }
    }
    if (this.policy.handshake(from, data)) return;
    peer = this.peers.get(from);
    if (peer === undefined) return;
    const connected = peer.state === 'connected';
    switch (data[0]) {
      case ControlKind.Ping:
        if (data.length !== 9) break;
        if (connected) {
          peer.lastHeard = now;
          const pong = data.slice();
          pong[0] = ControlKind.Pong;
          this.outbox.sendControl(peer, pong, false);
        }
        return;
      case ControlKind.Pong: {
        if (data.length !== 9) break;
        if (!connected) return;
        peer.lastHeard = now;
        const rtt = now - readTime(data);
        // A peer could echo anything: only plausible samples count.
        if (rtt >= 0 && rtt <= 60_000) peer.counters.addRtt(rtt);
        return;
      }
      case ControlKind.Bye: {
        const reader = new ControlReader(data, 1);
        const reason = reader.string() ?? 'left';
        const detail = reader.string() ?? '';
        this.policy.bye(peer, reason, detail);
        return;
      }
      case ControlKind.Welcome:
      case ControlKind.Refuse:
        // The other side's handshake kinds: the side's policy already had its say.
        if (connected) peer.lastHeard = now;
        return;
      default:
        break;
    }
    // Empty, unknown, or a ping/pong of the wrong size: nothing an honest peer sends.
    this.reporter.reject(peer, from, 'malformed', undefined);
  }

  /** Sends heartbeats, and hands silent peers and stale handshakes to the policy. */
  heartbeats(): void {
    const now = this.state.now;
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.config;
    for (const peer of this.peers.values()) {
      if (peer.local !== null) continue;
      if (peer.state !== 'connected') {
        if (now >= peer.deadline) this.policy.handshakeTimedOut(peer);
        continue;
      }
      if (now - peer.lastHeard > heartbeatTimeoutMs) {
        this.policy.silent(peer);
        continue;
      }
      if (now >= peer.nextPing) {
        peer.nextPing = now + heartbeatIntervalMs;
        this.outbox.sendControl(peer, timePacket(ControlKind.Ping, now), false);
      }
    }
  }

  /** Sends `peer` a goodbye (reliable, right away). */
  sendBye(peer: Peer, reason: string, detail: string): void {
    this.outbox.sendControl(peer, controlPacket(ControlKind.Bye, [reason, detail]), true);
  }

  /** Closes the Steam session with `id`, now or after `delayMs` (unless the id became a peer again). */
  closeSessionLater(id: SteamId, delayMs: number): void {
    if (delayMs <= 0) {
      this.closeSessionQuietly(id);
      return;
    }
    const clock = this.config.clock;
    const timer = clock.setTimeout(() => {
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
  closeSessionQuietly(id: SteamId): void {
    try {
      this.config.network.closeP2PSessionWithUser(id);
    } catch (error) {
      this.reporter.error(error, id, undefined);
    }
  }
}
