/*
 * Valve's ISteamNetworkingSockets / ISteamNetworkingUtils types (SDK 1.62 steamnetworkingtypes.h,
 * isteamnetworkingsockets.h), laid out as STEAM_API.md §15.5 measured them, and pinned by
 * _Static_assert for the pack rule of the target: pack 4 on Linux/macOS, pack 8 on Windows.
 * -DSTEAMWIRE_PACK_LARGE / -DSTEAMWIRE_PACK_SMALL pick a rule on any host: tools/sockets_layout.c is
 * built with each, so every compile of it checks that rule's asserts (a test runs both).
 *
 * SteamNetConnectionStatusChangedCallback_t is the one struct whose offsets differ: its m_info is
 * 8-aligned on Windows. It is declared with explicit padding so that both layouts come out byte for
 * byte whatever alignment steam_types.h gives SteamNetConnectionInfo_t.
 */
#ifndef STEAMWIRE_FAKE_SOCKETS_TYPES_H
#define STEAMWIRE_FAKE_SOCKETS_TYPES_H

#include "steam_types.h"

#if (defined(_WIN32) || defined(STEAMWIRE_PACK_LARGE)) && !defined(STEAMWIRE_PACK_SMALL)
#define SW_PACK_LARGE 1
#else
#define SW_PACK_LARGE 0
#endif

typedef uint32_t HSteamNetPollGroup;

/* ESteamNetworkingConnectionState values not in steam_types.h are the internal ones; none needed. */

/* ESteamNetConnectionEnd (steamnetworkingtypes.h:457-652). */
enum {
  k_ESteamNetConnectionEnd_Invalid = 0,
  k_ESteamNetConnectionEnd_App_Min = 1000,
  k_ESteamNetConnectionEnd_App_Max = 1999,
  k_ESteamNetConnectionEnd_AppException_Min = 2000,
  k_ESteamNetConnectionEnd_AppException_Max = 2999,
  k_ESteamNetConnectionEnd_Misc_Generic = 5001,
  k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection = 5010,
};

/* More EResult values the Sockets API returns (steamclientpublic.h). */
enum {
  k_EResultInvalidState = 11,
  k_EResultDuplicateRequest = 29,
};

/* ESteamNetworkingAvailability (steamnetworkingtypes.h:101-125). */
enum {
  k_ESteamNetworkingAvailability_CannotTry = -102,
  k_ESteamNetworkingAvailability_Failed = -101,
  k_ESteamNetworkingAvailability_Previously = -100,
  k_ESteamNetworkingAvailability_Retrying = -10,
  k_ESteamNetworkingAvailability_Unknown = 0,
  k_ESteamNetworkingAvailability_NeverTried = 1,
  k_ESteamNetworkingAvailability_Waiting = 2,
  k_ESteamNetworkingAvailability_Attempting = 3,
  k_ESteamNetworkingAvailability_Current = 100,
};

/* ESteamNetworkingConfigScope / DataType / GetConfigValueResult (steamnetworkingtypes.h:1088-1113, 1775-1784). */
enum {
  k_ESteamNetworkingConfig_Global = 1,
  k_ESteamNetworkingConfig_SocketsInterface = 2,
  k_ESteamNetworkingConfig_ListenSocket = 3,
  k_ESteamNetworkingConfig_Connection = 4,
};
enum {
  k_ESteamNetworkingConfig_Int32 = 1,
  k_ESteamNetworkingConfig_Int64 = 2,
  k_ESteamNetworkingConfig_Float = 3,
  k_ESteamNetworkingConfig_String = 4,
  k_ESteamNetworkingConfig_Ptr = 5,
};
enum {
  k_ESteamNetworkingGetConfigValue_BadValue = -1,
  k_ESteamNetworkingGetConfigValue_BadScopeObj = -2,
  k_ESteamNetworkingGetConfigValue_BufferTooSmall = -3,
  k_ESteamNetworkingGetConfigValue_OK = 1,
  k_ESteamNetworkingGetConfigValue_OKInherited = 2,
};

/* k_nSteamNetworkConnectionInfoFlags_* (steamnetworkingtypes.h:665-670). */
#define SW_CONN_FLAG_UNENCRYPTED 2
#define SW_CONN_FLAG_LOOPBACK_BUFFERS 4
#define SW_CONN_FLAG_FAST 8

/* Callback ids: k_iSteamNetworkingSocketsCallbacks = 1220, k_iSteamNetworkingUtilsCallbacks = 1280. */
#define CB_CONNECTION_STATUS_CHANGED 1221
#define CB_AUTHENTICATION_STATUS 1222
#define CB_RELAY_NETWORK_STATUS 1281

#define SW_MAX_LANES 255

#if SW_PACK_LARGE
#pragma pack(push, 8)
#else
#pragma pack(push, 4)
#endif

typedef struct SteamNetConnectionRealTimeLaneStatus_t {
  int m_cbPendingUnreliable;
  int m_cbPendingReliable;
  int m_cbSentUnackedReliable;
  int _reservePad1;
  SteamNetworkingMicroseconds m_usecQueueTime;
  uint32_t reserved[10];
} SteamNetConnectionRealTimeLaneStatus_t;
SW_ASSERT_SIZE(SteamNetConnectionRealTimeLaneStatus_t, 64);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, m_cbPendingUnreliable, 0);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, m_cbPendingReliable, 4);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, m_cbSentUnackedReliable, 8);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, _reservePad1, 12);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, m_usecQueueTime, 16);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeLaneStatus_t, reserved, 24);

typedef struct SteamNetAuthenticationStatus_t {
  int m_eAvail;
  char m_debugMsg[256];
} SteamNetAuthenticationStatus_t;
SW_ASSERT_SIZE(SteamNetAuthenticationStatus_t, 260);
SW_ASSERT_LAYOUT(SteamNetAuthenticationStatus_t, m_eAvail, 0);
SW_ASSERT_LAYOUT(SteamNetAuthenticationStatus_t, m_debugMsg, 4);

typedef struct SteamRelayNetworkStatus_t {
  int m_eAvail;
  int m_bPingMeasurementInProgress;
  int m_eAvailNetworkConfig;
  int m_eAvailAnyRelay;
  char m_debugMsg[256];
} SteamRelayNetworkStatus_t;
SW_ASSERT_SIZE(SteamRelayNetworkStatus_t, 272);
SW_ASSERT_LAYOUT(SteamRelayNetworkStatus_t, m_eAvail, 0);
SW_ASSERT_LAYOUT(SteamRelayNetworkStatus_t, m_bPingMeasurementInProgress, 4);
SW_ASSERT_LAYOUT(SteamRelayNetworkStatus_t, m_eAvailNetworkConfig, 8);
SW_ASSERT_LAYOUT(SteamRelayNetworkStatus_t, m_eAvailAnyRelay, 12);
SW_ASSERT_LAYOUT(SteamRelayNetworkStatus_t, m_debugMsg, 16);

#pragma pack(pop)

/* Explicit padding (see the file comment), inside pack(4) so nothing else moves. */
#pragma pack(push, 4)
typedef struct SteamNetConnectionStatusChangedCallback_t {
  HSteamNetConnection m_hConn;
#if SW_PACK_LARGE
  uint32_t _padInfo;
#endif
  SteamNetConnectionInfo_t m_info;
  int m_eOldState;
#if SW_PACK_LARGE
  uint32_t _padEnd;
#endif
} SteamNetConnectionStatusChangedCallback_t;
#pragma pack(pop)
#if SW_PACK_LARGE
SW_ASSERT_SIZE(SteamNetConnectionStatusChangedCallback_t, 712);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_hConn, 0);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_info, 8);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_eOldState, 704);
#else
SW_ASSERT_SIZE(SteamNetConnectionStatusChangedCallback_t, 704);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_hConn, 0);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_info, 4);
SW_ASSERT_LAYOUT(SteamNetConnectionStatusChangedCallback_t, m_eOldState, 700);
#endif

/* steamnetworkingtypes.h: after Valve's pack pop, so natural alignment on every platform. */
typedef struct SteamNetworkingConfigValue_t {
  int m_eValue;
  int m_eDataType;
  union {
    int32_t m_int32;
    int64_t m_int64;
    float m_float;
    const char *m_string;
    void *m_ptr;
  } m_val;
} SteamNetworkingConfigValue_t;
SW_ASSERT_SIZE(SteamNetworkingConfigValue_t, 16);
SW_ASSERT_LAYOUT(SteamNetworkingConfigValue_t, m_eValue, 0);
SW_ASSERT_LAYOUT(SteamNetworkingConfigValue_t, m_eDataType, 4);
SW_ASSERT_LAYOUT(SteamNetworkingConfigValue_t, m_val, 8);

/* The structs already in steam_types.h, checked again at the offsets §15.5 gives for 1221 readers. */
SW_ASSERT_SIZE(SteamNetConnectionInfo_t, 696);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_hListenSocket, 144);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_eState, 176);
SW_ASSERT_LAYOUT(SteamNetConnectionInfo_t, m_eEndReason, 180);
SW_ASSERT_SIZE(SteamNetConnectionRealTimeStatus_t, 120);
SW_ASSERT_LAYOUT(SteamNetConnectionRealTimeStatus_t, m_usecQueueTime, 48);
SW_ASSERT_SIZE(SteamNetworkingMessage_t, 216);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_pfnRelease, 184);
SW_ASSERT_LAYOUT(SteamNetworkingMessage_t, m_idxLane, 208);

typedef void (*FnSteamNetConnectionStatusChanged)(SteamNetConnectionStatusChangedCallback_t *);
typedef void (*FnSteamNetAuthenticationStatusChanged)(SteamNetAuthenticationStatus_t *);
typedef void (*FnSteamRelayNetworkStatusChanged)(SteamRelayNetworkStatus_t *);

#endif
