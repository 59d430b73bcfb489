// Lobby, friends and call-result struct layouts against STEAM_API.md §16.4 (measured from Valve's SDK
// 1.62 headers with g++ on Linux and MinGW under wine on Windows), for both pack rules. The native
// fake's C declarations are checked against the same numbers in the testkit (lobby-layout.test.ts).
import { describe, expect, it } from 'vitest';
import { LobbyCallbackId, lobbyStructs } from '../src/lobby-structs.js';
import type { PackRule } from '../src/structs.js';
import { koffi } from './helpers/stub.js';

type Layout = { size: number; align: number; offsets: Record<string, number> };

const id3 = { m_ulSteamIDLobby: 0 };
/** Per struct: [Linux (pack 4), Windows (pack 8)]. */
const TABLE: Record<string, [Layout, Layout]> = {
  SteamAPICallCompleted_t: [
    { size: 16, align: 4, offsets: { m_hAsyncCall: 0, m_iCallback: 8, m_cubParam: 12 } },
    { size: 16, align: 8, offsets: { m_hAsyncCall: 0, m_iCallback: 8, m_cubParam: 12 } },
  ],
  LobbyInvite_t: [
    { size: 24, align: 4, offsets: { m_ulSteamIDUser: 0, m_ulSteamIDLobby: 8, m_ulGameID: 16 } },
    { size: 24, align: 8, offsets: { m_ulSteamIDUser: 0, m_ulSteamIDLobby: 8, m_ulGameID: 16 } },
  ],
  LobbyEnter_t: [
    {
      size: 20,
      align: 4,
      offsets: { ...id3, m_rgfChatPermissions: 8, m_bLocked: 12, m_EChatRoomEnterResponse: 16 },
    },
    {
      size: 24,
      align: 8,
      offsets: { ...id3, m_rgfChatPermissions: 8, m_bLocked: 12, m_EChatRoomEnterResponse: 16 },
    },
  ],
  LobbyDataUpdate_t: [
    { size: 20, align: 4, offsets: { ...id3, m_ulSteamIDMember: 8, m_bSuccess: 16 } },
    { size: 24, align: 8, offsets: { ...id3, m_ulSteamIDMember: 8, m_bSuccess: 16 } },
  ],
  LobbyChatUpdate_t: [
    {
      size: 28,
      align: 4,
      offsets: {
        ...id3,
        m_ulSteamIDUserChanged: 8,
        m_ulSteamIDMakingChange: 16,
        m_rgfChatMemberStateChange: 24,
      },
    },
    {
      size: 32,
      align: 8,
      offsets: {
        ...id3,
        m_ulSteamIDUserChanged: 8,
        m_ulSteamIDMakingChange: 16,
        m_rgfChatMemberStateChange: 24,
      },
    },
  ],
  LobbyChatMsg_t: [
    { size: 24, align: 4, offsets: { ...id3, m_ulSteamIDUser: 8, m_eChatEntryType: 16, m_iChatID: 20 } },
    { size: 24, align: 8, offsets: { ...id3, m_ulSteamIDUser: 8, m_eChatEntryType: 16, m_iChatID: 20 } },
  ],
  LobbyMatchList_t: [
    { size: 4, align: 4, offsets: { m_nLobbiesMatching: 0 } },
    { size: 4, align: 4, offsets: { m_nLobbiesMatching: 0 } },
  ],
  LobbyKicked_t: [
    { size: 20, align: 4, offsets: { ...id3, m_ulSteamIDAdmin: 8, m_bKickedDueToDisconnect: 16 } },
    { size: 24, align: 8, offsets: { ...id3, m_ulSteamIDAdmin: 8, m_bKickedDueToDisconnect: 16 } },
  ],
  // Facepunch#785: reading the Linux struct at the Windows offset gives the lobby id's high dword.
  LobbyCreated_t: [
    { size: 12, align: 4, offsets: { m_eResult: 0, m_ulSteamIDLobby: 4 } },
    { size: 16, align: 8, offsets: { m_eResult: 0, m_ulSteamIDLobby: 8 } },
  ],
  PersonaStateChange_t: [
    { size: 12, align: 4, offsets: { m_ulSteamID: 0, m_nChangeFlags: 8 } },
    { size: 16, align: 8, offsets: { m_ulSteamID: 0, m_nChangeFlags: 8 } },
  ],
  GameLobbyJoinRequested_t: [
    { size: 16, align: 1, offsets: { m_steamIDLobby: 0, m_steamIDFriend: 8 } },
    { size: 16, align: 1, offsets: { m_steamIDLobby: 0, m_steamIDFriend: 8 } },
  ],
  GameRichPresenceJoinRequested_t: [
    { size: 264, align: 1, offsets: { m_steamIDFriend: 0, m_rgchConnect: 8 } },
    { size: 264, align: 1, offsets: { m_steamIDFriend: 0, m_rgchConnect: 8 } },
  ],
  FriendGameInfo_t: [
    {
      size: 24,
      align: 4,
      offsets: { m_gameID: 0, m_unGameIP: 8, m_usGamePort: 12, m_usQueryPort: 14, m_steamIDLobby: 16 },
    },
    {
      size: 24,
      align: 4,
      offsets: { m_gameID: 0, m_unGameIP: 8, m_usGamePort: 12, m_usQueryPort: 14, m_steamIDLobby: 16 },
    },
  ],
};

describe.each([
  ['small', 0],
  ['large', 1],
] as const)(
  'lobby struct layouts, %s pack rule (small = Linux/macOS, large = Windows)',
  (rule: PackRule, column) => {
    const structs = lobbyStructs(koffi, rule) as unknown as Record<
      string,
      Parameters<typeof koffi.sizeof>[0]
    >;
    it.each(Object.entries(TABLE))(
      '%s has the size, alignment and field offsets of STEAM_API.md §16.4',
      (name, rows) => {
        const want = rows[column];
        const type = structs[name]!;
        expect(koffi.sizeof(type)).toBe(want.size);
        expect(koffi.alignof(type)).toBe(want.align);
        for (const [field, offset] of Object.entries(want.offsets)) {
          expect({ field, offset: koffi.offsetof(type, field) }).toEqual({ field, offset });
        }
      },
    );

    it('declares every struct the table has, and nothing else', () => {
      expect(Object.keys(structs).sort()).toEqual(Object.keys(TABLE).sort());
    });
  },
);

describe('lobby callback ids', () => {
  it("are Steam's: interface base + offset (steam_api_internal.h)", () => {
    expect(LobbyCallbackId).toEqual({
      PersonaStateChange: 304,
      GameLobbyJoinRequested: 333,
      GameRichPresenceJoinRequested: 337,
      LobbyInvite: 503,
      LobbyEnter: 504,
      LobbyDataUpdate: 505,
      LobbyChatUpdate: 506,
      LobbyChatMsg: 507,
      LobbyMatchList: 510,
      LobbyKicked: 512,
      LobbyCreated: 513,
      SteamAPICallCompleted: 703,
      NewUrlLaunchParameters: 1014,
    });
  });
});
