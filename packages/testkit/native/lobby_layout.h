/*
 * The layout of every lobby and friends struct as JSON: [size, offset of each field in declaration
 * order]. Shared by the library's debug export and tools/lobby_layout.c, which the tests compile with
 * and without STEAMWIRE_PACK_LARGE to check both pack rules against STEAM_API.md §16.4.
 */
#ifndef STEAMWIRE_FAKE_LOBBY_LAYOUT_H
#define STEAMWIRE_FAKE_LOBBY_LAYOUT_H

#include <stdio.h>

#include "lobby_types.h"

static inline const char *sw_lobby_layout_json(char *out, size_t size) {
#define O(t, f) offsetof(t, f)
#define O(t, f) offsetof(t, f)
  snprintf(out, size,
           "{\"pack\":%d,"
           "\"SteamAPICallCompleted_t\":[%zu,%zu,%zu,%zu],"
           "\"LobbyInvite_t\":[%zu,%zu,%zu,%zu],"
           "\"LobbyEnter_t\":[%zu,%zu,%zu,%zu,%zu],"
           "\"LobbyDataUpdate_t\":[%zu,%zu,%zu,%zu],"
           "\"LobbyChatUpdate_t\":[%zu,%zu,%zu,%zu,%zu],"
           "\"LobbyChatMsg_t\":[%zu,%zu,%zu,%zu,%zu],"
           "\"LobbyMatchList_t\":[%zu,%zu],"
           "\"LobbyKicked_t\":[%zu,%zu,%zu,%zu],"
           "\"LobbyCreated_t\":[%zu,%zu,%zu],"
           "\"PersonaStateChange_t\":[%zu,%zu,%zu],"
           "\"GameLobbyJoinRequested_t\":[%zu,%zu,%zu],"
           "\"GameRichPresenceJoinRequested_t\":[%zu,%zu,%zu],"
           "\"FriendGameInfo_t\":[%zu,%zu,%zu,%zu,%zu,%zu]}",
           SW_BY_PACK(4, 8), sizeof(SteamAPICallCompleted_t), O(SteamAPICallCompleted_t, m_hAsyncCall),
           O(SteamAPICallCompleted_t, m_iCallback), O(SteamAPICallCompleted_t, m_cubParam), sizeof(LobbyInvite_t),
           O(LobbyInvite_t, m_ulSteamIDUser), O(LobbyInvite_t, m_ulSteamIDLobby), O(LobbyInvite_t, m_ulGameID),
           sizeof(LobbyEnter_t), O(LobbyEnter_t, m_ulSteamIDLobby), O(LobbyEnter_t, m_rgfChatPermissions),
           O(LobbyEnter_t, m_bLocked), O(LobbyEnter_t, m_EChatRoomEnterResponse), sizeof(LobbyDataUpdate_t),
           O(LobbyDataUpdate_t, m_ulSteamIDLobby), O(LobbyDataUpdate_t, m_ulSteamIDMember), O(LobbyDataUpdate_t, m_bSuccess),
           sizeof(LobbyChatUpdate_t), O(LobbyChatUpdate_t, m_ulSteamIDLobby), O(LobbyChatUpdate_t, m_ulSteamIDUserChanged),
           O(LobbyChatUpdate_t, m_ulSteamIDMakingChange), O(LobbyChatUpdate_t, m_rgfChatMemberStateChange),
           sizeof(LobbyChatMsg_t), O(LobbyChatMsg_t, m_ulSteamIDLobby), O(LobbyChatMsg_t, m_ulSteamIDUser),
           O(LobbyChatMsg_t, m_eChatEntryType), O(LobbyChatMsg_t, m_iChatID), sizeof(LobbyMatchList_t),
           O(LobbyMatchList_t, m_nLobbiesMatching), sizeof(LobbyKicked_t), O(LobbyKicked_t, m_ulSteamIDLobby),
           O(LobbyKicked_t, m_ulSteamIDAdmin), O(LobbyKicked_t, m_bKickedDueToDisconnect), sizeof(LobbyCreated_t),
           O(LobbyCreated_t, m_eResult), O(LobbyCreated_t, m_ulSteamIDLobby), sizeof(PersonaStateChange_t),
           O(PersonaStateChange_t, m_ulSteamID), O(PersonaStateChange_t, m_nChangeFlags), sizeof(GameLobbyJoinRequested_t),
           O(GameLobbyJoinRequested_t, m_steamIDLobby), O(GameLobbyJoinRequested_t, m_steamIDFriend),
           sizeof(GameRichPresenceJoinRequested_t), O(GameRichPresenceJoinRequested_t, m_steamIDFriend),
           O(GameRichPresenceJoinRequested_t, m_rgchConnect), sizeof(FriendGameInfo_t), O(FriendGameInfo_t, m_gameID),
           O(FriendGameInfo_t, m_unGameIP), O(FriendGameInfo_t, m_usGamePort), O(FriendGameInfo_t, m_usQueryPort),
           O(FriendGameInfo_t, m_steamIDLobby));
#undef O
  return out;
}

#endif
