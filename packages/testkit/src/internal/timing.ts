/**
 * Timing helpers of the fake wire, shared by its sending side and its timers.
 * @internal
 * @packageDocumentation
 */
import type { LinkConditions } from '../link.js';

/**
 * Deliveries happen on whole milliseconds (rounded up). Arrivals that fall within the same
 * millisecond then share one clock firing instead of one each, which is what keeps hundreds of
 * jittery peers fast on the virtual clock; finer precision would make tests slower, not truer.
 */
export const onTick = Math.ceil;

/** One round trip on a link: the delay a retransmission adds. At least 1 ms, so retries always move time. */
export function roundTrip(c: LinkConditions, relayed: boolean): number {
  return Math.max(1, 2 * (c.latencyMs + (relayed ? c.relayLatencyMs : 0)) + c.jitterMs);
}
