/*
 * ISteamNetworkingSockets (SteamAPI_ISteamNetworkingSockets_*, interface SteamNetworkingSockets012):
 * the flat functions of SDK 1.62 (STEAM_API.md §15.2) for connections, sending, receiving and poll
 * groups (the rest is sockets_status.c), with the results §15 documents. `self` must be what
 * SteamAPI_SteamNetworkingSockets_SteamAPI_v012 returned; anything else is refused and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

const uint64_t g_sw_iface_sockets = 0x534f434b45545331ull;
#define SELF_OK(self) sw_check_self((self), &g_sw_iface_sockets)

SW_EXPORT void *SteamAPI_SteamNetworkingSockets_SteamAPI_v012(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_sockets : NULL;
}

static bool steam_id_of(const SteamNetworkingIdentity *identity, uint64_t *out) {
  if (identity == NULL || identity->m_eType != k_ESteamNetworkingIdentityType_SteamID) return false;
  *out = identity->m_steamID64;
  return sw_steamid_valid(*out);
}

/* Options given at creation are set at the new object's scope; one bad option fails the creation. */
static bool apply_options(sw_cfg_set *set, int n, const SteamNetworkingConfigValue_t *opts) {
  if (n < 0 || (n > 0 && opts == NULL)) return false;
  for (int i = 0; i < n; i++) {
    const sw_cfg_def *def = sw_cfg_find(opts[i].m_eValue);
    if (def == NULL || def->where != SW_CFG_CONNECTION) return false;
    /* For Ptr and String the union holds the pointer itself; SetConfigValue wants a pointer to it for Ptr. */
    const void *arg = opts[i].m_eDataType == k_ESteamNetworkingConfig_String ? (const void *)opts[i].m_val.m_string
                                                                             : (const void *)&opts[i].m_val;
    if (!sw_cfg_assign(set, def, opts[i].m_eDataType, arg)) return false;
  }
  return true;
}

/* ---------------------------------------------------------------- listen sockets ---- */

SW_EXPORT HSteamListenSocket SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(void *self, int vport, int n,
                                                                                   const SteamNetworkingConfigValue_t *opts) {
  if (!SELF_OK(self) || vport < 0 || sw_listen_by_port(vport) != NULL) return 0;
  sw_cfg_set cfg = {0};
  if (!apply_options(&cfg, n, opts)) {
    sw_cfg_clear(&cfg);
    return 0;
  }
  if (g_sws.listen_count == g_sws.listen_cap) {
    int cap = g_sws.listen_cap ? g_sws.listen_cap * 2 : 4;
    sw_listen *grown = realloc(g_sws.listens, (size_t)cap * sizeof *grown);
    if (grown == NULL) {
      sw_cfg_clear(&cfg);
      return 0;
    }
    g_sws.listens = grown;
    g_sws.listen_cap = cap;
  }
  sw_listen *ls = &g_sws.listens[g_sws.listen_count++];
  ls->handle = sw_sockets_new_handle();
  ls->vport = vport;
  ls->cfg = cfg;
  sw_sockets_relay_touch();
  return ls->handle;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_CloseListenSocket(void *self, HSteamListenSocket h) {
  if (!SELF_OK(self)) return false;
  sw_listen *ls = sw_listen_find(h);
  if (ls == NULL) return false;
  /* Its connections go at once, without a word to the peer (ConnectionQueueDestroy). */
  for (int i = g_sws.conn_count - 1; i >= 0; i--)
    if (g_sws.conns[i]->listen_socket == h) sw_conn_destroy(g_sws.conns[i]);
  sw_cfg_clear(&ls->cfg);
  *ls = g_sws.listens[--g_sws.listen_count];
  return true;
}

/* ---------------------------------------------------------------- connections ---- */

static HSteamNetConnection connect_self(sw_conn *c, int vport) {
  sw_listen *ls = sw_listen_by_port(vport);
  if (ls == NULL) {
    /* "Cannot create P2P connection to local identity ... We are not listening" (p2p.cpp:2567-2573). */
    sw_conn_destroy(c);
    return 0;
  }
  sw_conn *s = sw_conn_new(g_sw.steam_id, false);
  if (s == NULL) {
    sw_conn_destroy(c);
    return 0;
  }
  c->pipe = s->pipe = true;
  c->remote_handle = s->handle;
  s->remote_handle = c->handle;
  s->listen_socket = ls->handle;
  s->local_vport = ls->vport;
  s->remote_vport = c->local_vport;
  s->user_data = sw_conn_cfg_int(s, SWC_ConnectionUserData);
  sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connecting, 0, NULL);
  sw_conn_set_state(s, k_ESteamNetworkingConnectionState_Connecting, 0, NULL);
  return c->handle;
}

SW_EXPORT HSteamNetConnection SteamAPI_ISteamNetworkingSockets_ConnectP2P(void *self, const SteamNetworkingIdentity *id,
                                                                          int vport, int n,
                                                                          const SteamNetworkingConfigValue_t *opts) {
  if (!SELF_OK(self)) return 0;
  uint64_t remote;
  if (!steam_id_of(id, &remote) || vport < 0) return 0;
  sw_pump(false);
  sw_conn *c = sw_conn_new(remote, true);
  if (c == NULL) return 0;
  if (!apply_options(&c->cfg, n, opts)) {
    sw_conn_destroy(c);
    return 0;
  }
  c->remote_vport = vport;
  int64_t local = sw_conn_cfg_int(c, SWC_LocalVirtualPort);
  c->local_vport = local >= 0 ? (int)local : vport;
  c->symmetric = sw_conn_cfg_int(c, SWC_SymmetricConnect) != 0;
  c->user_data = sw_conn_cfg_int(c, SWC_ConnectionUserData);
  if (remote == g_sw.steam_id) return connect_self(c, vport);
  if (c->symmetric) {
    for (int i = 0; i < g_sws.conn_count; i++) {
      sw_conn *o = g_sws.conns[i];
      if (o == c || o->lingering || o->pipe || !o->symmetric || o->remote_id != remote || o->local_vport != c->local_vport)
        continue;
      if (!o->outbound && !o->accepted && o->state == k_ESteamNetworkingConnectionState_Connecting) {
        /* A matching incoming connection is waiting: this call accepts it (steamnetworkingtypes.h). */
        sw_conn_destroy(c);
        sw_conn_accept(o, sw_now_us());
        return o->handle;
      }
      if (o->state == k_ESteamNetworkingConnectionState_Connecting ||
          o->state == k_ESteamNetworkingConnectionState_Connected) {
        sw_conn_destroy(c); /* only one live symmetric connection per peer and port */
        return 0;
      }
    }
  }
  sw_sockets_relay_touch();
  sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connecting, 0, NULL);
  sw_sock_send_connect(c);
  return c->handle;
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_AcceptConnection(void *self, HSteamNetConnection h) {
  if (!SELF_OK(self)) return k_EResultInvalidParam;
  sw_pump(false);
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return k_EResultInvalidParam;
  if (c->accepted && c->symmetric) return k_EResultDuplicateRequest;
  if (c->outbound) return k_EResultInvalidParam;
  if (c->state != k_ESteamNetworkingConnectionState_Connecting) return k_EResultInvalidState;
  sw_conn_accept(c, sw_now_us());
  return k_EResultOK;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_CloseConnection(void *self, HSteamNetConnection h, int reason,
                                                                const char *debug, bool linger) {
  if (!SELF_OK(self)) return false;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return false;
  int old = c->state;
  if (old == k_ESteamNetworkingConnectionState_Connecting || old == k_ESteamNetworkingConnectionState_Connected) {
    if (reason == 0) reason = k_ESteamNetConnectionEnd_App_Min;
    if (reason < k_ESteamNetConnectionEnd_App_Min || reason > k_ESteamNetConnectionEnd_AppException_Max) {
      reason = k_ESteamNetConnectionEnd_App_Max;
      debug = "Invalid numeric reason code";
    }
    c->end_reason = reason;
    snprintf(c->end_debug, sizeof c->end_debug, "%s", debug ? debug : "");
    int64_t now = sw_now_us();
    if (linger && old == k_ESteamNetworkingConnectionState_Connected && !c->symmetric && !c->pipe &&
        c->tx_head != NULL) {
      /* Keep sending what is queued; the CLOSE follows once it is acknowledged (sockets tick). */
      sw_sock_transmit(c, now, true);
      sw_conn_purge_inbound(c);
      c->state = k_ESteamNetworkingConnectionState_None;
      sw_post_status(c, old);
      c->lingering = true;
      return true;
    }
    sw_sock_send_control(c, SWS_CLOSE, reason, c->end_debug);
  }
  /* The handle dies now; a last callback says None (connections.cpp:2545-2568). */
  c->state = k_ESteamNetworkingConnectionState_None;
  sw_post_status(c, old);
  sw_conn_destroy(c);
  return true;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_SetConnectionUserData(void *self, HSteamNetConnection h, int64_t data) {
  if (!SELF_OK(self)) return false;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return false;
  c->user_data = data;
  sw_cfg_assign(&c->cfg, sw_cfg_find(SWC_ConnectionUserData), k_ESteamNetworkingConfig_Int64, &data);
  /* Messages already queued report the new value, as Steam's do when they are returned. */
  for (sw_smsg *m = c->q_head; m != NULL; m = m->cnext) m->msg.m_nConnUserData = data;
  return true;
}

SW_EXPORT int64_t SteamAPI_ISteamNetworkingSockets_GetConnectionUserData(void *self, HSteamNetConnection h) {
  if (!SELF_OK(self)) return -1;
  sw_conn *c = sw_conn_find(h);
  return c == NULL ? -1 : c->user_data;
}

SW_EXPORT void SteamAPI_ISteamNetworkingSockets_SetConnectionName(void *self, HSteamNetConnection h, const char *name) {
  if (!SELF_OK(self)) return;
  sw_conn *c = sw_conn_find(h);
  if (c != NULL) snprintf(c->name, sizeof c->name, "%s", name ? name : "");
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_GetConnectionName(void *self, HSteamNetConnection h, char *out, int max) {
  if (!SELF_OK(self)) return false;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return false;
  if (out != NULL && max > 0) snprintf(out, (size_t)max, "%s", c->name);
  return true;
}

/* ---------------------------------------------------------------- sending ---- */

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_SendMessageToConnection(void *self, HSteamNetConnection h,
                                                                       const void *data, uint32_t len, int flags,
                                                                       int64_t *out_number) {
  if (out_number != NULL) *out_number = -1;
  if (!SELF_OK(self)) return k_EResultInvalidParam;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return k_EResultInvalidParam;
  int64_t number;
  int r = sw_sock_queue_message(c, data, len, flags, 0, &number);
  if (r == k_EResultOK) {
    if (out_number != NULL) *out_number = number;
    sw_sock_transmit(c, sw_now_us(), false);
  }
  return r;
}

/* 3-argument SDK 1.62 semantics: every message is ours now; failed ones are released here too. */
SW_EXPORT void SteamAPI_ISteamNetworkingSockets_SendMessages(void *self, int n, SteamNetworkingMessage_t *const *msgs,
                                                             int64_t *out) {
  bool ok = SELF_OK(self);
  if (ok) sw_pump(true); /* see the peer's news (a close) before deciding what each send returns */
  for (int i = 0; i < n && msgs != NULL; i++) {
    SteamNetworkingMessage_t *m = msgs[i];
    if (sw_strict()) sw_strict_check_live(m, __func__);
    int64_t result = -k_EResultInvalidParam;
    if (m != NULL && ok) {
      sw_conn *c = sw_conn_find(m->m_conn);
      int64_t number;
      int r = c == NULL ? k_EResultInvalidParam
                        : sw_sock_queue_message(c, m->m_pData, m->m_cbSize < 0 ? 0xffffffffu : (uint32_t)m->m_cbSize,
                                                m->m_nFlags, m->m_idxLane, &number);
      result = r == k_EResultOK ? number : -r;
    }
    if (out != NULL) out[i] = result;
    /* Not through the exported Release: that would count as one more API call. */
    if (m != NULL && m->m_pfnRelease != NULL) m->m_pfnRelease(m);
  }
  if (!ok) return;
  int64_t now = sw_now_us();
  for (int i = 0; i < g_sws.conn_count; i++) sw_sock_transmit(g_sws.conns[i], now, false);
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_FlushMessagesOnConnection(void *self, HSteamNetConnection h) {
  if (!SELF_OK(self)) return k_EResultInvalidParam;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return k_EResultInvalidParam;
  if (c->state == k_ESteamNetworkingConnectionState_ClosedByPeer ||
      c->state == k_ESteamNetworkingConnectionState_ProblemDetectedLocally)
    return k_EResultNoConnection;
  if (c->state == k_ESteamNetworkingConnectionState_Connecting) return k_EResultIgnored;
  if (c->state != k_ESteamNetworkingConnectionState_Connected) return k_EResultInvalidState;
  sw_sock_transmit(c, sw_now_us(), true);
  return k_EResultOK;
}

/* ---------------------------------------------------------------- receiving ---- */

static int take(sw_conn *c, sw_group *g, SteamNetworkingMessage_t **out, int max) {
  int n = 0;
  while (n < max) {
    sw_smsg *m = c != NULL ? c->q_head : g->head;
    if (m == NULL) break;
    sw_conn *owner = c != NULL ? c : sw_conn_find_any(m->msg.m_conn);
    m->msg.m_nConnUserData = owner != NULL ? owner->user_data : -1;
    sw_msg_unlink(m, owner);
    out[n++] = &m->msg;
  }
  g_sw.counters.messages_received += (uint64_t)n;
  return n;
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnConnection(void *self, HSteamNetConnection h,
                                                                           SteamNetworkingMessage_t **out, int max) {
  if (!SELF_OK(self)) return -1;
  g_sw.counters.receive_calls++;
  sw_conn *c = sw_conn_find(h);
  if (c == NULL) return -1;
  if (out == NULL || max <= 0) return 0;
  if (c->q_count < (size_t)max) {
    sw_pump(false);
    sw_sock_loop_drain();
    if ((c = sw_conn_find(h)) == NULL) return -1;
  }
  return take(c, NULL, out, max);
}

SW_EXPORT int SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(void *self, HSteamNetPollGroup h,
                                                                          SteamNetworkingMessage_t **out, int max) {
  if (!SELF_OK(self)) return -1;
  g_sw.counters.receive_calls++;
  sw_group *g = sw_group_find(h);
  if (g == NULL) return -1;
  if (out == NULL || max <= 0) return 0;
  if (g->count < (size_t)max) {
    sw_pump(false);
    sw_sock_loop_drain();
    if ((g = sw_group_find(h)) == NULL) return -1;
  }
  return take(NULL, g, out, max);
}

/* ---------------------------------------------------------------- poll groups ---- */

SW_EXPORT HSteamNetPollGroup SteamAPI_ISteamNetworkingSockets_CreatePollGroup(void *self) {
  if (!SELF_OK(self)) return 0;
  if (g_sws.group_count == g_sws.group_cap) {
    int cap = g_sws.group_cap ? g_sws.group_cap * 2 : 4;
    sw_group *grown = realloc(g_sws.groups, (size_t)cap * sizeof *grown);
    if (grown == NULL) return 0;
    g_sws.groups = grown;
    g_sws.group_cap = cap;
  }
  sw_group *g = &g_sws.groups[g_sws.group_count++];
  memset(g, 0, sizeof *g);
  g->handle = sw_sockets_new_handle();
  return g->handle;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_DestroyPollGroup(void *self, HSteamNetPollGroup h) {
  if (!SELF_OK(self)) return false;
  sw_group *g = sw_group_find(h);
  if (g == NULL) return false;
  /* Members stay connected, in no group; their queued messages stay on the connections. */
  for (int i = 0; i < g_sws.conn_count; i++)
    if (g_sws.conns[i]->group == h) sw_group_attach(g_sws.conns[i], 0);
  g = sw_group_find(h);
  *g = g_sws.groups[--g_sws.group_count];
  return true;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingSockets_SetConnectionPollGroup(void *self, HSteamNetConnection hc,
                                                                       HSteamNetPollGroup hg) {
  if (!SELF_OK(self)) return false;
  sw_conn *c = sw_conn_find(hc);
  if (c == NULL || (hg != 0 && sw_group_find(hg) == NULL)) return false;
  sw_group_attach(c, hg);
  return true;
}
