/**
 * Per-peer statistics: counters kept in typed arrays on the hot path, turned into a plain snapshot
 * object only when asked.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { type RejectReason, RejectReasons } from './enforce.js';
import type { Protocol } from './protocol.js';

/** Traffic through one channel or of one message name. */
export interface TrafficStats {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
}

/** Traffic of one message or request name (frames, framing included). */
export interface MessageTrafficStats {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

/** A snapshot of one peer's statistics. */
export interface PeerStats {
  /** The peer. */
  readonly peer: SteamId;
  /** Smoothed round-trip time from heartbeats, in ms (`null` before the first pong). */
  readonly rttMs: number | null;
  /** Mean deviation between successive round trips, in ms. */
  readonly jitterMs: number;
  /** Fraction (0–1) of unreliable packets from this peer that never arrived (sequence gaps). */
  readonly loss: number;
  /** Bytes Steam still has queued for this peer (`getP2PSessionState`), or 0 without a session. */
  readonly queuedBytes: number;
  /** Per channel (keys are channel numbers, the control channel included). */
  readonly channels: Readonly<Record<number, TrafficStats>>;
  /** Per declared message/request name. */
  readonly messages: Readonly<Record<string, MessageTrafficStats>>;
  /** Frames rejected, by reason. */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /** Messages that arrived with no handler registered. */
  readonly unhandled: number;
  /** Unreliable messages dropped by latest-wins ordering (older than one already seen). */
  readonly stale: number;
  /**
   * Responses that arrived after their call had timed out or been aborted: dropped, and not held
   * against the peer (a slow network makes them, not a cheater).
   */
  readonly lateResponses: number;
  /** Packets `sendP2PPacket` refused (other than back-pressure, which is retried). */
  readonly sendFailures: number;
}

/** Live traffic counters of one session. Internal: the parts increment the arrays directly. */
export class PeerCounters {
  /** [packetsIn, bytesIn, packetsOut, bytesOut] per channel slot. */
  readonly channel: Float64Array;
  /** [messagesIn, bytesIn, messagesOut, bytesOut] per entry. */
  readonly entry: Float64Array;
  unhandled = 0;
  stale = 0;
  lateResponses = 0;
  sendFailures = 0;
  // Round trip: smoothed value, last sample, jitter.
  srtt = -1;
  lastRtt = -1;
  jitter = 0;
  // Unreliable sequence accounting, summed over channels (halved together to keep a recent window).
  expected = 0;
  received = 0;

  /**
   * @param arena when given, the counters live in `arena` from byte `offset` (8-aligned), taking
   *   {@link PeerCounters.bytes} bytes, next to the rest of the peer's hot state.
   */
  constructor(channelSlots: number, entries: number, arena?: ArrayBuffer, offset = 0) {
    const buffer = arena ?? new ArrayBuffer(PeerCounters.bytes(channelSlots, entries));
    const at = arena === undefined ? 0 : offset;
    this.channel = new Float64Array(buffer, at, channelSlots * 4);
    this.entry = new Float64Array(buffer, at + channelSlots * 32, entries * 4);
  }

  /** Bytes the counters of a peer take in an arena. */
  static bytes(channelSlots: number, entries: number): number {
    return (channelSlots + entries) * 32;
  }

  /** Records a round-trip sample (RFC 6298-style smoothing, RFC 3550-style jitter). */
  addRtt(sample: number): void {
    if (this.srtt < 0) this.srtt = sample;
    else this.srtt += (sample - this.srtt) / 8;
    if (this.lastRtt >= 0) this.jitter += (Math.abs(sample - this.lastRtt) - this.jitter) / 8;
    this.lastRtt = sample;
  }

  /** Records `gap` newly expected packets of which one arrived (gap - 1 lost so far). */
  addSequence(expectedIncrement: number, receivedIncrement: number): void {
    this.expected += expectedIncrement;
    this.received += receivedIncrement;
    if (this.expected > 1024) {
      this.expected /= 2;
      this.received /= 2;
    }
  }

  /** Builds a plain snapshot; `rejected` holds the peer's rejections by reason (from enforcement). */
  snapshot(
    peer: SteamId,
    protocol: Protocol,
    channelNumbers: readonly number[],
    queuedBytes: number,
    rejectedByReason: Float64Array,
  ): PeerStats {
    const channels: Record<number, TrafficStats> = {};
    channelNumbers.forEach((ch, i) => {
      const c = this.channel;
      channels[ch] = {
        packetsIn: c[i * 4]!,
        bytesIn: c[i * 4 + 1]!,
        packetsOut: c[i * 4 + 2]!,
        bytesOut: c[i * 4 + 3]!,
      };
    });
    const messages: Record<string, MessageTrafficStats> = {};
    for (const e of protocol.entries) {
      const m = this.entry;
      const i = e.index * 4;
      messages[e.name] = {
        messagesIn: m[i]!,
        bytesIn: m[i + 1]!,
        messagesOut: m[i + 2]!,
        bytesOut: m[i + 3]!,
      };
    }
    const rejected = Object.fromEntries(RejectReasons.map((r, i) => [r, rejectedByReason[i]!])) as Record<
      RejectReason,
      number
    >;
    const loss = this.expected > 0 ? Math.max(0, Math.min(1, 1 - this.received / this.expected)) : 0;
    return {
      peer,
      rttMs: this.srtt < 0 ? null : this.srtt,
      jitterMs: this.jitter,
      loss,
      queuedBytes,
      channels,
      messages,
      rejected,
      unhandled: this.unhandled,
      stale: this.stale,
      lateResponses: this.lateResponses,
      sendFailures: this.sendFailures,
    };
  }
}
