/**
 * A world of native fake peers in this process, as every harness builds one: a temporary folder with
 * the peers' directory (and a world clock file when the harness moves time itself), one pooled copy of
 * the library per peer, and a teardown that shuts every session down and gives the copies back. Also
 * the SteamIDs the harnesses hand out.
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SteamId, SteamSession } from '@steamwire/transport-steam/steam';
import { InvalidNativeFakeOptionError } from './errors.js';
import { ensureNativeFake } from './library.js';
import { nativeLibraryPool } from './pool.js';
import { WorldClock } from './world-clock.js';

// Individual SteamIDs (universe 1, type 1, instance 1) from a random base, so concurrent test
// processes on the machine never share one; one counter for every harness of this process.
const ID_BASE = 0x0110000100000000n;
let nextAccount = 0x10000000 + Math.floor(Math.random() * 0x40000000);

/** A SteamID no other peer of this process has. */
export function allocateSteamId(): SteamId {
  nextAccount += 1;
  return ID_BASE | BigInt(nextAccount);
}

/** Where one peer of a world lives: what its `open` callback passes to `createNativeFakePeer`. */
export interface NativePeerPlace {
  readonly index: number;
  readonly libraryPath: string;
  readonly peersDir: string;
  /** The world clock's file; absent on worlds that run on real time. */
  readonly clockFile?: string;
}

/** An open world: its sessions in peer order, its clock (if any), and how to take it down. */
export interface NativeWorld {
  readonly sessions: readonly SteamSession[];
  readonly libraryPaths: readonly string[];
  readonly clock: WorldClock | null;
  teardown(): Promise<void>;
}

/**
 * Opens a world of `peers` peers, each started by `open`. Builds the fake library first if needed;
 * when a peer fails to start, what was opened is taken down before the error is thrown.
 */
export async function openNativeWorld(
  options: { readonly name: string; readonly peers: number; readonly clock: boolean },
  open: (place: NativePeerPlace) => SteamSession,
): Promise<NativeWorld> {
  const count = options.peers;
  if (!Number.isInteger(count) || count < 1)
    throw new InvalidNativeFakeOptionError('peers', 'a positive integer', count);
  const source = ensureNativeFake();
  const worldDir = mkdtempSync(join(tmpdir(), `steamwire-${options.name}-world-`));
  const peersDir = join(worldDir, 'peers');
  mkdirSync(peersDir);
  const clock = options.clock ? new WorldClock(join(worldDir, 'clock')) : null;
  const sessions: SteamSession[] = [];
  const libraryPaths: string[] = [];
  const teardown = async (): Promise<void> => {
    for (const session of sessions.splice(0)) session.shutdown();
    for (const path of libraryPaths.splice(0)) nativeLibraryPool.release(path);
    clock?.close();
    rmSync(worldDir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < count; index++) {
      const libraryPath = nativeLibraryPool.acquire(source);
      libraryPaths.push(libraryPath);
      sessions.push(open({ index, libraryPath, peersDir, ...(clock && { clockFile: clock.path }) }));
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  return { sessions, libraryPaths, clock, teardown };
}
