/**
 * The lobby behaviours of the lobby conformance suite (ISteamMatchmaking): create, join, leave, owner
 * migration, data, member data, chat, search, invites, kicks. Each check drives a {@link LobbyStage}
 * and asserts only what a game can observe through `Lobbies`.
 * @packageDocumentation
 */
import {
  isLobbyId,
  type Lobbies,
  LobbyComparison,
  LobbyDistanceFilter,
  type LobbyId,
  LobbyType,
  lobbyChatText,
  lobbyIdFromAccountId,
} from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { LobbyWorldOptions } from './lobby-harness.js';
import type { LobbyStage } from './lobby-stage.js';

/** One behaviour: the world it needs and the test. */
export interface LobbyCheck {
  readonly title: string;
  readonly world: LobbyWorldOptions;
  readonly run: (s: LobbyStage) => Promise<void>;
}

/** Asserts that `fn` throws a Steamwire error with `code` (and `fields`, when given). */
export function expectThrows(fn: () => unknown, code: string, fields: Record<string, unknown> = {}): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ${code} error`).toMatchObject({ code, ...fields });
}

/** Peer `peer` creates a lobby and waits for it. */
export async function create(
  s: LobbyStage,
  peer: number,
  type: LobbyType = LobbyType.Public,
  max = 4,
): Promise<LobbyId> {
  return s.settle(s.peer(peer).lobbies.createLobby(type, max));
}

/** Peer `peer` joins `lobby`, and every other member hears of it ("entered"). */
export async function join(s: LobbyStage, peer: number, lobby: LobbyId): Promise<void> {
  const entered = (i: number) =>
    s.eventsOf(i, 'lobbyMemberChange', (c) => c.userId === s.id(peer) && c.change === 'entered').length;
  const before = s.world.peers.map((_, i) => entered(i));
  const enter = await s.settle(s.peer(peer).lobbies.joinLobby(lobby));
  expect(enter).toMatchObject({ lobbyId: lobby, response: 1 });
  const others = s
    .peer(peer)
    .lobbies.getLobbyMembers(lobby)
    .filter((m) => m !== s.id(peer))
    .map((m) => s.world.peers.findIndex((p) => p.steamId === m));
  expect(
    await s.until(() => others.every((i) => entered(i) > before[i]!)),
    'every member hears of the joiner',
  ).toBe(true);
}

function lobbies(s: LobbyStage, peer: number): Lobbies {
  return s.peer(peer).lobbies;
}

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

  'lobby-data': {
    title:
      'lobby data: only the owner writes; members get lobbyDataUpdate and read it; "" and delete remove keys',
    world: { peers: 2 },
    async run(s) {
      const [a, b] = [lobbies(s, 0), lobbies(s, 1)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      const updates = () =>
        s.eventsOf(1, 'lobbyDataUpdate', (u) => u.lobbyId === lobby && u.memberId === null).length;
      const before = updates();
      expect(a.setLobbyData(lobby, 'fingerprint', 'abc123')).toBe(true);
      expect(a.setLobbyData(lobby, 'mode', 'ffa')).toBe(true);
      expect(await s.until(() => updates() >= before + 2)).toBe(true);
      expect(b.getLobbyData(lobby, 'fingerprint')).toBe('abc123');
      expect(b.getLobbyData(lobby, 'nothing')).toBe('');
      expect(b.getAllLobbyData(lobby)).toEqual(
        new Map([
          ['fingerprint', 'abc123'],
          ['mode', 'ffa'],
        ]),
      );
      // Not the owner: nothing changes.
      expect(b.setLobbyData(lobby, 'fingerprint', 'evil')).toBe(false);
      expect(b.deleteLobbyData(lobby, 'fingerprint')).toBe(false);
      // Steam sends a value only when it changed.
      const settled = updates();
      expect(a.setLobbyData(lobby, 'mode', 'ffa')).toBe(true);
      await s.pass(4 * s.step);
      expect(updates()).toBe(settled);
      expect(a.getLobbyData(lobby, 'fingerprint')).toBe('abc123');
      expect(a.setLobbyData(lobby, 'mode', '')).toBe(true);
      expect(a.deleteLobbyData(lobby, 'fingerprint')).toBe(true);
      expect(await s.until(() => updates() >= settled + 2)).toBe(true);
      expect(b.getAllLobbyData(lobby)).toEqual(new Map());
    },
  },

  'data-limits': {
    title:
      'lobby and member data keys over 255 and values over 8192 UTF-8 bytes are refused before Steam; the limits go through',
    world: { peers: 2 },
    async run(s) {
      const [a, b] = [lobbies(s, 0), lobbies(s, 1)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      expectThrows(() => a.setLobbyData(lobby, 'k'.repeat(256), 'v'), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyKeyBytes',
        actual: 256,
      });
      expectThrows(() => a.setLobbyData(lobby, 'é'.repeat(128), 'v'), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyKeyBytes',
        actual: 256,
      });
      expectThrows(() => a.setLobbyData(lobby, 'k', 'v'.repeat(8193)), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyValueBytes',
      });
      expectThrows(() => b.setLobbyMemberData(lobby, 'k', 'v'.repeat(8193)), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyValueBytes',
      });
      expectThrows(() => a.setLobbyData(lobby, '', 'v'), 'INVALID_ARGUMENT');
      expectThrows(() => a.setLobbyData(lobby, 'a\0b', 'v'), 'INVALID_ARGUMENT');
      expectThrows(() => a.setLobbyData(lobby, 'k', 5 as unknown as string), 'INVALID_ARGUMENT');
      const key = 'k'.repeat(255);
      const value = 'v'.repeat(8192);
      expect(a.setLobbyData(lobby, key, value)).toBe(true);
      expect(await s.until(() => b.getLobbyData(lobby, key) === value)).toBe(true);
      const utf8 = 'ü'.repeat(4096);
      expect(a.setLobbyData(lobby, 'utf8', utf8)).toBe(true);
      expect(await s.until(() => b.getLobbyData(lobby, 'utf8') === utf8)).toBe(true);
    },
  },

  'member-data': {
    title:
      'member data: each member sets its own; every member gets lobbyDataUpdate with that member; non-members read null',
    world: { peers: 3 },
    async run(s) {
      const [a, b, c] = [lobbies(s, 0), lobbies(s, 1), lobbies(s, 2)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      b.setLobbyMemberData(lobby, 'ready', 'yes');
      const heard = (peer: number) =>
        s.eventsOf(peer, 'lobbyDataUpdate', (u) => u.memberId === s.id(1)).length > 0;
      expect(await s.until(() => heard(0) && heard(1))).toBe(true);
      expect(s.eventsOf(0, 'lobbyDataUpdate', (u) => u.memberId === s.id(1))[0]).toEqual({
        lobbyId: lobby,
        memberId: s.id(1),
        success: true,
      });
      expect(a.getLobbyMemberData(lobby, s.id(1), 'ready')).toBe('yes');
      expect(a.getLobbyMemberData(lobby, s.id(1), 'unset')).toBe('');
      expect(a.getLobbyMemberData(lobby, s.id(0), 'ready')).toBe('');
      expect(a.getLobbyMemberData(lobby, s.id(2), 'ready')).toBeNull();
      expect(c.getLobbyMemberData(lobby, s.id(1), 'ready')).toBeNull();
      // A non-member's write goes nowhere.
      c.setLobbyMemberData(lobby, 'ready', 'no');
      await s.pass(3 * s.step);
      expect(a.getLobbyMemberData(lobby, s.id(2), 'ready')).toBeNull();
      b.setLobbyMemberData(lobby, 'ready', '');
      expect(await s.until(() => a.getLobbyMemberData(lobby, s.id(1), 'ready') === '')).toBe(true);
    },
  },

  chat: {
    title:
      'chat reaches every member, the sender too, with increasing ids; text keeps its NUL; 4096 bytes at most',
    world: { peers: 3 },
    async run(s) {
      const [a, b, c] = [lobbies(s, 0), lobbies(s, 1), lobbies(s, 2)];
      const lobby = await create(s, 0);
      await join(s, 1, lobby);
      expect(a.sendLobbyChatMsg(lobby, 'hello')).toBe(true);
      expect(b.sendLobbyChatMsg(lobby, Uint8Array.of(1, 2, 3))).toBe(true);
      const chats = (peer: number) => s.eventsOf(peer, 'lobbyChatMessage');
      expect(await s.until(() => chats(0).length === 2 && chats(1).length === 2)).toBe(true);
      for (const peer of [0, 1]) {
        const [first, second] = chats(peer);
        expect(first).toMatchObject({ lobbyId: lobby, userId: s.id(0), entryType: 1 });
        expect([...first.data]).toEqual([...new TextEncoder().encode('hello'), 0]);
        expect(lobbyChatText(first.data)).toBe('hello');
        expect(second).toMatchObject({ lobbyId: lobby, userId: s.id(1), entryType: 1 });
        expect([...second.data]).toEqual([1, 2, 3]);
        expect(second.chatId).toBeGreaterThan(first.chatId);
      }
      expect(chats(2)).toEqual([]);
      const biggest = new Uint8Array(4096).map((_, i) => i & 0xff);
      expect(a.sendLobbyChatMsg(lobby, biggest)).toBe(true);
      expect(await s.until(() => chats(1).length === 3)).toBe(true);
      expect(Buffer.from(chats(1)[2].data).equals(Buffer.from(biggest))).toBe(true);
      expectThrows(() => a.sendLobbyChatMsg(lobby, new Uint8Array(4097)), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'lobbyChatBytes',
      });
      expectThrows(() => a.sendLobbyChatMsg(lobby, 'x'.repeat(4096)), 'STEAM_LIMIT_EXCEEDED', {
        actual: 4097,
      });
      expectThrows(() => a.sendLobbyChatMsg(lobby, new Uint8Array(0)), 'INVALID_ARGUMENT');
      expect(c.sendLobbyChatMsg(lobby, 'let me in')).toBe(false);
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
