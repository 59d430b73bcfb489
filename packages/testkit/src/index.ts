/**
 * `@steamwire/testkit`: fake Steam peers for tests. {@link FakeSteamNetwork} is an in-memory Steam
 * P2P network (conditions, partitions, offline peers, seeded RNG, virtual clock) whose peers
 * implement `P2PNetworking`. The conformance suite that every implementation must pass lives in
 * `@steamwire/testkit/conformance` (it imports vitest, so it is not re-exported here).
 * @packageDocumentation
 */
export * from './clock.js';
export { type FakeNetworkHarnessOptions, fakeNetworkHarness } from './conformance/fake-harness.js';
export type * from './conformance/harness.js';
export * from './errors.js';
export * from './link.js';
// The native fake Steam library's helpers (owned by src/native/).
export * from './native/index.js';
export * from './network.js';
export { FakePeer } from './peer.js';
export { SeededRng } from './rng.js';
export type { FakeDropCounts, FakeNetworkStats, FakeRejectCounts } from './stats.js';
