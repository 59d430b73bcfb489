/**
 * Conditions of one direction of a link between two fake peers: how long packets take, how many
 * are lost, duplicated or reordered, how fast bytes go through, and whether a direct connection is
 * possible at all (NAT).
 * @packageDocumentation
 */
import { InvalidLinkConditionsError } from './errors.js';

/** How packets travel from one peer to another. Every field applies to one direction. */
export interface LinkConditions {
  /** One-way delay in milliseconds. Default 5. */
  readonly latencyMs: number;
  /** Extra random delay, uniform in [0, jitterMs], added per packet. Default 0. */
  readonly jitterMs: number;
  /**
   * Probability in [0, 1) that one transmission is lost. Unreliable packets are then gone;
   * reliable ones are retransmitted, so each loss shows as one more round trip of delay (and holds
   * back the packets behind it). Use `partition` or `setOnline(id, false)` to cut a link entirely.
   * Default 0.
   */
  readonly loss: number;
  /** Probability in [0, 1] that an unreliable packet arrives twice. Default 0. */
  readonly duplicate: number;
  /**
   * Probability in [0, 1] that an unreliable packet is held back by up to one extra round trip, so
   * later packets overtake it. Default 0.
   */
  readonly reorder: number;
  /** Bytes per second the sender can push through this link; `Infinity` for no cap. Default `Infinity`. */
  readonly bandwidthBytesPerSec: number;
  /**
   * No direct route (both sides behind strict NAT): a session uses Steam's relay when the sending
   * peer allowed relaying when the session was created, and times out otherwise. Default false.
   */
  readonly relayOnly: boolean;
  /** Extra one-way delay of a relayed route, in milliseconds. Default 20. */
  readonly relayLatencyMs: number;
}

/** The conditions of a link nobody configured: a fast, clean LAN. */
export const DEFAULT_LINK_CONDITIONS: LinkConditions = Object.freeze({
  latencyMs: 5,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  relayOnly: false,
  relayLatencyMs: 20,
});

const MAX_DELAY_MS = 3_600_000;

function delay(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
    throw new InvalidLinkConditionsError(field, value, `a number of milliseconds from 0 to ${MAX_DELAY_MS}`);
  }
}

function probability(field: string, value: unknown, below1: boolean): void {
  if (typeof value !== 'number' || !(value >= 0) || (below1 ? value >= 1 : value > 1)) {
    throw new InvalidLinkConditionsError(
      field,
      value,
      below1 ? 'a probability in [0, 1)' : 'a probability in [0, 1]',
    );
  }
}

const KNOWN = new Set(Object.keys(DEFAULT_LINK_CONDITIONS));

/**
 * Checks a partial set of conditions and returns it (frozen) when every field is in range.
 * @throws InvalidLinkConditionsError naming the first bad field (unknown fields included, to catch typos).
 */
export function validateLinkConditions(
  conditions: Partial<LinkConditions>,
): Readonly<Partial<LinkConditions>> {
  if (conditions === null || typeof conditions !== 'object') {
    throw new InvalidLinkConditionsError('conditions', conditions, 'an object');
  }
  for (const [field, value] of Object.entries(conditions)) {
    if (!KNOWN.has(field)) {
      throw new InvalidLinkConditionsError(
        field,
        value,
        `one of the known fields (${[...KNOWN].join(', ')})`,
      );
    }
    if (value === undefined) continue;
    switch (field) {
      case 'latencyMs':
      case 'jitterMs':
      case 'relayLatencyMs':
        delay(field, value);
        break;
      case 'loss':
        probability(field, value, true);
        break;
      case 'duplicate':
      case 'reorder':
        probability(field, value, false);
        break;
      case 'bandwidthBytesPerSec':
        if (typeof value !== 'number' || !(value > 0)) {
          throw new InvalidLinkConditionsError(
            field,
            value,
            'a number of bytes per second above 0 (or Infinity)',
          );
        }
        break;
      case 'relayOnly':
        if (typeof value !== 'boolean') throw new InvalidLinkConditionsError(field, value, 'a boolean');
        break;
    }
  }
  return Object.freeze({ ...conditions });
}

/** `base` with the defined fields of each override applied in turn. */
export function mergeLinkConditions(
  base: LinkConditions,
  ...overrides: readonly (Readonly<Partial<LinkConditions>> | undefined)[]
): LinkConditions {
  let merged: LinkConditions = base;
  for (const override of overrides) {
    if (override === undefined) continue;
    const next: Record<string, unknown> = { ...merged };
    for (const [field, value] of Object.entries(override)) if (value !== undefined) next[field] = value;
    merged = next as unknown as LinkConditions;
  }
  return Object.freeze(merged);
}
