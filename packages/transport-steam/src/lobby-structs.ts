/**
 * The callback and call-result structs of the lobby and friends APIs as koffi types, laid out as
 * Valve's compilers lay them out (STEAM_API.md §16.4), for both pack rules: callback structs are
 * pack(4) on Linux/macOS and pack(8) on Windows, so a struct of 8-byte ids followed by a small field
 * has a different size (and `LobbyCreated_t` a different id offset) on each. `CSteamID` is pack(1),
 * so structs made only of ids and bytes (333, 337) are identical on both.
 * @packageDocumentation
 */
import type { Koffi } from './koffi.js';
import { hostPackRule, type KoffiType, type PackRule } from './structs.js';

/** Callback ids of the lobby and friends APIs (`k_iSteam…Callbacks` base + offset). */
export const LobbyCallbackId = {
  /** `PersonaStateChange_t` (k_iSteamFriendsCallbacks 300 + 4). */
  PersonaStateChange: 304,
  /** `GameLobbyJoinRequested_t` (300 + 33). */
  GameLobbyJoinRequested: 333,
  /** `GameRichPresenceJoinRequested_t` (300 + 37). */
  GameRichPresenceJoinRequested: 337,
  /** `LobbyInvite_t` (k_iSteamMatchmakingCallbacks 500 + 3). */
  LobbyInvite: 503,
  /** `LobbyEnter_t` (500 + 4). */
  LobbyEnter: 504,
  /** `LobbyDataUpdate_t` (500 + 5). */
  LobbyDataUpdate: 505,
  /** `LobbyChatUpdate_t` (500 + 6). */
  LobbyChatUpdate: 506,
  /** `LobbyChatMsg_t` (500 + 7). */
  LobbyChatMsg: 507,
  /** `LobbyMatchList_t` (500 + 10). */
  LobbyMatchList: 510,
  /** `LobbyKicked_t` (500 + 12). */
  LobbyKicked: 512,
  /** `LobbyCreated_t` (500 + 13). */
  LobbyCreated: 513,
  /** `SteamAPICallCompleted_t` (k_iSteamUtilsCallbacks 700 + 3). */
  SteamAPICallCompleted: 703,
  /** `NewUrlLaunchParameters_t` (k_iSteamAppsCallbacks 1000 + 14). */
  NewUrlLaunchParameters: 1014,
} as const;

/** Every lobby and friends struct type, for one pack rule. */
export interface LobbyStructs {
  /** steam_api_internal.h, callback 703: 16 bytes on both rules. */
  SteamAPICallCompleted_t: KoffiType;
  /** isteammatchmaking.h, 503: 24 bytes. */
  LobbyInvite_t: KoffiType;
  /** 504: 20 bytes (small) / 24 (large). */
  LobbyEnter_t: KoffiType;
  /** 505: 20 / 24. */
  LobbyDataUpdate_t: KoffiType;
  /** 506: 28 / 32. */
  LobbyChatUpdate_t: KoffiType;
  /** 507: 24 / 24. */
  LobbyChatMsg_t: KoffiType;
  /** 510: 4. */
  LobbyMatchList_t: KoffiType;
  /** 512: 20 / 24. */
  LobbyKicked_t: KoffiType;
  /** 513: 12 (id at 4) / 16 (id at 8). */
  LobbyCreated_t: KoffiType;
  /** isteamfriends.h, 304: 12 / 16. */
  PersonaStateChange_t: KoffiType;
  /** 333: 16 bytes, pack 1 (two CSteamIDs). */
  GameLobbyJoinRequested_t: KoffiType;
  /** 337: 264 bytes, pack 1. */
  GameRichPresenceJoinRequested_t: KoffiType;
  /** isteamfriends.h: 24 bytes, alignment 4 on both rules. */
  FriendGameInfo_t: KoffiType;
}

const cache = new Map<PackRule, LobbyStructs>();

/** The lobby struct types for `rule` (default: this platform's). */
export function lobbyStructs(koffi: Koffi, rule: PackRule = hostPackRule()): LobbyStructs {
  const hit = cache.get(rule);
  if (hit) return hit;
  // An 8-byte member inside a pack(4) region is aligned to 4 on Linux/macOS and to 8 on Windows.
  const wide = (type: string): string | [number, string] => (rule === 'small' ? [4, type] : type);
  const id = wide('uint64_t');

  const structs: LobbyStructs = {
    SteamAPICallCompleted_t: koffi.struct({
      m_hAsyncCall: id,
      m_iCallback: 'int32_t',
      m_cubParam: 'uint32_t',
    }),
    LobbyInvite_t: koffi.struct({ m_ulSteamIDUser: id, m_ulSteamIDLobby: id, m_ulGameID: id }),
    LobbyEnter_t: koffi.struct({
      m_ulSteamIDLobby: id,
      m_rgfChatPermissions: 'uint32_t',
      m_bLocked: 'uint8_t',
      m_EChatRoomEnterResponse: 'uint32_t',
    }),
    LobbyDataUpdate_t: koffi.struct({ m_ulSteamIDLobby: id, m_ulSteamIDMember: id, m_bSuccess: 'uint8_t' }),
    LobbyChatUpdate_t: koffi.struct({
      m_ulSteamIDLobby: id,
      m_ulSteamIDUserChanged: id,
      m_ulSteamIDMakingChange: id,
      m_rgfChatMemberStateChange: 'uint32_t',
    }),
    LobbyChatMsg_t: koffi.struct({
      m_ulSteamIDLobby: id,
      m_ulSteamIDUser: id,
      m_eChatEntryType: 'uint8_t',
      m_iChatID: 'uint32_t',
    }),
    LobbyMatchList_t: koffi.struct({ m_nLobbiesMatching: 'uint32_t' }),
    LobbyKicked_t: koffi.struct({
      m_ulSteamIDLobby: id,
      m_ulSteamIDAdmin: id,
      m_bKickedDueToDisconnect: 'uint8_t',
    }),
    LobbyCreated_t: koffi.struct({ m_eResult: 'int32_t', m_ulSteamIDLobby: id }),
    PersonaStateChange_t: koffi.struct({ m_ulSteamID: id, m_nChangeFlags: 'int32_t' }),
    GameLobbyJoinRequested_t: koffi.pack({ m_steamIDLobby: 'uint64_t', m_steamIDFriend: 'uint64_t' }),
    GameRichPresenceJoinRequested_t: koffi.pack({
      m_steamIDFriend: 'uint64_t',
      m_rgchConnect: koffi.array('uint8_t', 256),
    }),
    // CGameID is 4-aligned on both rules (measured); the lobby is a pack(1) CSteamID at 16.
    FriendGameInfo_t: koffi.struct({
      m_gameID: [4, 'uint64_t'],
      m_unGameIP: 'uint32_t',
      m_usGamePort: 'uint16_t',
      m_usQueryPort: 'uint16_t',
      m_steamIDLobby: [4, 'uint64_t'],
    }),
  };
  cache.set(rule, structs);
  return structs;
}
