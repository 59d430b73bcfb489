/*
 * The fake Sockets connections on the wire: datagrams out (with Steam's fake lag and loss settings
 * applied), the handshake (CONNECT / ACCEPT, symmetric pairing), and the dispatch of every datagram
 * that arrives to its connection. A connection to ourselves (a "pipe") uses the same format through an
 * in-process queue, which fake lag and loss do not touch (isteamnetworkingsockets.h:381-386).
 * What a connection's datagrams carry is sockets_stream.c's business.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

/* Incoming connections nobody accepted yet, at most: connect requests beyond are ignored. */
#define SW_MAX_PENDING_INBOUND 256

static bool chance(float percent) {
  if (percent <= 0.0f) return false;
  return (double)(sw_random() >> 11) / 9007199254740992.0 * 100.0 < (double)percent;
}

/* ---------------------------------------------------------------- datagrams out ---- */

static void push_delayed(sw_delayed **head, sw_delayed **tail, const void *buf, size_t len, uint16_t port,
                         int64_t due) {
  sw_delayed *d = malloc(sizeof *d + len);
  if (d == NULL) return;
  d->next = NULL;
  d->due_us = due;
  d->port = port;
  d->len = (uint32_t)len;
  memcpy(d->data, buf, len);
  if (*tail) (*tail)->next = d;
  else *head = d;
  *tail = d;
}

void sw_sock_raw_send(sw_conn *c, const void *buf, size_t len) {
  int64_t now = sw_now_us();
  c->out_packets++;
  c->out_bytes += len;
  c->last_tx_us = now;
  /* Data and pings want an answer: a connection is lost TimeoutConnected after the first one unanswered. */
  uint8_t kind = len >= sizeof(sw_sock_header) ? ((const uint8_t *)buf)[offsetof(sw_sock_header, kind)] : 0;
  if (c->waiting_since_us == 0 && (kind == SWS_DATA || kind == SWS_PING)) c->waiting_since_us = now;
  if (c->pipe) {
    push_delayed(&g_sws.loop_head, &g_sws.loop_tail, buf, len, 0, now);
    return;
  }
  if (c->remote_port == 0) {
    uint16_t port = sw_registry_lookup(c->remote_id);
    if (port == 0) return; /* nobody there: lost, as into the void */
    c->remote_port = port;
  }
  if (chance(sw_global_cfg_float(SWC_FakePacketLoss_Send))) return;
  int64_t lag = sw_global_cfg_int(SWC_FakePacketLag_Send);
  if (lag > 0) {
    push_delayed(&g_sws.send_lag_head, &g_sws.send_lag_tail, buf, len, c->remote_port, now + lag * 1000);
    return;
  }
  sw_wire_send(buf, len, c->remote_port);
}

void sw_sock_header_init(sw_sock_header *h, const sw_conn *c, uint8_t kind) {
  memset(h, 0, sizeof *h);
  h->magic = SW_SOCK_MAGIC;
  h->kind = kind;
  h->flags = c->symmetric ? SWS_FLAG_SYMMETRIC : 0;
  h->sender = g_sw.steam_id;
  h->receiver = c->remote_id;
  h->src_conn = c->handle;
  h->dst_conn = c->remote_handle;
  h->ack = c->rx_next - 1;
}

void sw_sock_send_control(sw_conn *c, uint8_t kind, int32_t reason, const char *debug) {
  uint8_t buf[sizeof(sw_sock_header) + 128];
  sw_sock_header *h = (sw_sock_header *)buf;
  sw_sock_header_init(h, c, kind);
  size_t len = sizeof *h;
  if (kind == SWS_CLOSE) {
    h->reason = reason;
    size_t n = debug ? strlen(debug) : 0;
    if (n > 127) n = 127;
    memcpy(buf + len, debug ? debug : "", n);
    buf[len + n] = '\0';
    len += n + 1;
  } else if (kind == SWS_PING) {
    h->stamp = sw_now_us();
    c->last_ping_us = h->stamp;
  }
  sw_sock_raw_send(c, buf, len);
}

void sw_sock_send_connect(sw_conn *c) {
  sw_sock_header h;
  sw_sock_header_init(&h, c, SWS_CONNECT);
  h.vport = c->remote_vport;
  h.src_vport = c->local_vport;
  c->last_connect_us = sw_now_us();
  /* The remote may have appeared (or restarted on another port) since the last try. */
  uint16_t port = sw_registry_lookup(c->remote_id);
  if (port != 0) c->remote_port = port;
  sw_sock_raw_send(c, &h, sizeof h);
}

/* ---------------------------------------------------------------- dispatch ---- */

static sw_conn *conn_for(const sw_sock_header *h, bool pipe) {
  if (h->dst_conn == 0) {
    /* A connect attempt given up before it was answered: its CLOSE names only the sender's handle. */
    for (int i = 0; i < g_sws.conn_count; i++) {
      sw_conn *o = g_sws.conns[i];
      if (!o->pipe && !o->outbound && o->remote_id == h->sender && o->remote_handle == h->src_conn) return o;
    }
    return NULL;
  }
  sw_conn *c = sw_conn_find_any(h->dst_conn);
  if (c == NULL || c->pipe != pipe || (!pipe && c->remote_id != h->sender)) return NULL;
  /* A RESET comes from no connection (src 0); anything else must come from the paired handle. */
  if (c->remote_handle != 0 && h->src_conn != 0 && c->remote_handle != h->src_conn) return NULL;
  return c;
}

static void reply_reset(const sw_sock_header *h, uint16_t port, bool pipe) {
  sw_conn tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.remote_id = h->sender;
  tmp.remote_port = port;
  tmp.remote_handle = h->src_conn;
  tmp.pipe = pipe;
  sw_sock_send_control(&tmp, SWS_RESET, 0, NULL);
}

static void on_connect(const sw_sock_header *h, uint16_t port, int64_t now) {
  for (int i = 0; i < g_sws.conn_count; i++) {
    sw_conn *c = g_sws.conns[i];
    if (c->remote_id == h->sender && c->remote_handle == h->src_conn) {
      /* A retry: answer again if we already accepted; otherwise the app has not decided yet. */
      c->remote_port = port;
      if (c->accepted && c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_send_control(c, SWS_ACCEPT, 0, NULL);
      return;
    }
  }
  if (h->flags & SWS_FLAG_SYMMETRIC) {
    for (int i = 0; i < g_sws.conn_count; i++) {
      sw_conn *c = g_sws.conns[i];
      if (!c->symmetric || c->lingering || c->remote_id != h->sender || c->local_vport != h->vport) continue;
      if (c->outbound && c->state == k_ESteamNetworkingConnectionState_Connecting && c->remote_handle == 0) {
        /* Both sides connected at once: pair the two outbound connections; both see theirs accepted. */
        c->remote_handle = h->src_conn;
        c->remote_port = port;
        c->accepted = true;
        c->last_rx_us = now;
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connected, 0, NULL);
        sw_sock_send_control(c, SWS_ACCEPT, 0, NULL);
        sw_sock_send_control(c, SWS_PING, 0, NULL);
        sw_sock_transmit(c, now, true);
      }
      /* Otherwise a duplicate request from a peer we already have: ignored (steamnetworkingtypes.h). */
      return;
    }
  }
  sw_listen *ls = sw_listen_by_port(h->vport);
  if (ls == NULL) return; /* nobody listens on that port: silently ignored (p2p.cpp:3121-3135) */
  int pending = 0;
  for (int i = 0; i < g_sws.conn_count; i++) {
    const sw_conn *o = g_sws.conns[i];
    if (!o->outbound && !o->accepted && o->state == k_ESteamNetworkingConnectionState_Connecting) pending++;
  }
  if (pending >= SW_MAX_PENDING_INBOUND) {
    g_sw.counters.datagrams_rejected++;
    return;
  }
  sw_conn *c = sw_conn_new(h->sender, false);
  if (c == NULL) return;
  c->remote_handle = h->src_conn;
  c->remote_port = port;
  c->listen_socket = ls->handle;
  c->local_vport = ls->vport;
  c->remote_vport = h->src_vport;
  c->symmetric = sw_conn_cfg_int(c, SWC_SymmetricConnect) != 0;
  c->user_data = sw_conn_cfg_int(c, SWC_ConnectionUserData);
  sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connecting, 0, NULL);
}

static void process(const uint8_t *buf, size_t len, uint16_t port, bool pipe) {
  sw_sock_header h;
  if (len < sizeof h) goto reject;
  memcpy(&h, buf, sizeof h);
  if (h.magic != SW_SOCK_MAGIC) goto reject;
  /* Pipes (and socket pairs) may carry any identities; network traffic must be from someone else to us. */
  if (!pipe && (h.receiver != g_sw.steam_id || !sw_steamid_valid(h.sender) || h.sender == g_sw.steam_id)) goto reject;
  const uint8_t *payload = buf + sizeof h;
  size_t plen = len - sizeof h;
  int64_t now = sw_now_us();
  if (h.kind == SWS_CONNECT) {
    if (!pipe) on_connect(&h, port, now);
    return;
  }
  sw_conn *c = conn_for(&h, pipe);
  if (c == NULL) {
    if (h.kind == SWS_DATA || h.kind == SWS_PING || h.kind == SWS_ACCEPT) reply_reset(&h, port, pipe);
    return;
  }
  if (!pipe) c->remote_port = port;
  c->last_rx_us = now;
  c->waiting_since_us = 0;
  c->in_packets++;
  c->in_bytes += len;
  switch (h.kind) {
    case SWS_ACCEPT:
      if (c->outbound && c->state == k_ESteamNetworkingConnectionState_Connecting) {
        c->remote_handle = h.src_conn;
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connected, 0, NULL);
        sw_sock_send_control(c, SWS_PING, 0, NULL);
        sw_sock_transmit(c, now, true);
      }
      return;
    case SWS_DATA:
      if (c->outbound && c->state == k_ESteamNetworkingConnectionState_Connecting) {
        /* Data from the acceptor: the connection is up even though its ACCEPT was lost. */
        c->remote_handle = h.src_conn;
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_Connected, 0, NULL);
      }
      if (c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_on_data(c, &h, payload, plen, now);
      if (c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_on_ack(c, h.ack, now);
      return;
    case SWS_ACK:
      sw_sock_on_ack(c, h.ack, now);
      return;
    case SWS_PING: {
      sw_sock_header pong;
      sw_sock_header_init(&pong, c, SWS_PONG);
      pong.stamp = h.stamp;
      sw_sock_raw_send(c, &pong, sizeof pong);
      return;
    }
    case SWS_PONG:
      if (h.stamp > 0 && h.stamp <= now) {
        int64_t sample = now - h.stamp;
        c->srtt_us = c->srtt_us < 0 ? sample : (c->srtt_us + 3 * sample) / 4;
      }
      return;
    case SWS_CLOSE: {
      char debug[128] = "";
      if (plen > 0) {
        size_t n = plen < sizeof debug ? plen : sizeof debug - 1;
        memcpy(debug, payload, n);
        debug[n] = '\0';
      }
      if (c->state == k_ESteamNetworkingConnectionState_Connecting || c->state == k_ESteamNetworkingConnectionState_Connected)
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ClosedByPeer, h.reason, debug);
      return;
    }
    case SWS_RESET:
      if (c->state == k_ESteamNetworkingConnectionState_Connecting || c->state == k_ESteamNetworkingConnectionState_Connected)
        sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
                          k_ESteamNetConnectionEnd_Misc_PeerSentNoConnection, "Peer has no record of this connection");
      return;
    default:
      goto reject;
  }
reject:
  g_sw.counters.datagrams_rejected++;
}

bool sw_sockets_owns_datagram(const uint8_t *buf, size_t len) {
  uint32_t magic;
  if (len < sizeof magic) return false;
  memcpy(&magic, buf, sizeof magic);
  return magic == SW_SOCK_MAGIC;
}

void sw_sockets_handle_datagram(const uint8_t *buf, size_t len, uint16_t src_port) {
  if (chance(sw_global_cfg_float(SWC_FakePacketLoss_Recv))) return;
  int64_t lag = sw_global_cfg_int(SWC_FakePacketLag_Recv);
  if (lag > 0) {
    push_delayed(&g_sws.recv_lag_head, &g_sws.recv_lag_tail, buf, len, src_port, sw_now_us() + lag * 1000);
    return;
  }
  process(buf, len, src_port, false);
}

/* ---------------------------------------------------------------- held datagrams ---- */

static sw_delayed *pop_due(sw_delayed **head, sw_delayed **tail, int64_t now) {
  sw_delayed *d = *head;
  if (d == NULL || d->due_us > now) return NULL;
  *head = d->next;
  if (*head == NULL) *tail = NULL;
  return d;
}

void sw_sock_delayed_tick(int64_t now) {
  sw_delayed *d;
  while ((d = pop_due(&g_sws.send_lag_head, &g_sws.send_lag_tail, now)) != NULL) {
    sw_wire_send(d->data, d->len, d->port);
    free(d);
  }
  while ((d = pop_due(&g_sws.recv_lag_head, &g_sws.recv_lag_tail, now)) != NULL) {
    process(d->data, d->len, d->port, false);
    free(d);
  }
}

void sw_sock_loop_drain(void) {
  /* Bounded: processing may queue replies (acks), which wait for the next drain. */
  sw_delayed *batch = g_sws.loop_head;
  g_sws.loop_head = g_sws.loop_tail = NULL;
  while (batch != NULL) {
    sw_delayed *next = batch->next;
    process(batch->data, batch->len, 0, true);
    free(batch);
    batch = next;
  }
}

static void free_list(sw_delayed **head, sw_delayed **tail) {
  sw_delayed *d = *head;
  while (d != NULL) {
    sw_delayed *next = d->next;
    free(d);
    d = next;
  }
  *head = *tail = NULL;
}

void sw_sock_delayed_clear(void) {
  free_list(&g_sws.send_lag_head, &g_sws.send_lag_tail);
  free_list(&g_sws.recv_lag_head, &g_sws.recv_lag_tail);
  free_list(&g_sws.loop_head, &g_sws.loop_tail);
}
