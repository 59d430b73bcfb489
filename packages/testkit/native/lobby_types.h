/*
 * The callback and call-result structs of ISteamMatchmaking, ISteamFriends and ISteamUtils, laid out
 * as Valve's SDK 1.62 headers lay them out (STEAM_API.md §16.4), for BOTH pack rules: pack(4) on
 * Linux/macOS and pack(8) on Windows (or when STEAMWIRE_PACK_LARGE / STEAMWIRE_PACK_SMALL picks one,
 * which is how the tests build each rule on any host). Every size and offset is pinned by _Static_assert.
 *
 * CSteamID is pack(1) in Valve's headers, so structs made only of ids and bytes (333, 337) are the same
 * on both rules; FriendGameInfo_t (CGameID + ints + CSteamID) is 24 bytes, alignment 4, on both.
 */
#ifndef STEAMWIRE_FAKE_LOBBY_TYPES_H
#define STEAMWIRE_FAKE_LOBBY_TYPES_H

#include <stddef.h>
#include <stdint.h>

#if (defined(_WIN32) || defined(STEAMWIRE_PACK_LARGE)) && !defined(STEAMWIRE_PACK_SMALL)
#define SW_PACK_LARGE 1
#else
#define SW_PACK_LARGE 0
#endif

/* Picks the Linux (pack 4) or Windows (pack 8) number. */
#if SW_PACK_LARGE
#define SW_BY_PACK(small, large) (large)
#else
#define SW_BY_PACK(small, large) (small)
#endif

#define SW_LOBBY_ASSERT_SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof(" #type ") must be " #size)
#define SW_LOBBY_ASSERT_AT(type, field, offset) \
  _Static_assert(offsetof(type, field) == (offset), #type "." #field " must be at offset " #offset)

/* Callback ids (k_iSteamFriendsCallbacks 300, …Matchmaking 500, …Utils 700, …Apps 1000). */
#define CB_PERSONA_STATE_CHANGE 304
#define CB_GAME_LOBBY_JOIN_REQUESTED 333
#define CB_GAME_RICH_PRESENCE_JOIN_REQUESTED 337
#define CB_LOBBY_INVITE 503
#define CB_LOBBY_ENTER 504
#define CB_LOBBY_DATA_UPDATE 505
#define CB_LOBBY_CHAT_UPDATE 506
#define CB_LOBBY_CHAT_MSG 507
#define CB_LOBBY_MATCH_LIST 510
#define CB_LOBBY_KICKED 512
#define CB_LOBBY_CREATED 513
#define CB_STEAM_API_CALL_COMPLETED 703
#define CB_NEW_URL_LAUNCH_PARAMETERS 1014

/* ESteamAPICallFailure (isteamutils.h). */
enum {
  k_ESteamAPICallFailureNone = -1,
  k_ESteamAPICallFailureSteamGone = 0,
  k_ESteamAPICallFailureNetworkFailure = 1,
  k_ESteamAPICallFailureInvalidHandle = 2,
  k_ESteamAPICallFailureMismatchedCallback = 3,
};

/* ELobbyType, ELobbyComparison, ELobbyDistanceFilter (isteammatchmaking.h). */
enum { k_ELobbyTypePrivate = 0, k_ELobbyTypeFriendsOnly = 1, k_ELobbyTypePublic = 2, k_ELobbyTypeInvisible = 3 };
enum {
  k_ELobbyComparisonEqualToOrLessThan = -2,
  k_ELobbyComparisonLessThan = -1,
  k_ELobbyComparisonEqual = 0,
  k_ELobbyComparisonGreaterThan = 1,
  k_ELobbyComparisonEqualToOrGreaterThan = 2,
  k_ELobbyComparisonNotEqual = 3,
};

/* EChatRoomEnterResponse, EChatMemberStateChange, EChatEntryType (steamclientpublic.h, isteammatchmaking.h). */
enum {
  k_EChatRoomEnterResponseSuccess = 1,
  k_EChatRoomEnterResponseDoesntExist = 2,
  k_EChatRoomEnterResponseNotAllowed = 3,
  k_EChatRoomEnterResponseFull = 4,
  k_EChatRoomEnterResponseError = 5,
  k_EChatRoomEnterResponseBanned = 6,
};
enum {
  k_EChatMemberStateChangeEntered = 0x01,
  k_EChatMemberStateChangeLeft = 0x02,
  k_EChatMemberStateChangeDisconnected = 0x04,
  k_EChatMemberStateChangeKicked = 0x08,
  k_EChatMemberStateChangeBanned = 0x10,
};
enum { k_EChatEntryTypeChatMsg = 1 };
#define k_EPersonaChangeName 0x0001

/* Limits (STEAM_API.md §16.7). */
#define SW_LOBBY_MAX_MEMBERS 250
#define SW_LOBBY_KEY_MAX 255
#define SW_LOBBY_VALUE_MAX 8192
#define SW_LOBBY_CHAT_MAX 4096
#define SW_LOBBY_LIST_MAX 50
#define SW_RICH_PRESENCE_MAX_KEYS 30
#define SW_RICH_PRESENCE_KEY_MAX 64
#define SW_RICH_PRESENCE_VALUE_MAX 256
#define SW_PERSONA_NAME_MAX 128

#if SW_PACK_LARGE
#pragma pack(push, 8)
#else
#pragma pack(push, 4)
#endif

/* steam_api_internal.h: the 703 every call result arrives through. */
typedef struct SteamAPICallCompleted_t {
  uint64_t m_hAsyncCall;
  int m_iCallback;
  uint32_t m_cubParam;
} SteamAPICallCompleted_t;
SW_LOBBY_ASSERT_SIZE(SteamAPICallCompleted_t, 16);
SW_LOBBY_ASSERT_AT(SteamAPICallCompleted_t, m_hAsyncCall, 0);
SW_LOBBY_ASSERT_AT(SteamAPICallCompleted_t, m_iCallback, 8);
SW_LOBBY_ASSERT_AT(SteamAPICallCompleted_t, m_cubParam, 12);

typedef struct LobbyInvite_t {
  uint64_t m_ulSteamIDUser;
  uint64_t m_ulSteamIDLobby;
  uint64_t m_ulGameID;
} LobbyInvite_t;
SW_LOBBY_ASSERT_SIZE(LobbyInvite_t, 24);
SW_LOBBY_ASSERT_AT(LobbyInvite_t, m_ulSteamIDUser, 0);
SW_LOBBY_ASSERT_AT(LobbyInvite_t, m_ulSteamIDLobby, 8);
SW_LOBBY_ASSERT_AT(LobbyInvite_t, m_ulGameID, 16);

typedef struct LobbyEnter_t {
  uint64_t m_ulSteamIDLobby;
  uint32_t m_rgfChatPermissions;
  uint8_t m_bLocked;
  uint32_t m_EChatRoomEnterResponse;
} LobbyEnter_t;
SW_LOBBY_ASSERT_SIZE(LobbyEnter_t, SW_BY_PACK(20, 24));
SW_LOBBY_ASSERT_AT(LobbyEnter_t, m_ulSteamIDLobby, 0);
SW_LOBBY_ASSERT_AT(LobbyEnter_t, m_rgfChatPermissions, 8);
SW_LOBBY_ASSERT_AT(LobbyEnter_t, m_bLocked, 12);
SW_LOBBY_ASSERT_AT(LobbyEnter_t, m_EChatRoomEnterResponse, 16);

typedef struct LobbyDataUpdate_t {
  uint64_t m_ulSteamIDLobby;
  uint64_t m_ulSteamIDMember;
  uint8_t m_bSuccess;
} LobbyDataUpdate_t;
SW_LOBBY_ASSERT_SIZE(LobbyDataUpdate_t, SW_BY_PACK(20, 24));
SW_LOBBY_ASSERT_AT(LobbyDataUpdate_t, m_ulSteamIDLobby, 0);
SW_LOBBY_ASSERT_AT(LobbyDataUpdate_t, m_ulSteamIDMember, 8);
SW_LOBBY_ASSERT_AT(LobbyDataUpdate_t, m_bSuccess, 16);

typedef struct LobbyChatUpdate_t {
  uint64_t m_ulSteamIDLobby;
  uint64_t m_ulSteamIDUserChanged;
  uint64_t m_ulSteamIDMakingChange;
  uint32_t m_rgfChatMemberStateChange;
} LobbyChatUpdate_t;
SW_LOBBY_ASSERT_SIZE(LobbyChatUpdate_t, SW_BY_PACK(28, 32));
SW_LOBBY_ASSERT_AT(LobbyChatUpdate_t, m_ulSteamIDLobby, 0);
SW_LOBBY_ASSERT_AT(LobbyChatUpdate_t, m_ulSteamIDUserChanged, 8);
SW_LOBBY_ASSERT_AT(LobbyChatUpdate_t, m_ulSteamIDMakingChange, 16);
SW_LOBBY_ASSERT_AT(LobbyChatUpdate_t, m_rgfChatMemberStateChange, 24);

typedef struct LobbyChatMsg_t {
  uint64_t m_ulSteamIDLobby;
  uint64_t m_ulSteamIDUser;
  uint8_t m_eChatEntryType; /* a uint8 here, but a 4-byte enum in GetLobbyChatEntry */
  uint32_t m_iChatID;
} LobbyChatMsg_t;
SW_LOBBY_ASSERT_SIZE(LobbyChatMsg_t, 24);
SW_LOBBY_ASSERT_AT(LobbyChatMsg_t, m_ulSteamIDLobby, 0);
SW_LOBBY_ASSERT_AT(LobbyChatMsg_t, m_ulSteamIDUser, 8);
SW_LOBBY_ASSERT_AT(LobbyChatMsg_t, m_eChatEntryType, 16);
SW_LOBBY_ASSERT_AT(LobbyChatMsg_t, m_iChatID, 20);

typedef struct LobbyMatchList_t {
  uint32_t m_nLobbiesMatching;
} LobbyMatchList_t;
SW_LOBBY_ASSERT_SIZE(LobbyMatchList_t, 4);
SW_LOBBY_ASSERT_AT(LobbyMatchList_t, m_nLobbiesMatching, 0);

typedef struct LobbyKicked_t {
  uint64_t m_ulSteamIDLobby;
  uint64_t m_ulSteamIDAdmin;
  uint8_t m_bKickedDueToDisconnect;
} LobbyKicked_t;
SW_LOBBY_ASSERT_SIZE(LobbyKicked_t, SW_BY_PACK(20, 24));
SW_LOBBY_ASSERT_AT(LobbyKicked_t, m_ulSteamIDLobby, 0);
SW_LOBBY_ASSERT_AT(LobbyKicked_t, m_ulSteamIDAdmin, 8);
SW_LOBBY_ASSERT_AT(LobbyKicked_t, m_bKickedDueToDisconnect, 16);

/* The struct behind Facepunch#785: the id is at 4 on Linux and at 8 on Windows. */
typedef struct LobbyCreated_t {
  int32_t m_eResult;
  uint64_t m_ulSteamIDLobby;
} LobbyCreated_t;
SW_LOBBY_ASSERT_SIZE(LobbyCreated_t, SW_BY_PACK(12, 16));
SW_LOBBY_ASSERT_AT(LobbyCreated_t, m_eResult, 0);
SW_LOBBY_ASSERT_AT(LobbyCreated_t, m_ulSteamIDLobby, SW_BY_PACK(4, 8));

typedef struct PersonaStateChange_t {
  uint64_t m_ulSteamID;
  int32_t m_nChangeFlags;
} PersonaStateChange_t;
SW_LOBBY_ASSERT_SIZE(PersonaStateChange_t, SW_BY_PACK(12, 16));
SW_LOBBY_ASSERT_AT(PersonaStateChange_t, m_ulSteamID, 0);
SW_LOBBY_ASSERT_AT(PersonaStateChange_t, m_nChangeFlags, 8);

#pragma pack(pop)

/* CGameID and CSteamID are pack(1) objects; the ints around them give FriendGameInfo_t alignment 4. */
#pragma pack(push, 4)
typedef struct FriendGameInfo_t {
  uint64_t m_gameID;
  uint32_t m_unGameIP;
  uint16_t m_usGamePort;
  uint16_t m_usQueryPort;
  uint64_t m_steamIDLobby;
} FriendGameInfo_t;
#pragma pack(pop)
SW_LOBBY_ASSERT_SIZE(FriendGameInfo_t, 24);
_Static_assert(_Alignof(FriendGameInfo_t) == 4, "FriendGameInfo_t has alignment 4");
SW_LOBBY_ASSERT_AT(FriendGameInfo_t, m_gameID, 0);
SW_LOBBY_ASSERT_AT(FriendGameInfo_t, m_unGameIP, 8);
SW_LOBBY_ASSERT_AT(FriendGameInfo_t, m_usGamePort, 12);
SW_LOBBY_ASSERT_AT(FriendGameInfo_t, m_usQueryPort, 14);
SW_LOBBY_ASSERT_AT(FriendGameInfo_t, m_steamIDLobby, 16);

#pragma pack(push, 1)
typedef struct GameLobbyJoinRequested_t {
  uint64_t m_steamIDLobby;
  uint64_t m_steamIDFriend;
} GameLobbyJoinRequested_t;
SW_LOBBY_ASSERT_SIZE(GameLobbyJoinRequested_t, 16);
SW_LOBBY_ASSERT_AT(GameLobbyJoinRequested_t, m_steamIDLobby, 0);
SW_LOBBY_ASSERT_AT(GameLobbyJoinRequested_t, m_steamIDFriend, 8);

typedef struct GameRichPresenceJoinRequested_t {
  uint64_t m_steamIDFriend;
  char m_rgchConnect[256];
} GameRichPresenceJoinRequested_t;
SW_LOBBY_ASSERT_SIZE(GameRichPresenceJoinRequested_t, 264);
SW_LOBBY_ASSERT_AT(GameRichPresenceJoinRequested_t, m_steamIDFriend, 0);
SW_LOBBY_ASSERT_AT(GameRichPresenceJoinRequested_t, m_rgchConnect, 8);
#pragma pack(pop)

#endif
