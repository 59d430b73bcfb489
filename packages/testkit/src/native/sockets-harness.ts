/**
 * The Sockets conformance harness for the real binding over the native fake: every peer of a world is
 * a copy of the fake library initialised through `initSteam`, all in this process, on one world clock
 * (a clock file) that moves a millisecond at a time with every peer pumped after each step, so Steam's
 * timers run as they would and the suite's waits cost no real time. The peers' `session.sockets` and
 * `session.utils` are what the suite checks.
 * @packageDocumentation
 */
import type { SocketsConformanceHarness, SocketsWorld } from '../conformance/sockets-harness.js';
import { createNativeFakePeer } from './peer.js';
import { allocateSteamId, openNativeWorld } from './world.js';

/** Options of {@link nativeSocketsHarness}. */
export interface NativeSocketsHarnessOptions {
  /** Per-test vitest timeout, real ms (default 20000). */
  testTimeoutMs?: number;
}

/** A {@link SocketsConformanceHarness} running the binding's typed APIs over the native fake. */
export function nativeSocketsHarness(options: NativeSocketsHarnessOptions = {}): SocketsConformanceHarness {
  return {
    name: 'koffi binding over native fake (typed Sockets/Utils)',
    testTimeoutMs: options.testTimeoutMs ?? 20_000,
    async setup({ peers: count }): Promise<SocketsWorld> {
      const world = await openNativeWorld({ name: 'sockets', peers: count, clock: true }, (place) =>
        createNativeFakePeer({ ...place, steamId: allocateSteamId() }),
      );
      const { sessions, teardown } = world;
      const clock = world.clock!;
      return {
        peers: sessions.map((s) => ({ steamId: s.localSteamId, sockets: s.sockets, utils: s.utils })),
        async advance(ms) {
          for (let left = ms; left > 0; left--) {
            clock.advance(1);
            // Any Steam call lets the fake poll its socket and run its timers (without events).
            for (const s of sessions) s.utils.getRelayNetworkStatus();
          }
        },
        // Loopback datagrams are there at the next pump: a millisecond, and one more for the answer.
        deliveryMs: 2,
        teardown,
      };
    },
  };
}
