/**
 * The Sockets conformance harness for the real binding over the native fake: every peer of a world is
 * a copy of the fake library initialised through `initSteam`, all in this process, on one world clock
 * (a clock file) that moves a millisecond at a time with every peer pumped after each step, so Steam's
 * timers run as they would and the suite's waits cost no real time. The peers' `session.sockets` and
 * `session.utils` are what the suite checks.
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SteamId, SteamSession } from '@steamwire/transport-steam/steam';
import type { SocketsConformanceHarness, SocketsWorld } from '../conformance/sockets-harness.js';
import { InvalidNativeFakeOptionError } from './errors.js';
import { ensureNativeFake } from './library.js';
import { createNativeFakePeer } from './peer.js';
import { nativeLibraryPool } from './pool.js';
import { WorldClock } from './world-clock.js';

/** Options of {@link nativeSocketsHarness}. */
export interface NativeSocketsHarnessOptions {
  /** Per-test vitest timeout, real ms (default 20000). */
  testTimeoutMs?: number;
}

// Individual SteamIDs (universe 1, type 1, instance 1) from a random base, so concurrent test
// processes on the machine never share one.
const ID_BASE = 0x0110000100000000n;
let nextAccount = 0x48000000 + Math.floor(Math.random() * 0x10000000);

/** A {@link SocketsConformanceHarness} running the binding's typed APIs over the native fake. */
export function nativeSocketsHarness(options: NativeSocketsHarnessOptions = {}): SocketsConformanceHarness {
  return {
    name: 'koffi binding over native fake (typed Sockets/Utils)',
    testTimeoutMs: options.testTimeoutMs ?? 20_000,
    async setup({ peers: count }): Promise<SocketsWorld> {
      if (!Number.isInteger(count) || count < 1)
        throw new InvalidNativeFakeOptionError('peers', 'a positive integer', count);
      const source = ensureNativeFake();
      const worldDir = mkdtempSync(join(tmpdir(), 'steamwire-sockets-world-'));
      const peersDir = join(worldDir, 'peers');
      mkdirSync(peersDir);
      const clock = new WorldClock(join(worldDir, 'clock'));
      const sessions: SteamSession[] = [];
      const paths: string[] = [];
      const teardown = async (): Promise<void> => {
        for (const session of sessions.splice(0)) session.shutdown();
        for (const path of paths.splice(0)) nativeLibraryPool.release(path);
        clock.close();
        rmSync(worldDir, { recursive: true, force: true });
      };
      try {
        for (let i = 0; i < count; i++) {
          const libraryPath = nativeLibraryPool.acquire(source);
          paths.push(libraryPath);
          nextAccount += 1;
          const steamId: SteamId = ID_BASE | BigInt(nextAccount);
          sessions.push(createNativeFakePeer({ libraryPath, steamId, peersDir, clockFile: clock.path }));
        }
      } catch (err) {
        await teardown();
        throw err;
      }
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
