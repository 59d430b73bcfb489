// The shared conformance suite against the real koffi binding over the native fake library, one
// process, one copy of the library per peer, real time, for every backend.
// The tests mostly wait out real timeouts and each world is isolated (own library copies, own peer
// registry), so they run concurrently to keep the package's test run short.
import { describe } from 'vitest';
import { conformanceSuite } from '../../src/conformance/index.js';
import { nativeFakeHarness } from '../../src/native/index.js';

describe.concurrent('native fake, legacy backend', () =>
  conformanceSuite(nativeFakeHarness({ backend: 'legacy' })));
describe.concurrent('native fake, messages backend', () =>
  conformanceSuite(nativeFakeHarness({ backend: 'messages' })));
describe.concurrent('native fake, sockets backend', () =>
  conformanceSuite(nativeFakeHarness({ backend: 'sockets' })));
