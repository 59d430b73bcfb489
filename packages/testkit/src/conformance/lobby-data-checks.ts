/**
 * The data behaviours of the lobby conformance suite: lobby data, member data, chat, and Steam's
 * size limits on each.
 * @packageDocumentation
 */
import { lobbyChatText } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { create, expectThrows, join, type LobbyCheck, lobbies } from './lobby-check-kit.js';

export const LOBBY_DATA_CHECKS: Record<string, LobbyCheck> = {
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
};
