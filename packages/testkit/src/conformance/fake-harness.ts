/**
 * The conformance harness of the in-memory {@link FakeSteamNetwork}: the reference the other
 * implementations are held to.
 * @packageDocumentation
 */
import { FakeSteamNetwork, type FakeSteamNetworkOptions } from '../network.js';
import type { ConformanceHarness, ConformanceWorld } from './harness.js';

/**
 * Options of {@link fakeNetworkHarness}: those of the network (except the clock), plus a name.
 * `realTime: true` runs the suite on real time, which checks that the suite itself works for
 * backends that cannot use a virtual clock.
 */
export interface FakeNetworkHarnessOptions extends Omit<FakeSteamNetworkOptions, 'clock'> {
  /** Shown in test names. Default `'FakeSteamNetwork'`. */
  name?: string;
  /** Longest real time one test may take, in milliseconds. Default 5000. */
  testTimeoutMs?: number;
}

/**
 * A {@link ConformanceHarness} over a fresh {@link FakeSteamNetwork} per test (virtual time).
 *
 * ```ts
 * conformanceSuite(fakeNetworkHarness({ seed: 7 }));
 * ```
 */
export function fakeNetworkHarness(options: FakeNetworkHarnessOptions = {}): ConformanceHarness {
  const { name = 'FakeSteamNetwork', testTimeoutMs = 5000, ...networkOptions } = options;
  return {
    name,
    testTimeoutMs,
    async setup({ peers }): Promise<ConformanceWorld> {
      const net = new FakeSteamNetwork(networkOptions);
      const list = Array.from({ length: peers }, () => net.createPeer());
      const c = net.conditions;
      return {
        peers: list,
        advance: (ms) => net.advance(ms),
        absentPeerId: net.unusedSteamId(),
        connectTimeoutMs: net.connectTimeoutMs,
        sessionRequestRepostMs: net.sessionRequestRepostMs,
        unacceptedDropMs: net.unacceptedDropMs,
        deliveryMs: Math.ceil(c.latencyMs + c.jitterMs + (c.relayOnly ? c.relayLatencyMs : 0)) + 5,
        async teardown() {
          net.dispose();
        },
      };
    },
  };
}
