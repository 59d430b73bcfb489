/**
 * The friends, launch, call-result and argument behaviours of the lobby conformance suite: persona
 * names, rich presence, joining a friend, game invites, the launch command line, failed and
 * cancelled async calls, and hostile arguments.
 * @packageDocumentation
 */
import {
  type Friends,
  LobbyType,
  SteamAPICallFailure,
  steamIdFromAccountId,
} from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { create, expectThrows, type LobbyCheck } from './lobby-check-kit.js';
import type { LobbyStage } from './lobby-stage.js';

function friends(s: LobbyStage, peer: number): Friends {
  return s.peer(peer).friends;
}

const LAUNCH_LOBBY = 109775240917155841n;

export const FRIENDS_CHECKS: Record<string, LobbyCheck> = {
  'call-failure': {
    title:
      "an async call Steam reports as failed rejects with SteamCallFailedError and Steam's reason; the next call works",
    world: { peers: 2 },
    async run(s) {
      const [a, b] = [s.peer(0).lobbies, s.peer(1).lobbies];
      s.world.failNextCall(0, SteamAPICallFailure.NetworkFailure);
      expect(await s.rejection(a.createLobby(LobbyType.Public, 4))).toMatchObject({
        code: 'STEAM_CALL_FAILED',
        call: 'CreateLobby',
        failure: SteamAPICallFailure.NetworkFailure,
      });
      // A failed create made no lobby and entered nothing.
      expect(s.eventsOf(0, 'lobbyEnter')).toEqual([]);
      const lobby = await create(s, 0);
      s.world.failNextCall(1, SteamAPICallFailure.SteamGone);
      expect(await s.rejection(b.requestLobbyList())).toMatchObject({ call: 'RequestLobbyList', failure: 0 });
      s.world.failNextCall(1, SteamAPICallFailure.NetworkFailure);
      expect(await s.rejection(b.joinLobby(lobby))).toMatchObject({
        code: 'STEAM_CALL_FAILED',
        call: 'JoinLobby',
      });
      expect(a.getLobbyMembers(lobby)).toEqual([s.id(0)]);
      expect(await s.settle(b.requestLobbyList())).toEqual([lobby]);
    },
  },

  'shutdown-rejects-pending': {
    title:
      'a call Steam never answers stays pending; shutdown rejects it (SteamCallCancelledError) and later calls throw',
    world: { peers: 1 },
    async run(s) {
      const a = s.peer(0).lobbies;
      s.world.holdCallResults(0, true);
      let settled = false;
      const pending = a.createLobby(LobbyType.Public, 4);
      pending.then(
        () => (settled = true),
        () => (settled = true),
      );
      await s.pass(10 * s.step);
      expect(settled).toBe(false);
      s.shutdown(0);
      expect(await s.rejection(pending, s.step)).toMatchObject({
        code: 'STEAM_CALL_CANCELLED',
        reason: 'shutdown',
        call: 'CreateLobby',
      });
      expectThrows(() => a.createLobby(LobbyType.Public, 4), 'NOT_INITIALIZED');
      expectThrows(() => a.getLobbyMembers(s.id(0)), 'NOT_INITIALIZED');
      expectThrows(() => s.peer(0).friends.getPersonaName(), 'NOT_INITIALIZED');
      expectThrows(() => a.runCallbacks(), 'NOT_INITIALIZED');
    },
  },

  'persona-names': {
    title:
      "persona names: your own, another user's, and requestUserInformation answered by personaStateChange",
    world: { peers: 2, personaNames: { 0: 'Alice', 1: 'Bob' } },
    async run(s) {
      const a = friends(s, 0);
      expect(a.getPersonaName()).toBe('Alice');
      expect(await s.until(() => a.getFriendPersonaName(s.id(1)) === 'Bob')).toBe(true);
      expect(a.requestUserInformation(s.id(1), true)).toBe(true);
      const changes = () => s.eventsOf(0, 'personaStateChange', (c) => c.steamId === s.id(1));
      expect(await s.until(() => changes().length > 0)).toBe(true);
      expect(changes()[0].changeFlags & 1).toBe(1);
      expect(a.requestUserInformation(s.id(1))).toBe(false);
      const stranger = steamIdFromAccountId(0x7ffffff0);
      expect(a.getFriendPersonaName(stranger)).toBe('');
      expect(a.requestUserInformation(stranger)).toBe(false);
    },
  },

  'rich-presence': {
    title:
      "rich presence: set, read by others, deleted with '' or null, cleared; Steam's key, value and count limits",
    world: { peers: 2, friendships: [[0, 1]] },
    async run(s) {
      const [a, b] = [friends(s, 0), friends(s, 1)];
      expect(a.setRichPresence('status', 'In a lobby')).toBe(true);
      expect(a.setRichPresence('connect', '+connect_lobby 1')).toBe(true);
      expect(await s.until(() => b.getFriendRichPresence(s.id(0), 'status') === 'In a lobby')).toBe(true);
      expect(b.getFriendRichPresence(s.id(0), 'connect')).toBe('+connect_lobby 1');
      expect(b.getFriendRichPresence(s.id(0), 'other')).toBe('');
      expect(a.setRichPresence('status', null)).toBe(true);
      expect(a.setRichPresence('connect', '')).toBe(true);
      expect(await s.until(() => b.getFriendRichPresence(s.id(0), 'connect') === '')).toBe(true);
      expect(b.getFriendRichPresence(s.id(0), 'status')).toBe('');
      expectThrows(() => a.setRichPresence('k'.repeat(65), 'v'), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'richPresenceKeyBytes',
      });
      expectThrows(() => a.setRichPresence('k', 'v'.repeat(257)), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'richPresenceValueBytes',
      });
      expectThrows(() => a.setRichPresence('', 'v'), 'INVALID_ARGUMENT');
      expect(a.setRichPresence('k'.repeat(64), 'v'.repeat(256))).toBe(true);
      for (let i = 1; i < 30; i++) expect(a.setRichPresence(`key${i}`, 'x')).toBe(true);
      expectThrows(() => a.setRichPresence('key30', 'x'), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'richPresenceKeys',
        max: 30,
      });
      expect(a.setRichPresence('key1', 'changed')).toBe(true);
      expect(a.setRichPresence('key1', null)).toBe(true);
      expect(a.setRichPresence('key30', 'x')).toBe(true);
      a.clearRichPresence();
      expect(await s.until(() => b.getFriendRichPresence(s.id(0), 'key30') === '')).toBe(true);
      expect(a.setRichPresence('status', 'back')).toBe(true);
    },
  },

  'join-a-friend': {
    title:
      'joining a friend: getFriendGamePlayed names the friend\'s lobby, and "Join Game" gives 333, or 337 with their connect',
    world: { peers: 3, friendships: [[0, 1]] },
    async run(s) {
      const lobby = await create(s, 0, LobbyType.FriendsOnly);
      expect(await s.until(() => friends(s, 1).getFriendGamePlayed(s.id(0))?.lobbyId === lobby)).toBe(true);
      expect(typeof friends(s, 1).getFriendGamePlayed(s.id(0))?.gameId).toBe('bigint');
      expect(friends(s, 2).getFriendGamePlayed(s.id(0))).toBeNull();
      expect(s.world.joinFriendGame(1, s.id(0))).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'gameLobbyJoinRequested').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'gameLobbyJoinRequested')).toEqual([{ lobbyId: lobby, friendId: s.id(0) }]);
      expect(s.world.joinFriendGame(2, s.id(0))).toBe(false);
      s.peer(0).lobbies.leaveLobby(lobby);
      // An invisible lobby is searchable but "not visible to other friends".
      const invisible = await create(s, 0, LobbyType.Invisible);
      await s.pass(3 * s.step);
      expect(friends(s, 1).getFriendGamePlayed(s.id(0))).toMatchObject({ lobbyId: null });
      s.peer(0).lobbies.leaveLobby(invisible);
      expect(friends(s, 0).setRichPresence('connect', '+connect_host 42')).toBe(true);
      expect(await s.until(() => friends(s, 1).getFriendGamePlayed(s.id(0))?.lobbyId === null)).toBe(true);
      expect(s.world.joinFriendGame(1, s.id(0))).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'gameRichPresenceJoinRequested').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'gameRichPresenceJoinRequested')).toEqual([
        { friendId: s.id(0), connect: '+connect_host 42' },
      ]);
    },
  },

  'overlay-invite': {
    title: "the overlay's invite dialog invites the user's online friends (and nobody else)",
    world: { peers: 3, friendships: [[0, 1]] },
    async run(s) {
      const lobby = await create(s, 0, LobbyType.FriendsOnly);
      friends(s, 0).activateGameOverlayInviteDialog(lobby);
      expect(await s.until(() => s.eventsOf(1, 'gameLobbyJoinRequested').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'gameLobbyJoinRequested')).toEqual([{ lobbyId: lobby, friendId: s.id(0) }]);
      await s.pass(4 * s.step);
      expect(s.eventsOf(2, 'gameLobbyJoinRequested')).toEqual([]);
      expect(s.eventsOf(2, 'lobbyInvite')).toEqual([]);
    },
  },

  'invite-to-game': {
    title:
      'inviteUserToGame gives the friend gameRichPresenceJoinRequested with the connect string (at most 255 bytes)',
    world: { peers: 2, friendships: [[0, 1]] },
    async run(s) {
      const a = friends(s, 0);
      expect(a.inviteUserToGame(s.id(1), '+connect_host 76561197960287930')).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'gameRichPresenceJoinRequested').length > 0)).toBe(true);
      expect(s.eventsOf(1, 'gameRichPresenceJoinRequested')).toEqual([
        { friendId: s.id(0), connect: '+connect_host 76561197960287930' },
      ]);
      expectThrows(() => a.inviteUserToGame(s.id(1), 'x'.repeat(256)), 'STEAM_LIMIT_EXCEEDED', {
        limit: 'connectStringBytes',
      });
      expect(a.inviteUserToGame(5n, 'x')).toBe(false);
    },
  },

  launch: {
    title:
      'the launch command line, the lobby of its +connect_lobby argument, and a relaunch while running (newLaunchParameters)',
    world: { peers: 2, launchCommandLines: { 0: `-novid +connect_lobby ${LAUNCH_LOBBY}` } },
    async run(s) {
      expect(friends(s, 0).getLaunchCommandLine()).toBe(`-novid +connect_lobby ${LAUNCH_LOBBY}`);
      expect(friends(s, 0).getLaunchLobby()).toBe(LAUNCH_LOBBY);
      expect(friends(s, 1).getLaunchCommandLine()).toBe('');
      expect(friends(s, 1).getLaunchLobby()).toBeNull();
      // Launched again while running (an invite accepted in Steam): the event, then the new line.
      s.world.relaunch(1, `+connect_lobby ${LAUNCH_LOBBY}`);
      expect(await s.until(() => s.eventsOf(1, 'newLaunchParameters').length > 0)).toBe(true);
      expect(s.eventsOf(0, 'newLaunchParameters')).toEqual([]);
      expect(friends(s, 1).getLaunchLobby()).toBe(LAUNCH_LOBBY);
    },
  },

  'argument-validation': {
    title:
      'wrong argument types throw InvalidArgumentError; ids that are not lobbies are answered as unknown lobbies',
    world: { peers: 1 },
    async run(s) {
      const a = s.peer(0).lobbies;
      const f = friends(s, 0);
      const lobby = await create(s, 0);
      const bad = '1' as unknown as bigint;
      expectThrows(() => a.getLobbyData(bad, 'k'), 'INVALID_ARGUMENT');
      expectThrows(() => a.joinLobby(1 as unknown as bigint), 'INVALID_ARGUMENT');
      expectThrows(() => a.getLobbyMemberByIndex(lobby, -1), 'INVALID_ARGUMENT');
      expectThrows(() => a.setLobbyJoinable(lobby, 'yes' as unknown as boolean), 'INVALID_ARGUMENT');
      expectThrows(() => a.sendLobbyChatMsg(lobby, [1, 2] as unknown as Uint8Array), 'INVALID_ARGUMENT');
      expectThrows(() => a.inviteUserToLobby(lobby, bad), 'INVALID_ARGUMENT');
      expectThrows(() => f.getFriendPersonaName(bad), 'INVALID_ARGUMENT');
      expectThrows(() => f.requestUserInformation(s.id(0), 'no' as unknown as boolean), 'INVALID_ARGUMENT');
      expectThrows(() => f.setRichPresence('k', 5 as unknown as string), 'INVALID_ARGUMENT');
      const notALobby = s.id(0);
      expect(a.getLobbyData(notALobby, 'k')).toBe('');
      expect(a.getAllLobbyData(notALobby)).toEqual(new Map());
      expect(a.getLobbyOwner(notALobby)).toBeNull();
      expect(a.getLobbyMembers(notALobby)).toEqual([]);
      expect(a.getNumLobbyMembers(notALobby)).toBe(0);
      expect(a.getLobbyMemberLimit(notALobby)).toBe(0);
      expect(a.getLobbyMemberByIndex(notALobby, 0)).toBeNull();
      expect(a.getLobbyMemberData(notALobby, s.id(0), 'k')).toBeNull();
      expect(a.setLobbyData(notALobby, 'k', 'v')).toBe(false);
      expect(a.deleteLobbyData(notALobby, 'k')).toBe(false);
      expect(a.sendLobbyChatMsg(notALobby, 'x')).toBe(false);
      expect(a.setLobbyMemberLimit(notALobby, 2)).toBe(false);
      expect(a.setLobbyType(notALobby, LobbyType.Public)).toBe(false);
      expect(a.setLobbyOwner(lobby, 5n)).toBe(false);
      expect(f.getFriendGamePlayed(5n)).toBeNull();
      a.leaveLobby(notALobby);
      f.activateGameOverlayInviteDialog(notALobby);
      expect(a.getLobbyMembers(lobby)).toEqual([s.id(0)]);
    },
  },
};
