/**
 * The lobby conformance suite: one set of vitest tests that every implementation of `Lobbies` and
 * `Friends` must pass (the in-memory fake, the koffi binding over the native fake), covering Steam's
 * lobby semantics as STEAM_API.md §16 describes them, the friends and launch conventions, call results,
 * Steam's limits and hostile arguments. Every test also checks that no event fired outside
 * `runCallbacks`.
 *
 * ```ts
 * import { fakeLobbyHarness, lobbyConformanceSuite } from '@steamwire/testkit/conformance';
 * lobbyConformanceSuite(fakeLobbyHarness());
 * ```
 * @packageDocumentation
 */
import { describe, expect, it } from 'vitest';
import { FRIENDS_CHECKS } from './friends-checks.js';
import type { LobbyCheck } from './lobby-check-kit.js';
import { LOBBY_CHECKS } from './lobby-checks.js';
import { LOBBY_DATA_CHECKS } from './lobby-data-checks.js';
import type { LobbyConformanceHarness } from './lobby-harness.js';
import { LOBBY_SEARCH_CHECKS } from './lobby-search-checks.js';
import { LobbyStage } from './lobby-stage.js';

/** Every behaviour of the lobby suite, by stable id. */
const CHECKS: Readonly<Record<string, LobbyCheck>> = {
  ...LOBBY_CHECKS,
  ...LOBBY_DATA_CHECKS,
  ...LOBBY_SEARCH_CHECKS,
  ...FRIENDS_CHECKS,
};

/** The ids of the lobby suite's behaviours, with their titles. */
export const LOBBY_CONFORMANCE_BEHAVIOURS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CHECKS).map(([id, check]) => [id, check.title]),
);

/** Declares the lobby conformance tests for one implementation, inside a `describe` named after it. */
export function lobbyConformanceSuite(harness: LobbyConformanceHarness): void {
  const timeout = harness.testTimeoutMs ?? 5000;
  describe(`Lobbies and Friends conformance: ${harness.name}`, () => {
    for (const [id, check] of Object.entries(CHECKS)) {
      it(
        `${check.title} [${id}]`,
        async () => {
          const world = await harness.setup(check.world);
          try {
            const stage = new LobbyStage(world);
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
