/*
 * ISteamNetworkingSockets, the rest: lanes, connection info and real-time status, the detailed status
 * text, identity and authentication, socket pairs, and RunCallbacks for the function-pointer route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

#define SELF_OK(self) sw_check_self((self), &g_sw_iface_sockets)

/* ---------------------------------------------------------------- lanes ---- */

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_ConfigureConnectionLanes(void *self, HSteamNetConnection h, int n,
                                                                        const int *priorities, const uint16_t *weights) {
  if (!SELF_OK(self)) return k_EResultNoConnection;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return k_EResultNoConnection;
  if (c->state == k_ESteamNetworkingConnectionState_ClosedByPeer ||
      c->state == k_ESteamNetworkingConnectionState_ProblemDetectedLocally)
    return k_EResultInvalidState;
  /* 1..255 lanes, never fewer than before, weights > 0 (isteamnetworkingsockets.h:394-461, snp.cpp:579-581). */
  if (n < 1 || n > SW_MAX_LANES || n < c->lane_count) return k_EResultInvalidParam;
  for (int i = 0; weights != NULL && i < n; i++)
    if (weights[i] == 0) return k_EResultInvalidParam;
  for (int i = 0; i < n; i++) {
    c->lanes[i].priority = priorities != NULL ? priorities[i] : 0;
    c->lanes[i].weight = weights != NULL ? weights[i] : 1;
    if (i >= c->lane_count) c->lanes[i].next_number = 1;
  }
  c->lane_count = n;
  return k_EResultOK;
}

/* ---------------------------------------------------------------- status ---- */

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_GetConnectionInfo(void *self, HSteamNetConnection h,
                                                                  SteamNetConnectionInfo_t *info) {
  if (!SELF_OK(self)) return false;
  sw_pump(false);
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return false;
  if (info != NULL) sw_conn_fill_info(c, info);
  return true;
}

static int64_t queue_time_us(const sw_conn *c, size_t pending) {
  int64_t rate = sw_conn_cfg_int(c, SWC_SendRateMax);
  return rate > 0 ? (int64_t)pending * 1000000 / rate : 0;
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_GetConnectionRealTimeStatus(void *self, HSteamNetConnection h,
                                                                           SteamNetConnectionRealTimeStatus_t *st,
                                                                           int n, SteamNetConnectionRealTimeLaneStatus_t *lanes) {
  if (!SELF_OK(self)) return k_EResultNoConnection;
  sw_pump(false);
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return k_EResultNoConnection;
  if ((lanes == NULL && n != 0) || n < 0 || n > c->lane_count) return k_EResultInvalidParam;
  bool up = c->state == k_ESteamNetworkingConnectionState_Connected;
  if (st != NULL) {
    memset(st, 0, sizeof *st);
    st->m_eState = c->state;
    st->m_nPing = up && c->srtt_us >= 0 ? (int)((c->srtt_us + 500) / 1000) : -1;
    /* Quality is the fraction of packets delivered; -1 until there is data (connections.cpp). */
    st->m_flConnectionQualityLocal = up && c->srtt_us >= 0 ? 1.0f : -1.0f;
    st->m_flConnectionQualityRemote = st->m_flConnectionQualityLocal;
    st->m_flOutPacketsPerSec = c->out_pps;
    st->m_flOutBytesPerSec = c->out_bps;
    st->m_flInPacketsPerSec = c->in_pps;
    st->m_flInBytesPerSec = c->in_bps;
    st->m_nSendRateBytesPerSecond = (int)sw_conn_cfg_int(c, SWC_SendRateMax);
    st->m_cbPendingUnreliable = (int)c->pending_unreliable;
    st->m_cbPendingReliable = (int)c->pending_reliable;
    st->m_cbSentUnackedReliable = (int)c->unacked_reliable;
    /* Only meaningful with one lane (steamnetworkingtypes.h:793-797). */
    st->m_usecQueueTime = queue_time_us(c, c->pending_reliable + c->pending_unreliable);
  }
  for (int i = 0; i < n; i++) {
    memset(&lanes[i], 0, sizeof lanes[i]);
    size_t unrel = 0, rel = 0, unacked = 0;
    for (const sw_txframe *t = c->tx_head; t != NULL; t = t->next) {
      if (t->f.lane != i) continue;
      if (!t->f.reliable) unrel += t->f.len;
      else if (t->sent) unacked += t->f.len;
      else rel += t->f.len;
    }
    lanes[i].m_cbPendingUnreliable = (int)unrel;
    lanes[i].m_cbPendingReliable = (int)rel;
    lanes[i].m_cbSentUnackedReliable = (int)unacked;
    lanes[i].m_usecQueueTime = queue_time_us(c, unrel + rel);
  }
  return k_EResultOK;
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_GetDetailedConnectionStatus(void *self, HSteamNetConnection h, char *buf,
                                                                           int cb) {
  if (!SELF_OK(self)) return -1;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return -1;
  char text[1024];
  int len = snprintf(text, sizeof text,
                     "Connection #%u to steamid:%llu (fake Steam)\nState: %d  End reason: %d %s\n"
                     "Ping: %lld ms  Lanes: %d  Pending: %zu unreliable, %zu reliable, %zu unacked\n"
                     "Received, not yet read: %zu messages, %zu bytes\n",
                     (unsigned)c->handle, (unsigned long long)c->remote_id, c->state, c->end_reason, c->end_debug,
                     (long long)(c->srtt_us < 0 ? -1 : c->srtt_us / 1000), c->lane_count, c->pending_unreliable,
                     c->pending_reliable, c->unacked_reliable, c->q_count, c->q_bytes);
  if (len < 0) return -1;
  /* > 0: the buffer was NULL or too small; retry with at least that many bytes (:356-364). */
  if (buf == NULL || cb < len + 1) return len + 1;
  memcpy(buf, text, (size_t)len + 1);
  return 0;
}

/* ---------------------------------------------------------------- identity, auth ---- */

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_GetIdentity(void *self, SteamNetworkingIdentity *out) {
  if (out != NULL) memset(out, 0, sizeof *out);
  if (!SELF_OK(self)) return false;
  if (out != NULL) {
    out->m_eType = k_ESteamNetworkingIdentityType_SteamID;
    out->m_cbSize = 8;
    out->m_steamID64 = g_sw.steam_id;
  }
  return true;
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_InitAuthentication(void *self) {
  if (!SELF_OK(self)) return k_ESteamNetworkingAvailability_CannotTry;
  return sw_sockets_auth_touch();
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_GetAuthenticationStatus(void *self, SteamNetAuthenticationStatus_t *out) {
  if (out != NULL) memset(out, 0, sizeof *out);
  if (!SELF_OK(self)) return k_ESteamNetworkingAvailability_CannotTry;
  sw_pump(false);
  int avail = g_sws.auth_avail == 0 ? k_ESteamNetworkingAvailability_NeverTried : g_sws.auth_avail;
  if (out != NULL) {
    out->m_eAvail = avail;
    snprintf(out->m_debugMsg, sizeof out->m_debugMsg, "%s",
             avail == k_ESteamNetworkingAvailability_Current ? "fake Steam: certificate ready"
                                                              : "fake Steam: no certificate yet");
  }
  return avail;
}

/* ---------------------------------------------------------------- socket pairs, callbacks ---- */

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_CreateSocketPair(void *self, HSteamNetConnection *out1,
                                                                 HSteamNetConnection *out2, bool loopback,
                                                                 const SteamNetworkingIdentity *id1,
                                                                 const SteamNetworkingIdentity *id2) {
  (void)loopback; /* fake lag and loss never apply to in-process pipes here */
  if (out1 != NULL) *out1 = 0;
  if (out2 != NULL) *out2 = 0;
  if (!SELF_OK(self) || out1 == NULL || out2 == NULL) return false;
  uint64_t first = g_sw.steam_id, second = g_sw.steam_id;
  if (id1 != NULL && id1->m_eType == k_ESteamNetworkingIdentityType_SteamID) first = id1->m_steamID64;
  if (id2 != NULL && id2->m_eType == k_ESteamNetworkingIdentityType_SteamID) second = id2->m_steamID64;
  /* Each end's remote identity is the other end's. */
  sw_conn *a = sw_conn_new(second, true);
  sw_conn *b = a ? sw_conn_new(first, false) : NULL;
  if (b == NULL) {
    if (a) sw_conn_destroy(a);
    return false;
  }
  /* Already connected, and no callbacks at all (isteamnetworkingsockets.h:372-392). */
  a->pipe = b->pipe = true;
  a->accepted = b->accepted = true;
  a->remote_handle = b->handle;
  b->remote_handle = a->handle;
  a->state = b->state = k_ESteamNetworkingConnectionState_Connected;
  *out1 = a->handle;
  *out2 = b->handle;
  return true;
}

/* Function-pointer callbacks (config 201-203) run here, on the caller's thread. */
SW_EXPORT void SteamAPI_ISteamNetworkingSockets_RunCallbacks(void *self) {
  if (!SELF_OK(self)) return;
  sw_pump(true);
  sw_fncb *cb = g_sws.fn_head;
  g_sws.fn_head = g_sws.fn_tail = NULL;
  while (cb != NULL) {
    sw_fncb *next = cb->next;
    void (*call)(void *);
    memcpy(&call, &cb->fn, sizeof call); /* stored as an object pointer (config values are void *) */
    call(cb->data);
    free(cb);
    cb = next;
  }
}
