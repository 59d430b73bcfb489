/**
 * The conformance harness for the real koffi binding over the native fake library: every peer of a
 * world is a copy of the fake `.so` at its own path (independent globals), initialised through
 * `initSteam`, all in this process, exchanging UDP datagrams on 127.0.0.1 in real time.
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { P2PNetworking, SteamBackend, SteamId, SteamSession } from '@steamwire/transport-steam/steam';
import type {
  ConformanceHarness,
  ConformanceWorld,
  ConformanceWorldOptions,
} from '../conformance/harness.js';
import { InvalidNativeFakeOptionError } from './errors.js';
import { copyNativeFake, ensureNativeFake } from './library.js';
import { createNativeFakePeer } from './peer.js';

/** Options of {@link nativeFakeHarness}. */
export interface NativeFakeHarnessOptions {
  /** The binding's backend under test. */
  backend: SteamBackend;
  /** Connect timeout of every peer, ms (default 1500; Steam's is ~20000). */
  connectTimeoutMs?: number;
  /** Session request re-post interval, ms (default 500). */
  sessionRequestRepostMs?: number;
  /** Promised upper bound on the delivery of one small packet, ms (default 100). */
  deliveryMs?: number;
  /** Per-test vitest timeout, ms (default 20000: connect-fail tests wait out the connect timeout in real time). */
  testTimeoutMs?: number;
}

/** Behaviours of the conformance suite that one backend cannot have, with the reason. */
const UNSUPPORTED: Record<SteamBackend, Record<string, string>> = {
  legacy: {},
  // The size-limit behaviours read each backend's own `limits` (512 KiB for Messages), so every
  // behaviour applies to both backends.
  messages: {},
};

// Individual SteamIDs (universe 1, type 1, instance 1), from a random base so that concurrent test
// processes on the machine never share one.
const ID_BASE = 0x0110000100000000n;
let nextAccount = 0x10000000 + Math.floor(Math.random() * 0x40000000);
function allocateSteamId(): SteamId {
  nextAccount += 1;
  return ID_BASE | BigInt(nextAccount);
}

/**
 * Library copies, reused across worlds. A path is free once its session is shut down: the binding
 * keeps each loaded file, and the fake re-reads its environment at every init.
 */
class LibraryPool {
  private readonly free: string[] = [];
  private dir: string | null = null;
  private count = 0;

  acquire(source: string): string {
    const hit = this.free.pop();
    if (hit !== undefined) return hit;
    if (this.dir === null) {
      const dir = mkdtempSync(join(tmpdir(), 'steamwire-native-pool-'));
      this.dir = dir;
      process.once('exit', () => {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // Windows cannot delete a loaded DLL, and the binding keeps each library loaded: the copies
          // stay in the temp folder.
        }
      });
    }
    this.count += 1;
    return copyNativeFake(join(this.dir, `peer-${this.count}`), source);
  }

  release(path: string): void {
    this.free.push(path);
  }
}

const pool = new LibraryPool();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkMs(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new InvalidNativeFakeOptionError(option, 'a positive integer', value);
  return value;
}

/**
 * A {@link ConformanceHarness} running the real binding (`initSteam`) over the native fake, in one
 * process, for one backend. Builds the fake library first if needed.
 */
export function nativeFakeHarness(options: NativeFakeHarnessOptions): ConformanceHarness {
  const backend = options.backend;
  if (backend !== 'legacy' && backend !== 'messages') {
    throw new InvalidNativeFakeOptionError('backend', "'legacy' or 'messages'", backend);
  }
  const connectTimeoutMs = checkMs('connectTimeoutMs', options.connectTimeoutMs ?? 1500);
  const sessionRequestRepostMs = checkMs('sessionRequestRepostMs', options.sessionRequestRepostMs ?? 500);
  const deliveryMs = checkMs('deliveryMs', options.deliveryMs ?? 100);
  const testTimeoutMs = checkMs('testTimeoutMs', options.testTimeoutMs ?? 20_000);

  async function setup({ peers: count }: ConformanceWorldOptions): Promise<ConformanceWorld> {
    if (!Number.isInteger(count) || count < 1)
      throw new InvalidNativeFakeOptionError('peers', 'a positive integer', count);
    const source = ensureNativeFake();
    const worldDir = mkdtempSync(join(tmpdir(), 'steamwire-native-world-'));
    const peersDir = join(worldDir, 'peers');
    mkdirSync(peersDir);
    const sessions: SteamSession[] = [];
    const paths: string[] = [];
    const teardown = async (): Promise<void> => {
      for (const session of sessions.splice(0)) session.shutdown();
      for (const path of paths.splice(0)) pool.release(path);
      rmSync(worldDir, { recursive: true, force: true });
    };
    try {
      for (let i = 0; i < count; i++) {
        const libraryPath = pool.acquire(source);
        paths.push(libraryPath);
        sessions.push(
          createNativeFakePeer({
            libraryPath,
            backend,
            steamId: allocateSteamId(),
            peersDir,
            connectTimeoutMs,
            sessionRequestRepostMs,
          }),
        );
      }
    } catch (err) {
      await teardown();
      throw err;
    }
    const peers: readonly P2PNetworking[] = sessions.map((s) => s.networking);
    // Reading the state of a session nobody has makes the fake poll its socket and run its timers
    // without consuming packets or emitting events (the suite calls runCallbacks itself).
    const pumpId = allocateSteamId();
    const pumpAll = (): void => {
      for (const peer of peers) peer.getP2PSessionState(pumpId);
    };
    return {
      peers,
      absentPeerId: allocateSteamId(),
      connectTimeoutMs,
      sessionRequestRepostMs,
      deliveryMs,
      async advance(ms: number): Promise<void> {
        const deadline = performance.now() + Math.max(0, ms);
        for (;;) {
          pumpAll();
          const left = deadline - performance.now();
          if (left <= 0) return;
          await sleep(Math.min(1, left));
        }
      },
      teardown,
    };
  }

  return {
    name: `koffi binding over native fake (${backend})`,
    setup,
    testTimeoutMs,
    unsupported: UNSUPPORTED[backend],
  };
}
