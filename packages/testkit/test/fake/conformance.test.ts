// The conformance suite against the in-memory fake: the reference every other backend is held to.
import { conformanceSuite, fakeNetworkHarness } from '../../src/conformance/index.js';

conformanceSuite(fakeNetworkHarness());

// The same behaviours must hold on a slower, jittery network with the fake's timing shortened.
conformanceSuite(
  fakeNetworkHarness({
    name: 'FakeSteamNetwork (40 ms latency, 10 ms jitter, short timeouts)',
    seed: 42,
    conditions: { latencyMs: 40, jitterMs: 10 },
    connectTimeoutMs: 3000,
    unacceptedDropMs: 2500,
    sessionRequestRepostMs: 400,
  }),
);

// On real time, with the timing a real-time backend would report: proves the suite waits by the
// harness's own numbers and never depends on virtual time.
conformanceSuite(
  fakeNetworkHarness({
    name: 'FakeSteamNetwork on real time',
    realTime: true,
    conditions: { latencyMs: 15 },
    connectTimeoutMs: 400,
    unacceptedDropMs: 300,
    sessionRequestRepostMs: 150,
    testTimeoutMs: 10_000,
  }),
);
