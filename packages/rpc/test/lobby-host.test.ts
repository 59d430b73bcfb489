// Hosting through a lobby: exactly the lobby's members get in, and whoever leaves the lobby (left,
// disconnected, kicked, banned) is dropped from the rpc host. In-memory fake, virtual clock.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { ChatRoomEnterResponse, LobbyType, type SteamId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import {
  ConnectTimeoutError,
  connectToHost,
  createHost,
  DEFAULT_LEAVE_GRACE_MS,
  LEFT_LOBBY_KICK_CODE,
  LOBBY_FINGERPRINT_KEY,
  LOBBY_PROTOCOL_KEY,
  openLobby,
} from '../src/index.js';
import { collector, protocol } from './helpers.js';
import { drive, driveError, join, lobbyWorld } from './lobby-helpers.js';

describe('hostLobby', () => {
  it('a host and 3 clients meet through a lobby: all connect to the owner and talk', async () => {
    const world = await lobbyWorld(3);
    const { net, hostPeer, hosted, lobbyId } = world;
    const entered = collector<SteamId>();
    hosted.lobby.events.on('memberEntered', entered.push);
    const chats = collector<string>();
    hosted.host.on('chat', (m) => chats.push(m.text));

    const clients = [];
    for (const peer of world.friends) clients.push(await join(world, peer));

    expect(hosted.host.peerIds.sort()).toEqual(world.friends.map((f) => f.localSteamId).sort());
    for (const c of clients) {
      expect(c.lobbyId).toBe(lobbyId);
      expect(c.owner).toBe(hostPeer.localSteamId);
      expect(c.client.state).toBe('connected');
      expect(c.members).toHaveLength(4);
      c.client.send('chat', { text: 'hi from a member' });
    }
    await net.advance(200);
    expect(chats.items).toEqual(['hi from a member', 'hi from a member', 'hi from a member']);
    expect(entered.items.sort()).toEqual(world.friends.map((f) => f.localSteamId).sort());
    expect(hosted.lobby.members).toHaveLength(4);
    expect(hosted.lobby.memberLimit).toBe(8);
    // The lobby advertises the protocol and the game's own data.
    const reader = world.friends[0]!.lobbies;
    expect(reader.getLobbyData(lobbyId, LOBBY_FINGERPRINT_KEY)).toBe(protocol.fingerprint);
    expect(JSON.parse(reader.getLobbyData(lobbyId, LOBBY_PROTOCOL_KEY))).toHaveLength(
      protocol.entries.length,
    );
    expect(reader.getLobbyData(lobbyId, 'mode')).toBe('deathmatch');
    // The rpc host holds as many peers as the lobby has seats unless told otherwise.
    expect(hosted.host.debugState().connected).toBe(3);
    hosted.close();
    net.dispose();
  });

  it('a stranger who is not in the lobby is refused, with no answer at all', async () => {
    const world = await lobbyWorld(1);
    const { net, hostPeer, hosted } = world;
    await join(world, world.friends[0]!);
    const stranger = net.createPeer();
    const refused = collector<[SteamId, string]>();
    hosted.host.events.on('peerRefused', (peer, reason) => refused.push([peer, reason]));
    const error = await driveError(
      net,
      connectToHost({
        network: stranger,
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        timeoutMs: 2000,
      }),
    );
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect(refused.items[0]).toEqual([stranger.localSteamId, 'notAccepted']);
    expect(hosted.host.peerIds).toEqual([world.friends[0]!.localSteamId]);
    net.dispose();
  });

  it("the game's own acceptPeer must agree too: a banned member is refused", async () => {
    const net = new FakeSteamNetwork({ seed: 2 });
    const banned = new Set<SteamId>();
    const world = await lobbyWorld(2, { acceptPeer: (peer) => !banned.has(peer) }, net);
    banned.add(world.friends[1]!.localSteamId);
    await join(world, world.friends[0]!);
    const error = await driveError(net, join(world, world.friends[1]!, { timeoutMs: 1500 }));
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    // The refused joiner leaves the lobby again rather than sit in it.
    expect(world.hosted.lobby.members).not.toContain(world.friends[1]!.localSteamId);
    net.dispose();
  });

  describe.each([
    [
      'left',
      (w: Awaited<ReturnType<typeof lobbyWorld>>, id: SteamId) =>
        w.friends.find((f) => f.localSteamId === id)!.lobbies.leaveLobby(w.lobbyId),
    ],
    ['disconnected', (w: Awaited<ReturnType<typeof lobbyWorld>>, id: SteamId) => w.net.removePeer(id)],
    [
      'kicked',
      (w: Awaited<ReturnType<typeof lobbyWorld>>, id: SteamId) => w.net.lobbyService.kick(w.lobbyId, id),
    ],
    [
      'banned',
      (w: Awaited<ReturnType<typeof lobbyWorld>>, id: SteamId) =>
        w.net.lobbyService.kick(w.lobbyId, id, { ban: true }),
    ],
  ] as const)('a member who is %s from the lobby', (change, remove) => {
    it('is dropped from the rpc host; the other members play on', async () => {
      const world = await lobbyWorld(2);
      const { net, hosted } = world;
      const [stays, goes] = [await join(world, world.friends[0]!), await join(world, world.friends[1]!)];
      const left = collector<[SteamId, string, string]>();
      hosted.host.events.on('peerLeft', (peer, reason, detail) => left.push([peer, reason, detail]));
      const memberLeft = collector<[SteamId, string]>();
      hosted.lobby.events.on('memberLeft', (peer, how) => memberLeft.push([peer, how]));
      const removed = collector<SteamId>();
      goes.events.on('removedFromLobby', removed.push);
      const goesId = world.friends[1]!.localSteamId;

      remove(world, goesId);
      await net.advance(200);
      expect(memberLeft.items).toEqual([[goesId, change]]);
      await net.advance(DEFAULT_LEAVE_GRACE_MS);
      // Steam tells the one it removed (LobbyKicked), whose client then says goodbye; the others
      // (a plain leave of the lobby, a crash) are dropped once the grace for a goodbye is over.
      const removedBySteam = change === 'kicked' || change === 'banned';
      expect(left.items).toEqual([
        removedBySteam ? [goesId, 'left', ''] : [goesId, 'kicked', LEFT_LOBBY_KICK_CODE],
      ]);
      expect(hosted.host.peerIds).toEqual([world.friends[0]!.localSteamId]);
      expect(stays.client.state).toBe('connected');
      if (change !== 'disconnected') expect(goes.client.state).toBe('disconnected');
      expect(removed.items).toHaveLength(removedBySteam ? 1 : 0);
      net.dispose();
    });
  });

  it('a player who quits says goodbye as it leaves the lobby: it left (no kick), and may come straight back', async () => {
    const world = await lobbyWorld(1);
    const { net, hosted } = world;
    const peer = world.friends[0]!;
    const player = await join(world, peer);
    const left = collector<string>();
    hosted.host.events.on('peerLeft', (_peer, reason) => left.push(reason));
    const refused = collector<string>();
    hosted.host.events.on('peerRefused', (_peer, reason) => refused.push(reason));
    player.leave();
    await net.advance(2000);
    expect(left.items).toEqual(['left']);
    // No kick, so no kick cooldown: it rejoins at once.
    const again = await join(world, peer);
    expect(again.client.state).toBe('connected');
    expect(refused.items).toEqual([]);
    net.dispose();
  });

  it('a member dropped for vanishing from the lobby (no goodbye) is not cooled down: it may rejoin at once', async () => {
    const world = await lobbyWorld(1);
    const { net, hosted } = world;
    const peer = world.friends[0]!;
    const player = await join(world, peer);
    const left = collector<string>();
    hosted.host.events.on('peerLeft', (_peer, reason, detail) => left.push(`${reason}:${detail}`));
    const refused = collector<string>();
    hosted.host.events.on('peerRefused', (_peer, reason) => refused.push(reason));
    // Out of the lobby without a word to the host (a crash of the game, a lost connection).
    peer.lobbies.leaveLobby(world.lobbyId);
    await net.advance(DEFAULT_LEAVE_GRACE_MS + 200);
    expect(left.items).toEqual([`kicked:${LEFT_LOBBY_KICK_CODE}`]);
    expect(player.client.state).toBe('disconnected');
    // Well within the 30 s kick cooldown, it comes back:
    const again = await join(world, peer);
    expect(again.client.state).toBe('connected');
    expect(refused.items).not.toContain('coolingDown');
    net.dispose();
  });

  it('a member back in the lobby within the grace keeps its seat; with no grace it is dropped at once', async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    const player = await join(world, peer);
    peer.lobbies.leaveLobby(world.lobbyId);
    await world.net.advance(100);
    const rejoin = peer.lobbies.joinLobby(world.lobbyId);
    await world.net.advance(DEFAULT_LEAVE_GRACE_MS);
    await rejoin;
    expect(player.client.state).toBe('connected');
    expect(world.hosted.host.peerIds).toEqual([peer.localSteamId]);
    world.net.dispose();

    const strict = await lobbyWorld(1, { leaveGraceMs: 0 });
    const other = await join(strict, strict.friends[0]!);
    strict.friends[0]!.lobbies.leaveLobby(strict.lobbyId);
    await strict.net.advance(100);
    expect(other.client.state).toBe('disconnected');
    strict.net.dispose();
  });

  it('a host built by hand with another acceptPeer still drops a peer that is not in the lobby once it joins', async () => {
    const net = new FakeSteamNetwork({ seed: 3 });
    const hostPeer = net.createPeer();
    const lobby = await drive(
      net,
      openLobby({
        lobbies: hostPeer.lobbies,
        protocol,
        lobbyType: LobbyType.Public,
        maxMembers: 4,
        clock: net.clock,
      }),
    );
    const host = createHost({ network: hostPeer, protocol, tickMs: 10, acceptPeer: () => true });
    lobby.attach(host);
    const outsider = net.createPeer();
    const left = collector<string>();
    host.events.on('peerLeft', (peer, reason, detail) => left.push(`${peer}:${reason}:${detail}`));
    const client = await drive(
      net,
      connectToHost({ network: outsider, protocol, host: hostPeer.localSteamId, tickMs: 10 }),
    );
    await net.advance(100);
    expect(left.items).toEqual([`${outsider.localSteamId}:kicked:${LEFT_LOBBY_KICK_CODE}`]);
    expect(client.state).toBe('disconnected');
    expect(() => lobby.attach(host)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Closing the lobby closes the host it was given.
    lobby.close();
    expect(host.debugState().closed).toBe(true);
    expect(net.lobbyService.lobbyIds).toEqual([]);
    net.dispose();
  });

  it("a full lobby refuses the next joiner with Steam's Full, before any connection", async () => {
    const world = await lobbyWorld(2, { maxMembers: 2 });
    await join(world, world.friends[0]!);
    const error = await driveError(world.net, join(world, world.friends[1]!));
    expect(error).toMatchObject({ code: 'LOBBY_JOIN_FAILED', response: ChatRoomEnterResponse.Full });
    expect(world.hosted.host.peerIds).toEqual([world.friends[0]!.localSteamId]);
    world.net.dispose();
  });

  it('the game changes its lobby data; its own keys only', async () => {
    const world = await lobbyWorld(1);
    const member = await join(world, world.friends[0]!);
    expect(world.hosted.lobby.setData('map', 'dunes')).toBe(true);
    expect(world.friends[0]!.lobbies.getLobbyData(member.lobbyId, 'map')).toBe('dunes');
    expect(() => world.hosted.lobby.setData(LOBBY_FINGERPRINT_KEY, 'forged')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'data' }),
    );
    expect(() => world.hosted.lobby.setData('map', 'x'.repeat(8193))).toThrow(
      expect.objectContaining({ argument: 'data' }),
    );
    world.hosted.close();
    expect(world.hosted.lobby.setData('map', 'gone')).toBe(false);
    world.net.dispose();
  });

  it('Steam removing the host from its own lobby closes the host and says so', async () => {
    const world = await lobbyWorld(1);
    const member = await join(world, world.friends[0]!);
    const lost = collector<SteamId>();
    world.hosted.lobby.events.on('lobbyLost', lost.push);
    const admin = world.friends[0]!.localSteamId;
    world.net.lobbyService.kick(world.lobbyId, world.hostPeer.localSteamId, { by: admin });
    await world.net.advance(DEFAULT_LEAVE_GRACE_MS);
    expect(lost.items).toEqual([admin]);
    expect(world.hosted.lobby.isClosed).toBe(true);
    expect(world.hosted.host.debugState().closed).toBe(true);
    expect(member.client.state).toBe('disconnected');
    world.net.dispose();
  });

  it('close() says goodbye to every peer and leaves the lobby; calling it twice is harmless', async () => {
    const world = await lobbyWorld(2);
    const clients = [await join(world, world.friends[0]!), await join(world, world.friends[1]!)];
    const reasons = collector<string>();
    for (const c of clients) c.client.events.on('disconnected', (reason) => reasons.push(reason));
    world.hosted.close();
    world.hosted.close();
    await world.net.advance(200);
    expect(reasons.items).toEqual(['hostClosed', 'hostClosed']);
    expect(world.friends[0]!.lobbies.getLobbyMembers(world.lobbyId)).not.toContain(
      world.hostPeer.localSteamId,
    );
    world.net.dispose();
  });
});
