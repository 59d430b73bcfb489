/**
 * The conformance suite: one set of vitest tests that every `P2PNetworking` implementation must
 * pass (the in-memory fake, the koffi binding over the native fake library, any future backend),
 * covering Steam's behaviour as DESIGN.md lists it and checking Steam's own numbers
 * ({@link STEAM_BEHAVIOUR}) for the harness's backend. Every behaviour runs on every harness; there
 * is no way to skip one. Written only against {@link ConformanceWorld}, so it runs on any clock.
 *
 * ```ts
 * // test/conformance.test.ts
 * import { conformanceSuite, fakeNetworkHarness } from '@steamwire/testkit/conformance';
 * conformanceSuite(fakeNetworkHarness({ backend: 'messages' }));
 * ```
 * @packageDocumentation
 */
import { describe, it } from 'vitest';
import { InvalidConformanceHarnessError } from '../errors.js';
import { CONFORMANCE_BEHAVIOURS, type ConformanceBehaviour } from './behaviours.js';
import type { Check } from './checks/check.js';
import { dataChecks } from './checks/data.js';
import { limitChecks } from './checks/limits.js';
import { sessionChecks } from './checks/sessions.js';
import { timeoutChecks } from './checks/timeouts.js';
import type { ConformanceHarness } from './harness.js';
import { Stage } from './stage.js';
import { STEAM_BEHAVIOUR } from './steam-behaviour.js';

export { CONFORMANCE_BEHAVIOURS, type ConformanceBehaviour } from './behaviours.js';
export { type FakeNetworkHarnessOptions, fakeNetworkHarness } from './fake-harness.js';
export type * from './harness.js';
export { LOBBY_CONFORMANCE_BEHAVIOURS, lobbyConformanceSuite } from './lobbies.js';
export type { LobbyCheck } from './lobby-check-kit.js';
export {
  type FakeLobbyHarnessOptions,
  fakeLobbyHarness,
  type LobbyConformanceHarness,
  type LobbyWorld,
  type LobbyWorldOptions,
  type LobbyWorldPeer,
} from './lobby-harness.js';
export { type LobbyEventName, LobbyStage, type RecordedLobbyEvent } from './lobby-stage.js';
export { SOCKETS_CONFORMANCE_BEHAVIOURS, socketsConformanceSuite } from './sockets.js';
export {
  type FakeSocketsHarnessOptions,
  fakeSocketsHarness,
  type SocketsConformanceHarness,
  type SocketsWorld,
  type SocketsWorldPeer,
} from './sockets-harness.js';
export { type RecordedSocketsEvent, type SocketsCheck, SocketsStage } from './sockets-stage.js';
export { bytes, type RecordedEvent, Stage, text } from './stage.js';
export * from './steam-behaviour.js';

const checks: Record<ConformanceBehaviour, Check> = {
  ...sessionChecks,
  ...timeoutChecks,
  ...dataChecks,
  ...limitChecks,
};

/**
 * Declares the conformance tests for one implementation, inside a `describe` named after it: every
 * behaviour of {@link CONFORMANCE_BEHAVIOURS}, checked against Steam's numbers for `harness.backend`.
 * @throws InvalidConformanceHarnessError when the backend has no row in {@link STEAM_BEHAVIOUR}, or
 *   the harness carries an `unsupported` list (skipping behaviours is not possible).
 */
export function conformanceSuite(harness: ConformanceHarness): void {
  if (!Object.hasOwn(STEAM_BEHAVIOUR, harness.backend)) {
    throw new InvalidConformanceHarnessError(
      harness.name,
      `backend "${String(harness.backend)}" has no row in STEAM_BEHAVIOUR; add Steam's numbers for it first.`,
    );
  }
  if ('unsupported' in harness) {
    throw new InvalidConformanceHarnessError(
      harness.name,
      'the suite runs every behaviour on every backend; fix the implementation instead of skipping.',
    );
  }
  const timeout = harness.testTimeoutMs ?? 10_000;
  describe(`P2PNetworking conformance: ${harness.name}`, () => {
    for (const id of Object.keys(CONFORMANCE_BEHAVIOURS) as ConformanceBehaviour[]) {
      const check = checks[id];
      it(
        `${CONFORMANCE_BEHAVIOURS[id]} [${id}]`,
        async () => {
          const world = await harness.setup({ peers: check.peers });
          try {
            await check.run(new Stage(world, harness.backend));
          } finally {
            await world.teardown();
          }
        },
        timeout,
      );
    }
  });
}
