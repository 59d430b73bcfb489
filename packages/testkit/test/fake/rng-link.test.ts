import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LINK_CONDITIONS,
  InvalidLinkConditionsError,
  mergeLinkConditions,
  SeededRng,
  validateLinkConditions,
} from '../../src/index.js';

describe('SeededRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const rng = new SeededRng(seed);
      return Array.from({ length: 20 }, () => rng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(0)).not.toEqual(draw(1));
  });

  it('stays in range and spreads evenly', () => {
    const rng = new SeededRng(123);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]++;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(850);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(6)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never draws for chance(0) and always succeeds for chance(1)', () => {
    const a = new SeededRng(5);
    const b = new SeededRng(5);
    expect(a.chance(0)).toBe(false);
    expect(a.nextUint32()).toBe(b.nextUint32()); // chance(0) consumed nothing
    expect(a.chance(1)).toBe(true);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => new SeededRng(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new SeededRng(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('link conditions', () => {
  it('accepts every field in range, including an unlimited bandwidth', () => {
    const ok = validateLinkConditions({
      latencyMs: 80,
      jitterMs: 20,
      loss: 0.999,
      duplicate: 1,
      reorder: 0,
      bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
      relayOnly: true,
      relayLatencyMs: 0,
    });
    expect(Object.isFrozen(ok)).toBe(true);
  });

  it.each([
    ['latencyMs', -1],
    ['latencyMs', Number.NaN],
    ['latencyMs', Number.POSITIVE_INFINITY],
    ['jitterMs', '5'],
    ['loss', 1],
    ['loss', -0.1],
    ['duplicate', 1.5],
    ['reorder', Number.NaN],
    ['bandwidthBytesPerSec', 0],
    ['bandwidthBytesPerSec', -100],
    ['relayOnly', 1],
    ['relayLatencyMs', -3],
    ['latency', 10],
  ])('refuses %s = %s with InvalidLinkConditionsError naming the field', (field, value) => {
    let error: unknown;
    try {
      validateLinkConditions({ [field]: value } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidLinkConditionsError);
    expect(error).toMatchObject({ code: 'INVALID_LINK_CONDITIONS', field });
  });

  it('merges overrides over a base, ignoring undefined fields', () => {
    const merged = mergeLinkConditions(
      DEFAULT_LINK_CONDITIONS,
      { latencyMs: 50 },
      { loss: 0.1, latencyMs: undefined },
    );
    expect(merged).toMatchObject({ latencyMs: 50, loss: 0.1, jitterMs: DEFAULT_LINK_CONDITIONS.jitterMs });
  });
});
