// The README's "Hosting and joining through a lobby" code, verbatim (its imports point at the sources
// here), so the typecheck compiles it; then it runs: a host and a friend who accepts its invite.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { type Friends, type Lobbies, LobbyType, type P2PNetworking } from '@steamwire/transport-steam';
import { expect, it } from 'vitest';
import {
  defineProtocol,
  hostLobby,
  joinLobby,
  type LobbyJoinRequest,
  launchLobbyRequest,
  message,
  onLobbyJoinRequest,
  typed,
} from '../src/index.js';

const protocol = defineProtocol({
  input: message(typed<{ dx: number; dy: number }>(), {
    from: 'client',
    channel: 1,
    send: 'unreliableNoDelay',
  }),
  chat: message(typed<{ text: string }>(), { from: 'any', channel: 0, send: 'reliable' }),
});

/** Steam as `initSteam` gives it (session.networking, .lobbies, .friends), or a fake peer's. */
export interface Steam {
  networking: P2PNetworking;
  lobbies: Lobbies;
  friends: Friends;
}

/** The host: a friends-only lobby that advertises the protocol, and the overlay's invite dialog. */
export async function host(steam: Steam) {
  const hosted = await hostLobby({
    network: steam.networking,
    lobbies: steam.lobbies,
    friends: steam.friends,
    protocol,
    lobbyType: LobbyType.FriendsOnly, // friends and invitees only, never listed
    maxMembers: 8, // the host included
    data: { name: "Ada's game" },
    inviteDialog: true,
    tickMs: 16,
  });
  hosted.host.on('chat', (msg, peer) => hosted.host.broadcast('chat', msg, { except: peer }));
  hosted.lobby.events.on('memberLeft', (member, how) =>
    console.log(`${member} ${how}; dropped from the game`),
  );
  return hosted; // hosted.close() says goodbye to everyone and leaves the lobby
}

/** The lobby the player picked in Steam: launched with +connect_lobby, or an invite accepted later. */
export function lobbyToJoin(steam: Steam): Promise<LobbyJoinRequest> {
  const launched = launchLobbyRequest(steam.friends);
  if (launched !== null) return Promise.resolve(launched);
  return new Promise((resolve) => {
    // Arrives from the game loop's Steam pump (steam.networking.runCallbacks() every frame).
    const stop = onLobbyJoinRequest(steam.friends, (request) => {
      stop();
      resolve(request);
    });
  });
}

/** A friend: join the lobby, check its fingerprint, connect to its owner. */
export async function join(steam: Steam) {
  const { lobbyId } = await lobbyToJoin(steam);
  const joined = await joinLobby({
    network: steam.networking,
    lobbies: steam.lobbies,
    protocol,
    lobbyId,
    tickMs: 16,
  });
  joined.events.on('hostLeft', ({ newOwner }) =>
    console.log(`The host left; Steam made ${newOwner} the owner.`),
  );
  joined.client.send('chat', { text: 'hello' });
  return joined; // joined.leave() says goodbye and leaves the lobby
}

it('the README lobby example runs: the friend accepts the invite, joins, talks; the host leaving is announced', async () => {
  const net = new FakeSteamNetwork({ seed: 1, realTime: true, conditions: { latencyMs: 1 } });
  const hostPeer = net.createPeer();
  const friendPeer = net.createPeer();
  net.setFriends(hostPeer.localSteamId, friendPeer.localSteamId);
  const steam = (peer: typeof hostPeer): Steam => ({
    networking: peer,
    lobbies: peer.lobbies,
    friends: peer.friends,
  });
  // The friend's game loop, pumping Steam's callbacks every frame.
  const loop = setInterval(() => friendPeer.runCallbacks(), 16);
  try {
    const joining = join(steam(friendPeer));
    const hosted = await host(steam(hostPeer));
    const heard: string[] = [];
    hosted.host.on('chat', (msg) => heard.push(msg.text));
    const joined = await joining;
    expect(joined.owner).toBe(hostPeer.localSteamId);
    await net.runUntil(() => heard.length > 0, { timeoutMs: 5000 });
    expect(heard).toEqual(['hello']);
    const left = new Promise((resolve) => joined.events.on('hostLeft', resolve));
    hosted.close();
    expect(await left).toMatchObject({
      previousOwner: hostPeer.localSteamId,
      newOwner: friendPeer.localSteamId,
    });
    joined.leave();
  } finally {
    clearInterval(loop);
    net.dispose();
  }
});

it('the README block is the code above, verbatim', async () => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const self = await readFile(new URL(import.meta.url), 'utf8');
  const block = /## Hosting and joining through a lobby[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  // Everything after the imports (which point at the package name in the README).
  const body = block.slice(block.indexOf('const protocol')).trim();
  expect(self).toContain(body);
});
