/*
 * ISteamNetworking (SteamAPI_ISteamNetworking_*), the legacy P2P API, over the fake's sessions.
 * Signatures follow steam_api_flat.h of SDK 1.62; `self` must be what SteamNetworking_v006 returned.
 */
#include <string.h>

#include "fake.h"

#define SELF_OK(self) sw_check_self((self), &g_sw_iface_networking)

/* bool SendP2PPacket(self, uint64 steamIDRemote, const void *pubData, uint32 cubData, EP2PSend, int nChannel) */
SW_EXPORT bool SteamAPI_ISteamNetworking_SendP2PPacket(void *self, uint64_t remote, const void *data, uint32_t len,
                                                       int send_type, int channel) {
  if (!SELF_OK(self)) return false;
  if (!sw_steamid_valid(remote) || send_type < 0 || send_type > 3) return false;
  if (data == NULL && len > 0) return false;
  bool reliable = send_type == k_EP2PSendReliable || send_type == k_EP2PSendReliableWithBuffering;
  /* Steam's limits: unreliable up to the MTU-ish 1200 bytes, reliable up to 1 MiB. */
  if (len > (reliable ? SW_LEGACY_MAX_RELIABLE : SW_LEGACY_MAX_UNRELIABLE)) return false;
  if (remote == g_sw.steam_id) {
    /* Sending to yourself loops back locally, whatever the send type. */
    sw_packet *p = sw_packet_new(remote, channel, data, len, reliable);
    if (p == NULL) return false;
    sw_inbox_deliver(SW_API_LEGACY, p);
    return true;
  }
  sw_pump(false);
  sw_send_result r = sw_session_send(SW_API_LEGACY, remote, data, len, reliable,
                                     send_type == k_EP2PSendReliableWithBuffering,
                                     send_type == k_EP2PSendUnreliableNoDelay, true, channel);
  /* A dropped no-delay packet is still "sent" as far as the legacy API tells. */
  return r == SW_SEND_OK || r == SW_SEND_IGNORED;
}

/* bool IsP2PPacketAvailable(self, uint32 *pcubMsgSize, int nChannel) */
SW_EXPORT bool SteamAPI_ISteamNetworking_IsP2PPacketAvailable(void *self, uint32_t *size, int channel) {
  if (size != NULL) *size = 0;
  if (!SELF_OK(self)) return false;
  sw_queue *q = sw_inbox(SW_API_LEGACY, channel, false);
  if (q == NULL || q->head == NULL) {
    sw_pump(false);
    q = sw_inbox(SW_API_LEGACY, channel, false);
  }
  if (q == NULL || q->head == NULL) return false;
  if (size != NULL) *size = q->head->len;
  return true;
}

/* bool ReadP2PPacket(self, void *pubDest, uint32 cubDest, uint32 *pcubMsgSize, CSteamID *psteamIDRemote, int nChannel) */
SW_EXPORT bool SteamAPI_ISteamNetworking_ReadP2PPacket(void *self, void *dest, uint32_t dest_len, uint32_t *size,
                                                       uint64_t *remote, int channel) {
  if (size != NULL) *size = 0;
  if (remote != NULL) *remote = 0;
  if (!SELF_OK(self)) return false;
  sw_queue *q = sw_inbox(SW_API_LEGACY, channel, false);
  if (q == NULL || q->head == NULL) {
    sw_pump(false);
    q = sw_inbox(SW_API_LEGACY, channel, false);
  }
  if (q == NULL || q->head == NULL) return false;
  sw_packet *p = sw_queue_pop(q);
  sw_rx_release(p);
  /* A smaller buffer truncates the packet; the rest is lost, as in Steam. */
  uint32_t n = p->len < dest_len ? p->len : dest_len;
  if (n > 0 && dest != NULL) memcpy(dest, p->data, n);
  if (size != NULL) *size = dest != NULL ? n : 0;
  if (remote != NULL) *remote = p->remote;
  sw_packet_free(p);
  return true;
}

/* bool AcceptP2PSessionWithUser(self, uint64 steamIDRemote): false only for an invalid id. */
SW_EXPORT bool SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser(void *self, uint64_t remote) {
  if (!SELF_OK(self)) return false;
  if (!sw_steamid_valid(remote)) return false;
  sw_pump(false);
  return sw_session_accept(SW_API_LEGACY, remote, true);
}

/* bool CloseP2PSessionWithUser(self, uint64 steamIDRemote): false when nothing was open. */
SW_EXPORT bool SteamAPI_ISteamNetworking_CloseP2PSessionWithUser(void *self, uint64_t remote) {
  if (!SELF_OK(self)) return false;
  return sw_session_close(SW_API_LEGACY, remote);
}

/* bool CloseP2PChannelWithUser(self, uint64 steamIDRemote, int nChannel) */
SW_EXPORT bool SteamAPI_ISteamNetworking_CloseP2PChannelWithUser(void *self, uint64_t remote, int channel) {
  if (!SELF_OK(self)) return false;
  return sw_session_close_channel(SW_API_LEGACY, remote, channel);
}

/* bool GetP2PSessionState(self, uint64 steamIDRemote, P2PSessionState_t *pConnectionState) */
SW_EXPORT bool SteamAPI_ISteamNetworking_GetP2PSessionState(void *self, uint64_t remote, P2PSessionState_t *out) {
  if (out != NULL) memset(out, 0, sizeof *out);
  if (!SELF_OK(self)) return false;
  sw_pump(false);
  sw_session *s = sw_session_find(SW_API_LEGACY, remote);
  if (s == NULL) return false;
  if (out == NULL) return true;
  out->m_bConnectionActive = s->local_accepted && s->remote_accepted;
  out->m_bConnecting = s->attempt_active;
  out->m_eP2PSessionError = s->last_error;
  out->m_bUsingRelay = 0;
  out->m_nBytesQueuedForSend = (int32_t)(s->tx_bytes + s->nagle_bytes);
  out->m_nPacketsQueuedForSend = (int32_t)(s->tx_packets + s->nagle_count);
  out->m_nRemoteIP = s->remote_port != 0 ? 0x7f000001u : 0; /* 127.0.0.1, host order */
  out->m_nRemotePort = s->remote_port;
  return true;
}

/* bool AllowP2PPacketRelay(self, bool bAllow): loopback never needs a relay; remembered, always true. */
SW_EXPORT bool SteamAPI_ISteamNetworking_AllowP2PPacketRelay(void *self, bool allow) {
  if (!SELF_OK(self)) return false;
  g_sw.allow_relay = allow;
  return true;
}
