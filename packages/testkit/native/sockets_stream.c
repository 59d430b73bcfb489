/*
 * What the fake Sockets connections carry: messages queued with Steam's send results and per-lane
 * numbers, coalesced into datagrams as Steam packs several messages per packet (Nagle, lane priorities
 * when a batch goes out), one reliable stream per connection (cumulative acks, retransmission with
 * back-off, fragments, in-order delivery), and the receive-buffer limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

/* Bytes in flight per connection before the sender waits for acks (the socket buffers hold 4 MiB). */
#define SW_WINDOW_BYTES (1536u * 1024u)
/* Reliable frames buffered ahead of a gap (their bytes are bounded by RecvBufferSize too): a hostile
 * peer cannot make us hold more. */
#define SW_MAX_OOO 4096u
#define SW_RTO_MIN_US 20000
#define SW_RTO_MAX_US 2000000

static uint8_t tx_buf[SWS_DATAGRAM_MAX + 256];

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

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
  /* What the connection holds (queued, or sent and not acknowledged) may not pass SendBufferSize. */
  if (c->pending_reliable + c->pending_unreliable + c->unacked_reliable + len > (size_t)sw_conn_cfg_int(c, SWC_SendBufferSize))
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
  /* NoNagle sends this message and everything queued before it now; so does a full packet's worth. */
  if ((flags & k_nSteamNetworkingSend_NoNagle) != 0 || nagle <= 0 ||
      c->pending_reliable + c->pending_unreliable >= sw_numbers_sockets()->nagle_flush_bytes)
    c->flush_now = true;
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
  sw_sock_header_init(h, p->c, SWS_DATA);
  h->frames = p->frames;
  sw_sock_raw_send(p->c, tx_buf, p->len);
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

void sw_sock_on_ack(sw_conn *c, uint32_t acked, int64_t now) {
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

/*
 * Whether a message of `len` bytes fits the receive buffer (RecvBufferMessages, RecvBufferSize), with
 * what is readable and what is being reassembled counted.
 */
static bool fits(const sw_conn *c, uint32_t len) {
  return (int64_t)c->q_count + 1 <= sw_conn_cfg_int(c, SWC_RecvBufferMessages) &&
         (int64_t)(c->q_bytes + c->asm_len + len) <= sw_conn_cfg_int(c, SWC_RecvBufferSize);
}

/*
 * One reliable frame in order: complete messages are delivered; a message too big for us ends the
 * connection. False when a new message does not fit the receive buffer: the frame is not taken (nor
 * acknowledged), so the sender keeps it and sends it again.
 */
static bool consume(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now) {
  if (f->frag_off == 0) {
    int64_t max = sw_conn_cfg_int(c, SWC_RecvMaxMessageSize);
    if ((int64_t)f->msg_len > max) {
      char why[128];
      snprintf(why, sizeof why, "Reliable message size too large.  (%u > %lld)", (unsigned)f->msg_len, (long long)max);
      sw_sock_send_control(c, SWS_CLOSE, k_ESteamNetConnectionEnd_Misc_Generic, why);
      sw_conn_set_state(c, k_ESteamNetworkingConnectionState_ProblemDetectedLocally, k_ESteamNetConnectionEnd_Misc_Generic,
                        why);
      return true;
    }
    free(c->asm_buf); /* a message left unfinished: the sender is broken */
    c->asm_buf = NULL;
    c->asm_len = c->asm_have = 0;
    /* The whole message must fit, counted from its first fragment. */
    if (!fits(c, f->msg_len)) return false;
    if (f->len == f->msg_len) {
      sw_conn_deliver(c, f, data, now);
      return true;
    }
    c->asm_buf = malloc(f->msg_len);
    if (c->asm_buf == NULL) return false;
    c->asm_len = f->msg_len;
    c->asm_f = *f;
  } else if (c->asm_buf == NULL || f->frag_off != c->asm_have || f->msg_len != c->asm_len) {
    return true; /* not the continuation of the message in progress: the sender is broken */
  }
  memcpy(c->asm_buf + c->asm_have, data, f->len);
  c->asm_have += f->len;
  if (c->asm_have == c->asm_len) {
    sw_conn_deliver(c, &c->asm_f, c->asm_buf, now);
    free(c->asm_buf);
    c->asm_buf = NULL;
    c->asm_len = c->asm_have = 0;
  }
  return true;
}

/* Takes the frames that waited ahead of the next one, in order, while there is room; frames that were
 * taken meanwhile from a later copy are dropped. */
static void drain_ahead(sw_conn *c, int64_t now) {
  while (c->ooo != NULL && c->state == k_ESteamNetworkingConnectionState_Connected) {
    sw_rxframe *r = c->ooo;
    bool stale = seq_lt(r->f.seq, c->rx_next);
    if (!stale && (r->f.seq != c->rx_next || !consume(c, &r->f, r->data, now))) break;
    c->ooo = r->next;
    c->ooo_count--;
    c->ooo_bytes -= r->f.len;
    if (!stale) c->rx_next++;
    free(r);
  }
}

static void rx_reliable(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now) {
  if (f->seq == c->rx_next) {
    if (!consume(c, f, data, now)) return;
    c->rx_next++;
    drain_ahead(c, now);
  } else if (seq_lt(c->rx_next, f->seq) && f->seq - c->rx_next < SW_MAX_OOO &&
             (int64_t)(c->ooo_bytes + f->len) <= sw_conn_cfg_int(c, SWC_RecvBufferSize)) {
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

void sw_sock_on_data(sw_conn *c, const sw_sock_header *h, const uint8_t *p, size_t plen, int64_t now) {
  /* Past the receive buffer, messages are dropped (steamnetworkingtypes.h:1147-1159): unreliable ones
   * are lost, reliable ones are not acknowledged and come again once the app has read. */
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
      if (fits(c, f.msg_len)) sw_conn_deliver(c, &f, p, now);
      else g_sw.counters.datagrams_dropped_full++;
    }
    p += f.len;
    plen -= f.len;
  }
  if (reliable_seen && c->state == k_ESteamNetworkingConnectionState_Connected) sw_sock_send_control(c, SWS_ACK, 0, NULL);
}

