/*
 * The fake Sockets connections on the wire: the handshake (CONNECT / ACCEPT, symmetric pairing),
 * messages coalesced into datagrams as Steam packs several messages per packet, one reliable stream per
 * connection (cumulative acks, retransmission, fragments), Nagle, lane priorities when a batch goes out,
 * the receive-buffer limits, and Steam's fake lag and loss settings applied to these datagrams.
 * A connection to ourselves (a "pipe") uses the same format through an in-process queue, which fake
 * lag and loss do not touch (isteamnetworkingsockets.h:381-386).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

/* Bytes in flight per connection before the sender waits for acks (the socket buffers hold 4 MiB). */
#define SW_WINDOW_BYTES (1536u * 1024u)
/* Reliable frames (and bytes) buffered ahead of a gap: a hostile peer cannot make us hold more. */
#define SW_MAX_OOO 4096u
#define SW_MAX_OOO_BYTES (4u * 1024u * 1024u)
/* Incoming connections nobody accepted yet, at most: connect requests beyond are ignored. */
#define SW_MAX_PENDING_INBOUND 256
#define SW_RTO_MIN_US 20000
#define SW_RTO_MAX_US 2000000

static uint8_t tx_buf[SWS_DATAGRAM_MAX + 256];

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

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

static void raw_send(sw_conn *c, const void *buf, size_t len) {
  int64_t now = sw_now_us();
  c->out_packets++;
  c->out_bytes += len;
  c->last_tx_us = now;
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

static void header_init(sw_sock_header *h, const sw_conn *c, uint8_t kind) {
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
  header_init(h, c, kind);
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
  raw_send(c, buf, len);
}

void sw_sock_send_connect(sw_conn *c) {
  sw_sock_header h;
  header_init(&h, c, SWS_CONNECT);
  h.vport = c->remote_vport;
  h.src_vport = c->local_vport;
  c->last_connect_us = sw_now_us();
  /* The remote may have appeared (or restarted on another port) since the last try. */
  uint16_t port = sw_registry_lookup(c->remote_id);
  if (port != 0) c->remote_port = port;
  raw_send(c, &h, sizeof h);
}

/* ---------------------------------------------------------------- queueing ---- */

static sw_txframe *frame_new(uint8_t reliable, uint16_t lane, uint32_t seq, int64_t number, uint32_t msg_len,
                             uint32_t off, const uint8_t *data, uint32_t len) {
  sw_txframe *t = malloc(sizeof *t + len);
  if (t == NULL) return NULL;
  memset(t, 0, sizeof *t);
  t->f.reliable = reliable;
  t->f.lane = lane;
  t->f.seq = seq;
  t->f.number = number;
  t->f.msg_len = msg_len;
  t->f.frag_off = off;
  t->f.len = len;
  if (len > 0) memcpy(t->data, data + off, len);
  return t;
}

static void tx_append(sw_conn *c, sw_txframe *t) {
  if (c->tx_tail) c->tx_tail->next = t;
  else c->tx_head = t;
  c->tx_tail = t;
  if (t->f.reliable) c->pending_reliable += t->f.len;
  else c->pending_unreliable += t->f.len;
}

int sw_sock_queue_message(sw_conn *c, const void *data, uint32_t len, int flags, int lane, int64_t *number) {
  *number = -1;
  if (c->state == k_ESteamNetworkingConnectionState_ClosedByPeer ||
      c->state == k_ESteamNetworkingConnectionState_ProblemDetectedLocally)
    return k_EResultNoConnection;
  if (c->state != k_ESteamNetworkingConnectionState_Connecting && c->state != k_ESteamNetworkingConnectionState_Connected)
    return k_EResultInvalidState;
  if (len > k_cbMaxSteamNetworkingSocketsMessageSizeSend || (data == NULL && len > 0)) return k_EResultInvalidParam;
  if (lane < 0 || lane >= c->lane_count) return k_EResultInvalidParam;
  bool reliable = (flags & k_nSteamNetworkingSend_Reliable) != 0;
  if (reliable && (flags & k_nSteamNetworkingSend_NoDelay) != 0) return k_EResultInvalidParam;
  if (c->pending_reliable + c->pending_unreliable + len > (size_t)sw_conn_cfg_int(c, SWC_SendBufferSize))
    return k_EResultLimitExceeded;
  bool connected = c->state == k_ESteamNetworkingConnectionState_Connected;
  if (!reliable && (flags & k_nSteamNetworkingSend_NoDelay) != 0 && !connected) return k_EResultIgnored;
  sw_lane *ln = &c->lanes[lane];
  *number = ln->next_number++;
  /* Unreliable messages over 16500 bytes are sent reliably (snp.cpp:326-331). */
  if (len > SW_UNRELIABLE_UPGRADE_BYTES) reliable = true;
  if (!reliable) {
    /* While connecting, unreliable messages are "almost certainly" dropped (steamnetworkingtypes.h:357-380). */
    if (!connected) return k_EResultOK;
    sw_txframe *t = frame_new(0, (uint16_t)lane, 0, *number, len, 0, data, len);
    if (t == NULL) return k_EResultFail;
    tx_append(c, t);
  } else {
    uint32_t off = 0;
    do {
      uint32_t chunk = len - off < SWS_FRAGMENT_BYTES ? len - off : SWS_FRAGMENT_BYTES;
      sw_txframe *t = frame_new(1, (uint16_t)lane, c->next_seq++, *number, len, off, data, chunk);
      if (t == NULL) return k_EResultFail;
      tx_append(c, t);
      off += chunk;
    } while (off < len);
  }
  int64_t nagle = sw_conn_cfg_int(c, SWC_NagleTime);
  /* NoNagle sends this message and everything queued before it now. */
  if ((flags & k_nSteamNetworkingSend_NoNagle) != 0 || nagle <= 0) c->flush_now = true;
  else if (c->nagle_deadline_us == 0) c->nagle_deadline_us = sw_now_us() + nagle;
  return k_EResultOK;
}

/* ---------------------------------------------------------------- transmitting ---- */

typedef struct packer {
  sw_conn *c;
  size_t len;
  uint16_t frames;
} packer;

static void pack_flush(packer *p) {
  if (p->frames == 0) return;
  sw_sock_header *h = (sw_sock_header *)tx_buf;
  header_init(h, p->c, SWS_DATA);
  h->frames = p->frames;
  raw_send(p->c, tx_buf, p->len);
  p->len = sizeof(sw_sock_header);
  p->frames = 0;
}

static void pack_frame(packer *p, const sw_txframe *t) {
  size_t need = sizeof(sw_sock_frame) + t->f.len;
  if (p->len + need > SWS_DATAGRAM_MAX) pack_flush(p);
  memcpy(tx_buf + p->len, &t->f, sizeof t->f);
  if (t->f.len > 0) memcpy(tx_buf + p->len + sizeof t->f, t->data, t->f.len);
  p->len += need;
  p->frames++;
}

void sw_sock_transmit(sw_conn *c, int64_t now, bool force) {
  if (c->state != k_ESteamNetworkingConnectionState_Connected && !c->lingering) return;
  bool due = force || c->flush_now || (c->nagle_deadline_us != 0 && now >= c->nagle_deadline_us);
  if (!due) return;
  packer p = {c, sizeof(sw_sock_header), 0};
  bool held = false;
  /* Lower priority numbers go first (isteamnetworkingsockets.h:394-461); send order within a priority. */
  for (;;) {
    int best = 0;
    bool any = false;
    for (sw_txframe *t = c->tx_head; t != NULL; t = t->next) {
      if (t->sent) continue;
      int pr = c->lanes[t->f.lane].priority;
      if (!any || pr < best) best = pr, any = true;
    }
    if (!any) break;
    bool progressed = false;
    for (sw_txframe **at = &c->tx_head; *at != NULL;) {
      sw_txframe *t = *at;
      if (t->sent || c->lanes[t->f.lane].priority != best) {
        at = &t->next;
        continue;
      }
      if (t->f.reliable && c->inflight + t->f.len > SW_WINDOW_BYTES && c->inflight > 0) {
        held = true;
        at = &t->next;
        continue;
      }
      pack_frame(&p, t);
      progressed = true;
      if (!t->f.reliable) {
        c->pending_unreliable -= t->f.len;
        *at = t->next;
        if (c->tx_tail == t) {
          c->tx_tail = NULL;
          for (sw_txframe *x = c->tx_head; x != NULL; x = x->next) c->tx_tail = x;
        }
        free(t);
        continue;
      }
      t->sent = 1;
      t->tries = 1;
      t->first_sent_us = t->last_sent_us = now;
      c->inflight += t->f.len;
      c->pending_reliable -= t->f.len;
      c->unacked_reliable += t->f.len;
      at = &t->next;
    }
    if (!progressed) break;
    /* Frames of this priority held by the window block lower priorities too. */
    if (held) break;
  }
  pack_flush(&p);
  c->flush_now = held;
  c->nagle_deadline_us = 0;
}

static int64_t rto_us(const sw_conn *c, int tries) {
  int64_t base = c->srtt_us > 0 ? 2 * c->srtt_us + 10000 : SW_RTO_MIN_US;
  if (base < SW_RTO_MIN_US) base = SW_RTO_MIN_US;
  for (int i = 1; i < tries && base < SW_RTO_MAX_US; i++) base *= 2;
  return base < SW_RTO_MAX_US ? base : SW_RTO_MAX_US;
}

void sw_sock_wire_tick(sw_conn *c, int64_t now) {
  sw_sock_transmit(c, now, false);
  packer p = {c, sizeof(sw_sock_header), 0};
  for (sw_txframe *t = c->tx_head; t != NULL; t = t->next) {
    if (!t->sent || now - t->last_sent_us < rto_us(c, t->tries)) continue;
    pack_frame(&p, t);
    t->tries++;
    t->last_sent_us = now;
  }
  pack_flush(&p);
}

void sw_sock_tx_clear(sw_conn *c) {
  sw_txframe *t = c->tx_head;
  while (t != NULL) {
    sw_txframe *next = t->next;
    free(t);
    t = next;
  }
  c->tx_head = c->tx_tail = NULL;
  c->inflight = c->pending_reliable = c->pending_unreliable = c->unacked_reliable = 0;
  c->flush_now = false;
  c->nagle_deadline_us = 0;
}

static void on_ack(sw_conn *c, uint32_t acked, int64_t now) {
  for (sw_txframe **at = &c->tx_head; *at != NULL;) {
    sw_txframe *t = *at;
    if (!t->f.reliable || !t->sent || seq_lt(acked, t->f.seq)) {
      at = &t->next;
      continue;
    }
    if (t->tries == 1) {
      int64_t sample = now - t->first_sent_us;
      c->srtt_us = c->srtt_us < 0 ? sample : (c->srtt_us + 3 * sample) / 4;
    }
    c->inflight -= t->f.len;
    c->unacked_reliable -= t->f.len;
    *at = t->next;
    free(t);
  }
  c->tx_tail = NULL;
  for (sw_txframe *x = c->tx_head; x != NULL; x = x->next) c->tx_tail = x;
  sw_sock_transmit(c, now, false);
}

/* ---------------------------------------------------------------- receiving ---- */

void sw_sock_rx_clear(sw_conn *c) {
  sw_rxframe *r = c->ooo;
  while (r != NULL) {
    sw_rxframe *next = r->next;
    free(r);
    r = next;
  }
  c->ooo = NULL;
  c->ooo_count = 0;
  c->ooo_bytes = 0;
  free(c->asm_buf);
  c->asm_buf = NULL;
  c->asm_len = c->asm_have = 0;
}

/* One reliable frame in order: complete messages are delivered; a message too big for us ends the connection. */
static void consume(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now) {
  if (f->frag_off == 0) {
    free(c->asm_buf);
    c->asm_buf = NULL;
    c->asm_len = c->asm_have = 0;
    int64_t max = sw_conn_cfg_int(c, SWC_RecvMaxMessageSize);
    if ((int64_t)f->msg_len > max) {
      char why[128];
      snprintf(why, sizeof why, "Reliable message size too large.  (%u > %lld)", (unsigned)f->msg_len, (long long)max);
      sw_sock_send_control(c, SWS_CLOSE, k_ESteamNetConnectionEnd_Misc_Generic, why);
      sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally, k_ESteamNetConnectionEnd_Misc_Generic,
                        why);
      return;
    }
    if (f->len == f->msg_len) {
      sw_conn_deliver(c, f, data, now);
      return;
    }
    c->asm_buf = malloc(f->msg_len);
    if (c->asm_buf == NULL) return;
    c->asm_len = f->msg_len;
    c->asm_f = *f;
  } else if (c->asm_buf == NULL || f->frag_off != c->asm_have || f->msg_len != c->asm_len) {
    return; /* not the continuation of the message in progress: the sender is broken */
  }
  memcpy(c->asm_buf + c->asm_have, data, f->len);
  c->asm_have += f->len;
  if (c->asm_have == c->asm_len) {
    sw_conn_deliver(c, &c->asm_f, c->asm_buf, now);
    free(c->asm_buf);
    c->asm_buf = NULL;
    c->asm_len = c->asm_have = 0;
  }
}

static void rx_reliable(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now) {
  if (f->seq == c->rx_next) {
    consume(c, f, data, now);
    c->rx_next++;
    while (c->ooo != NULL && c->ooo->f.seq == c->rx_next && c->state == k_ESteamNetworkingConnectionState_Connected) {
      sw_rxframe *r = c->ooo;
      c->ooo = r->next;
      c->ooo_count--;
      c->ooo_bytes -= r->f.len;
      consume(c, &r->f, r->data, now);
      c->rx_next++;
      free(r);
    }
  } else if (seq_lt(c->rx_next, f->seq) && f->seq - c->rx_next < SW_MAX_OOO &&
             c->ooo_bytes + f->len <= SW_MAX_OOO_BYTES) {
    sw_rxframe **at = &c->ooo;
    while (*at != NULL && seq_lt((*at)->f.seq, f->seq)) at = &(*at)->next;
    if (*at != NULL && (*at)->f.seq == f->seq) return;
    sw_rxframe *r = malloc(sizeof *r + f->len);
    if (r == NULL) return;
    r->f = *f;
    memcpy(r->data, data, f->len);
    r->next = *at;
    *at = r;
    c->ooo_count++;
    c->ooo_bytes += f->len;
  }
  /* Older (duplicate) frames are dropped; the ack that follows repeats what we have. */
}

static void on_data(sw_conn *c, const sw_sock_header *h, const uint8_t *p, size_t plen, int64_t now) {
  /* Over the receive buffer, packets are dropped (steamnetworkingtypes.h:1147-1159): reliable data comes again. */
  if ((int64_t)c->q_count >= sw_conn_cfg_int(c, SWC_RecvBufferMessages) ||
      (int64_t)c->q_bytes >= sw_conn_cfg_int(c, SWC_RecvBufferSize))
    return;
  bool reliable_seen = false;
  for (uint16_t i = 0; i < h->frames && c->state == k_ESteamNetworkingConnectionState_Connected; i++) {
    sw_sock_frame f;
    if (plen < sizeof f) return;
    memcpy(&f, p, sizeof f);
    p += sizeof f;
    plen -= sizeof f;
    if (f.len > plen || f.msg_len > k_cbMaxSteamNetworkingSocketsMessageSizeSend || f.frag_off > f.msg_len ||
        f.len > f.msg_len - f.frag_off || f.lane >= SW_MAX_LANES) {
      g_sw.counters.datagrams_rejected++;
      return;
    }
    if (f.reliable) {
      reliable_seen = true;
      rx_reliable(c, &f, p, now);
    } else if (f.frag_off == 0 && f.len == f.msg_len && (int64_t)f.msg_len <= sw_conn_cfg_int(c, SWC_RecvMaxMessageSize)) {
      sw_conn_deliver(c, &f, p, now);
    }
    p += f.len;
    plen -= f.len;
  }
  if (reliable_seen && c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_send_control(c, SWS_ACK, 0, NULL);
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
      if (c->state == k_ESteamNetworkingConnectionState_Connected) on_data(c, &h, payload, plen, now);
      if (c->state == k_ESteamNetworkingConnectionState_Connected) on_ack(c, h.ack, now);
      return;
    case SWS_ACK:
      on_ack(c, h.ack, now);
      return;
    case SWS_PING: {
      sw_sock_header pong;
      header_init(&pong, c, SWS_PONG);
      pong.stamp = h.stamp;
      raw_send(c, &pong, sizeof pong);
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
