// The in-memory lobby backend's own surface (what the conformance suite does not reach): its
// latency on the virtual clock, its options and test controls, and what removing a peer does.
import { LobbyType, steamIdFromAccountId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { FakeSteamNetwork } from '../../src/index.js';

describe('the in-memory lobby service', () => {
  it('delivers call results and events exactly after the backend latency, from runCallbacks only', async () => {
    const net = new FakeSteamNetwork({ lobbyLatencyMs: 50 });
    const a = net.createPeer();
    const entered: bigint[] = [];
    a.lobbies.on('lobbyEnter', (e) => entered.push(e.lobbyId));
    let lobby: bigint | undefined;
    void a.lobbies.createLobby(LobbyType.Public, 4).then((id) => {
      lobby = id;
    });
    await net.advance(49);
    a.runCallbacks();
    await net.advance(0);
    expect(lobby).toBeUndefined();
    await net.advance(1);
    expect(entered).toEqual([]);
    a.runCallbacks();
    await net.advance(0);
    expect(lobby).toBe(net.lobbyService.lobbyIds[0]);
    expect(entered).toEqual([lobby]);
    net.dispose();
  });

  it('peer.lobbies.runCallbacks and peer.friends.runCallbacks are the peer pump', async () => {
    const net = new FakeSteamNetwork({ lobbyLatencyMs: 0 });
    const [a, b] = [net.createPeer(), net.createPeer()];
    net.setFriends(a.localSteamId, b.localSteamId);
    const lobby = a.lobbies.createLobby(LobbyType.FriendsOnly, 2);
    a.friends.runCallbacks();
    const id = await lobby;
    a.friends.activateGameOverlayInviteDialog(id);
    const asked: bigint[] = [];
    b.friends.on('gameLobbyJoinRequested', (r) => asked.push(r.lobbyId));
    b.lobbies.runCallbacks();
    expect(asked).toEqual([id]);
    net.dispose();
  });

  it('checks its options and controls: latency, unknown peers', () => {
    expect(() => new FakeSteamNetwork({ lobbyLatencyMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const net = new FakeSteamNetwork();
    const stranger = steamIdFromAccountId(42);
    expect(() => net.lobbyService.setPersonaName(stranger, 'x')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PEER' }),
    );
    expect(() => net.lobbyService.setLaunchCommandLine(stranger, '')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PEER' }),
    );
    expect(() => net.lobbyService.failNextCall(stranger, 1)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PEER' }),
    );
    const a = net.createPeer();
    expect(a.friends.getPersonaName()).toBe('Fake 100001');
    net.lobbyService.setPersonaName(a.localSteamId, 'Ada');
    expect(a.friends.getPersonaName()).toBe('Ada');
    expect(net.lobbyService.areFriends(a.localSteamId, a.localSteamId)).toBe(false);
    net.dispose();
    expect(() => net.setFriends(a.localSteamId, stranger)).toThrow(
      expect.objectContaining({ code: 'NETWORK_DISPOSED' }),
    );
  });

  it('a removed peer leaves its lobbies as disconnected, and its lobby calls throw NOT_INITIALIZED', async () => {
    const net = new FakeSteamNetwork({ lobbyLatencyMs: 0 });
    const [a, b] = [net.createPeer(), net.createPeer()];
    const created = a.lobbies.createLobby(LobbyType.Public, 4);
    a.runCallbacks();
    const lobby = await created;
    const joined = b.lobbies.joinLobby(lobby);
    b.runCallbacks();
    await joined;
    net.removePeer(a.localSteamId);
    const changes: string[] = [];
    b.lobbies.on('lobbyMemberChange', (c) => changes.push(c.change));
    b.runCallbacks();
    expect(changes).toEqual(['disconnected']);
    expect(b.lobbies.getLobbyOwner(lobby)).toBe(b.localSteamId);
    expect(() => a.lobbies.getLobbyMembers(lobby)).toThrow(
      expect.objectContaining({ code: 'NOT_INITIALIZED' }),
    );
    b.lobbies.leaveLobby(lobby);
    expect(net.lobbyService.lobbyIds).toEqual([]);
    net.dispose();
  });
});
