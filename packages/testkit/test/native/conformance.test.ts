// The shared conformance suite against the real koffi binding over the native fake library, one
// process, one copy of the library per peer, for every backend of STEAM_BEHAVIOUR: the same checks
// and Steam's same numbers as the in-memory fake. Each world runs on its own clock file, so the
// tests run concurrently. A new backend is one more entry in STEAM_BEHAVIOUR (and the binding).
import { conformanceSuite, STEAM_BACKENDS } from '../../src/conformance/index.js';
import { nativeFakeHarness } from '../../src/native/index.js';
import { describeNative } from './native.js';

// Windows Node under Wine (npm run test:windows) makes each native call several times slower, and the
// checks that wait out Steam's connect timeout run concurrently there too: a longer limit on Windows.
const testTimeoutMs = process.platform === 'win32' ? 90_000 : undefined;

for (const backend of STEAM_BACKENDS) {
  describeNative.concurrent(`native fake, ${backend} backend`, () =>
    conformanceSuite(nativeFakeHarness({ backend, testTimeoutMs })),
  );
}
