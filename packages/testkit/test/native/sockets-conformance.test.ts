// The Sockets conformance suite against the binding's typed Sockets and Utils APIs (`session.sockets`,
// `session.utils`) over the native fake, on a world clock: the same checks the in-memory fake passes.
import { socketsConformanceSuite } from '../../src/conformance/index.js';
import { nativeSocketsHarness } from '../../src/native/index.js';
import { describeNative } from './native.js';

describeNative.concurrent('native fake, typed Sockets/Utils', () =>
  socketsConformanceSuite(nativeSocketsHarness()),
);
