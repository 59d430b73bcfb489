import { describe, expect, it } from 'vitest';
import { runChaos } from '../../stress/lib/chaos.js';

describe('chaos: 30 % loss, duplication, reordering, latency spikes, 5 s partitions, crashes', () => {
  it('delivers reliable data exactly once in order, settles every call in time, detects the dead, leaks nothing', async () => {
    const report = await runChaos({ seed: 2, clients: 6, seconds: 45, crashes: 2 });
    expect(report.samples).toEqual([]);
    expect(report.reliableSent).toBeGreaterThan(1000);
    expect(report.reliableLost).toBe(0);
    expect(report.reliableDisorder).toBe(0);
    expect(report.callsUnsettled).toBe(0);
    expect(report.callsLate).toBe(0);
    expect(report.callsTimedOut).toBeGreaterThan(0); // the storm was real
    expect(report.crashDetected).toBe(report.crashed);
    // Silence is checked every 100 ms, once per frame: detection is at most that much after the timeout.
    expect(report.detectMaxMs).toBeLessThanOrEqual(report.heartbeatTimeoutMs + 100 + 17);
    expect(report.falseTimeouts).toBe(0);
    expect(report.invalidDelivered).toBe(0);
    expect(report.internalErrors).toBe(0);
    expect(report.hostState).toMatchObject({
      pendingCalls: 0,
      inflightRequests: 0,
      reassemblyBytes: 0,
      queuedFrames: 0,
      retryPackets: 0,
      lingeringSessions: 0,
    });
    expect(report.noLeaks).toBe(true);
  }, 60_000);
});
