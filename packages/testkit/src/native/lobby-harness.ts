/**
 * The lobby conformance harness for the real koffi binding over the native fake: every peer of a
 * world is a copy of the fake `.so` (independent globals) initialised through `initSteam`, all in this
 * process; the peers share one lobby directory file in the world's folder, and the test controls are
 * the library's debug exports.
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SteamId, SteamSession } from '@steamwire/transport-steam/steam';
import type { LobbyConformanceHarness, LobbyWorld, LobbyWorldOptions } from '../conformance/lobby-harness.js';
import { type NativeFakeControls, nativeFakeControls } from './controls.js';
import { InvalidNativeFakeOptionError } from './errors.js';
import { copyNativeFake, ensureNativeFake } from './library.js';
import { createNativeFakePeer } from './peer.js';

/** Options of {@link nativeLobbyHarness}. */
export interface NativeLobbyHarnessOptions {
  /** Promised upper bound on the delivery of a lobby callback between two peers, ms (default 10). */
  latencyMs?: number;
  /** Per-test vitest timeout, ms (default 15000). */
  testTimeoutMs?: number;
}

// Individual SteamIDs from a random base, so that concurrent test processes never share one.
let nextAccount = 0x30000000 + Math.floor(Math.random() * 0x40000000);
function allocateSteamId(): SteamId {
  nextAccount += 1;
  return 0x0110000100000000n | BigInt(nextAccount);
}

/** Library copies reused across worlds: a copy is free again once its session is shut down. */
const freeCopies: string[] = [];
let poolDir: string | null = null;
let copies = 0;
function acquireCopy(source: string): string {
  const hit = freeCopies.pop();
  if (hit !== undefined) return hit;
  if (poolDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'steamwire-lobby-pool-'));
    poolDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  copies += 1;
  return copyNativeFake(join(poolDir, `peer-${copies}`), source);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A {@link LobbyConformanceHarness} running the real binding over the native fake, in this process. */
export function nativeLobbyHarness(options: NativeLobbyHarnessOptions = {}): LobbyConformanceHarness {
  const latencyMs = options.latencyMs ?? 10;
  if (!Number.isInteger(latencyMs) || latencyMs <= 0) {
    throw new InvalidNativeFakeOptionError('latencyMs', 'a positive integer', latencyMs);
  }

  async function setup(world: LobbyWorldOptions): Promise<LobbyWorld> {
    const source = ensureNativeFake();
    const worldDir = mkdtempSync(join(tmpdir(), 'steamwire-lobby-world-'));
    const peersDir = join(worldDir, 'peers');
    mkdirSync(peersDir);
    const ids = Array.from({ length: world.peers }, allocateSteamId);
    const friendsOf = (i: number) =>
      (world.friendships ?? []).flatMap(([a, b]) => (a === i ? [ids[b]!] : b === i ? [ids[a]!] : []));
    const sessions: SteamSession[] = [];
    const controls: NativeFakeControls[] = [];
    const paths: string[] = [];
    const teardown = async (): Promise<void> => {
      for (const session of sessions.splice(0)) session.shutdown();
      freeCopies.push(...paths.splice(0));
      rmSync(worldDir, { recursive: true, force: true });
    };
    try {
      for (let i = 0; i < world.peers; i++) {
        const libraryPath = acquireCopy(source);
        paths.push(libraryPath);
        const personaName = world.personaNames?.[i];
        const launchCommandLine = world.launchCommandLines?.[i];
        sessions.push(
          createNativeFakePeer({
            libraryPath,
            steamId: ids[i]!,
            peersDir,
            friends: friendsOf(i),
            ...(personaName !== undefined && { personaName }),
            ...(launchCommandLine !== undefined && { launchCommandLine }),
          }),
        );
        controls.push(nativeFakeControls(libraryPath));
      }
    } catch (err) {
      await teardown();
      throw err;
    }
    return {
      peers: sessions.map((s) => ({ steamId: s.localSteamId, lobbies: s.lobbies, friends: s.friends })),
      advance: (ms) => sleep(ms),
      latencyMs,
      kick: (by, lobbyId, userId, ban) => controls[by]!.kick(lobbyId, userId, ban),
      joinFriendGame: (peer, friendId) => controls[peer]!.joinFriendGame(friendId),
      failNextCall: (peer, failure) => controls[peer]!.failNextCall(failure),
      holdCallResults: (peer, hold) => controls[peer]!.holdCallResults(hold),
      relaunch: (peer, line) => controls[peer]!.relaunch(line),
      shutdown: (peer) => sessions[peer]!.shutdown(),
      teardown,
    };
  }

  return { name: 'koffi binding over native fake', setup, testTimeoutMs: options.testTimeoutMs ?? 15_000 };
}
