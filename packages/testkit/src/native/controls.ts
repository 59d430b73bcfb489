/**
 * Test controls of one native fake peer: the library's `steamwire_fake_*` debug exports, bound with
 * koffi from the same file the peer's session uses (dlopen hands back the same loaded copy, so the
 * controls act on that peer). koffi is loaded on first use only.
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import type { LobbyId, SteamAPICallFailure, SteamId } from '@steamwire/transport-steam';
import type * as KoffiModule from 'koffi';

/** What a test can make a native fake peer's Steam do. */
export interface NativeFakeControls {
  /** The next async call (create, join, list) completes as failed with this `ESteamAPICallFailure`. */
  failNextCall(failure: SteamAPICallFailure): void;
  /** While true, no call result is posted: Steam "never answers". */
  holdCallResults(hold: boolean): void;
  /** This peer, the lobby's owner, kicks (or bans) `userId` as a Steam admin would. @returns false when it cannot. */
  kick(lobbyId: LobbyId, userId: SteamId, ban: boolean): boolean;
  /** The user chooses "Join Game" on a friend in Steam's friends list (333 or 337). @returns false when nothing to join. */
  joinFriendGame(friendId: SteamId): boolean;
  /** Steam launches the running game again with `commandLine` (`newLaunchParameters`, then `getLaunchCommandLine`). */
  relaunch(commandLine: string): void;
  /** The lobby and friends struct layouts this build uses, as the library reports them (JSON). */
  lobbyLayout(): Record<string, number[] | number>;
  /** Lobby directory file I/O since the library was loaded: reads, writes, unparseable reads, failed writes. */
  lobbyCounters(): { reads: number; writes: number; corrupt: number; writeErrors: number };
}

let koffi: typeof KoffiModule | undefined;

/** The controls of the native fake loaded from `libraryPath` (a copy a live session uses). */
export function nativeFakeControls(libraryPath: string): NativeFakeControls {
  koffi ??= createRequire(import.meta.url)('koffi') as typeof KoffiModule;
  const lib = koffi.load(libraryPath);
  const fail = lib.func('void steamwire_fake_fail_next_call(int failure)');
  const hold = lib.func('void steamwire_fake_hold_call_results(bool hold)');
  const kick = lib.func('bool steamwire_fake_lobby_kick(uint64_t lobby, uint64_t user, bool ban)');
  const join = lib.func('bool steamwire_fake_join_friend_game(uint64_t friendId)');
  const relaunch = lib.func('void steamwire_fake_relaunch(const char *commandLine)');
  const layout = lib.func('const char *steamwire_fake_lobby_layout()');
  const counters = lib.func('const char *steamwire_fake_lobby_counters()');
  return {
    failNextCall: (failure) => fail(failure),
    holdCallResults: (value) => hold(value),
    kick: (lobbyId, userId, ban) => kick(lobbyId, userId, ban) as boolean,
    joinFriendGame: (friendId) => join(friendId) as boolean,
    relaunch: (commandLine) => relaunch(commandLine),
    lobbyLayout: () => JSON.parse(layout() as string),
    lobbyCounters: () => JSON.parse(counters() as string),
  };
}
