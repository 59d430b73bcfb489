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
  /**
   * Valid msgpack that costs too much to decode: more elements, nesting, map keys or string bytes
   * than its declaration's `limits` allow.
   */
  'tooComplex',
] as const;

/** One of {@link RejectReasons}. */
export type RejectReason = (typeof RejectReasons)[number];

/** Index of each reason, for counting in typed arrays. */
export const REJECT_INDEX: Readonly<Record<RejectReason, number>> = Object.freeze(
  Object.fromEntries(RejectReasons.map((r, i) => [r, i])) as Record<RejectReason, number>,
);

/** Per-peer rate limits. `Infinity` disables one. */
export interface RateLimitOptions {
  /**
   * Sustained messages per second: frames of any kind, and packets that carry no whole frame
   * (fragments), so a flood of tiny packets is counted too.
   */
  messagesPerSecond?: number;
  /** Sustained received bytes per second (whole packets, control packets included). */
  bytesPerSecond?: number;
  /**
   * Sustained control packets per second (heartbeats, hellos, goodbyes: an honest peer sends about
   * two a second). Past it, control packets are rejected and not answered.
   */
  controlPacketsPerSecond?: number;
  /** Seconds of the sustained rate a peer may spend at once (bucket size). Default 2. */
  burstSeconds?: number;
}

/** Defaults on the host, which listens to untrusted clients. */
export const HOST_RATE_LIMITS: Required<RateLimitOptions> = Object.freeze({
  messagesPerSecond: 2000,
  bytesPerSecond: 4 * 1024 * 1024,
  controlPacketsPerSecond: 30,
  burstSeconds: 2,
});

/** Defaults on a client, which listens only to its host (generous: a host may broadcast a lot). */
export const CLIENT_RATE_LIMITS: Required<RateLimitOptions> = Object.freeze({
  messagesPerSecond: 100_000,
  bytesPerSecond: 64 * 1024 * 1024,
  controlPacketsPerSecond: 30,
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
 * the same protocol produces (decode failures, malformed framing, wrong direction, unknown ids,
 * payloads over their declared cost limits, which an honest sender refuses to send).
 */
export const defaultViolationPolicy: ViolationPolicy = ({ counts, total }) =>
  total >= 50 ||
  counts.malformed +
    counts.decodeFailed +
    counts.wrongDirection +
    counts.unknownMessage +
    counts.tooComplex >=
    5;

/**
 * What enforcement remembers about one SteamID: its rate budgets, its rejections, how many of its
 * requests are being handled, its work budget in the current update, and its join rate. Kept apart
 * from the session and keyed by SteamID (see `enforce-memory.ts`), so that saying hello again,
 * goodbye then hello, or reconnecting starts none of it afresh.
 */
export class PeerEnforcement {
  /** Frames per second (and packets that carry no whole frame). */
  readonly messageBucket: TokenBucket;
  /** Received bytes per second (whole packets). */
  readonly byteBucket: TokenBucket;
  /** Control packets per second. */
  readonly controlBucket: TokenBucket;
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
  /**
   * Decode work this peer may still cost in the current update (see `EndpointOptions.workPerUpdate`);
   * below 0 after one expensive message, a debt the next updates pay first.
   */
  work = 0;
  /** The update whose budget {@link PeerEnforcement.work} holds. */
  workUpdate = -1;
  /** Joins (welcomes) per minute, on a host; `null` until the first hello. */
  joins: TokenBucket | null = null;
  /** Sessions of this SteamID open now (0 or 1, the same-process peer aside). */
  sessions = 0;
  /** When its last session ended: it is forgotten a while after that. */
  endedAt = 0;

  /** @param limits the rate limits, or `false` for none (the same-process client). */
  constructor(limits: Required<RateLimitOptions> | false, now: number) {
    const inf = Number.POSITIVE_INFINITY;
    this.messageBucket = new TokenBucket(
      limits ? limits.messagesPerSecond : inf,
      limits ? limits.burstSeconds : 1,
      now,
    );
    this.byteBucket = new TokenBucket(
      limits ? limits.bytesPerSecond : inf,
      limits ? limits.burstSeconds : 1,
      now,
    );
    this.controlBucket = new TokenBucket(
      limits ? limits.controlPacketsPerSecond : inf,
      limits ? limits.burstSeconds : 1,
      now,
    );
    this.answerBucket = new TokenBucket(
      limits ? limits.messagesPerSecond : inf,
      limits ? limits.burstSeconds : 1,
      now,
    );
    if (!limits) this.work = inf;
  }

  /**
   * Starts update `update` for this peer: its work budget is refilled by `budget` (up to `budget`;
   * a debt is paid first). Returns true while the peer may still cost work in this update.
   */
  mayWork(update: number, budget: number): boolean {
    if (this.workUpdate !== update) {
      this.workUpdate = update;
      // (Infinity, for a peer without limits, stays as it is.)
      if (this.work < budget) this.work = Math.min(this.work + budget, budget);
    }
    return this.work > 0;
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
