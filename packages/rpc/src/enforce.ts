/**
 * Enforcement: why a received frame can be refused, per-peer token buckets for rate limits, and the
 * replaceable policy that turns repeated violations into a kick.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';

/**
 * Why a packet or frame from a peer was dropped before any handler saw it. Each is counted per peer
 * and emitted as a `rejected` event.
 */
export const RejectReasons = [
  /** Data from a peer whose handshake has not completed (or who is not a peer at all). */
  'notConnected',
  /** Framing is broken: unknown packet kind, truncated varint, frame past the packet's end… */
  'malformed',
  /** Larger than the configured maximum (frame or reassembled message). */
  'tooLarge',
  /** The msgpack payload is invalid or uses types we refuse (extensions, records, deep nesting). */
  'decodeFailed',
  /** No message or request with that id in the protocol. */
  'unknownMessage',
  /** The sender's side may not send it (e.g. a client sending a host-only message). */
  'wrongDirection',
  /** It arrived on another channel than the one declared. */
  'wrongChannel',
  /** It arrived reliably when declared unreliable, or the other way round. */
  'wrongSendType',
  /** The schema refused the payload. */
  'invalid',
  /** Above the peer's messages/s or bytes/s budget. */
  'rateLimited',
  /** A response to no call we are waiting for. */
  'unexpectedResponse',
  /** More concurrent requests from that peer than allowed. */
  'tooManyRequests',
] as const;

/** One of {@link RejectReasons}. */
export type RejectReason = (typeof RejectReasons)[number];

/** Index of each reason, for counting in typed arrays. */
export const REJECT_INDEX: Readonly<Record<RejectReason, number>> = Object.freeze(
  Object.fromEntries(RejectReasons.map((r, i) => [r, i])) as Record<RejectReason, number>,
);

/** Per-peer rate limits. `Infinity` disables one. */
export interface RateLimitOptions {
  /** Sustained messages per second (frames, any kind). */
  messagesPerSecond?: number;
  /** Sustained received bytes per second (whole packets). */
  bytesPerSecond?: number;
  /** Seconds of the sustained rate a peer may spend at once (bucket size). Default 2. */
  burstSeconds?: number;
}

/** Defaults on the host, which listens to untrusted clients. */
export const HOST_RATE_LIMITS: Required<RateLimitOptions> = Object.freeze({
  messagesPerSecond: 2000,
  bytesPerSecond: 4 * 1024 * 1024,
  burstSeconds: 2,
});

/** Defaults on a client, which listens only to its host (generous: a host may broadcast a lot). */
export const CLIENT_RATE_LIMITS: Required<RateLimitOptions> = Object.freeze({
  messagesPerSecond: 100_000,
  bytesPerSecond: 64 * 1024 * 1024,
  burstSeconds: 2,
});

/**
 * A token bucket refilled lazily from the caller's clock: no timers, no allocation per check.
 * A take larger than what is left succeeds while the bucket is not empty and leaves it in debt, so
 * one honest packet larger than the whole bucket (a 1 MiB reliable batch) still passes, and the
 * average rate holds.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerMs: number;
  private readonly capacity: number;

  /**
   * @param perSecond sustained rate (`Infinity` = unlimited).
   * @param burstSeconds bucket size in seconds of that rate.
   */
  constructor(perSecond: number, burstSeconds: number, now: number) {
    this.ratePerMs = perSecond / 1000;
    this.capacity = Math.max(perSecond * burstSeconds, 1);
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Takes `amount` tokens if available; false (taking nothing) when the budget is spent. */
  take(amount: number, now: number): boolean {
    if (this.capacity === Number.POSITIVE_INFINITY) return true;
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerMs);
      this.last = now;
    }
    if (this.tokens < amount && this.tokens < this.capacity) return false;
    this.tokens -= amount;
    return true;
  }
}

/** What a {@link ViolationPolicy} sees after each rejection. */
export interface ViolationInfo {
  /** The offending peer. */
  readonly peer: SteamId;
  /** The reason of this rejection. */
  readonly reason: RejectReason;
  /** Rejections of this peer so far, by reason (this one included). */
  readonly counts: Readonly<Record<RejectReason, number>>;
  /** Total rejections of this peer so far (this one included). */
  readonly total: number;
}

/**
 * Decides whether a peer that just had a frame rejected should be kicked (on a client: whether to
 * leave the host). Called after every rejection of a connected peer, so keep it cheap.
 */
export type ViolationPolicy = (info: ViolationInfo) => boolean;

/**
 * The default policy: kick after 50 rejections of any kind, or after 5 that no honest peer running
 * the same protocol produces (decode failures, malformed framing, wrong direction).
 */
export const defaultViolationPolicy: ViolationPolicy = ({ counts, total }) =>
  total >= 50 || counts.malformed + counts.decodeFailed + counts.wrongDirection + counts.unknownMessage >= 5;
