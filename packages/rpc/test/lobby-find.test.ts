// Finding a lobby from a list: only lobbies of this game's protocol are listed, with the game's own
// data; joining one from the list checks the fingerprint without even joining when it differs.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { LobbyDistanceFilter, LobbyType } from '@steamwire/transport-steam';
import { describe, expect, it, vi } from 'vitest';
import { defineProtocol, findLobbies, hostLobby, joinLobby, message, typed } from '../src/index.js';
import { protocol } from './helpers.js';
import { drive, driveError } from './lobby-helpers.js';

const otherGame = defineProtocol({
  move: message(typed<number>(), { from: 'client', channel: 0, send: 'reliable' }),
});

describe('findLobbies', () => {
  it('lists the public lobbies of this protocol with their data; other games, friends-only and plain lobbies are not listed', async () => {
    const net = new FakeSteamNetwork({ seed: 20 });
    const [a, b, c, d, seeker] = [
      net.createPeer(),
      net.createPeer(),
      net.createPeer(),
      net.createPeer(),
      net.createPeer(),
    ];
    const host = (
      peer: typeof a,
      lobbyType: LobbyType,
      p: typeof protocol | typeof otherGame,
      name: string,
    ) =>
      drive(
        net,
        hostLobby({
          network: peer,
          lobbies: peer.lobbies,
          protocol: p as typeof protocol,
          lobbyType,
          maxMembers: 6,
          data: { name },
          tickMs: 10,
        }),
      );
    const ours = await host(a, LobbyType.Public, protocol, 'Ada’s arena');
    await host(b, LobbyType.Public, otherGame, 'another game');
    await host(c, LobbyType.FriendsOnly, protocol, 'friends only');
    // A lobby that is not a Steamwire game at all.
    const timer = net.clock.setInterval(() => d.runCallbacks(), 10);
    await drive(net, d.lobbies.createLobby(LobbyType.Public, 4));
    net.clock.clearInterval(timer);

    const found = await drive(
      net,
      findLobbies({
        lobbies: seeker.lobbies,
        protocol,
        clock: net.clock,
        filters: { distance: LobbyDistanceFilter.Worldwide },
      }),
    );
    expect(found).toEqual([
      { lobbyId: ours.lobbyId, members: 1, memberLimit: 6, data: new Map([['name', 'Ada’s arena']]) },
    ]);

    // The game's own filters still apply.
    const none = await drive(
      net,
      findLobbies({
        lobbies: seeker.lobbies,
        protocol,
        clock: net.clock,
        filters: { stringFilters: [{ key: 'name', value: 'nope' }] },
      }),
    );
    expect(none).toEqual([]);
    net.dispose();
  });

  it('a listed lobby of another protocol is refused without joining it', async () => {
    const net = new FakeSteamNetwork({ seed: 21 });
    const [owner, seeker] = [net.createPeer(), net.createPeer()];
    const hosted = await drive(
      net,
      hostLobby({
        network: owner,
        lobbies: owner.lobbies,
        protocol,
        lobbyType: LobbyType.Public,
        maxMembers: 4,
      }),
    );
    // A search for the other game lists nothing, but any search makes the lobby's data readable.
    const timer = net.clock.setInterval(() => seeker.runCallbacks(), 10);
    await drive(net, seeker.lobbies.requestLobbyList());
    net.clock.clearInterval(timer);
    const joins = vi.spyOn(seeker.lobbies, 'joinLobby');
    const error = await driveError(
      net,
      joinLobby({
        network: seeker,
        lobbies: seeker.lobbies,
        protocol: otherGame as never,
        lobbyId: hosted.lobbyId,
      }),
    );
    expect(error).toMatchObject({ code: 'LOBBY_PROTOCOL_MISMATCH' });
    // It never even tried to join.
    expect(joins).not.toHaveBeenCalled();
    expect(hosted.lobby.members).toEqual([owner.localSteamId]);
    net.dispose();
  });
});
