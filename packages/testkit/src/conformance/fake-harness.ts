/**
 * The conformance harness of the in-memory {@link FakeSteamNetwork}, for one backend. It supplies
 * only how time passes (a virtual clock) and the network's conditions; the numbers it is checked
 * against are Steam's, so its options cannot change them.
 * @packageDocumentation
 */
import type { LinkConditions } from '../link.js';
import { FakeSteamNetwork } from '../network.js';
import type { ConformanceHarness, ConformanceWorld } from './harness.js';
import type { SteamBackendName } from './steam-behaviour.js';

/** Options of {@link fakeNetworkHarness}. */
export interface FakeNetworkHarnessOptions {
  /** The Steam API the peers model. Default `'legacy'`. */
  backend?: SteamBackendName;
  /** Seed of the network's RNG. Default 1. */
  seed?: number;
  /** Network-wide link conditions (latency, jitter…); loss must stay 0 for the suite's counts. */
  conditions?: Partial<LinkConditions>;
  /** Shown in test names. Default `'FakeSteamNetwork (<backend>)'`. */
  name?: string;
  /** Longest real time one test may take, in milliseconds. Default 10000. */
  testTimeoutMs?: number;
}

/**
 * A {@link ConformanceHarness} over a fresh {@link FakeSteamNetwork} per test, on virtual time.
 *
 * ```ts
 * conformanceSuite(fakeNetworkHarness({ backend: 'messages', seed: 7 }));
 * ```
 */
export function fakeNetworkHarness(options: FakeNetworkHarnessOptions = {}): ConformanceHarness {
  const { backend = 'legacy', seed, conditions, testTimeoutMs = 10_000 } = options;
  return {
    name: options.name ?? `FakeSteamNetwork (${backend})`,
    backend,
    testTimeoutMs,
    async setup({ peers }): Promise<ConformanceWorld> {
      const net = new FakeSteamNetwork({ seed, conditions, backend });
      const list = Array.from({ length: peers }, () => net.createPeer());
      const c = net.conditions;
      return {
        peers: list,
        advance: (ms) => net.advance(ms),
        absentPeerId: net.unusedSteamId(),
        deliveryMs: Math.ceil(c.latencyMs + c.jitterMs + (c.relayOnly ? c.relayLatencyMs : 0)) + 5,
        async removePeer(index) {
          const peer = list[index];
          if (peer !== undefined) net.removePeer(peer.localSteamId);
        },
        async teardown() {
          net.dispose();
        },
      };
    },
  };
}
