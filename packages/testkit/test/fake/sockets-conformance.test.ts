// The Sockets conformance suite against the in-memory fake's typed Sockets and Utils APIs (`peer.sockets`,
// `peer.utils`), on a clean network and on a slower, jittery one: the same checks the binding over the
// native fake passes.
import { fakeSocketsHarness, socketsConformanceSuite } from '../../src/conformance/index.js';

socketsConformanceSuite(fakeSocketsHarness());
socketsConformanceSuite(
  fakeSocketsHarness({
    name: 'FakeSteamNetwork sockets (40 ms latency, 10 ms jitter)',
    seed: 42,
    conditions: { latencyMs: 40, jitterMs: 10 },
  }),
);
