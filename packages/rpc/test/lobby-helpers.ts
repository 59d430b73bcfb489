// Shared setup for the lobby flow tests: a FakeSteamNetwork whose peers are all the host's friends, a
// lobby hosted through hostLobby, and a way to await a Promise that only settles as virtual time passes.
import { type FakePeer, FakeSteamNetwork } from '@steamwire/testkit';
import { type LobbyId, LobbyType } from '@steamwire/transport-steam';
import {
  type HostLobbyOptions,
  hostLobby,
  type JoinLobbyOptions,
  joinLobby,
  type LobbyClient,
  type LobbyHost,
} from '../src/index.js';
import { protocol, type TestProtocol } from './helpers.js';

/** Lets virtual time pass until `pending` settles, then returns its outcome (throws its error). */
export async function drive<T>(net: FakeSteamNetwork, pending: Promise<T>, timeoutMs = 60_000): Promise<T> {
  let done = false;
  pending.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await net.runUntil(() => done, { timeoutMs });
  return pending;
}

/** Like {@link drive}, for a Promise expected to reject: resolves with its error. */
export async function driveError(net: FakeSteamNetwork, pending: Promise<unknown>, timeoutMs = 60_000) {
  try {
    await drive(net, pending, timeoutMs);
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected a rejection, got a value');
}

export interface LobbyWorld {
  net: FakeSteamNetwork;
  hostPeer: FakePeer;
  hosted: LobbyHost<TestProtocol>;
  lobbyId: LobbyId;
  /** Peers that are the host's friends (not in the lobby until they join). */
  friends: FakePeer[];
}

/** A network, a host peer with `friendCount` friends, and a friends-only lobby hosted through `hostLobby`. */
export async function lobbyWorld(
  friendCount: number,
  options: Partial<HostLobbyOptions<TestProtocol>> = {},
  net = new FakeSteamNetwork({ seed: 1 }),
): Promise<LobbyWorld> {
  const hostPeer = net.createPeer();
  const friends = Array.from({ length: friendCount }, () => net.createPeer());
  for (const f of friends) net.setFriends(hostPeer.localSteamId, f.localSteamId);
  const hosted = await drive(
    net,
    hostLobby({
      network: hostPeer,
      lobbies: hostPeer.lobbies,
      friends: hostPeer.friends,
      protocol,
      lobbyType: LobbyType.FriendsOnly,
      maxMembers: 8,
      data: { mode: 'deathmatch' },
      tickMs: 10,
      ...options,
    }),
  );
  return { net, hostPeer, hosted, lobbyId: hosted.lobbyId, friends };
}

/** `peer` joins the world's lobby through `joinLobby` and connects to its host. */
export function join(
  world: LobbyWorld,
  peer: FakePeer,
  options: Partial<JoinLobbyOptions<TestProtocol>> = {},
): Promise<LobbyClient<TestProtocol>> {
  return drive(
    world.net,
    joinLobby({
      network: peer,
      lobbies: peer.lobbies,
      protocol,
      lobbyId: world.lobbyId,
      tickMs: 10,
      ...options,
    }),
  );
}
