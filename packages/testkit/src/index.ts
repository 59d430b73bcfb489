/**
 * `@steamwire/testkit`: fake Steam peers for tests. {@link FakeSteamNetwork} is an in-memory Steam
 * P2P network (conditions, partitions, offline peers, seeded RNG, virtual clock) whose peers
 * implement `P2PNetworking`. The conformance suite that every implementation must pass lives in
 * `@steamwire/testkit/conformance` (it imports vitest, so it is not re-exported here); the native fake
 * Steam library's helpers (which start the real binding) in `@steamwire/testkit/native`. This entry's
 * module graph holds no binding file: it needs only the seam of `@steamwire/transport-steam`.
 * @packageDocumentation
 */
export * from './clock.js';
export { type FakeNetworkHarnessOptions, fakeNetworkHarness } from './conformance/fake-harness.js';
export type * from './conformance/harness.js';
export * from './conformance/steam-behaviour.js';
export * from './errors.js';
export * from './link.js';
export { FakeFriends } from './lobby/fake-friends.js';
export { FakeLobbies } from './lobby/fake-lobbies.js';
export { FAKE_APP_ID, type FakeKickOptions, FakeLobbyService } from './lobby/service.js';
export * from './network.js';
export { FakePeer } from './peer.js';
export { SeededRng } from './rng.js';
export type { FakeDropCounts, FakeNetworkStats, FakeRejectCounts } from './stats.js';
