// Joining through a lobby: the fingerprint is checked before the host hears from us, the owner is the
// host, and the owner leaving gives a typed hostLeft with whom Steam made the owner. In-memory fake,
// virtual clock.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { LobbyType, type SteamId } from '@steamwire/transport-steam';
import { describe, expect, it, vi } from 'vitest';
import {
  defineProtocol,
  type HostLeft,
  joinLobby,
  LOBBY_DATA_WAIT_MS,
  LOBBY_FINGERPRINT_KEY,
  LOBBY_PROTOCOL_KEY,
  LobbyHostGoneError,
  LobbyProtocolMismatchError,
  launchLobbyRequest,
  message,
  NotAGameLobbyError,
  onLobbyJoinRequest,
  typed,
} from '../src/index.js';
import { collector, protocol } from './helpers.js';
import { drive, driveError, join, lobbyWorld } from './lobby-helpers.js';

/** The test protocol with `input` moved to another channel and one message more. */
const otherProtocol = defineProtocol({
  ...protocol.definitions,
  input: message(typed<{ seq: number }>(), { from: 'client', channel: 7, send: 'unreliableNoDelay' }),
  emote: message(typed<{ id: number }>(), { from: 'client', channel: 0, send: 'reliable' }),
});

describe('joinLobby: the fingerprint, before connecting', () => {
  it('another protocol is refused before any packet goes to the host, naming both fingerprints and the entries that differ', async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    const sends = vi.spyOn(peer, 'sendP2PPacket');
    const error = await driveError(world.net, join(world, peer, { protocol: otherProtocol as never }));
    expect(error).toBeInstanceOf(LobbyProtocolMismatchError);
    const mismatch = error as LobbyProtocolMismatchError;
    expect(mismatch).toMatchObject({
      code: 'LOBBY_PROTOCOL_MISMATCH',
      lobbyId: world.lobbyId,
      localFingerprint: otherProtocol.fingerprint,
      lobbyFingerprint: protocol.fingerprint,
    });
    expect(mismatch.differences).toEqual([
      { name: 'emote', change: 'onlyHere', host: null, here: 'message channel 0 reliable from client' },
      {
        name: 'input',
        change: 'differs',
        host: 'message channel 1 unreliableNoDelay from client',
        here: 'message channel 7 unreliableNoDelay from client',
      },
    ]);
    expect(mismatch.message).toContain(protocol.fingerprint);
    expect(mismatch.message).toContain(otherProtocol.fingerprint);
    expect(mismatch.message).toContain("'input' (host: message channel 1");
    expect(sends).not.toHaveBeenCalled();
    // It left the lobby again, and the host never saw it.
    expect(world.hosted.lobby.members).toEqual([world.hostPeer.localSteamId]);
    expect(world.hosted.host.debugState().peers).toBe(0);
    world.net.dispose();
  });

  it('a lobby whose entry list does not fit one value still names both fingerprints', async () => {
    const big = defineProtocol(
      Object.fromEntries(
        Array.from({ length: 120 }, (_, i) => [
          `a-rather-long-message-name-so-that-the-entry-list-outgrows-one-lobby-value-${i}`,
          message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
        ]),
      ),
    );
    const world = await lobbyWorld(1, { protocol: big as never });
    expect(world.friends[0]!.lobbies.getLobbyData(world.lobbyId, LOBBY_PROTOCOL_KEY)).toBe('');
    const error = await driveError(world.net, join(world, world.friends[0]!));
    expect(error).toMatchObject({ code: 'LOBBY_PROTOCOL_MISMATCH', differences: null });
    world.net.dispose();
  });

  it('a lobby without a fingerprint is not a game: refused after a short wait for late data, and left', async () => {
    const net = new FakeSteamNetwork({ seed: 4 });
    const owner = net.createPeer();
    const peer = net.createPeer();
    const lobbyId = await drive(net, pumped(net, owner, owner.lobbies.createLobby(LobbyType.Public, 4)));
    const started = net.clock.now();
    const error = await driveError(
      net,
      joinLobby({ network: peer, lobbies: peer.lobbies, protocol, lobbyId, tickMs: 10 }),
    );
    expect(error).toBeInstanceOf(NotAGameLobbyError);
    expect(net.clock.now() - started).toBeGreaterThanOrEqual(LOBBY_DATA_WAIT_MS);
    expect(owner.lobbies.getLobbyMembers(lobbyId)).toEqual([owner.localSteamId]);
    net.dispose();
  });

  it('a fingerprint that arrives just after joining is waited for', async () => {
    const net = new FakeSteamNetwork({ seed: 5 });
    const owner = net.createPeer();
    const peer = net.createPeer();
    const lobbyId = await drive(net, pumped(net, owner, owner.lobbies.createLobby(LobbyType.Public, 4)));
    const joining = joinLobby({
      network: peer,
      lobbies: peer.lobbies,
      protocol,
      lobbyId,
      tickMs: 10,
      timeoutMs: 500,
    });
    net.clock.setTimeout(() => owner.lobbies.setLobbyData(lobbyId, LOBBY_FINGERPRINT_KEY, 'ffff'), 300);
    const error = await driveError(net, joining);
    // It waited for the data, then compared: this owner runs no rpc host, but the point is the mismatch.
    expect(error).toMatchObject({
      code: 'LOBBY_PROTOCOL_MISMATCH',
      lobbyFingerprint: 'ffff',
      differences: null,
    });
    net.dispose();
  });

  it('hostile lobby data cannot break the error: garbage entry lists and control characters', async () => {
    const world = await lobbyWorld(1);
    const { lobbies } = world.hostPeer;
    lobbies.setLobbyData(world.lobbyId, LOBBY_FINGERPRINT_KEY, '\u001b[2J\u009bevil');
    for (const list of ['not json', '{"a":1}', '[[1,2]]', JSON.stringify([['\u001b[31mx', 'y']])]) {
      lobbies.setLobbyData(world.lobbyId, LOBBY_PROTOCOL_KEY, list);
      await world.net.advance(50);
      const error = await driveError(world.net, join(world, world.friends[0]!));
      expect(error.code).toBe('LOBBY_PROTOCOL_MISMATCH');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking none got through.
      expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    world.net.dispose();
  });
});

describe('joinLobby: the host leaving', () => {
  const ways = {
    'closes its hosted lobby': (w: Awaited<ReturnType<typeof lobbyWorld>>) => w.hosted.close(),
    'only leaves the lobby (its rpc host still runs)': (w: Awaited<ReturnType<typeof lobbyWorld>>) =>
      w.hostPeer.lobbies.leaveLobby(w.lobbyId),
    crashes: (w: Awaited<ReturnType<typeof lobbyWorld>>) => w.net.removePeer(w.hostPeer.localSteamId),
  };
  it.each(Object.entries(ways))(
    'the host %s: each client gets hostLeft with the new owner, and disconnects cleanly',
    async (how, leave) => {
      const world = await lobbyWorld(2);
      const clients = [await join(world, world.friends[0]!), await join(world, world.friends[1]!)];
      const seen = collector<HostLeft>();
      for (const c of clients) c.events.on('hostLeft', seen.push);
      leave(world);
      await world.net.advance(300);
      // Steam picks the new owner; the fake picks the oldest member, the first client.
      const expected = {
        lobbyId: world.lobbyId,
        previousOwner: world.hostPeer.localSteamId,
        newOwner: world.friends[0]!.localSteamId,
        change: how === 'crashes' ? 'disconnected' : 'left',
      };
      expect(seen.items).toEqual([expected, expected]);
      for (const c of clients) expect(c.client.state).toBe('disconnected');
      // Still in the lobby: whether to migrate or leave is the game's call.
      expect(clients[1]!.members).toEqual([world.friends[0]!.localSteamId, world.friends[1]!.localSteamId]);
      world.net.dispose();
    },
  );

  it('the host hands the lobby over (SetLobbyOwner): hostLeft says ownerChanged', async () => {
    const world = await lobbyWorld(2);
    const client = await join(world, world.friends[1]!);
    await join(world, world.friends[0]!);
    const seen = collector<HostLeft>();
    client.events.on('hostLeft', seen.push);
    expect(world.hostPeer.lobbies.setLobbyOwner(world.lobbyId, world.friends[0]!.localSteamId)).toBe(true);
    await world.net.advance(300);
    expect(seen.items).toEqual([
      {
        lobbyId: world.lobbyId,
        previousOwner: world.hostPeer.localSteamId,
        newOwner: world.friends[0]!.localSteamId,
        change: 'ownerChanged',
      },
    ]);
    expect(client.client.state).toBe('disconnected');
    world.net.dispose();
  });

  it('the host leaves while we connect: LobbyHostGoneError, and we leave the lobby', async () => {
    const net = new FakeSteamNetwork({ seed: 6, conditions: { latencyMs: 200 } });
    const world = await lobbyWorld(1, {}, net);
    const peer = world.friends[0]!;
    const joining = joinLobby({
      network: peer,
      lobbies: peer.lobbies,
      protocol,
      lobbyId: world.lobbyId,
      tickMs: 10,
    });
    // Leave once the joiner is in the lobby, before the 200 ms link lets its hello arrive.
    await net.runUntil(() => world.hosted.lobby.members.includes(peer.localSteamId));
    await net.advance(30);
    world.hostPeer.lobbies.leaveLobby(world.lobbyId);
    const error = await driveError(net, joining);
    expect(error).toBeInstanceOf(LobbyHostGoneError);
    expect(error).toMatchObject({ lobbyId: world.lobbyId, owner: peer.localSteamId });
    expect(net.lobbyService.lobbyIds).toEqual([]);
    net.dispose();
  });

  it('leave() says goodbye to the host and leaves the lobby; the host sees it go', async () => {
    const world = await lobbyWorld(1);
    const client = await join(world, world.friends[0]!);
    const left = collector<string>();
    world.hosted.host.events.on('peerLeft', (_peer, reason) => left.push(reason));
    client.leave();
    client.leave();
    await world.net.advance(200);
    expect(left.items).toEqual(['left']);
    expect(world.hosted.lobby.members).toEqual([world.hostPeer.localSteamId]);
    expect(client.members).toEqual([]);
    world.net.dispose();
  });
});

describe('where the lobby id comes from', () => {
  it('an invite accepted in the overlay (gameLobbyJoinRequested) while the game runs', async () => {
    const world = await lobbyWorld(1, { inviteDialog: true });
    const { net } = world;
    const friend = world.friends[0]!;
    // The friend's game loop pumps Steam's callbacks every frame, as a game does.
    const loop = net.clock.setInterval(() => friend.runCallbacks(), 16);
    const requests = collector<{ lobbyId: bigint; source: string; friendId: SteamId | null }>();
    const stop = onLobbyJoinRequest(friend.friends, requests.push);
    await net.runUntil(() => requests.items.length > 0);
    stop();
    net.clock.clearInterval(loop);
    expect(requests.items).toEqual([
      { lobbyId: world.lobbyId, source: 'invite', friendId: world.hostPeer.localSteamId },
    ]);
    const client = await join(world, friend, { lobbyId: requests.items[0]!.lobbyId });
    expect(client.owner).toBe(world.hostPeer.localSteamId);
    net.dispose();
  });

  it('+connect_lobby on the command line Steam launched the game with', async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    expect(launchLobbyRequest(peer.friends)).toBeNull();
    world.net.lobbyService.setLaunchCommandLine(peer.localSteamId, `+connect_lobby ${world.lobbyId}`);
    const request = launchLobbyRequest(peer.friends);
    expect(request).toEqual({ lobbyId: world.lobbyId, source: 'launch', friendId: null });
    const client = await join(world, peer, { lobbyId: request!.lobbyId });
    expect(client.client.state).toBe('connected');
    world.net.dispose();
  });

  it('Steam launching the running game again with +connect_lobby (a relaunch)', async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    world.net.clock.setInterval(() => peer.runCallbacks(), 16);
    const requests = collector<unknown>();
    onLobbyJoinRequest(peer.friends, requests.push);
    world.net.lobbyService.relaunch(peer.localSteamId, `-windowed +connect_lobby ${world.lobbyId}`);
    await world.net.advance(100);
    expect(requests.items).toEqual([{ lobbyId: world.lobbyId, source: 'relaunch', friendId: null }]);
    // A relaunch without a lobby is not a join request.
    world.net.lobbyService.relaunch(peer.localSteamId, '-windowed');
    await world.net.advance(100);
    expect(requests.items).toHaveLength(1);
    world.net.dispose();
  });
});

/** Pumps `peer`'s callbacks on the virtual clock until `pending` settles (for raw seam calls in tests). */
function pumped<T>(net: FakeSteamNetwork, peer: { runCallbacks(): void }, pending: Promise<T>): Promise<T> {
  const timer = net.clock.setInterval(() => peer.runCallbacks(), 10);
  return pending.finally(() => net.clock.clearInterval(timer));
}
