/*
 * The layout of the §15 structs as JSON: sizes and offsets as this compilation lays them out. Shared by
 * the library's debug export and tools/sockets_layout.c, which the tests build for each pack rule.
 */
#ifndef STEAMWIRE_FAKE_SOCKETS_LAYOUT_H
#define STEAMWIRE_FAKE_SOCKETS_LAYOUT_H

#include <stdio.h>

#include "sockets_types.h"

static inline const char *sw_sockets_layout_json(char *out, size_t size) {
  snprintf(out, size,
           "{\"pack\":%d,\"SteamNetConnectionStatusChangedCallback_t\":{\"size\":%zu,\"m_hConn\":%zu,\"m_info\":%zu,\"m_eOldState\":%zu},"
           "\"SteamNetConnectionRealTimeLaneStatus_t\":{\"size\":%zu,\"m_cbPendingUnreliable\":%zu,\"m_cbPendingReliable\":%zu,"
           "\"m_cbSentUnackedReliable\":%zu,\"m_usecQueueTime\":%zu},"
           "\"SteamNetworkingConfigValue_t\":{\"size\":%zu,\"m_eValue\":%zu,\"m_eDataType\":%zu,\"m_val\":%zu},"
           "\"SteamRelayNetworkStatus_t\":{\"size\":%zu,\"m_eAvail\":%zu,\"m_bPingMeasurementInProgress\":%zu,"
           "\"m_eAvailNetworkConfig\":%zu,\"m_eAvailAnyRelay\":%zu,\"m_debugMsg\":%zu},"
           "\"SteamNetAuthenticationStatus_t\":{\"size\":%zu,\"m_eAvail\":%zu,\"m_debugMsg\":%zu}}",
           SW_PACK_LARGE ? 8 : 4, sizeof(SteamNetConnectionStatusChangedCallback_t), offsetof(SteamNetConnectionStatusChangedCallback_t, m_hConn),
           offsetof(SteamNetConnectionStatusChangedCallback_t, m_info),
           offsetof(SteamNetConnectionStatusChangedCallback_t, m_eOldState),
           sizeof(SteamNetConnectionRealTimeLaneStatus_t),
           offsetof(SteamNetConnectionRealTimeLaneStatus_t, m_cbPendingUnreliable),
           offsetof(SteamNetConnectionRealTimeLaneStatus_t, m_cbPendingReliable),
           offsetof(SteamNetConnectionRealTimeLaneStatus_t, m_cbSentUnackedReliable),
           offsetof(SteamNetConnectionRealTimeLaneStatus_t, m_usecQueueTime), sizeof(SteamNetworkingConfigValue_t),
           offsetof(SteamNetworkingConfigValue_t, m_eValue), offsetof(SteamNetworkingConfigValue_t, m_eDataType),
           offsetof(SteamNetworkingConfigValue_t, m_val), sizeof(SteamRelayNetworkStatus_t),
           offsetof(SteamRelayNetworkStatus_t, m_eAvail), offsetof(SteamRelayNetworkStatus_t, m_bPingMeasurementInProgress),
           offsetof(SteamRelayNetworkStatus_t, m_eAvailNetworkConfig),
           offsetof(SteamRelayNetworkStatus_t, m_eAvailAnyRelay), offsetof(SteamRelayNetworkStatus_t, m_debugMsg),
           sizeof(SteamNetAuthenticationStatus_t), offsetof(SteamNetAuthenticationStatus_t, m_eAvail),
           offsetof(SteamNetAuthenticationStatus_t, m_debugMsg));
  return out;
}

#endif
