/**
 * The lobby conformance harness for the real koffi binding over the native fake: every peer of a
 * world is a copy of the fake `.so` (independent globals) initialised through `initSteam`, all in this
 * process; the peers share one lobby directory file in the world's folder, and the test controls are
 * the library's debug exports.
 * @packageDocumentation
 */
import type { LobbyConformanceHarness, LobbyWorld, LobbyWorldOptions } from '../conformance/lobby-harness.js';
import { nativeFakeControls } from './controls.js';
import { InvalidNativeFakeOptionError } from './errors.js';
import { createNativeFakePeer } from './peer.js';
import { allocateSteamId, openNativeWorld } from './world.js';

/** Options of {@link nativeLobbyHarness}. */
export interface NativeLobbyHarnessOptions {
  /** Promised upper bound on the delivery of a lobby callback between two peers, ms (default 10). */
  latencyMs?: number;
  /** Per-test vitest timeout, ms (default 15000). */
  testTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A {@link LobbyConformanceHarness} running the real binding over the native fake, in this process. */
export function nativeLobbyHarness(options: NativeLobbyHarnessOptions = {}): LobbyConformanceHarness {
  const latencyMs = options.latencyMs ?? 10;
  if (!Number.isInteger(latencyMs) || latencyMs <= 0) {
    throw new InvalidNativeFakeOptionError('latencyMs', 'a positive integer', latencyMs);
  }

  async function setup(world: LobbyWorldOptions): Promise<LobbyWorld> {
    const ids = Array.from({ length: world.peers }, allocateSteamId);
    const friendsOf = (i: number) =>
      (world.friendships ?? []).flatMap(([a, b]) => (a === i ? [ids[b]!] : b === i ? [ids[a]!] : []));
    const opened = await openNativeWorld(
      { name: 'lobby', peers: world.peers, clock: false },
      ({ index, libraryPath, peersDir }) => {
        const personaName = world.personaNames?.[index];
        const launchCommandLine = world.launchCommandLines?.[index];
        return createNativeFakePeer({
          libraryPath,
          steamId: ids[index]!,
          peersDir,
          friends: friendsOf(index),
          ...(personaName !== undefined && { personaName }),
          ...(launchCommandLine !== undefined && { launchCommandLine }),
        });
      },
    );
    const { sessions, teardown } = opened;
    const controls = opened.libraryPaths.map((path) => nativeFakeControls(path));
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
