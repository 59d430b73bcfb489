/*
 * What a session receives: datagrams parsed and checked (hostile input is normal input), the
 * reliable stream reassembled in order, session requests raised, packets held until accept, and the
 * receive buffer Steam keeps per remote (RecvBufferSize bytes, RecvBufferMessages messages). Past
 * it, an unreliable packet is dropped and a reliable one is not acknowledged: it waits at the sender
 * and comes again once the app has read (GNS: connections.cpp ReceivedMessage refuses the message,
 * snp.cpp does not ack that packet). Out-of-order reliable bytes are bounded by the same number.
 */
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "sockets.h"

void sw_rx_reset(sw_session *s) {
  sw_rxseg *r = s->rx_ooo;
  while (r != NULL) {
    sw_rxseg *next = r->next;
    free(r);
    r = next;
  }
  s->rx_ooo = NULL;
  s->ooo_bytes = 0;
  free(s->rx_msg);
  s->rx_msg = NULL;
  s->rx_msg_len = s->rx_msg_have = 0;
}

/* Room in the receive buffer for one more message of `len` bytes (a message being reassembled counts). */
static bool rx_room(const sw_session *s, uint32_t len) {
  const sw_numbers *n = sw_numbers_of(s->api);
  size_t count = s->rx_count + (s->rx_msg != NULL ? 1 : 0);
  size_t bytes = s->rx_bytes + (s->rx_msg != NULL ? s->rx_msg_len : 0);
  return count + 1 <= n->recv_buffer_msgs && bytes + len <= n->recv_buffer_bytes;
}

/* Puts an admitted message in the receive buffer: readable, or held until the session is accepted. */
static void deliver(sw_session *s, int channel, const uint8_t *data, uint32_t len, bool reliable, int64_t now) {
  sw_packet *p = sw_packet_new(s->remote, channel, data, len, reliable);
  if (p == NULL) return;
  sw_identity_of(&p->msg.m_identityPeer, s->remote);
  p->msg.m_conn = 1;
  p->msg.m_usecTimeReceived = now;
  p->msg.m_nMessageNumber = g_sw.next_message_number++;
  p->owner = s;
  s->rx_count++;
  s->rx_bytes += len;
  if (s->local_accepted) {
    sw_channel_open(s, channel);
    sw_inbox_deliver(s->api, p);
  } else {
    /* Held, unreadable, until the session is accepted (dropped after the hold time, see timers.c). */
    sw_queue_push(&s->held, p);
  }
}

void sw_accept_session(sw_session *s, int64_t now) {
  if (s->local_accepted) return;
  s->local_accepted = true;
  sw_mark_used(s, now);
  sw_packet *p;
  while ((p = sw_queue_pop(&s->held)) != NULL) {
    sw_channel_open(s, p->channel);
    sw_inbox_deliver(s->api, p); /* still counted: it moves from held to readable */
  }
  /* Tell the remote right away, so its connection attempt completes without waiting for a probe. */
  sw_ensure_port(s, false);
  sw_send_control(s, SW_KIND_HELLO_REPLY, 0, 0);
}

static void rx_segment(sw_session *s, const sw_wire_header *h, const uint8_t *payload, uint32_t plen, int64_t now) {
  bool reliable = (h->flags & SW_FLAG_AS_UNRELIABLE) == 0;
  if (h->frag_off == 0) {
    free(s->rx_msg);
    s->rx_msg = NULL;
    s->rx_msg_len = s->rx_msg_have = 0;
    if (plen == h->msg_len) {
      deliver(s, h->channel, payload, plen, reliable, now);
      return;
    }
    s->rx_msg = malloc(h->msg_len);
    if (s->rx_msg == NULL) return;
    s->rx_msg_len = h->msg_len;
    s->rx_msg_channel = h->channel;
    s->rx_msg_flags = h->flags;
  } else if (s->rx_msg == NULL || h->frag_off != s->rx_msg_have || h->msg_len != s->rx_msg_len) {
    /* A fragment that does not continue the message in progress: the stream is corrupt, drop it. */
    free(s->rx_msg);
    s->rx_msg = NULL;
    s->rx_msg_len = s->rx_msg_have = 0;
    return;
  }
  memcpy(s->rx_msg + s->rx_msg_have, payload, plen);
  s->rx_msg_have += plen;
  if (s->rx_msg_have == s->rx_msg_len) {
    uint8_t *msg = s->rx_msg;
    uint32_t len = s->rx_msg_len;
    s->rx_msg = NULL; /* its reservation ends as the message itself is counted */
    s->rx_msg_len = s->rx_msg_have = 0;
    deliver(s, s->rx_msg_channel, msg, len, (s->rx_msg_flags & SW_FLAG_AS_UNRELIABLE) == 0, now);
    free(msg);
  }
}

/* The next in-order segment may be taken: it continues a message, or a new message fits. */
static bool rx_admits(const sw_session *s, uint32_t frag_off, uint32_t msg_len) {
  return frag_off != 0 || rx_room(s, msg_len);
}

static void rx_reliable(sw_session *s, const sw_wire_header *h, const uint8_t *payload, uint32_t plen, int64_t now) {
  if (s->rx_epoch != h->epoch) {
    sw_rx_reset(s);
    s->rx_epoch = h->epoch;
    s->rx_next = h->base;
  } else if (sw_seq_lt(s->rx_next, h->base)) {
    /* The sender no longer has what we wait for (it was acknowledged to an earlier incarnation). */
    sw_rx_reset(s);
    s->rx_next = h->base;
  }
  if (h->seq == s->rx_next) {
    if (rx_admits(s, h->frag_off, h->msg_len)) {
      rx_segment(s, h, payload, plen, now);
      s->rx_next++;
      /* Drain segments that were waiting for this one, as far as the buffer admits them. */
      while (s->rx_ooo != NULL && s->rx_ooo->seq == s->rx_next && rx_admits(s, s->rx_ooo->frag_off, s->rx_ooo->msg_len)) {
        sw_rxseg *r = s->rx_ooo;
        s->rx_ooo = r->next;
        s->ooo_bytes -= r->len;
        sw_wire_header rh = {.channel = r->channel, .msg_len = r->msg_len, .frag_off = r->frag_off, .flags = r->flags};
        rx_segment(s, &rh, r->data, r->len, now);
        s->rx_next++;
        free(r);
      }
    }
    /* Not admitted: not acknowledged either, so the sender keeps it and resends it later. */
  } else if (sw_seq_lt(s->rx_next, h->seq) && h->seq - s->rx_next < SW_MAX_OOO &&
             s->ooo_bytes + plen <= sw_numbers_of(s->api)->recv_buffer_bytes) {
    sw_rxseg **at = &s->rx_ooo;
    while (*at != NULL && sw_seq_lt((*at)->seq, h->seq)) at = &(*at)->next;
    if (*at == NULL || (*at)->seq != h->seq) {
      sw_rxseg *r = malloc(sizeof *r + plen);
      if (r != NULL) {
        r->seq = h->seq;
        r->channel = h->channel;
        r->msg_len = h->msg_len;
        r->frag_off = h->frag_off;
        r->flags = h->flags;
        r->len = plen;
        memcpy(r->data, payload, plen);
        r->next = *at;
        *at = r;
        s->ooo_bytes += plen;
      }
    }
  }
  /* Duplicates (seq < rx_next) are dropped, and acknowledged again in case our ack was lost. The
   * acknowledgement also tells a sender we refused that we are alive. */
  sw_send_control(s, SW_KIND_ACK, h->epoch, s->rx_next - 1);
}

static void note_remote_acceptance(sw_session *s, uint8_t flags, int64_t now) {
  if (flags & SW_FLAG_ACCEPTED) {
    if (!s->remote_accepted) {
      s->remote_accepted = true;
      s->attempt_active = false;
      s->failed = false;
      s->closed_by_peer = false;
      s->last_error = k_EP2PSessionErrorNone;
      if (s->local_accepted) sw_mark_used(s, now); /* connected */
      sw_tx_fill(s, now);
    }
  } else {
    s->remote_accepted = false;
  }
}

void sw_session_handle_datagram(const uint8_t *buf, size_t len, uint16_t src_port) {
  /* ISteamNetworkingSockets connections have their own datagram format (sockets_wire.c). */
  if (sw_sockets_owns_datagram(buf, len)) {
    sw_sockets_handle_datagram(buf, len, src_port);
    return;
  }
  sw_wire_header h;
  if (len < sizeof h) goto reject;
  memcpy(&h, buf, sizeof h);
  const uint8_t *payload = buf + sizeof h;
  uint32_t plen = (uint32_t)(len - sizeof h);
  /* Hostile or stale input is normal input: anything malformed is dropped and counted. */
  if (h.magic != SW_WIRE_MAGIC || h.api >= SW_API_COUNT || h.receiver != g_sw.steam_id) goto reject;
  if (!sw_steamid_valid(h.sender) || h.sender == g_sw.steam_id) goto reject;
  if (h.kind == SW_KIND_DATA) {
    uint32_t max = sw_numbers_of((sw_api)h.api)->max_reliable;
    if (h.msg_len > max || h.frag_off > h.msg_len || plen > h.msg_len - h.frag_off) goto reject;
    if (!(h.flags & SW_FLAG_RELIABLE) && (h.frag_off != 0 || plen != h.msg_len)) goto reject;
  } else if (h.kind < SW_KIND_ACK || h.kind > SW_KIND_CLOSE || plen != 0) {
    goto reject;
  }

  int64_t now = sw_now_us();
  sw_api api = (sw_api)h.api;
  sw_session *s = sw_session_find(api, h.sender);

  switch (h.kind) {
    case SW_KIND_CLOSE:
      if (s == NULL) return;
      s->remote_accepted = false;
      s->closed_by_peer = true;
      sw_rx_reset(s);
      s->rx_epoch = 0;
      return;
    case SW_KIND_ACK:
    case SW_KIND_HELLO_REPLY:
      if (s == NULL) return; /* answers to a session we no longer have */
      s->remote_port = src_port;
      s->last_rx_us = now;
      note_remote_acceptance(s, h.flags, now);
      if (h.kind == SW_KIND_ACK && h.epoch == s->tx_epoch) sw_ack_upto(s, h.seq, now);
      return;
    default:
      break;
  }

  /* HELLO or DATA: the first one from an unknown remote creates a session request. */
  if (s == NULL) s = sw_session_create(api, h.sender);
  if (s == NULL) return;
  s->remote_port = src_port;
  s->last_rx_us = now;
  note_remote_acceptance(s, h.flags, now);
  if (h.kind == SW_KIND_HELLO) {
    sw_send_control(s, SW_KIND_HELLO_REPLY, 0, 0);
  } else {
    s->last_data_rx_us = now;
    if (h.flags & SW_FLAG_RELIABLE) {
      rx_reliable(s, &h, payload, plen, now);
    } else if (rx_room(s, plen)) {
      deliver(s, h.channel, payload, plen, false, now);
    } else {
      g_sw.counters.datagrams_dropped_full++; /* the receive buffer is full: Steam drops it */
    }
  }
  sw_maybe_post_request(s, now);
  return;

reject:
  g_sw.counters.datagrams_rejected++;
}
