/**
 * The membership behaviours of the lobby conformance suite (ISteamMatchmaking): create, join and its
 * refusals, leave and owner migration, the owner's settings, invites, kicks, bans and disconnects.
 * @packageDocumentation
 */
import { isLobbyId, type LobbyId, LobbyType, lobbyIdFromAccountId } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { create, expectThrows, join, type LobbyCheck, lobbies } from './lobby-check-kit.js';

export const LOBBY_CHECKS: Record<string, LobbyCheck> = {
  'create-and-enter': {
    title:
      'createLobby resolves with a lobby id; the creator is its owner and only member, and gets lobbyEnter',
    world: { peers: 1 },
    async run(s) {
      const a = lobbies(s, 0);
      const pending = a.createLobby(LobbyType.Public, 4);
      expect(s.eventsOf(0, 'lobbyEnter')).toEqual([]);
      const lobby = await s.settle(pending);
      expect(isLobbyId(lobby)).toBe(true);
      expect(await s.until(() => s.eventsOf(0, 'lobbyEnter').length > 0)).toBe(true);
      expect(s.eventsOf(0, 'lobbyEnter')).toEqual([{ lobbyId: lobby, locked: false, response: 1 }]);
      expect(
        await s.until(() => s.eventsOf(0, 'lobbyDataUpdate', (u) => u.lobbyId === lobby).length > 0),
      ).toBe(true);
      expect(s.eventsOf(0, 'lobbyDataUpdate', (u) => u.lobbyId === lobby)[0]).toEqual({
        lobbyId: lobby,
        memberId: null,
        success: true,
      });
      expect(a.getLobbyOwner(lobby)).toBe(s.id(0));
      expect(a.getLobbyMembers(lobby)).toEqual([s.id(0)]);
      expect(a.getNumLobbyMembers(lobby)).toBe(1);
      expect(a.getLobbyMemberByIndex(lobby, 0)).toBe(s.id(0));
      expect(a.getLobbyMemberByIndex(lobby, 1)).toBeNull();
      expect(a.getLobbyMemberLimit(lobby)).toBe(4);
      expect(a.getAllLobbyData(lobby)).toEqual(new Map());
      const hidden = await create(s, 0, LobbyType.Private, 2);
      expect(hidden).not.toBe(lobby);
      expect(await s.until(() => s.eventsOf(0, 'lobbyEnter', (e) => e.lobbyId === hidden).length > 0)).toBe(
        true,
      );
      expect(s.eventsOf(0, 'lobbyEnter', (e) => e.lobbyId === hidden)[0].locked).toBe(true);
    },
  },

  'create-checks': {
    title: "createLobby checks the type and Steam's 250-member limit before calling Steam",
    world: { peers: 1 },
    async run(s) {
      const a = lobbies(s, 0);
      expectThrows(() => a.createLobby(LobbyType.Public, 251), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyMembers',
        max: 250,
        actual: 251,
      });
      expectThrows(() => a.createLobby(LobbyType.Public, 0), 'INVALID_ARGUMENT');
      expectThrows(() => a.createLobby(LobbyType.Public, 2.5), 'INVALID_ARGUMENT');
      expectThrows(() => a.createLobby(4 as LobbyType, 4), 'INVALID_ARGUMENT');
      const lobby = await create(s, 0, LobbyType.Public, 250);
      expect(a.getLobbyMemberLimit(lobby)).toBe(250);
    },
  },

  join: {
    title:
      'joinLobby enters: the joiner gets lobbyEnter and sees the members in join order; the members get "entered"',
    world: { peers: 2 },
    async run(s) {
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      for (const peer of [0, 1]) {
        expect(lobbies(s, peer).getLobbyMembers(lobby)).toEqual([s.id(0), s.id(1)]);
        expect(lobbies(s, peer).getLobbyOwner(lobby)).toBe(s.id(0));
        expect(lobbies(s, peer).getLobbyMemberByIndex(lobby, 1)).toBe(s.id(1));
      }
      expect(s.eventsOf(0, 'lobbyMemberChange')).toEqual([
        { lobbyId: lobby, userId: s.id(1), changedBy: s.id(1), stateChange: 1, change: 'entered' },
      ]);
      expect(s.eventsOf(1, 'lobbyMemberChange')).toEqual([]);
      expect(await s.until(() => s.eventsOf(1, 'lobbyEnter').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'lobbyEnter')).toEqual([{ lobbyId: lobby, locked: false, response: 1 }]);
      // Joining again changes nothing.
      expect(await s.settle(lobbies(s, 1).joinLobby(lobby))).toMatchObject({ response: 1 });
      await s.pass(3 * s.step);
      expect(lobbies(s, 0).getLobbyMembers(lobby)).toEqual([s.id(0), s.id(1)]);
      expect(s.eventsOf(0, 'lobbyMemberChange')).toHaveLength(1);
    },
  },

  'join-refused': {
    title:
      'a refused join rejects with the response: gone (2), not allowed (3: closed, friends only), full (4)',
    world: { peers: 3, friendships: [[0, 1]] },
    async run(s) {
      const c = lobbies(s, 2);
      const refused = async (peer: number, lobby: LobbyId) =>
        (await s.rejection(lobbies(s, peer).joinLobby(lobby))) as { code: string; response: number };
      expect(await refused(2, lobbyIdFromAccountId(0xfffffff0))).toMatchObject({
        code: 'LOBBY_JOIN_FAILED',
        response: 2,
      });
      expect(await refused(2, s.id(0))).toMatchObject({ code: 'LOBBY_JOIN_FAILED', response: 2 });
      const full = await create(s, 0, LobbyType.Public, 1);
      expect(await refused(2, full)).toMatchObject({ response: 4 });
      // The failed enter is also a lobbyEnter event carrying the response.
      expect(await s.until(() => s.eventsOf(2, 'lobbyEnter', (e) => e.lobbyId === full).length > 0)).toBe(
        true,
      );
      expect(s.eventsOf(2, 'lobbyEnter', (e) => e.lobbyId === full)[0]).toMatchObject({ response: 4 });
      const closed = await create(s, 0);
      expect(lobbies(s, 0).setLobbyJoinable(closed, false)).toBe(true);
      expect(await refused(2, closed)).toMatchObject({ response: 3 });
      expect(lobbies(s, 0).setLobbyJoinable(closed, true)).toBe(true);
      await join(s, 2, closed);
      const friends = await create(s, 0, LobbyType.FriendsOnly);
      expect(await refused(2, friends)).toMatchObject({ response: 3 });
      await join(s, 1, friends);
      expect(c.getLobbyMembers(friends)).toEqual([]);
      // Private: no search finds it, but whoever has its id may join.
      const hidden = await create(s, 0, LobbyType.Private);
      await join(s, 2, hidden);
    },
  },

  'leave-and-owner-migration': {
    title:
      'leaving is immediate; the others get "left"; when the owner leaves the oldest remaining member owns the lobby',
    world: { peers: 3 },
    async run(s) {
      const [a, b, c] = [lobbies(s, 0), lobbies(s, 1), lobbies(s, 2)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      await join(s, 2, lobby);
      a.leaveLobby(lobby);
      expect(a.getLobbyMembers(lobby)).toEqual([]);
      expect(a.getLobbyOwner(lobby)).toBeNull();
      const left = (peer: number, who: number) =>
        s.eventsOf(peer, 'lobbyMemberChange', (m) => m.userId === s.id(who) && m.change === 'left');
      expect(await s.until(() => left(1, 0).length > 0 && left(2, 0).length > 0)).toBe(true);
      expect(left(1, 0)[0]).toEqual({
        lobbyId: lobby,
        userId: s.id(0),
        changedBy: s.id(0),
        stateChange: 2,
        change: 'left',
      });
      expect(s.eventsOf(0, 'lobbyMemberChange', (m) => m.userId === s.id(0))).toEqual([]);
      expect(b.getLobbyOwner(lobby)).toBe(s.id(1));
      expect(c.getLobbyOwner(lobby)).toBe(s.id(1));
      expect(c.getLobbyMembers(lobby)).toEqual([s.id(1), s.id(2)]);
      expect(b.setLobbyData(lobby, 'host', 'b')).toBe(true);
      b.leaveLobby(lobby);
      expect(await s.until(() => left(2, 1).length > 0)).toBe(true);
      expect(c.getLobbyOwner(lobby)).toBe(s.id(2));
      expect(c.getLobbyData(lobby, 'host')).toBe('b');
    },
  },

  'owner-settings': {
    title:
      'member limit, type, joinable and owner: owner only; members get lobbyDataUpdate; ownership can be handed over',
    world: { peers: 3 },
    async run(s) {
      const [a, b, c] = [lobbies(s, 0), lobbies(s, 1), lobbies(s, 2)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      expect(b.setLobbyMemberLimit(lobby, 8)).toBe(false);
      expect(b.setLobbyType(lobby, LobbyType.Private)).toBe(false);
      expect(b.setLobbyJoinable(lobby, false)).toBe(false);
      expect(b.setLobbyOwner(lobby, s.id(1))).toBe(false);
      const updates = () =>
        s.eventsOf(1, 'lobbyDataUpdate', (u) => u.lobbyId === lobby && u.memberId === null).length;
      const before = updates();
      expect(a.setLobbyMemberLimit(lobby, 8)).toBe(true);
      expect(await s.until(() => updates() > before && b.getLobbyMemberLimit(lobby) === 8)).toBe(true);
      expectThrows(() => a.setLobbyMemberLimit(lobby, 251), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyMembers',
      });
      expect(a.setLobbyType(lobby, LobbyType.Private)).toBe(true);
      expect(await s.settle(c.requestLobbyList())).toEqual([]);
      expect(a.setLobbyType(lobby, LobbyType.Public)).toBe(true);
      expect(await s.settle(c.requestLobbyList())).toEqual([lobby]);
      expect(a.setLobbyOwner(lobby, s.id(2))).toBe(false);
      const handed = updates();
      expect(a.setLobbyOwner(lobby, s.id(1))).toBe(true);
      expect(await s.until(() => updates() > handed)).toBe(true);
      expect(a.getLobbyOwner(lobby)).toBe(s.id(1));
      expect(b.getLobbyOwner(lobby)).toBe(s.id(1));
      expect(a.setLobbyData(lobby, 'k', 'a')).toBe(false);
      expect(b.setLobbyData(lobby, 'k', 'b')).toBe(true);
    },
  },

  invites: {
    title:
      'an invite gives lobbyInvite and gameLobbyJoinRequested, and lets the invitee into a friends-only lobby',
    world: { peers: 3 },
    async run(s) {
      const [a, b, c] = [lobbies(s, 0), lobbies(s, 1), lobbies(s, 2)];
      const lobby = await create(s, 0, LobbyType.FriendsOnly);
      expect(await s.rejection(b.joinLobby(lobby))).toMatchObject({ response: 3 });
      expect(c.inviteUserToLobby(lobby, s.id(1))).toBe(false);
      expect(a.inviteUserToLobby(lobby, s.id(1))).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'gameLobbyJoinRequested').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'lobbyInvite')).toHaveLength(1);
      expect(s.eventsOf(1, 'lobbyInvite')[0]).toMatchObject({ inviterId: s.id(0), lobbyId: lobby });
      expect(typeof s.eventsOf(1, 'lobbyInvite')[0].gameId).toBe('bigint');
      expect(s.eventsOf(1, 'gameLobbyJoinRequested')).toEqual([{ lobbyId: lobby, friendId: s.id(0) }]);
      await join(s, 1, lobby);
      expect(s.eventsOf(2, 'lobbyInvite')).toEqual([]);
      expect(a.inviteUserToLobby(lobby, 5n)).toBe(false);
    },
  },

  'kick-and-ban': {
    title: 'a kicked member gets lobbyKicked and the others "kicked"; a banned one cannot join again',
    world: { peers: 3 },
    async run(s) {
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      await join(s, 2, lobby);
      expect(s.world.kick(0, lobby, s.id(1), false)).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'lobbyKicked').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'lobbyKicked')).toEqual([
        { lobbyId: lobby, adminId: s.id(0), dueToDisconnect: false },
      ]);
      const kicked = (peer: number, change: string) =>
        s.eventsOf(peer, 'lobbyMemberChange', (m) => m.userId === s.id(1) && m.change === change);
      expect(await s.until(() => kicked(0, 'kicked').length > 0 && kicked(2, 'kicked').length > 0)).toBe(
        true,
      );
      expect(kicked(2, 'kicked')[0]).toEqual({
        lobbyId: lobby,
        userId: s.id(1),
        changedBy: s.id(0),
        stateChange: 8,
        change: 'kicked',
      });
      expect(lobbies(s, 1).getLobbyMembers(lobby)).toEqual([]);
      await join(s, 1, lobby);
      expect(s.world.kick(0, lobby, s.id(1), true)).toBe(true);
      expect(await s.until(() => kicked(2, 'banned').length > 0)).toBe(true);
      expect(kicked(2, 'banned')[0]).toMatchObject({ stateChange: 16, changedBy: s.id(0) });
      expect(await s.rejection(lobbies(s, 1).joinLobby(lobby))).toMatchObject({ response: 6 });
      expect(s.world.kick(0, lobby, s.id(1), false)).toBe(false);
    },
  },

  disconnect: {
    title: 'a member whose Steam goes away is "disconnected" for the others, and ownership moves on',
    world: { peers: 2 },
    async run(s) {
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      s.shutdown(0);
      const gone = () =>
        s.eventsOf(1, 'lobbyMemberChange', (m) => m.userId === s.id(0) && m.change === 'disconnected');
      expect(await s.until(() => gone().length > 0)).toBe(true);
      expect(gone()[0]).toMatchObject({ lobbyId: lobby, stateChange: 4 });
      expect(lobbies(s, 1).getLobbyOwner(lobby)).toBe(s.id(1));
      expect(lobbies(s, 1).getLobbyMembers(lobby)).toEqual([s.id(1)]);
    },
  },
};
