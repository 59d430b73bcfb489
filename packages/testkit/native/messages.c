/*
 * ISteamNetworkingMessages (SteamAPI_ISteamNetworkingMessages_*), SteamNetworkingMessage_t release
 * and the SteamNetworkingIdentity helpers. Sessions are separate from the legacy API's, as in Steam.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fake.h"

#define SELF_OK(self) sw_check_self((self), &g_sw_iface_messages)

/* The identity must be a valid SteamID; any other identity type is refused. */
static bool steam_id_of(const SteamNetworkingIdentity *identity, uint64_t *out) {
  if (identity == NULL || identity->m_eType != k_ESteamNetworkingIdentityType_SteamID) return false;
  *out = identity->m_steamID64;
  return sw_steamid_valid(*out);
}

/* EResult SendMessageToUser(self, const SteamNetworkingIdentity &, const void *pubData, uint32 cubData, int nSendFlags, int nRemoteChannel) */
SW_EXPORT int SteamAPI_ISteamNetworkingMessages_SendMessageToUser(void *self, const SteamNetworkingIdentity *identity,
                                                                  const void *data, uint32_t len, int flags,
                                                                  int channel) {
  if (!SELF_OK(self)) return k_EResultFail;
  if (g_sw.strict) {
    sw_strict_check_live(identity, __func__);
    sw_strict_check_live(data, __func__);
  }
  uint64_t remote;
  if (!steam_id_of(identity, &remote)) return k_EResultInvalidSteamID;
  if (data == NULL && len > 0) return k_EResultInvalidParam;
  if (len > SW_MESSAGES_MAX) return k_EResultInvalidParam; /* k_cbMaxSteamNetworkingSocketsMessageSizeSend */
  bool reliable = (flags & k_nSteamNetworkingSend_Reliable) != 0;
  if (remote == g_sw.steam_id) {
    /* Reported to work on Steam (undocumented): loop back locally. */
    sw_packet *p = sw_packet_new(remote, channel, data, len, reliable);
    if (p == NULL) return k_EResultFail;
    p->msg.m_identityPeer.m_eType = k_ESteamNetworkingIdentityType_SteamID;
    p->msg.m_identityPeer.m_cbSize = 8;
    p->msg.m_identityPeer.m_steamID64 = remote;
    p->msg.m_nMessageNumber = g_sw.next_message_number++;
    sw_inbox_deliver(SW_API_MESSAGES, p);
    return k_EResultOK;
  }
  sw_pump(false);
  bool buffered = reliable && (flags & k_nSteamNetworkingSend_NoNagle) == 0;
  bool no_delay = !reliable && (flags & k_nSteamNetworkingSend_NoDelay) != 0;
  bool restart = (flags & k_nSteamNetworkingSend_AutoRestartBrokenSession) != 0;
  switch (sw_session_send(SW_API_MESSAGES, remote, data, len, reliable, buffered, no_delay, restart, channel)) {
    case SW_SEND_OK: return k_EResultOK;
    case SW_SEND_IGNORED: return k_EResultIgnored;
    case SW_SEND_NO_CONNECTION: return k_EResultNoConnection;
    case SW_SEND_TOO_MANY_QUEUED: return k_EResultLimitExceeded;
  }
  return k_EResultFail;
}

/* int ReceiveMessagesOnChannel(self, int nLocalChannel, SteamNetworkingMessage_t **ppOutMessages, int nMaxMessages) */
SW_EXPORT int SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(void *self, int channel,
                                                                        SteamNetworkingMessage_t **out, int max) {
  if (!SELF_OK(self)) return 0;
  g_sw.counters.receive_calls++;
  if (out == NULL || max <= 0) return 0;
  sw_queue *q = sw_inbox(SW_API_MESSAGES, channel, false);
  if (q == NULL || q->count < (size_t)max) {
    sw_pump(false);
    q = sw_inbox(SW_API_MESSAGES, channel, false);
  }
  int n = 0;
  sw_packet *p;
  while (n < max && q != NULL && (p = sw_queue_pop(q)) != NULL) {
    sw_rx_release(p); /* handed to the app: no longer in Steam's receive buffer */
    out[n++] = &p->msg;
  }
  g_sw.counters.messages_received += (uint64_t)n;
  return n;
}

/* bool AcceptSessionWithUser(self, const SteamNetworkingIdentity &): false when no session is pending or open. */
SW_EXPORT bool SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(void *self,
                                                                     const SteamNetworkingIdentity *identity) {
  if (!SELF_OK(self)) return false;
  uint64_t remote;
  if (!steam_id_of(identity, &remote)) return false;
  sw_pump(false);
  return sw_session_accept(SW_API_MESSAGES, remote, false);
}

/* bool CloseSessionWithUser(self, const SteamNetworkingIdentity &) */
SW_EXPORT bool SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(void *self,
                                                                    const SteamNetworkingIdentity *identity) {
  if (!SELF_OK(self)) return false;
  uint64_t remote;
  if (!steam_id_of(identity, &remote)) return false;
  return sw_session_close(SW_API_MESSAGES, remote);
}

/* bool CloseChannelWithUser(self, const SteamNetworkingIdentity &, int nLocalChannel) */
SW_EXPORT bool SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(void *self,
                                                                    const SteamNetworkingIdentity *identity,
                                                                    int channel) {
  if (!SELF_OK(self)) return false;
  uint64_t remote;
  if (!steam_id_of(identity, &remote)) return false;
  return sw_session_close_channel(SW_API_MESSAGES, remote, channel);
}

/* ESteamNetworkingConnectionState GetSessionConnectionInfo(self, const SteamNetworkingIdentity &,
 *   SteamNetConnectionInfo_t *pConnectionInfo, SteamNetConnectionRealTimeStatus_t *pQuickStatus) */
SW_EXPORT int SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(void *self,
                                                                       const SteamNetworkingIdentity *identity,
                                                                       SteamNetConnectionInfo_t *info,
                                                                       SteamNetConnectionRealTimeStatus_t *status) {
  if (info != NULL) memset(info, 0, sizeof *info);
  if (status != NULL) memset(status, 0, sizeof *status);
  if (!SELF_OK(self)) return k_ESteamNetworkingConnectionState_None;
  uint64_t remote;
  if (!steam_id_of(identity, &remote)) return k_ESteamNetworkingConnectionState_None;
  sw_pump(false);
  sw_session *s = sw_session_find(SW_API_MESSAGES, remote);
  if (s == NULL) return k_ESteamNetworkingConnectionState_None;

  int state;
  if (s->failed) state = k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
  else if (s->closed_by_peer) state = k_ESteamNetworkingConnectionState_ClosedByPeer;
  else if (s->local_accepted && s->remote_accepted) state = k_ESteamNetworkingConnectionState_Connected;
  else state = k_ESteamNetworkingConnectionState_Connecting;

  if (info != NULL) {
    info->m_identityRemote.m_eType = k_ESteamNetworkingIdentityType_SteamID;
    info->m_identityRemote.m_cbSize = 8;
    info->m_identityRemote.m_steamID64 = remote;
    if (s->remote_port != 0) {
      /* IPv4 127.0.0.1 mapped into IPv6 (::ffff:127.0.0.1); the port is in host order. */
      static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
      memcpy(info->m_addrRemote.m_ipv6, mapped, sizeof mapped);
      info->m_addrRemote.m_port = s->remote_port;
    }
    info->m_eState = state;
    if (s->failed) {
      info->m_eEndReason = k_ESteamNetConnectionEnd_Misc_Timeout;
      strcpy(info->m_szEndDebug, "fake Steam: timed out attempting to connect");
    } else if (s->closed_by_peer) {
      info->m_eEndReason = k_ESteamNetConnectionEnd_App_Generic;
      strcpy(info->m_szEndDebug, "fake Steam: the remote closed the session");
    }
    snprintf(info->m_szConnectionDescription, sizeof info->m_szConnectionDescription, "fake P2P session with %llu",
             (unsigned long long)remote);
  }
  if (status != NULL) {
    status->m_eState = state;
    status->m_nPing = state == k_ESteamNetworkingConnectionState_Connected ? 0 : -1;
    status->m_flConnectionQualityLocal = state == k_ESteamNetworkingConnectionState_Connected ? 1.0f : -1.0f;
    status->m_flConnectionQualityRemote = status->m_flConnectionQualityLocal;
    size_t unacked = 0;
    for (sw_segment *seg = s->tx_head; seg != NULL && seg->sent; seg = seg->next) unacked += seg->payload_len;
    status->m_cbPendingReliable = (int)(s->tx_bytes - unacked + s->nagle_bytes);
    status->m_cbSentUnackedReliable = (int)unacked;
    status->m_cbPendingUnreliable = 0;
    status->m_usecQueueTime = 0;
  }
  return state;
}

/* void SteamNetworkingMessage_t::Release(): calls the message's own release function, exactly once. */
SW_EXPORT void SteamAPI_SteamNetworkingMessage_t_Release(SteamNetworkingMessage_t *msg) {
  g_sw.counters.api_calls++;
  if (msg == NULL || msg->m_pfnRelease == NULL) return;
  /* A released message is gone in Valve's library; strict mode catches the second release here. */
  if (sw_strict() && sw_strict_released(msg))
    sw_strict_fail("SteamNetworkingMessage_t 0x%" PRIxPTR " released twice: Valve's library frees it on the first release",
                   (uintptr_t)msg);
  msg->m_pfnRelease(msg);
}

/* Pure struct operations, safe before init (unlike ToString/ParseString in Valve's library). */
SW_EXPORT void SteamAPI_SteamNetworkingIdentity_SetSteamID64(SteamNetworkingIdentity *self, uint64_t steam_id) {
  g_sw.counters.api_calls++;
  if (sw_strict()) sw_strict_check_live(self, __func__);
  if (self == NULL) return;
  memset(self, 0, sizeof *self);
  self->m_eType = k_ESteamNetworkingIdentityType_SteamID;
  self->m_cbSize = 8;
  self->m_steamID64 = steam_id;
}

SW_EXPORT uint64_t SteamAPI_SteamNetworkingIdentity_GetSteamID64(SteamNetworkingIdentity *self) {
  g_sw.counters.api_calls++;
  if (sw_strict()) sw_strict_check_live(self, __func__);
  if (self == NULL || self->m_eType != k_ESteamNetworkingIdentityType_SteamID) return 0;
  return self->m_steamID64;
}
