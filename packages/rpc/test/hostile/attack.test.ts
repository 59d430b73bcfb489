// The sample of `npm run attack` in `npm test`: every scenario of the catalogue, thinner and
// shorter, on the virtual clock. Timing goals are for the real-clock run; here each scenario must
// lose no honest data, remove the attacker where it should, keep the heap bounded, and meet its
// own goal.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../stress/lib/attack.js';
import { SCENARIOS } from '../../stress/lib/attack-scenarios.js';
import './gc.js';

describe('the attack catalogue, sampled on the virtual clock', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s holds',
    async (_name, scenario) => {
      const result = await runScenario(scenario, {
        realTime: false,
        baselineMs: 1000,
        attackMs: 2500,
        scale: 0.3,
      });
      expect(result.failures).toEqual([]);
      expect(result.honestReliableLost).toBe(0);
      expect(result.invalidOrErrors).toBe(0);
      if (scenario.expectRemoval) expect(result.kickedAfterMs).not.toBeNull();
      expect(result.held).toBe(true);
    },
    60_000,
  );
});
