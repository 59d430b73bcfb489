// The shared conformance suite against the real koffi binding over the native fake library, one
// process, one copy of the library per peer, real time, for both backends.
// The tests mostly wait out real timeouts and each world is isolated (own library copies, own peer
// registry), so they run concurrently to keep the package's test run short.
import { conformanceSuite } from '../../src/conformance/index.js';
import { nativeFakeHarness } from '../../src/native/index.js';
import { describeNative } from './native.js';

describeNative.concurrent('native fake, legacy backend', () =>
  conformanceSuite(nativeFakeHarness({ backend: 'legacy' })),
);
describeNative.concurrent('native fake, messages backend', () =>
  conformanceSuite(nativeFakeHarness({ backend: 'messages' })),
);
