import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FuzzReport, runFuzz } from '../../stress/lib/fuzz.js';
import './gc.js';

/** Everything a fuzz campaign must never show. */
function expectClean(report: FuzzReport): void {
  expect(report.samples).toEqual([]);
  expect(report.escapedExceptions).toBe(0);
  expect(report.internalErrors).toBe(0);
  expect(report.invalidDelivered).toBe(0);
  expect(report.honestLost).toBe(0);
  expect(report.honestCallsFailed).toBe(0);
  expect(report.prototypesIntact).toBe(true);
  expect(report.hostState.unreportedErrors).toBe(0);
  expect(report.hostState.pendingCalls).toBe(0);
}

describe('fuzzing a host and a client with hostile packets from raw peers', () => {
  it('a deep campaign (no rate limits, no kicks) reaches handlers, and they only ever see valid data', async () => {
    const report = await runFuzz({ packets: 5000, seed: 1 });
    expectClean(report);
    // The mutations got through framing and decoding to the handlers, and every check was hit.
    expect(report.validDelivered).toBeGreaterThan(100);
    for (const reason of [
      'malformed',
      'decodeFailed',
      'invalid',
      'wrongDirection',
      'wrongChannel',
      'unknownMessage',
      'notConnected',
    ] as const) {
      expect(report.rejected[reason] ?? 0).toBeGreaterThan(0);
    }
  }, 60_000);

  it('with the default limits and policy, attackers are kicked and come back, and nothing else breaks', async () => {
    const report = await runFuzz({ packets: 3000, seed: 2, lenient: false });
    expectClean(report);
    expect(report.attackerResets).toBeGreaterThan(0);
  }, 60_000);

  it('holds for any seed fast-check picks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), async (seed, lenient) => {
        expectClean(await runFuzz({ packets: 300, seed, lenient, perTick: 32 }));
      }),
      { numRuns: 6 },
    );
  }, 60_000);
});
