/**
 * The Sockets conformance suite: one set of vitest tests that every implementation of the typed
 * `SteamNetworkingSockets` and `SteamNetworkingUtils` must pass (the in-memory fake's `peer.sockets` /
 * `peer.utils`, the binding's `session.sockets` / `session.utils` over the native fake), covering every
 * call with the answers STEAM_API.md §15 documents. Every check also asserts that no event fired
 * outside `runCallbacks`.
 *
 * ```ts
 * import { fakeSocketsHarness, socketsConformanceSuite } from '@steamwire/testkit/conformance';
 * socketsConformanceSuite(fakeSocketsHarness());
 * ```
 * @packageDocumentation
 */
import { describe, expect, it } from 'vitest';
import { SOCKETS_CONNECTION_CHECKS } from './sockets-connection-checks.js';
import type { SocketsConformanceHarness } from './sockets-harness.js';
import { SOCKETS_SENDING_CHECKS } from './sockets-sending-checks.js';
import { type SocketsCheck, SocketsStage } from './sockets-stage.js';
import { SOCKETS_STATUS_CHECKS } from './sockets-status-checks.js';
import { SOCKETS_UTILS_CHECKS } from './sockets-utils-checks.js';

/** Every behaviour of the Sockets suite, by stable id. */
const CHECKS: Readonly<Record<string, SocketsCheck>> = {
  ...SOCKETS_CONNECTION_CHECKS,
  ...SOCKETS_SENDING_CHECKS,
  ...SOCKETS_STATUS_CHECKS,
  ...SOCKETS_UTILS_CHECKS,
};

/** The ids of the Sockets suite's behaviours, with their titles. */
export const SOCKETS_CONFORMANCE_BEHAVIOURS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CHECKS).map(([id, check]) => [id, check.title]),
);

/** Declares the Sockets conformance tests for one implementation, inside a `describe` named after it. */
export function socketsConformanceSuite(harness: SocketsConformanceHarness): void {
  const timeout = harness.testTimeoutMs ?? 10_000;
  describe(`Sockets and Utils conformance: ${harness.name}`, () => {
    for (const [id, check] of Object.entries(CHECKS)) {
      it(
        `${check.title} [${id}]`,
        async () => {
          const world = await harness.setup({ peers: check.peers });
          try {
            const stage = new SocketsStage(world);
            await check.run(stage);
            expect(stage.outOfBand, 'events fire only from runCallbacks').toEqual([]);
          } finally {
            await world.teardown();
          }
        },
        timeout,
      );
    }
  });
}
