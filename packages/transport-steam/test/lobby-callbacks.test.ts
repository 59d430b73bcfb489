// Decoding the lobby and friends callbacks from Steam's bytes (this platform's layouts): every field
// lands in the seam's payload, and a callback shorter than its struct, an unknown id, or a connect
// string without its NUL never reads past what Steam handed over.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFriendsCallback, decodeLobbyCallback } from '../src/lobby-callbacks.js';
import { lobbyStructs } from '../src/lobby-structs.js';
import { koffi } from './helpers/stub.js';

const s = lobbyStructs(koffi);
const LOBBY = 109775240917155841n;
const A = 76561198000000001n;
const B = 76561198000000002n;

const allocated: bigint[] = [];
afterEach(() => {
  for (const p of allocated.splice(0)) koffi.free(p as never);
});

/** `value` encoded as `type` in native memory, as Steam hands a callback over. */
function native(type: Parameters<typeof koffi.sizeof>[0], value: Record<string, unknown>): [bigint, number] {
  const size = koffi.sizeof(type);
  const p = koffi.alloc('uint8_t', size) as unknown as bigint;
  allocated.push(p);
  koffi.encode(p, type, value);
  return [p, size];
}

describe('lobby callbacks', () => {
  it('decode every field of 503, 504, 505, 506, 507 and 512', () => {
    const decode = (id: number, [p, size]: [bigint, number]) => decodeLobbyCallback(koffi, s, id, p, size);
    expect(
      decode(503, native(s.LobbyInvite_t, { m_ulSteamIDUser: A, m_ulSteamIDLobby: LOBBY, m_ulGameID: 480n })),
    ).toEqual({
      event: 'lobbyInvite',
      args: [{ inviterId: A, lobbyId: LOBBY, gameId: 480n }],
    });
    const enter = {
      m_ulSteamIDLobby: LOBBY,
      m_rgfChatPermissions: 0,
      m_bLocked: 1,
      m_EChatRoomEnterResponse: 4,
    };
    expect(decode(504, native(s.LobbyEnter_t, enter))).toEqual({
      event: 'lobbyEnter',
      args: [{ lobbyId: LOBBY, locked: true, response: 4 }],
    });
    expect(
      decode(
        505,
        native(s.LobbyDataUpdate_t, { m_ulSteamIDLobby: LOBBY, m_ulSteamIDMember: LOBBY, m_bSuccess: 0 }),
      ),
    ).toEqual({
      event: 'lobbyDataUpdate',
      args: [{ lobbyId: LOBBY, memberId: null, success: false }],
    });
    expect(
      decode(
        505,
        native(s.LobbyDataUpdate_t, { m_ulSteamIDLobby: LOBBY, m_ulSteamIDMember: B, m_bSuccess: 1 }),
      ),
    ).toMatchObject({
      args: [{ memberId: B, success: true }],
    });
    const update = {
      m_ulSteamIDLobby: LOBBY,
      m_ulSteamIDUserChanged: B,
      m_ulSteamIDMakingChange: A,
      m_rgfChatMemberStateChange: 0x08,
    };
    expect(decode(506, native(s.LobbyChatUpdate_t, update))).toEqual({
      event: 'lobbyMemberChange',
      args: [{ lobbyId: LOBBY, userId: B, changedBy: A, stateChange: 8, change: 'kicked' }],
    });
    const chat = { m_ulSteamIDLobby: LOBBY, m_ulSteamIDUser: A, m_eChatEntryType: 1, m_iChatID: 7 };
    expect(decode(507, native(s.LobbyChatMsg_t, chat))).toEqual({
      event: 'chat',
      lobbyId: LOBBY,
      userId: A,
      chatId: 7,
    });
    expect(
      decode(
        512,
        native(s.LobbyKicked_t, {
          m_ulSteamIDLobby: LOBBY,
          m_ulSteamIDAdmin: A,
          m_bKickedDueToDisconnect: 1,
        }),
      ),
    ).toEqual({
      event: 'lobbyKicked',
      args: [{ lobbyId: LOBBY, adminId: A, dueToDisconnect: true }],
    });
  });

  it('a callback shorter than its struct, or an id that is not theirs, is not read', () => {
    const [p, size] = native(s.LobbyChatUpdate_t, { m_ulSteamIDLobby: LOBBY });
    expect(decodeLobbyCallback(koffi, s, 506, p, size - 1)).toBeNull();
    expect(decodeLobbyCallback(koffi, s, 513, p, size)).toBeNull();
    expect(decodeLobbyCallback(koffi, s, 1202, p, size)).toBeNull();
    expect(decodeFriendsCallback(koffi, s, 333, p, 15)).toBeNull();
    expect(decodeFriendsCallback(koffi, s, 504, p, size)).toBeNull();
  });
});

describe('friends callbacks', () => {
  it('decode 333, 337, 304 and 1014', () => {
    const decode = (id: number, [p, size]: [bigint, number]) => decodeFriendsCallback(koffi, s, id, p, size);
    expect(
      decode(333, native(s.GameLobbyJoinRequested_t, { m_steamIDLobby: LOBBY, m_steamIDFriend: A })),
    ).toEqual({
      event: 'gameLobbyJoinRequested',
      args: [{ lobbyId: LOBBY, friendId: A }],
    });
    const connect = [...new TextEncoder().encode('+connect_lobby 1'), ...new Array(240).fill(0)];
    expect(
      decode(337, native(s.GameRichPresenceJoinRequested_t, { m_steamIDFriend: 0n, m_rgchConnect: connect })),
    ).toEqual({
      event: 'gameRichPresenceJoinRequested',
      args: [{ friendId: null, connect: '+connect_lobby 1' }],
    });
    expect(decode(304, native(s.PersonaStateChange_t, { m_ulSteamID: B, m_nChangeFlags: 0x4001 }))).toEqual({
      event: 'personaStateChange',
      args: [{ steamId: B, changeFlags: 0x4001 }],
    });
    const [p] = native(s.LobbyMatchList_t, { m_nLobbiesMatching: 0 });
    expect(decodeFriendsCallback(koffi, s, 1014, p, 1)).toEqual({ event: 'newLaunchParameters', args: [] });
  });

  it('a connect string that fills its 256 bytes without a NUL is read to its end, not beyond', () => {
    const full = new Array(256).fill(0x41);
    const [p, size] = native(s.GameRichPresenceJoinRequested_t, { m_steamIDFriend: A, m_rgchConnect: full });
    const decoded = decodeFriendsCallback(koffi, s, 337, p, size);
    expect(decoded).toEqual({
      event: 'gameRichPresenceJoinRequested',
      args: [{ friendId: A, connect: 'A'.repeat(256) }],
    });
  });
});
