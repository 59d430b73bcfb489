/**
 * Lobbies end to end across processes: each peer is its own Node process running the real binding
 * over the native fake library; the processes share only the world's lobby directory file (and
 * loopback UDP), as two games on one machine share only Steam.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LobbyId, LobbyType, lobbyChatText } from '@steamwire/transport-steam';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureNativeFake } from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { LobbyProcess } from './lobby-process.js';

let libraryPath: string;
beforeAll(() => {
  libraryPath = ensureNativeFake();
});

describe('lobbies across two processes over the native fake', () => {
  let peersDir: string;
  const started: LobbyProcess[] = [];
  const start = async (options: Parameters<typeof LobbyProcess.start>[0]) => {
    const peer = await LobbyProcess.start(options);
    started.push(peer);
    return peer;
  };

  beforeEach(() => {
    peersDir = mkdtempSync(join(tmpdir(), 'steamwire-lobby-2p-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
    rmSync(peersDir, { recursive: true, force: true });
  });

  it('host and friend: create, invite, join, data, members, chat both ways, owner migration, the lobby going away', async () => {
    const [idA, idB] = [freshSteamId(), freshSteamId()];
    const [a, b] = await Promise.all([
      start({ libraryPath, peersDir, steamId: idA, friends: [idB], personaName: 'Host' }),
      start({ libraryPath, peersDir, steamId: idB, friends: [idA], personaName: 'Guest' }),
    ]);

    // A hosts: a friends-only lobby carrying the protocol fingerprint, and invites B.
    const lobby = await a.call<LobbyId>('createLobby', LobbyType.FriendsOnly, 4);
    expect(await a.call('setLobbyData', lobby, 'fingerprint', 'proto-v1:abcd')).toBe(true);
    expect(await a.call('invite', lobby, idB)).toBe(true);

    // B is asked to join (Steam's "accept invite"), joins by that id, and reads what A published.
    const request = await b.waitForEvent('gameLobbyJoinRequested');
    expect(request).toEqual({ lobbyId: lobby, friendId: idA });
    expect(b.eventsNamed('lobbyInvite')).toEqual([
      expect.objectContaining({ inviterId: idA, lobbyId: lobby }),
    ]);
    expect(await b.call('joinLobby', request.lobbyId)).toMatchObject({ lobbyId: lobby, response: 1 });
    expect(await b.waitForEvent('lobbyEnter')).toMatchObject({ lobbyId: lobby, response: 1 });
    expect(await b.call('getLobbyData', lobby, 'fingerprint')).toBe('proto-v1:abcd');
    expect(await b.call('members', lobby)).toEqual([idA, idB]);
    expect(await b.call('owner', lobby)).toBe(idA);
    expect(await b.call('friendName', idA)).toBe('Host');
    expect(await a.waitForEvent('lobbyMemberChange')).toEqual({
      lobbyId: lobby,
      userId: idB,
      changedBy: idB,
      stateChange: 1,
      change: 'entered',
    });
    expect(await a.call('members', lobby)).toEqual([idA, idB]);

    // Chat both ways: each side gets both messages, its own included.
    expect(await a.call('chat', lobby, 'hello from A')).toBe(true);
    expect(await b.call('chat', lobby, 'hi from B')).toBe(true);
    for (const peer of [a, b]) {
      await peer.waitForEvent('lobbyChatMessage', (m) => m.userId === idB);
      const texts = peer.eventsNamed('lobbyChatMessage').map((m) => [m.userId, lobbyChatText(m.data)]);
      expect(texts).toEqual([
        [idA, 'hello from A'],
        [idB, 'hi from B'],
      ]);
    }

    // A leaves: B is told, and B is now the owner.
    await a.call('leaveLobby', lobby);
    expect(await b.waitForEvent('lobbyMemberChange', (m) => m.userId === idA)).toMatchObject({
      change: 'left',
      stateChange: 2,
    });
    expect(await b.call('owner', lobby)).toBe(idB);
    expect(await b.call('members', lobby)).toEqual([idB]);

    // As owner B may make it public: now A finds it in a search.
    expect(await b.call('setLobbyType', lobby, LobbyType.Public)).toBe(true);
    expect(await a.call('requestLobbyList')).toEqual([lobby]);

    // B leaves, the last member: the lobby is gone from the list and from Steam.
    await b.call('leaveLobby', lobby);
    expect(await a.call('requestLobbyList')).toEqual([]);
    expect(await a.call('requestLobbyData', lobby)).toBe(true);
    expect(await a.waitForEvent('lobbyDataUpdate', (u) => u.lobbyId === lobby && !u.success)).toEqual({
      lobbyId: lobby,
      memberId: null,
      success: false,
    });
    await expect(a.call('joinLobby', lobby)).rejects.toMatchObject({ code: 'LOBBY_JOIN_FAILED' });
  });

  it('a game launched with +connect_lobby on its command line finds the lobby and joins it', async () => {
    const host = await start({ libraryPath, peersDir, steamId: freshSteamId() });
    const lobby = await host.call<LobbyId>('createLobby', LobbyType.Private, 2);
    const guest = await start({
      libraryPath,
      peersDir,
      steamId: freshSteamId(),
      argv: ['+connect_lobby', String(lobby)],
    });
    expect(await guest.call('launchLobby')).toBe(lobby);
    expect(await guest.call('joinLobby', lobby)).toMatchObject({ lobbyId: lobby, locked: true, response: 1 });
    await host.waitForEvent('lobbyMemberChange', (m) => m.userId === guest.steamId && m.change === 'entered');
  });

  it('a process that shuts down while in a lobby is disconnected from it for the others', async () => {
    const [a, b] = await Promise.all([
      start({ libraryPath, peersDir, steamId: freshSteamId() }),
      start({ libraryPath, peersDir, steamId: freshSteamId() }),
    ]);
    const lobby = await a.call<LobbyId>('createLobby', LobbyType.Public, 4);
    await b.call('joinLobby', lobby);
    await a.waitForEvent('lobbyMemberChange', (m) => m.change === 'entered');
    expect(await a.call('shutdown')).toBe(true);
    expect(await b.waitForEvent('lobbyMemberChange', (m) => m.userId === a.steamId)).toMatchObject({
      change: 'disconnected',
      stateChange: 4,
    });
    expect(await b.call('owner', lobby)).toBe(b.steamId);
  });

  it('peers changing the directory at the same time never lose a change: concurrent creates get distinct lobbies', async () => {
    const peers = await Promise.all(
      [0, 1, 2].map(() => start({ libraryPath, peersDir, steamId: freshSteamId() })),
    );
    const created = await Promise.all(
      peers.flatMap((p) =>
        Array.from({ length: 10 }, () => p.call<LobbyId>('createLobby', LobbyType.Public, 8)),
      ),
    );
    expect(new Set(created).size).toBe(30);
    const listed = await peers[0]!.call<LobbyId[]>('requestLobbyList', { maxResults: 50 });
    expect(new Set(listed)).toEqual(new Set(created));
  });
});
