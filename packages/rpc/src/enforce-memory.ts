/**
 * What enforcement remembers per SteamID: one {@link PeerEnforcement} for every SteamID that has a
 * session, and for a while (`enforcementMemoryMs`) after its last session ended, so a peer that says
 * hello again, or goodbye and hello, or reconnects, finds its rate budgets, rejections, requests in
 * flight and join rate as it left them. Bounded: the longest-idle records are forgotten first.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { PeerEnforcement, type RateLimitOptions } from './enforce.js';

/** Most records of SteamIDs with no session kept at once; the longest idle are forgotten first. */
export const MAX_IDLE_RECORDS = 4096;

/** The enforcement records of one endpoint, by SteamID. */
export class EnforcementMemory {
  private readonly records = new Map<SteamId, PeerEnforcement>();
  /** Records with no open session, longest idle first. */
  private readonly idle = new Map<SteamId, PeerEnforcement>();

  /**
   * @param limits the rate limits of remote peers (`false`: none).
   * @param memoryMs how long a record outlives its last session.
   */
  constructor(
    private readonly limits: Required<RateLimitOptions> | false,
    private readonly memoryMs: number,
  ) {}

  /** SteamIDs remembered (with or without a session). */
  get size(): number {
    return this.records.size;
  }

  /** The record of `id`, if it is remembered. */
  get(id: SteamId): PeerEnforcement | undefined {
    return this.records.get(id);
  }

  /** A session with `id` opens: its record, as it was left, or a new one. */
  open(id: SteamId, now: number): PeerEnforcement {
    let record = this.records.get(id);
    if (record === undefined) {
      record = new PeerEnforcement(this.limits, now);
      this.records.set(id, record);
    } else {
      this.idle.delete(id);
    }
    record.sessions++;
    return record;
  }

  /** A session with `id` ended: once it has none left, its record starts to age. */
  close(id: SteamId, record: PeerEnforcement, now: number): void {
    if (record.sessions === 0 || --record.sessions > 0) return;
    record.endedAt = now;
    if (this.records.get(id) !== record) return;
    this.idle.set(id, record);
    if (this.idle.size > MAX_IDLE_RECORDS) {
      const oldest = this.idle.keys().next().value as SteamId;
      this.idle.delete(oldest);
      this.records.delete(oldest);
    }
  }

  /**
   * Forgets records idle for `memoryMs`. One whose requests are still being handled is kept (and
   * ages again from now), so slow handlers cannot be multiplied by waiting out the window.
   */
  sweep(now: number): void {
    const idle = this.idle;
    for (const [id, record] of idle) {
      if (now - record.endedAt < this.memoryMs) return;
      idle.delete(id);
      if (record.inflight > 0) {
        record.endedAt = now;
        idle.set(id, record);
        // Everything after it is younger or also busy: the next sweep goes on.
        return;
      }
      this.records.delete(id);
    }
  }
}
