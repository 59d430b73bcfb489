import { describe, expect, it } from 'vitest';
import { runFlood } from '../../stress/lib/flood.js';
import './gc.js';

describe('one client flooding at 10× the rate limit', () => {
  it('is kicked, while the other clients keep their RTT and every reliable message', async () => {
    const { calm, flood, rttRatio } = await runFlood({ seed: 1, clients: 4, seconds: 6 });
    expect(calm.kickedAfterMs).toBe(-1);
    expect(flood.kickReason).toBe('violations');
    expect(flood.kickedAfterMs).toBeGreaterThanOrEqual(0);
    expect(flood.kickedAfterMs).toBeLessThan(2000);
    expect(rttRatio).toBeLessThanOrEqual(1.1);
    expect(flood.honestLost).toBe(0);
    expect(flood.invalidDelivered).toBe(0);
    expect(flood.internalErrors).toBe(0);
  }, 60_000);
});
