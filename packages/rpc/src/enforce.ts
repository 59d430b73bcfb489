/**
 * Enforcement: why a received frame can be refused, per-peer token buckets for rate limits, what
 * enforcement remembers per peer ({@link PeerEnforcement}) and per kicked SteamID
 * ({@link KickCooldowns}), and the replaceable policy that turns repeated violations into a kick.
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

/**
 * What enforcement remembers about one peer: its rate budgets, its rejections, and how many of its
 * requests are being handled. Separate from the session state so that it can be keyed by SteamID
 * and survive a reconnect.
 */
export class PeerEnforcement {
  /** Frames per second. */
  readonly messageBucket: TokenBucket;
  /** Received bytes per second (whole packets). */
  readonly byteBucket: TokenBucket;
  /**
   * Answers to refused requests, at the peer's own message rate: refusals that got past the
   * message budget are bounded by it already, and this keeps those refused for exceeding it
   * (`rateLimited`) from being answered one for one.
   */
  readonly answerBucket: TokenBucket;
  /** Rejections by reason, indexed like {@link RejectReasons}. */
  readonly rejected = new Float64Array(RejectReasons.length);
  /** All rejections so far. */
  rejectedTotal = 0;
  /** Requests from this peer whose handler has not answered yet. */
  inflight = 0;

  /** @param limits the rate limits, or `false` for none (the same-process client). */
  constructor(limits: Required<RateLimitOptions> | false, now: number) {
    const inf = Number.POSITIVE_INFINITY;
    this.messageBucket = limits
      ? new TokenBucket(limits.messagesPerSecond, limits.burstSeconds, now)
      : new TokenBucket(inf, 1, now);
    this.byteBucket = limits
      ? new TokenBucket(limits.bytesPerSecond, limits.burstSeconds, now)
      : new TokenBucket(inf, 1, now);
    this.answerBucket = limits
      ? new TokenBucket(limits.messagesPerSecond, limits.burstSeconds, now)
      : new TokenBucket(inf, 1, now);
  }

  /** Counts one rejection for `reason`. */
  count(reason: RejectReason): void {
    this.rejected[REJECT_INDEX[reason]]!++;
    this.rejectedTotal++;
  }

  /** What the {@link ViolationPolicy} sees after the rejection of `reason` by `peer`. */
  violation(peer: SteamId, reason: RejectReason): ViolationInfo {
    // Built with one loop, not map + fromEntries (13 arrays): a flood of bad frames is normal
    // input, and this runs once per rejected frame.
    const counts = {} as Record<RejectReason, number>;
    const rejected = this.rejected;
    for (let i = 0; i < RejectReasons.length; i++) counts[RejectReasons[i]!] = rejected[i]!;
    return { peer, reason, counts, total: this.rejectedTotal };
  }
}

/** Most kicked peers remembered for the cooldown; the oldest are forgotten first. */
const MAX_COOLING_PEERS = 4096;

/** Kicked SteamIDs and until when they are refused. */
export class KickCooldowns {
  /** When each may come back (insertion order = kick order, for eviction). */
  private readonly until = new Map<SteamId, number>();

  /** @param cooldownMs how long a kick lasts; 0 disables. */
  constructor(private readonly cooldownMs: number) {}

  /** Refuses `peer` for the cooldown from `now`. */
  add(peer: SteamId, now: number): void {
    if (this.cooldownMs === 0) return;
    this.until.delete(peer);
    this.until.set(peer, now + this.cooldownMs);
    if (this.until.size > MAX_COOLING_PEERS) this.until.delete(this.until.keys().next().value as SteamId);
  }

  /** True while `peer` serves a cooldown (expired entries are forgotten on the way). */
  has(peer: SteamId, now: number): boolean {
    const until = this.until.get(peer);
    if (until === undefined) return false;
    if (now < until) return true;
    this.until.delete(peer);
    return false;
  }
}
