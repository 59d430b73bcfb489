/**
 * What the lobby conformance suite needs from an implementation of `Lobbies` and `Friends`: a world
 * of peers sharing one Steam backend, a way to let time pass, and the test controls Steam's backend
 * has (kicks, "Join Game" clicks, failed or withheld call results, a peer's Steam going away). The
 * in-memory fake ({@link fakeLobbyHarness}) and the binding over the native fake each provide one.
 * @packageDocumentation
 */
import type { Friends, Lobbies, LobbyId, SteamAPICallFailure, SteamId } from '@steamwire/transport-steam';
import { FakeSteamNetwork, type FakeSteamNetworkOptions } from '../network.js';

/** Options for one fresh lobby world. */
export interface LobbyWorldOptions {
  /** How many peers. */
  readonly peers: number;
  /** Pairs of peer indexes that are Steam friends (both ways). */
  readonly friendships?: readonly (readonly [number, number])[];
  /** Persona names by peer index. */
  readonly personaNames?: Readonly<Record<number, string>>;
  /** Launch command lines by peer index (what `getLaunchCommandLine` returns). */
  readonly launchCommandLines?: Readonly<Record<number, string>>;
}

/** One peer of a lobby world. */
export interface LobbyWorldPeer {
  readonly steamId: SteamId;
  readonly lobbies: Lobbies;
  readonly friends: Friends;
}

/** A world of peers sharing one (fake) Steam backend. */
export interface LobbyWorld {
  readonly peers: readonly LobbyWorldPeer[];
  /** Lets `ms` of (virtual or real) time pass; never runs callbacks (the suite does, as a game would). */
  advance(ms: number): Promise<void>;
  /** Upper bound on how long the backend takes to deliver a callback or call result, ms. */
  readonly latencyMs: number;
  /** Peer `by`, the owner, kicks (or bans) `userId` from `lobbyId`. */
  kick(by: number, lobbyId: LobbyId, userId: SteamId, ban: boolean): boolean;
  /** Peer `peer` chooses "Join Game" on `friendId` in Steam's friends list. */
  joinFriendGame(peer: number, friendId: SteamId): boolean;
  /** The next async call of peer `peer` fails with Steam's `failure`. */
  failNextCall(peer: number, failure: SteamAPICallFailure): void;
  /** While `hold`, no call result reaches peer `peer`. */
  holdCallResults(peer: number, hold: boolean): void;
  /** Steam launches peer `peer`'s running game again with `commandLine`. */
  relaunch(peer: number, commandLine: string): void;
  /** Peer `peer`'s Steam goes away (the binding's `shutdown()`, the fake's `removePeer`). */
  shutdown(peer: number): void;
  /** Releases everything. */
  teardown(): Promise<void>;
}

/** One implementation of the lobby and friends APIs, as the lobby conformance suite sees it. */
export interface LobbyConformanceHarness {
  /** Shown in test names. */
  readonly name: string;
  /** Creates a fresh, isolated world. Called once per test. */
  setup(options: LobbyWorldOptions): Promise<LobbyWorld>;
  /** Longest time one test may take, in real milliseconds. Default 5000. */
  readonly testTimeoutMs?: number;
}

/** Options of {@link fakeLobbyHarness}: those of the network (except the clock), plus a name. */
export interface FakeLobbyHarnessOptions extends Omit<FakeSteamNetworkOptions, 'clock'> {
  /** Shown in test names. Default `'FakeSteamNetwork lobbies'`. */
  readonly name?: string;
}

/** A {@link LobbyConformanceHarness} over a fresh in-memory {@link FakeSteamNetwork} per test. */
export function fakeLobbyHarness(options: FakeLobbyHarnessOptions = {}): LobbyConformanceHarness {
  const { name = 'FakeSteamNetwork lobbies', ...networkOptions } = options;
  return {
    name,
    async setup(world): Promise<LobbyWorld> {
      const net = new FakeSteamNetwork(networkOptions);
      const peers = Array.from({ length: world.peers }, () => net.createPeer());
      const id = (i: number) => peers[i]!.localSteamId;
      for (const [a, b] of world.friendships ?? []) net.setFriends(id(a), id(b));
      for (const [i, name] of Object.entries(world.personaNames ?? {}))
        net.lobbyService.setPersonaName(id(+i), name);
      for (const [i, line] of Object.entries(world.launchCommandLines ?? {})) {
        net.lobbyService.setLaunchCommandLine(id(+i), line);
      }
      const service = net.lobbyService;
      return {
        peers: peers.map((p) => ({ steamId: p.localSteamId, lobbies: p.lobbies, friends: p.friends })),
        advance: (ms) => net.advance(ms),
        latencyMs: service.latencyMs,
        kick: (by, lobbyId, userId, ban) => service.kick(lobbyId, userId, { ban, by: id(by) }),
        joinFriendGame: (peer, friendId) => service.joinFriendGame(id(peer), friendId),
        failNextCall: (peer, failure) => service.failNextCall(id(peer), failure),
        holdCallResults: (peer, hold) => service.holdCallResults(id(peer), hold),
        relaunch: (peer, line) => service.relaunch(id(peer), line),
        shutdown: (peer) => net.removePeer(id(peer)),
        async teardown() {
          net.dispose();
        },
      };
    },
  };
}
