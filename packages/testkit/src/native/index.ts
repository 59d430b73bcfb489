/**
 * The native fake Steam library's helpers: where it is, how it is built and copied, how to start an
 * in-process fake peer through the real binding, and the conformance harness over it.
 * @packageDocumentation
 */

export { type NativeFakeControls, nativeFakeControls } from './controls.js';
export { NATIVE_FAKE_ENV_KEYS, type NativeFakePeerOptions, nativeFakeEnv, withEnv } from './env.js';
export { InvalidNativeFakeOptionError, NativeFakeBuildError } from './errors.js';
export { type NativeFakeHarnessOptions, nativeFakeHarness } from './harness.js';
export { copyNativeFake, ensureNativeFake, nativeFakeLibraryPath } from './library.js';
export { type NativeLobbyHarnessOptions, nativeLobbyHarness } from './lobby-harness.js';
export { type CreateNativeFakePeerOptions, createNativeFakePeer } from './peer.js';
export { type NativeSocketsHarnessOptions, nativeSocketsHarness } from './sockets-harness.js';
export { WorldClock } from './world-clock.js';
