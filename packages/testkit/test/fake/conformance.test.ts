// The conformance suite against the in-memory fake, on every backend: the same checks, with Steam's
// numbers for each backend, that the native fake and the real binding are held to.
import { conformanceSuite, fakeNetworkHarness, STEAM_BACKENDS } from '../../src/conformance/index.js';

for (const backend of STEAM_BACKENDS) {
  conformanceSuite(fakeNetworkHarness({ backend }));
  // The same numbers must hold on a slower, jittery network: the suite waits by the world's
  // delivery time, never by the fake's own timings.
  conformanceSuite(
    fakeNetworkHarness({
      backend,
      name: `FakeSteamNetwork (${backend}, 40 ms latency, 10 ms jitter)`,
      seed: 42,
      conditions: { latencyMs: 40, jitterMs: 10 },
    }),
  );
}
