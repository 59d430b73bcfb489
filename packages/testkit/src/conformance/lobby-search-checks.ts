/**
 * The search behaviours of the lobby conformance suite: which lobbies are listed, the filters, one
 * search at a time, reading a lobby you are not in, and lobbies that are gone.
 * @packageDocumentation
 */
import {
  type Lobbies,
  LobbyComparison,
  LobbyDistanceFilter,
  type LobbyId,
  LobbyType,
} from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { create, expectThrows, type LobbyCheck, lobbies } from './lobby-check-kit.js';

export const LOBBY_SEARCH_CHECKS: Record<string, LobbyCheck> = {
  'last-member-deletes': {
    title:
      'a lobby disappears with its last member: no longer listed, its data request fails, joining says it is gone',
    world: { peers: 2 },
    async run(s) {
      const b = lobbies(s, 1);
      const lobby = await create(s, 0);
      expect(await s.settle(b.requestLobbyList({ distance: LobbyDistanceFilter.Worldwide }))).toEqual([
        lobby,
      ]);
      lobbies(s, 0).leaveLobby(lobby);
      expect(await s.settle(b.requestLobbyList({ distance: LobbyDistanceFilter.Worldwide }))).toEqual([]);
      expect(b.requestLobbyData(lobby)).toBe(true);
      const gone = () => s.eventsOf(1, 'lobbyDataUpdate', (u) => u.lobbyId === lobby);
      expect(await s.until(() => gone().length > 0)).toBe(true);
      expect(gone()[0]).toEqual({ lobbyId: lobby, memberId: null, success: false });
      expect(await s.rejection(b.joinLobby(lobby))).toMatchObject({ code: 'LOBBY_JOIN_FAILED', response: 2 });
    },
  },

  'list-visibility': {
    title:
      'only public and invisible lobbies that are joinable and not full are listed; listed data is readable',
    world: { peers: 2 },
    async run(s) {
      const [a, b] = [lobbies(s, 0), lobbies(s, 1)];
      const pub = await create(s, 0, LobbyType.Public);
      const invisible = await create(s, 0, LobbyType.Invisible);
      await create(s, 0, LobbyType.Private);
      await create(s, 0, LobbyType.FriendsOnly);
      const closed = await create(s, 0, LobbyType.Public);
      a.setLobbyJoinable(closed, false);
      await create(s, 0, LobbyType.Public, 1);
      a.setLobbyData(pub, 'name', 'open room');
      expect(b.getLobbyData(pub, 'name')).toBe('');
      expect(await s.settle(b.requestLobbyList({ distance: LobbyDistanceFilter.Worldwide }))).toEqual([
        pub,
        invisible,
      ]);
      expect(b.getLobbyData(pub, 'name')).toBe('open room');
      expect(b.getNumLobbyMembers(pub)).toBe(1);
      expect(b.getLobbyMemberLimit(pub)).toBe(4);
      // Members are for members.
      expect(b.getLobbyMembers(pub)).toEqual([]);
      expect(b.getLobbyOwner(pub)).toBeNull();
      // Without a distance filter Steam uses Default (nearby); every fake peer is nearby.
      expect(await s.settle(b.requestLobbyList())).toEqual([pub, invisible]);
    },
  },

  'list-filters': {
    title: 'search filters: string, numerical, slots, count and near-value; they apply to one search only',
    world: { peers: 2 },
    async run(s) {
      const [a, b] = [lobbies(s, 0), lobbies(s, 1)];
      const made: LobbyId[] = [];
      for (const [mode, level, max] of [
        ['ffa', '5', 2],
        ['ctf', '10', 4],
        ['ffa', '20', 4],
        ['ffa', null, 4],
      ] as const) {
        const lobby = await create(s, 0, LobbyType.Public, max);
        a.setLobbyData(lobby, 'mode', mode);
        if (level !== null) a.setLobbyData(lobby, 'level', level);
        made.push(lobby);
      }
      const [l1, l2, l3, l4] = made as [LobbyId, LobbyId, LobbyId, LobbyId];
      const search = (filters: Parameters<Lobbies['requestLobbyList']>[0]) =>
        s.settle(b.requestLobbyList(filters));
      expect(await search({ stringFilters: [{ key: 'mode', value: 'ffa' }] })).toEqual([l1, l3, l4]);
      expect(
        await search({
          stringFilters: [{ key: 'mode', value: 'ffa', comparison: LobbyComparison.NotEqual }],
        }),
      ).toEqual([l2]);
      expect(
        await search({
          numericalFilters: [{ key: 'level', value: 5, comparison: LobbyComparison.GreaterThan }],
        }),
      ).toEqual([l2, l3]);
      expect(
        await search({
          numericalFilters: [{ key: 'level', value: 10, comparison: LobbyComparison.EqualToOrLessThan }],
        }),
      ).toEqual([l1, l2]);
      expect(await search({ numericalFilters: [{ key: 'level', value: 20 }] })).toEqual([l3]);
      expect(await search({ slotsAvailable: 2 })).toEqual([l2, l3, l4]);
      expect(await search({ maxResults: 2 })).toEqual([l1, l2]);
      expect(await search({ nearValueFilters: [{ key: 'level', value: 18 }] })).toEqual([l3, l2, l1, l4]);
      expect(
        await search({
          stringFilters: [{ key: 'mode', value: 'ffa' }],
          nearValueFilters: [{ key: 'level', value: 0 }],
        }),
      ).toEqual([l1, l3, l4]);
      // The filters were for those searches only.
      expect(await search(undefined)).toEqual([l1, l2, l3, l4]);
      expectThrows(() => b.requestLobbyList({ distance: 9 as LobbyDistanceFilter }), 'INVALID_ARGUMENT');
      expectThrows(() => b.requestLobbyList({ maxResults: 0 }), 'INVALID_ARGUMENT');
      expectThrows(
        () => b.requestLobbyList({ numericalFilters: [{ key: 'level', value: 2 ** 31 }] }),
        'INVALID_ARGUMENT',
      );
    },
  },

  'list-superseded': {
    title:
      'a new search supersedes the one still running: its Promise rejects (superseded), the new one resolves',
    world: { peers: 2 },
    async run(s) {
      const b = lobbies(s, 1);
      const lobby = await create(s, 0);
      const first = b.requestLobbyList();
      const second = b.requestLobbyList();
      expect(await s.rejection(first)).toMatchObject({
        code: 'STEAM_CALL_CANCELLED',
        reason: 'superseded',
        call: 'RequestLobbyList',
      });
      expect(await s.settle(second)).toEqual([lobby]);
    },
  },

  'request-lobby-data': {
    title: "requestLobbyData makes a lobby's data readable by a non-member, announced by lobbyDataUpdate",
    world: { peers: 2 },
    async run(s) {
      const b = lobbies(s, 1);
      const lobby = await create(s, 0, LobbyType.FriendsOnly);
      lobbies(s, 0).setLobbyData(lobby, 'fingerprint', 'f00d');
      expect(b.getLobbyData(lobby, 'fingerprint')).toBe('');
      expect(b.requestLobbyData(lobby)).toBe(true);
      expect(
        await s.until(() => s.eventsOf(1, 'lobbyDataUpdate', (u) => u.lobbyId === lobby).length > 0),
      ).toBe(true);
      expect(s.eventsOf(1, 'lobbyDataUpdate', (u) => u.lobbyId === lobby)[0]).toEqual({
        lobbyId: lobby,
        memberId: null,
        success: true,
      });
      expect(b.getLobbyData(lobby, 'fingerprint')).toBe('f00d');
      expect(b.getNumLobbyMembers(lobby)).toBe(1);
      expect(b.requestLobbyData(s.id(0))).toBe(false);
    },
  },
};
