/*
 * Steam flat-API types, laid out byte for byte as Valve's SDK 1.62 headers lay them out on x86-64
 * Linux, macOS and Windows. Every struct is pinned by _Static_assert on its size and on each field
 * offset, so a layout slip fails the build instead of corrupting memory in the koffi binding.
 *
 * Packing, as in Valve's steamclientpublic.h: callback structs and the networking types use
 * #pragma pack(4) on Linux/macOS/FreeBSD (VALVE_CALLBACK_PACK_SMALL) and #pragma pack(8) everywhere
 * else, i.e. Windows (VALVE_CALLBACK_PACK_LARGE); identities and the two NetworkingMessages
 * callbacks use pack(1), and SteamNetworkingMessage_t has natural alignment. The rules only differ
 * for structs with an 8-byte member after a 4-byte one: CallbackMsg_t is 20 bytes small, 24 large.
 */
#ifndef STEAMWIRE_FAKE_STEAM_TYPES_H
#define STEAMWIRE_FAKE_STEAM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef int32_t HSteamPipe;
typedef int32_t HSteamUser;
typedef uint64_t SteamAPICall_t;
typedef uint32_t HSteamNetConnection;
typedef uint32_t HSteamListenSocket;
typedef uint32_t SteamNetworkingPOPID;
typedef int64_t SteamNetworkingMicroseconds;

/* ESteamAPIInitResult (steam_api.h). */
enum {
  k_ESteamAPIInitResult_OK = 0,
  k_ESteamAPIInitResult_FailedGeneric = 1,
  k_ESteamAPIInitResult_NoSteamClient = 2,
  k_ESteamAPIInitResult_VersionMismatch = 3,
};
#define STEAM_ERR_MSG_BYTES 1024

/* EP2PSend / EP2PSessionError (isteamnetworking.h). */
enum { k_EP2PSendUnreliable = 0, k_EP2PSendUnreliableNoDelay = 1, k_EP2PSendReliable = 2, k_EP2PSendReliableWithBuffering = 3 };
enum { k_EP2PSessionErrorNone = 0, k_EP2PSessionErrorNoRightsToApp = 2, k_EP2PSessionErrorTimeout = 4 };

/* k_nSteamNetworkingSend_* flags (steamnetworkingtypes.h). */
#define k_nSteamNetworkingSend_NoNagle 1
#define k_nSteamNetworkingSend_NoDelay 4
#define k_nSteamNetworkingSend_Reliable 8
#define k_nSteamNetworkingSend_AutoRestartBrokenSession 32

/* EResult subset (steamclientpublic.h). */
enum {
  k_EResultOK = 1,
  k_EResultFail = 2,
  k_EResultNoConnection = 3,
  k_EResultInvalidParam = 8,
  k_EResultInvalidSteamID = 19,
  k_EResultLimitExceeded = 25,
  k_EResultIgnored = 41,
};

/* ESteamNetworkingConnectionState. */
enum {
  k_ESteamNetworkingConnectionState_None = 0,
  k_ESteamNetworkingConnectionState_Connecting = 1,
  k_ESteamNetworkingConnectionState_FindingRoute = 2,
  k_ESteamNetworkingConnectionState_Connected = 3,
  k_ESteamNetworkingConnectionState_ClosedByPeer = 4,
  k_ESteamNetworkingConnectionState_ProblemDetectedLocally = 5,
};

/* ESteamNetConnectionEnd subset. */
enum { k_ESteamNetConnectionEnd_App_Generic = 1000, k_ESteamNetConnectionEnd_Misc_Timeout = 5003 };

#define k_ESteamNetworkingIdentityType_SteamID 16
#define k_cbMaxSteamNetworkingSocketsMessageSizeSend (512 * 1024)

/* Callback ids: k_iSteamNetworkingCallbacks = 1200, k_iSteamNetworkingMessagesCallbacks = 1250. */
#define CB_P2P_SESSION_REQUEST 1202
#define CB_P2P_SESSION_CONNECT_FAIL 1203
#define CB_MESSAGES_SESSION_REQUEST 1251
#define CB_MESSAGES_SESSION_FAILED 1252

/* Valve's rule (steamclientpublic.h, SDK 1.62 lines 1161-1196), to the letter. */
#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__)
#define VALVE_CALLBACK_PACK_SMALL
#define SW_VALVE_PACK_PUSH _Pragma("pack(push, 4)")
#else
#define VALVE_CALLBACK_PACK_LARGE
#define SW_VALVE_PACK_PUSH _Pragma("pack(push, 8)")
#endif

#define SW_ASSERT_LAYOUT(type, field, offset) \
  _Static_assert(offsetof(type, field) == (offset), #type "." #field " must be at offset " #offset)
#define SW_ASSERT_SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof(" #type ") must be " #size)

/* ---- Valve's callback pack: callback structs and the classic networking types ---- */
SW_VALVE_PACK_PUSH

/* steam_api_internal.h: what ManualDispatch_GetNextCallback fills in. */
typedef struct CallbackMsg_t {
  HSteamUser m_hSteamUser;
  int m_iCallback;
  uint8_t *m_pubParam;
  int m_cubParam;
} CallbackMsg_t;
#ifdef VALVE_CALLBACK_PACK_SMALL
SW_ASSERT_SIZE(CallbackMsg_t, 20);
_Static_assert(_Alignof(CallbackMsg_t) == 4, "CallbackMsg_t is 4-aligned under pack(4)");
#else
SW_ASSERT_SIZE(CallbackMsg_t, 24);
_Static_assert(_Alignof(CallbackMsg_t) == 8, "CallbackMsg_t is 8-aligned under pack(8)");
#endif
SW_ASSERT_LAYOUT(CallbackMsg_t, m_hSteamUser, 0);
SW_ASSERT_LAYOUT(CallbackMsg_t, m_iCallback, 4);
SW_ASSERT_LAYOUT(CallbackMsg_t, m_pubParam, 8);
SW_ASSERT_LAYOUT(CallbackMsg_t, m_cubParam, 16);

/* isteamnetworking.h: GetP2PSessionState's out struct. */
typedef struct P2PSessionState_t {
  uint8_t m_bConnectionActive;
  uint8_t m_bConnecting;
  uint8_t m_eP2PSessionError;
  uint8_t m_bUsingRelay;
  int32_t m_nBytesQueuedForSend;
  int32_t m_nPacketsQueuedForSend;
  uint32_t m_nRemoteIP;
  uint16_t m_nRemotePort;
} P2PSessionState_t;
SW_ASSERT_SIZE(P2PSessionState_t, 20);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_bConnectionActive, 0);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_bConnecting, 1);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_eP2PSessionError, 2);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_bUsingRelay, 3);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_nBytesQueuedForSend, 4);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_nPacketsQueuedForSend, 8);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_nRemoteIP, 12);
SW_ASSERT_LAYOUT(P2PSessionState_t, m_nRemotePort, 16);

/* steamnetworkingtypes.h: quick status, filled by GetSessionConnectionInfo. */
typedef struct SteamNetConnectionRealTimeStatus_t {
  int m_eState;
  int m_nPing;
  float m_flConnectionQualityLocal;
  float m_flConnectionQualityRemote;
  float m_flOutPacketsPerSec;
  float m_flOutBytesPerSec;
  float m_flInPacketsPerSec;
  float m_flInBytesPerSec;
  int m_nSendRateBytesPerSecond;
  int m_cbPendingUnreliable;
  int m_cbPendingReliable;
  int m_cbSentUnackedReliable;
  SteamNetworkingMicroseconds m_usecQueueTime;
  uint32_t reserved[16];
} SteamNetConnectionRealTimeStatus_t;
SW_ASSERT_SIZE(SteamNetConnectionRealTimeStatus_t, 120);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_eState, 0);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_nPing, 4);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flConnectionQualityLocal, 8);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flConnectionQualityRemote, 12);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flOutPacketsPerSec, 16);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flOutBytesPerSec, 20);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flInPacketsPerSec, 24);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_flInBytesPerSec, 28);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_nSendRateBytesPerSecond, 32);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_cbPendingUnreliable, 36);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_cbPendingReliable, 40);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_cbSentUnackedReliable, 44);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_usecQueueTime, 48);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, reserved, 56);

#pragma pack(pop)

/* ---- pack(1): identities, addresses (steamnetworkingtypes.h 193-343) and the Messages callbacks ---- */
#pragma pack(push, 1)

typedef struct SteamNetworkingIPAddr {
  uint8_t m_ipv6[16];
  uint16_t m_port; /* host byte order */
} SteamNetworkingIPAddr;
SW_ASSERT_SIZE(SteamNetworkingIPAddr, 18);
SW_ASSERT_LAYOUT(SteamNetworkingIPAddr, m_port, 16);

typedef struct SteamNetworkingIdentity {
  int32_t m_eType;
  int32_t m_cbSize;
  union {
    uint64_t m_steamID64;
    char m_szGenericString[32];
    uint8_t m_genericBytes[32];
    char m_szUnknownRawString[128];
    SteamNetworkingIPAddr m_ip;
    uint32_t m_reserved[32];
  };
} SteamNetworkingIdentity;
SW_ASSERT_SIZE(SteamNetworkingIdentity, 136);
SW_ASSERT_LAYOUT(SteamNetworkingIdentity, m_eType, 0);
SW_ASSERT_LAYOUT(SteamNetworkingIdentity, m_cbSize, 4);
SW_ASSERT_LAYOUT(SteamNetworkingIdentity, m_steamID64, 8);

/* isteamnetworking.h callbacks: CSteamID is pack(1), so these have alignment 1. */
typedef struct P2PSessionRequest_t {
  uint64_t m_steamIDRemote;
} P2PSessionRequest_t;
SW_ASSERT_SIZE(P2PSessionRequest_t, 8);
SW_ASSERT_LAYOUT(P2PSessionRequest_t, m_steamIDRemote, 0);

typedef struct P2PSessionConnectFail_t {
  uint64_t m_steamIDRemote;
  uint8_t m_eP2PSessionError;
} P2PSessionConnectFail_t;
SW_ASSERT_SIZE(P2PSessionConnectFail_t, 9);
SW_ASSERT_LAYOUT(P2PSessionConnectFail_t, m_steamIDRemote, 0);
SW_ASSERT_LAYOUT(P2PSessionConnectFail_t, m_eP2PSessionError, 8);

#pragma pack(pop)

/* SteamNetConnectionInfo_t sits in Valve's callback pack block; its members force the same offsets
 * under either rule (only its alignment differs: 4 small, 8 large). */
SW_VALVE_PACK_PUSH
typedef struct SteamNetConnectionInfo_t {
  SteamNetworkingIdentity m_identityRemote;
  int64_t m_nUserData;
  HSteamListenSocket m_hListenSocket;
  SteamNetworkingIPAddr m_addrRemote;
  uint16_t m__pad1;
  SteamNetworkingPOPID m_idPOPRemote;
  SteamNetworkingPOPID m_idPOPRelay;
  int m_eState;
  int m_eEndReason;
  char m_szEndDebug[128];
  char m_szConnectionDescription[128];
  int m_nFlags;
  uint32_t reserved[63];
} SteamNetConnectionInfo_t;
#pragma pack(pop)
SW_ASSERT_SIZE(SteamNetConnectionInfo_t, 696);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_identityRemote, 0);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_nUserData, 136);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_hListenSocket, 144);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_addrRemote, 148);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m__pad1, 166);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_idPOPRemote, 168);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_idPOPRelay, 172);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_eState, 176);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_eEndReason, 180);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_szEndDebug, 184);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_szConnectionDescription, 312);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_nFlags, 440);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, reserved, 444);

/* isteamnetworkingmessages.h callbacks are pack(1). */
#pragma pack(push, 1)
typedef struct SteamNetworkingMessagesSessionRequest_t {
  SteamNetworkingIdentity m_identityRemote;
} SteamNetworkingMessagesSessionRequest_t;
SW_ASSERT_SIZE(SteamNetworkingMessagesSessionRequest_t, 136);
SW_ASSERT_LAYOUT(SteamNetworkingMessagesSessionRequest_t, m_identityRemote, 0);

typedef struct SteamNetworkingMessagesSessionFailed_t {
  SteamNetConnectionInfo_t m_info;
} SteamNetworkingMessagesSessionFailed_t;
SW_ASSERT_SIZE(SteamNetworkingMessagesSessionFailed_t, 696);
SW_ASSERT_LAYOUT(SteamNetworkingMessagesSessionFailed_t, m_info, 0);
#pragma pack(pop)

/* SteamNetworkingMessage_t is defined after Valve's pack pop: natural alignment. */
typedef struct SteamNetworkingMessage_t {
  void *m_pData;
  int m_cbSize;
  HSteamNetConnection m_conn;
  SteamNetworkingIdentity m_identityPeer;
  int64_t m_nConnUserData;
  SteamNetworkingMicroseconds m_usecTimeReceived;
  int64_t m_nMessageNumber;
  void (*m_pfnFreeData)(struct SteamNetworkingMessage_t *msg);
  void (*m_pfnRelease)(struct SteamNetworkingMessage_t *msg);
  int m_nChannel;
  int m_nFlags;
  int64_t m_nUserData;
  uint16_t m_idxLane;
  uint16_t _pad1__;
} SteamNetworkingMessage_t;
SW_ASSERT_SIZE(SteamNetworkingMessage_t, 216);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_pData, 0);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_cbSize, 8);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_conn, 12);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_identityPeer, 16);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_nConnUserData, 152);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_usecTimeReceived, 160);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_nMessageNumber, 168);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_pfnFreeData, 176);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_pfnRelease, 184);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_nChannel, 192);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_nFlags, 196);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_nUserData, 200);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_idxLane, 208);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, _pad1__, 210);

#endif
