/*
 * Connection objects of the fake ISteamNetworkingSockets: the handle tables (connections, listen
 * sockets, poll groups), the state machine with Steam's end reasons, the 1221 status callbacks, the
 * per-connection and per-poll-group queues of received messages, and the timers (connect retries,
 * TimeoutInitial for both ends, TimeoutConnected, keepalives). STEAM_API.md §15.4 is the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

sw_sockets_state g_sws;

/* Steam retries connect requests every 0.5 s (connections.h:31). */
#define SW_CONNECT_RETRY_US 500000
/* A connection with nothing to say still pings this often, so the other end can tell it is alive. */
#define SW_KEEPALIVE_US 1000000
/* Relay network access and certificates "usually complete in a few seconds"; the fake takes this long. */
#define SW_AVAILABILITY_DELAY_US 20000

uint32_t sw_sockets_new_handle(void) {
  /* Handles from a per-init random base: a stale handle from an earlier run is never valid again. */
  if (g_sws.next_handle == 0) g_sws.next_handle = ((uint32_t)sw_random() & 0x7fff0000u) | 0x100u;
  uint32_t h = ++g_sws.next_handle;
  if (h == 0) h = ++g_sws.next_handle;
  return h;
}

/* ---------------------------------------------------------------- tables ---- */

sw_conn *sw_conn_find_any(HSteamNetConnection h) {
  if (h == 0) return NULL;
  for (int i = 0; i < g_sws.conn_count; i++)
    if (g_sws.conns[i]->handle == h) return g_sws.conns[i];
  return NULL;
}

sw_conn *sw_conn_find(HSteamNetConnection h) {
  sw_conn *c = sw_conn_find_any(h);
  return c != NULL && !c->lingering ? c : NULL;
}

sw_conn *sw_conn_new(uint64_t remote, bool outbound) {
  if (g_sws.conn_count == g_sws.conn_cap) {
    int cap = g_sws.conn_cap ? g_sws.conn_cap * 2 : 8;
    sw_conn **grown = realloc(g_sws.conns, (size_t)cap * sizeof *grown);
    if (grown == NULL) return NULL;
    g_sws.conns = grown;
    g_sws.conn_cap = cap;
  }
  sw_conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->handle = sw_sockets_new_handle();
  c->remote_id = remote;
  c->outbound = outbound;
  c->user_data = -1;
  c->next_seq = 1;
  c->rx_next = 1;
  c->srtt_us = -1;
  c->lane_count = 1;
  c->lanes[0].priority = 0;
  c->lanes[0].weight = 1;
  c->lanes[0].next_number = 1;
  c->start_us = c->last_rx_us = c->last_tx_us = c->rate_since_us = sw_now_us();
  g_sws.conns[g_sws.conn_count++] = c;
  return c;
}

void sw_conn_destroy(sw_conn *c) {
  for (int i = 0; i < g_sws.conn_count; i++) {
    if (g_sws.conns[i] == c) {
      g_sws.conns[i] = g_sws.conns[--g_sws.conn_count];
      break;
    }
  }
  sw_conn_purge_inbound(c);
  sw_sock_tx_clear(c);
  sw_sock_rx_clear(c);
  sw_cfg_clear(&c->cfg);
  free(c);
}

sw_listen *sw_listen_find(HSteamListenSocket h) {
  for (int i = 0; h != 0 && i < g_sws.listen_count; i++)
    if (g_sws.listens[i].handle == h) return &g_sws.listens[i];
  return NULL;
}

sw_listen *sw_listen_by_port(int vport) {
  for (int i = 0; i < g_sws.listen_count; i++)
    if (g_sws.listens[i].vport == vport) return &g_sws.listens[i];
  return NULL;
}

sw_group *sw_group_find(HSteamNetPollGroup h) {
  for (int i = 0; h != 0 && i < g_sws.group_count; i++)
    if (g_sws.groups[i].handle == h) return &g_sws.groups[i];
  return NULL;
}

/* ---------------------------------------------------------------- received messages ---- */

void sw_msg_unlink(sw_smsg *m, sw_conn *c) {
  if (c != NULL) {
    if (m->cprev) m->cprev->cnext = m->cnext;
    else c->q_head = m->cnext;
    if (m->cnext) m->cnext->cprev = m->cprev;
    else c->q_tail = m->cprev;
    c->q_count--;
    c->q_bytes -= m->len;
  }
  sw_group *g = sw_group_find(m->group);
  if (g != NULL) {
    if (m->gprev) m->gprev->gnext = m->gnext;
    else g->head = m->gnext;
    if (m->gnext) m->gnext->gprev = m->gprev;
    else g->tail = m->gprev;
    g->count--;
  }
  m->cprev = m->cnext = m->gprev = m->gnext = NULL;
  m->group = 0;
}

static void group_append(sw_group *g, sw_smsg *m) {
  m->group = g->handle;
  m->gnext = NULL;
  m->gprev = g->tail;
  if (g->tail) g->tail->gnext = m;
  else g->head = m;
  g->tail = m;
  g->count++;
}

void sw_group_attach(sw_conn *c, HSteamNetPollGroup group) {
  /* Messages already queued move with the connection, in their order (isteamnetworkingsockets.h:526-540). */
  for (sw_smsg *m = c->q_head; m != NULL; m = m->cnext) {
    sw_group *old = sw_group_find(m->group);
    if (old != NULL) {
      if (m->gprev) m->gprev->gnext = m->gnext;
      else old->head = m->gnext;
      if (m->gnext) m->gnext->gprev = m->gprev;
      else old->tail = m->gprev;
      old->count--;
    }
    m->gprev = m->gnext = NULL;
    m->group = 0;
  }
  c->group = group;
  sw_group *g = sw_group_find(group);
  if (g == NULL) return;
  for (sw_smsg *m = c->q_head; m != NULL; m = m->cnext) group_append(g, m);
}

/* m_pfnRelease of every received message: frees it, or in strict mode quarantines it. */
static void release_smsg(SteamNetworkingMessage_t *msg) {
  sw_smsg *m = (sw_smsg *)msg;
  if (sw_strict()) sw_strict_release(msg, sizeof *m + m->len, m->data, m->len);
  else free(msg);
}

void sw_conn_deliver(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now) {
  sw_smsg *m = malloc(sizeof *m + f->msg_len);
  if (m == NULL) return;
  memset(m, 0, sizeof *m);
  m->len = f->msg_len;
  if (f->msg_len > 0) memcpy(m->data, data, f->msg_len);
  SteamNetworkingMessage_t *msg = &m->msg;
  msg->m_pData = m->data;
  msg->m_cbSize = (int)f->msg_len;
  msg->m_conn = c->handle;
  msg->m_identityPeer.m_eType = k_ESteamNetworkingIdentityType_SteamID;
  msg->m_identityPeer.m_cbSize = 8;
  msg->m_identityPeer.m_steamID64 = c->remote_id;
  msg->m_usecTimeReceived = now + SW_TIMESTAMP_BASE_US;
  msg->m_nMessageNumber = f->number;
  msg->m_pfnRelease = release_smsg;
  msg->m_nFlags = f->reliable ? k_nSteamNetworkingSend_Reliable : 0;
  msg->m_idxLane = f->lane;
  m->cprev = c->q_tail;
  if (c->q_tail) c->q_tail->cnext = m;
  else c->q_head = m;
  c->q_tail = m;
  c->q_count++;
  c->q_bytes += m->len;
  sw_group *g = sw_group_find(c->group);
  if (g != NULL) group_append(g, m);
}

void sw_conn_purge_inbound(sw_conn *c) {
  while (c->q_head != NULL) {
    sw_smsg *m = c->q_head;
    sw_msg_unlink(m, c);
    free(m);
  }
}

/* ---------------------------------------------------------------- status callbacks ---- */

void sw_conn_fill_info(const sw_conn *c, SteamNetConnectionInfo_t *info) {
  memset(info, 0, sizeof *info);
  info->m_identityRemote.m_eType = k_ESteamNetworkingIdentityType_SteamID;
  info->m_identityRemote.m_cbSize = 8;
  info->m_identityRemote.m_steamID64 = c->remote_id;
  info->m_nUserData = c->user_data;
  info->m_hListenSocket = c->listen_socket;
  if (c->remote_port != 0 || c->pipe) {
    /* 127.0.0.1 mapped into IPv6 (::ffff:127.0.0.1); the port is in host order. */
    static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    memcpy(info->m_addrRemote.m_ipv6, mapped, sizeof mapped);
    info->m_addrRemote.m_port = c->pipe ? 0 : c->remote_port;
  }
  info->m_eState = c->state;
  info->m_eEndReason = c->end_reason;
  snprintf(info->m_szEndDebug, sizeof info->m_szEndDebug, "%s", c->end_debug);
  snprintf(info->m_szConnectionDescription, sizeof info->m_szConnectionDescription, "#%u %.48s%sP2P steamid:%llu vport %d",
           (unsigned)c->handle, c->name, c->name[0] ? " " : "", (unsigned long long)c->remote_id,
           c->outbound ? c->remote_vport : c->local_vport);
  info->m_nFlags = c->pipe ? SW_CONN_FLAG_LOOPBACK_BUFFERS | SW_CONN_FLAG_FAST | SW_CONN_FLAG_UNENCRYPTED
                           : SW_CONN_FLAG_FAST;
}

void sw_queue_fn_callback(int id, void *fn, const void *data, int size) {
  sw_fncb *cb = malloc(sizeof *cb + (size_t)size);
  if (cb == NULL) return;
  cb->next = NULL;
  cb->id = id;
  cb->fn = fn;
  cb->size = size;
  memcpy(cb->data, data, (size_t)size);
  if (g_sws.fn_tail) g_sws.fn_tail->next = cb;
  else g_sws.fn_head = cb;
  g_sws.fn_tail = cb;
}

void sw_post_status(sw_conn *c, int old_state) {
  SteamNetConnectionStatusChangedCallback_t cb;
  memset(&cb, 0, sizeof cb);
  cb.m_hConn = c->handle;
  sw_conn_fill_info(c, &cb.m_info);
  cb.m_eOldState = old_state;
  /* The function pointer in force when the event happens gets it; otherwise the callback queue does. */
  void *fn = sw_conn_cfg_ptr(c, SWC_Callback_ConnectionStatusChanged);
  if (fn != NULL) sw_queue_fn_callback(CB_CONNECTION_STATUS_CHANGED, fn, &cb, (int)sizeof cb);
  else sw_post_callback(CB_CONNECTION_STATUS_CHANGED, &cb, (int)sizeof cb);
}

void sw_conn_set_state(sw_conn *c, int state, int reason, const char *debug) {
  int old = c->state;
  if (old == state) return;
  c->state = state;
  if (reason != 0) {
    c->end_reason = reason;
    snprintf(c->end_debug, sizeof c->end_debug, "%s", debug ? debug : "");
  }
  if (state == k_ESteamNetworkingConnectionState_ClosedByPeer ||
      state == k_ESteamNetworkingConnectionState_ProblemDetectedLocally) {
    /* Nothing more goes out; what was received can still be drained (steamnetworkingtypes.h:398-405). */
    sw_sock_tx_clear(c);
  }
  if (!c->lingering) sw_post_status(c, old);
}

void sw_conn_accept(sw_conn *c, int64_t now) {
  c->accepted = true;
  c->last_rx_us = now;
  sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connected, 0, NULL);
  if (c->pipe) {
    sw_conn *peer = sw_conn_find_any(c->remote_handle);
    if (peer != NULL && peer->state == k_ESteamNetworkingConnectionState_Connecting) {
      peer->last_rx_us = now;
      sw_conn_set_state(peer, k_ESteamNetworkingConnectionState_Connected, 0, NULL);
      sw_sock_transmit(peer, now, true);
    }
    return;
  }
  sw_sock_send_control(c, SWS_ACCEPT, 0, NULL);
  sw_sock_send_control(c, SWS_PING, 0, NULL);
}

/* ---------------------------------------------------------------- relay and auth availability ---- */

static void post_relay(void) {
  SteamRelayNetworkStatus_t st;
  memset(&st, 0, sizeof st);
  st.m_eAvail = g_sws.relay_avail;
  st.m_bPingMeasurementInProgress = g_sws.relay_avail == k_ESteamNetworkingAvailability_Attempting;
  st.m_eAvailNetworkConfig = g_sws.relay_avail;
  st.m_eAvailAnyRelay = g_sws.relay_avail;
  snprintf(st.m_debugMsg, sizeof st.m_debugMsg, "%s",
           g_sws.relay_avail == k_ESteamNetworkingAvailability_Current ? "fake Steam: relays reachable"
                                                                       : "fake Steam: measuring relay pings");
  void *fn = sw_conn_cfg_ptr(NULL, SWC_Callback_RelayNetworkStatusChanged);
  if (fn != NULL) sw_queue_fn_callback(CB_RELAY_NETWORK_STATUS, fn, &st, (int)sizeof st);
  else sw_post_callback(CB_RELAY_NETWORK_STATUS, &st, (int)sizeof st);
}

void sw_sockets_relay_touch(void) {
  if (g_sws.relay_avail == k_ESteamNetworkingAvailability_Current ||
      g_sws.relay_avail == k_ESteamNetworkingAvailability_Attempting)
    return;
  g_sws.relay_avail = k_ESteamNetworkingAvailability_Attempting;
  g_sws.relay_ready_us = sw_now_us() + SW_AVAILABILITY_DELAY_US;
  post_relay();
}

static void post_auth(void) {
  SteamNetAuthenticationStatus_t st;
  memset(&st, 0, sizeof st);
  st.m_eAvail = g_sws.auth_avail;
  snprintf(st.m_debugMsg, sizeof st.m_debugMsg, "%s",
           g_sws.auth_avail == k_ESteamNetworkingAvailability_Current ? "fake Steam: certificate ready"
                                                                      : "fake Steam: fetching certificate");
  void *fn = sw_conn_cfg_ptr(NULL, SWC_Callback_AuthStatusChanged);
  if (fn != NULL) sw_queue_fn_callback(CB_AUTHENTICATION_STATUS, fn, &st, (int)sizeof st);
  else sw_post_callback(CB_AUTHENTICATION_STATUS, &st, (int)sizeof st);
}

int sw_sockets_auth_touch(void) {
  if (g_sws.auth_avail != k_ESteamNetworkingAvailability_Current &&
      g_sws.auth_avail != k_ESteamNetworkingAvailability_Attempting) {
    g_sws.auth_avail = k_ESteamNetworkingAvailability_Attempting;
    g_sws.auth_ready_us = sw_now_us() + SW_AVAILABILITY_DELAY_US;
    post_auth();
  }
  return g_sws.auth_avail;
}

/* ---------------------------------------------------------------- timers ---- */

static void conn_tick(sw_conn *c, int64_t now) {
  if (c->pipe) {
    /* No network to time out on; only an incoming end nobody accepts gives up, and Nagle still runs. */
    if (c->state == k_ESteamNetworkingConnectionState_Connecting && !c->outbound &&
        now - c->start_us >= sw_conn_cfg_int(c, SWC_TimeoutInitial) * 1000)
      sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
                        k_ESteamNetConnectionEnd_Misc_Timeout, "App didn't accept or close incoming connection in time.");
    if (c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_wire_tick(c, now);
    return;
  }
  int64_t initial_us = sw_conn_cfg_int(c, SWC_TimeoutInitial) * 1000;
  switch (c->state) {
    case k_ESteamNetworkingConnectionState_Connecting:
      if (now - c->start_us >= initial_us) {
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
                          k_ESteamNetConnectionEnd_Misc_Timeout,
                          c->outbound ? "Timed out attempting to connect"
                                      : "App didn't accept or close incoming connection in time.");
      } else if (c->outbound && now - c->last_connect_us >= SW_CONNECT_RETRY_US) {
        sw_sock_send_connect(c);
      }
      break;
    case k_ESteamNetworkingConnectionState_Connected:
      if (c->waiting_since_us != 0 && now - c->waiting_since_us >= sw_conn_cfg_int(c, SWC_TimeoutConnected) * 1000) {
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
                          k_ESteamNetConnectionEnd_Misc_Timeout, "Timed out");
        break;
      }
      if (now - c->last_ping_us >= SW_KEEPALIVE_US) sw_sock_send_control(c, SWS_PING, 0, NULL);
      sw_sock_wire_tick(c, now);
      break;
    default:
      break;
  }
  if (now - c->rate_since_us >= 1000000) {
    float secs = (float)(now - c->rate_since_us) / 1e6f;
    c->out_pps = (float)c->out_packets / secs;
    c->out_bps = (float)c->out_bytes / secs;
    c->in_pps = (float)c->in_packets / secs;
    c->in_bps = (float)c->in_bytes / secs;
    c->out_packets = c->out_bytes = c->in_packets = c->in_bytes = 0;
    c->rate_since_us = now;
  }
}

void sw_sockets_tick(int64_t now) {
  sw_sock_delayed_tick(now);
  sw_sock_loop_drain();
  for (int i = g_sws.conn_count - 1; i >= 0; i--) {
    sw_conn *c = g_sws.conns[i];
    if (c->lingering) {
      /* A lingering close finishes when everything reliable was acknowledged (or it times out). */
      sw_sock_wire_tick(c, now);
      if (c->tx_head == NULL || now - c->last_rx_us >= sw_conn_cfg_int(c, SWC_TimeoutConnected) * 1000) {
        sw_sock_send_control(c, SWS_CLOSE, c->end_reason, c->end_debug);
        sw_conn_destroy(c);
      }
      continue;
    }
    conn_tick(c, now);
  }
  if (g_sws.relay_avail == k_ESteamNetworkingAvailability_Attempting && now >= g_sws.relay_ready_us) {
    g_sws.relay_avail = k_ESteamNetworkingAvailability_Current;
    post_relay();
  }
  if (g_sws.auth_avail == k_ESteamNetworkingAvailability_Attempting && now >= g_sws.auth_ready_us) {
    g_sws.auth_avail = k_ESteamNetworkingAvailability_Current;
    post_auth();
  }
}

void sw_sockets_clear(void) {
  while (g_sws.conn_count > 0) sw_conn_destroy(g_sws.conns[0]);
  free(g_sws.conns);
  for (int i = 0; i < g_sws.listen_count; i++) sw_cfg_clear(&g_sws.listens[i].cfg);
  free(g_sws.listens);
  free(g_sws.groups);
  sw_cfg_clear(&g_sws.global_cfg);
  sw_cfg_clear(&g_sws.iface_cfg);
  sw_sock_delayed_clear();
  sw_fncb *cb = g_sws.fn_head;
  while (cb != NULL) {
    sw_fncb *next = cb->next;
    free(cb);
    cb = next;
  }
  memset(&g_sws, 0, sizeof g_sws);
}
