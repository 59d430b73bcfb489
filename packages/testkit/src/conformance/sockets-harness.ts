/**
 * What the Sockets conformance suite needs from an implementation of the typed `SteamNetworkingSockets`
 * and `SteamNetworkingUtils`: a world of peers that can reach each other, and a way to let that
 * world's time pass. The in-memory fake ({@link fakeSocketsHarness}) and the binding over the native
 * fake (`nativeSocketsHarness` in `@steamwire/testkit/native`) each provide one.
 * @packageDocumentation
 */
import type { SteamId, SteamNetworkingSockets, SteamNetworkingUtils } from '@steamwire/transport-steam';
import { FakeSteamNetwork, type FakeSteamNetworkOptions } from '../network.js';

/** One peer of a Sockets world. */
export interface SocketsWorldPeer {
  readonly steamId: SteamId;
  readonly sockets: SteamNetworkingSockets;
  readonly utils: SteamNetworkingUtils;
}

/** A world of peers whose Sockets APIs reach each other. */
export interface SocketsWorld {
  readonly peers: readonly SocketsWorldPeer[];
  /**
   * Lets `ms` of the world's time pass; never runs callbacks (the suite does, as a game would).
   * Whatever the implementation needs to move its own timers (pumping a native library) it does here.
   */
  advance(ms: number): Promise<void>;
  /** Upper bound on the delivery of one small message between two peers, in the world's ms. */
  readonly deliveryMs: number;
  /** Releases everything. */
  teardown(): Promise<void>;
}

/** One implementation of the typed Sockets and Utils APIs, as the Sockets conformance suite sees it. */
export interface SocketsConformanceHarness {
  /** Shown in test names. */
  readonly name: string;
  /** Creates a fresh, isolated world of `peers` peers. Called once per test. */
  setup(options: { readonly peers: number }): Promise<SocketsWorld>;
  /** Longest time one test may take, in real milliseconds. Default 10000. */
  readonly testTimeoutMs?: number;
}

/** Options of {@link fakeSocketsHarness}: those of the network (except the clock), plus a name. */
export interface FakeSocketsHarnessOptions extends Omit<FakeSteamNetworkOptions, 'clock' | 'realTime'> {
  /** Shown in test names. Default `'FakeSteamNetwork sockets'`. */
  readonly name?: string;
}

/**
 * A {@link SocketsConformanceHarness} over a fresh in-memory {@link FakeSteamNetwork} per test, on its
 * virtual clock: every peer's `peer.sockets` and `peer.utils`.
 */
export function fakeSocketsHarness(options: FakeSocketsHarnessOptions = {}): SocketsConformanceHarness {
  const { name = 'FakeSteamNetwork sockets', ...networkOptions } = options;
  return {
    name,
    async setup({ peers: count }): Promise<SocketsWorld> {
      const net = new FakeSteamNetwork(networkOptions);
      const peers = Array.from({ length: count }, () => net.createPeer());
      const c = net.conditions;
      return {
        peers: peers.map((p) => ({ steamId: p.localSteamId, sockets: p.sockets, utils: p.utils })),
        advance: (ms) => net.advance(ms),
        deliveryMs: Math.ceil(c.latencyMs + c.jitterMs + (c.relayOnly ? c.relayLatencyMs : 0)) + 2,
        async teardown() {
          net.dispose();
        },
      };
    },
  };
}
