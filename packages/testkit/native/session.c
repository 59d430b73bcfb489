/*
 * Sessions between this peer and one remote, per API: the Steam behaviours of DESIGN.md live here.
 *
 * - Sending accepts implicitly and starts a connection attempt; the attempt succeeds when a datagram
 *   from the remote says it accepted us, and fails (connect-fail, once per session) after the
 *   connect timeout. Unsent queued data is then dropped and a later send starts a new attempt.
 * - The first datagram from a remote with no accepted session raises a session request, re-posted
 *   every repost interval while the remote keeps sending; its packets are held until accept and
 *   dropped after the connect timeout.
 * - Reliable data: one stream per (API, remote), cumulative acks, retransmission with back-off,
 *   in-order delivery (so also per channel), duplicates dropped, messages larger than one datagram
 *   fragmented. A stream carries an epoch; a receiver that sees a new epoch (the sender closed or
 *   failed) restarts at the sender's lowest unacknowledged sequence number (`base`).
 * - Closing a session drops its queued data both ways and tells the remote (CLOSE); closing the
 *   last open channel closes the session.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "sockets.h"
#include "wire.h"

/* Bytes in flight per session before the sender waits for acks (the socket buffers hold 4 MiB). */
#define SW_WINDOW_BYTES (1536u * 1024u)
/* Reliable segments buffered ahead of a gap. */
#define SW_MAX_OOO 1024u
/* Retransmission timeout on loopback: 20 ms doubling to 320 ms. */
#define SW_RTO_US 20000
/* Packets held for one unaccepted remote at most: a peer nobody accepted cannot exhaust memory. */
#define SW_MAX_HELD_PACKETS 4096u
/* Buffered reliable data is flushed once this much is waiting (one MTU, as Nagle does). */
#define SW_NAGLE_FLUSH_BYTES 1200u

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

/* ---------------------------------------------------------------- session table ---- */

sw_session *sw_session_find(sw_api api, uint64_t remote) {
  for (int i = 0; i < g_sw.session_count; i++) {
    sw_session *s = g_sw.sessions[i];
    if (s->api == api && s->remote == remote) return s;
  }
  return NULL;
}

static sw_session *session_create(sw_api api, uint64_t remote) {
  if (g_sw.session_count == g_sw.session_cap) {
    int cap = g_sw.session_cap ? g_sw.session_cap * 2 : 8;
    sw_session **grown = realloc(g_sw.sessions, (size_t)cap * sizeof *grown);
    if (grown == NULL) return NULL;
    g_sw.sessions = grown;
    g_sw.session_cap = cap;
  }
  sw_session *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->api = api;
  s->remote = remote;
  s->tx_epoch = (uint32_t)sw_random() | 1u;
  s->tx_next_seq = 1;
  g_sw.sessions[g_sw.session_count++] = s;
  return s;
}

static void tx_clear(sw_session *s) {
  sw_segment *seg = s->tx_head;
  while (seg != NULL) {
    sw_segment *next = seg->next;
    free(seg);
    seg = next;
  }
  s->tx_head = s->tx_tail = NULL;
  s->tx_bytes = s->tx_packets = s->tx_inflight = 0;
  sw_buffered *b = s->nagle_head;
  while (b != NULL) {
    sw_buffered *next = b->next;
    free(b);
    b = next;
  }
  s->nagle_head = s->nagle_tail = NULL;
  s->nagle_bytes = s->nagle_count = 0;
}

static void rx_reset(sw_session *s) {
  sw_rxseg *r = s->rx_ooo;
  while (r != NULL) {
    sw_rxseg *next = r->next;
    free(r);
    r = next;
  }
  s->rx_ooo = NULL;
  free(s->rx_msg);
  s->rx_msg = NULL;
  s->rx_msg_len = s->rx_msg_have = 0;
}

static void session_destroy(sw_session *s) {
  for (int i = 0; i < g_sw.session_count; i++) {
    if (g_sw.sessions[i] == s) {
      g_sw.sessions[i] = g_sw.sessions[--g_sw.session_count];
      break;
    }
  }
  tx_clear(s);
  rx_reset(s);
  sw_queue_free(&s->held);
  free(s->channels);
  free(s);
}

void sw_sessions_clear(void) {
  while (g_sw.session_count > 0) session_destroy(g_sw.sessions[0]);
  free(g_sw.sessions);
  g_sw.sessions = NULL;
  g_sw.session_cap = 0;
}

static void channel_open(sw_session *s, int channel) {
  for (int i = 0; i < s->channel_count; i++)
    if (s->channels[i] == channel) return;
  if (s->channel_count == s->channel_cap) {
    int cap = s->channel_cap ? s->channel_cap * 2 : 4;
    int *grown = realloc(s->channels, (size_t)cap * sizeof *grown);
    if (grown == NULL) return;
    s->channels = grown;
    s->channel_cap = cap;
  }
  s->channels[s->channel_count++] = channel;
}

static bool channel_remove(sw_session *s, int channel) {
  for (int i = 0; i < s->channel_count; i++) {
    if (s->channels[i] == channel) {
      s->channels[i] = s->channels[--s->channel_count];
      return true;
    }
  }
  return false;
}

/* ---------------------------------------------------------------- datagrams out ---- */

static void ensure_port(sw_session *s, bool refresh) {
  if (s->remote_port != 0 && !refresh) return;
  uint16_t port = sw_registry_lookup(s->remote);
  if (port != 0) s->remote_port = port;
}

static void header_init(sw_wire_header *h, const sw_session *s, uint8_t kind) {
  memset(h, 0, sizeof *h);
  h->magic = SW_WIRE_MAGIC;
  h->api = (uint8_t)s->api;
  h->kind = kind;
  h->flags = s->local_accepted ? SW_FLAG_ACCEPTED : 0;
  h->sender = g_sw.steam_id;
  h->receiver = s->remote;
}

static void send_control(sw_session *s, uint8_t kind, uint32_t epoch, uint32_t seq) {
  if (s->remote_port == 0) return;
  sw_wire_header h;
  header_init(&h, s, kind);
  h.epoch = epoch;
  h.seq = seq;
  sw_wire_send(&h, sizeof h, s->remote_port);
}

static void send_segment(sw_session *s, sw_segment *seg, int64_t now) {
  sw_wire_header *h = (sw_wire_header *)seg->wire;
  /* Acceptance and base are current facts, refreshed on every (re)transmission. */
  h->flags = (uint8_t)((h->flags & ~SW_FLAG_ACCEPTED) | (s->local_accepted ? SW_FLAG_ACCEPTED : 0));
  h->base = s->tx_head->seq;
  sw_wire_send(seg->wire, seg->wire_len, s->remote_port);
  if (!seg->sent) {
    seg->sent = 1;
    seg->first_sent_us = now;
    s->tx_inflight += seg->wire_len;
  } else {
    g_sw.counters.retransmits++;
  }
  seg->tries++;
  seg->last_sent_us = now;
}

static void tx_fill(sw_session *s, int64_t now) {
  if (s->remote_port == 0) return;
  for (sw_segment *seg = s->tx_head; seg != NULL && s->tx_inflight < SW_WINDOW_BYTES; seg = seg->next) {
    if (!seg->sent) send_segment(s, seg, now);
  }
}

static void tx_enqueue(sw_session *s, const uint8_t *data, uint32_t len, int channel, uint8_t send_type,
                       uint8_t extra_flags) {
  uint32_t off = 0;
  do {
    uint32_t chunk = len - off < SW_FRAGMENT_BYTES ? len - off : SW_FRAGMENT_BYTES;
    sw_segment *seg = malloc(sizeof *seg + sizeof(sw_wire_header) + chunk);
    if (seg == NULL) return;
    memset(seg, 0, sizeof *seg);
    seg->seq = s->tx_next_seq++;
    seg->payload_len = chunk;
    seg->wire_len = (uint32_t)sizeof(sw_wire_header) + chunk;
    seg->last_of_message = off + chunk == len;
    sw_wire_header *h = (sw_wire_header *)seg->wire;
    header_init(h, s, SW_KIND_DATA);
    h->flags |= SW_FLAG_RELIABLE | extra_flags;
    h->send_type = send_type;
    h->epoch = s->tx_epoch;
    h->seq = seg->seq;
    h->channel = channel;
    h->msg_len = len;
    h->frag_off = off;
    if (chunk > 0) memcpy(seg->wire + sizeof(sw_wire_header), data + off, chunk);
    if (s->tx_tail != NULL) s->tx_tail->next = seg;
    else s->tx_head = seg;
    s->tx_tail = seg;
    s->tx_bytes += chunk;
    off += chunk;
  } while (off < len);
  s->tx_packets++;
}

static void nagle_flush(sw_session *s, int64_t now) {
  sw_buffered *b = s->nagle_head;
  s->nagle_head = s->nagle_tail = NULL;
  s->nagle_bytes = s->nagle_count = 0;
  while (b != NULL) {
    sw_buffered *next = b->next;
    tx_enqueue(s, b->data, b->len, b->channel,
               s->api == SW_API_LEGACY ? k_EP2PSendReliableWithBuffering : k_nSteamNetworkingSend_Reliable, 0);
    free(b);
    b = next;
  }
  tx_fill(s, now);
}

static void ack_upto(sw_session *s, uint32_t acked, int64_t now) {
  while (s->tx_head != NULL && s->tx_head->sent && !seq_lt(acked, s->tx_head->seq)) {
    sw_segment *seg = s->tx_head;
    s->tx_head = seg->next;
    if (s->tx_head == NULL) s->tx_tail = NULL;
    s->tx_bytes -= seg->payload_len;
    s->tx_inflight -= seg->wire_len;
    if (seg->last_of_message) s->tx_packets--;
    free(seg);
  }
  tx_fill(s, now);
}

/* ---------------------------------------------------------------- callbacks ---- */

static void identity_of(SteamNetworkingIdentity *id, uint64_t steam_id) {
  memset(id, 0, sizeof *id);
  id->m_eType = k_ESteamNetworkingIdentityType_SteamID;
  id->m_cbSize = 8;
  id->m_steamID64 = steam_id;
}

static void post_request(sw_session *s, int64_t now) {
  s->request_posted = true;
  s->last_request_us = now;
  /* A re-post while the previous request still waits undispatched would only pile up duplicates:
   * the game has not looked yet, so one reminder in the queue is enough. */
  if (s->api == SW_API_LEGACY) {
    P2PSessionRequest_t cb = {.m_steamIDRemote = s->remote};
    if (!sw_callback_pending(CB_P2P_SESSION_REQUEST, &cb, sizeof cb))
      sw_post_callback(CB_P2P_SESSION_REQUEST, &cb, sizeof cb);
  } else {
    SteamNetworkingMessagesSessionRequest_t cb;
    identity_of(&cb.m_identityRemote, s->remote);
    if (!sw_callback_pending(CB_MESSAGES_SESSION_REQUEST, &cb, sizeof cb))
      sw_post_callback(CB_MESSAGES_SESSION_REQUEST, &cb, sizeof cb);
  }
}

static void maybe_post_request(sw_session *s, int64_t now) {
  if (s->local_accepted) return;
  if (!s->request_posted) {
    post_request(s, now);
  } else if (now - s->last_request_us >= g_sw.repost_us && s->last_rx_us > s->last_request_us) {
    /* Steam re-posts the request while the unaccepted peer keeps sending. */
    post_request(s, now);
  }
}

static void session_fail(sw_session *s) {
  s->attempt_active = false;
  s->remote_accepted = false;
  s->failed = true;
  s->last_error = k_EP2PSessionErrorTimeout;
  /* Steam drops what could not be sent; a fresh epoch lets the receiver resynchronise later. */
  tx_clear(s);
  s->tx_epoch = (uint32_t)sw_random() | 1u;
  s->tx_next_seq = 1;
  if (s->fail_posted) return; /* once per session, until it is closed (Steamworks.NET #258) */
  s->fail_posted = true;
  if (s->api == SW_API_LEGACY) {
    P2PSessionConnectFail_t cb = {.m_steamIDRemote = s->remote, .m_eP2PSessionError = k_EP2PSessionErrorTimeout};
    sw_post_callback(CB_P2P_SESSION_CONNECT_FAIL, &cb, sizeof cb);
  } else {
    SteamNetworkingMessagesSessionFailed_t cb;
    memset(&cb, 0, sizeof cb);
    identity_of(&cb.m_info.m_identityRemote, s->remote);
    cb.m_info.m_eState = k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
    cb.m_info.m_eEndReason = k_ESteamNetConnectionEnd_Misc_Timeout;
    strcpy(cb.m_info.m_szEndDebug, "fake Steam: timed out attempting to connect");
    sw_post_callback(CB_MESSAGES_SESSION_FAILED, &cb, sizeof cb);
  }
}

static void start_attempt(sw_session *s, int64_t now) {
  s->attempt_active = true;
  s->attempt_start_us = now;
  s->failed = false;
  s->closed_by_peer = false;
  s->last_hello_us = now;
  ensure_port(s, true);
  send_control(s, SW_KIND_HELLO, 0, 0);
}

/* ---------------------------------------------------------------- delivery ---- */

static void deliver(sw_session *s, int channel, const uint8_t *data, uint32_t len, bool reliable, int64_t now) {
  sw_packet *p = sw_packet_new(s->remote, channel, data, len, reliable);
  if (p == NULL) return;
  identity_of(&p->msg.m_identityPeer, s->remote);
  p->msg.m_conn = 1;
  p->msg.m_usecTimeReceived = now;
  p->msg.m_nMessageNumber = g_sw.next_message_number++;
  if (s->local_accepted) {
    channel_open(s, channel);
    sw_inbox_deliver(s->api, p);
  } else {
    /* Held, unreadable, until the session is accepted (dropped after the connect timeout). */
    if (s->held.count >= SW_MAX_HELD_PACKETS) {
      sw_packet_free(p);
      return;
    }
    if (s->held.count == 0) s->held_since_us = now;
    sw_queue_push(&s->held, p);
  }
}

static void accept_session(sw_session *s) {
  if (s->local_accepted) return;
  s->local_accepted = true;
  sw_packet *p;
  while ((p = sw_queue_pop(&s->held)) != NULL) {
    channel_open(s, p->channel);
    sw_inbox_deliver(s->api, p);
  }
  /* Tell the remote right away, so its connection attempt completes without waiting for a probe. */
  ensure_port(s, false);
  send_control(s, SW_KIND_HELLO_REPLY, 0, 0);
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
    deliver(s, s->rx_msg_channel, s->rx_msg, s->rx_msg_len, (s->rx_msg_flags & SW_FLAG_AS_UNRELIABLE) == 0, now);
    free(s->rx_msg);
    s->rx_msg = NULL;
    s->rx_msg_len = s->rx_msg_have = 0;
  }
}

static void rx_reliable(sw_session *s, const sw_wire_header *h, const uint8_t *payload, uint32_t plen, int64_t now) {
  if (s->rx_epoch != h->epoch) {
    rx_reset(s);
    s->rx_epoch = h->epoch;
    s->rx_next = h->base;
  } else if (seq_lt(s->rx_next, h->base)) {
    /* The sender no longer has what we wait for (it was acknowledged to an earlier incarnation). */
    rx_reset(s);
    s->rx_next = h->base;
  }
  if (h->seq == s->rx_next) {
    rx_segment(s, h, payload, plen, now);
    s->rx_next++;
    /* Drain segments that were waiting for this one. */
    while (s->rx_ooo != NULL && s->rx_ooo->seq == s->rx_next) {
      sw_rxseg *r = s->rx_ooo;
      s->rx_ooo = r->next;
      sw_wire_header rh = {.channel = r->channel, .msg_len = r->msg_len, .frag_off = r->frag_off, .flags = r->flags};
      rx_segment(s, &rh, r->data, r->len, now);
      s->rx_next++;
      free(r);
    }
  } else if (seq_lt(s->rx_next, h->seq) && h->seq - s->rx_next < SW_MAX_OOO) {
    sw_rxseg **at = &s->rx_ooo;
    while (*at != NULL && seq_lt((*at)->seq, h->seq)) at = &(*at)->next;
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
      }
    }
  }
  /* Duplicates (seq < rx_next) are dropped, and acknowledged again in case our ack was lost. */
  send_control(s, SW_KIND_ACK, h->epoch, s->rx_next - 1);
}

static void note_remote_acceptance(sw_session *s, uint8_t flags, int64_t now) {
  if (flags & SW_FLAG_ACCEPTED) {
    if (!s->remote_accepted) {
      s->remote_accepted = true;
      s->attempt_active = false;
      s->failed = false;
      s->closed_by_peer = false;
      s->last_error = k_EP2PSessionErrorNone;
      tx_fill(s, now);
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
    uint32_t max = h.api == SW_API_LEGACY ? SW_LEGACY_MAX_RELIABLE : SW_MESSAGES_MAX;
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
      rx_reset(s);
      s->rx_epoch = 0;
      return;
    case SW_KIND_ACK:
    case SW_KIND_HELLO_REPLY:
      if (s == NULL) return; /* answers to a session we no longer have */
      s->remote_port = src_port;
      s->last_rx_us = now;
      note_remote_acceptance(s, h.flags, now);
      if (h.kind == SW_KIND_ACK && h.epoch == s->tx_epoch) ack_upto(s, h.seq, now);
      return;
    default:
      break;
  }

  /* HELLO or DATA: the first one from an unknown remote creates a session request. */
  if (s == NULL) s = session_create(api, h.sender);
  if (s == NULL) return;
  s->remote_port = src_port;
  s->last_rx_us = now;
  note_remote_acceptance(s, h.flags, now);
  if (h.kind == SW_KIND_HELLO) {
    send_control(s, SW_KIND_HELLO_REPLY, 0, 0);
  } else if (h.flags & SW_FLAG_RELIABLE) {
    rx_reliable(s, &h, payload, plen, now);
  } else {
    deliver(s, h.channel, payload, plen, false, now);
  }
  maybe_post_request(s, now);
  return;

reject:
  g_sw.counters.datagrams_rejected++;
}

/* ---------------------------------------------------------------- API operations ---- */

sw_send_result sw_session_send(sw_api api, uint64_t remote, const void *data, uint32_t len, bool reliable,
                               bool buffered, bool no_delay, bool restart_broken, int channel) {
  int64_t now = sw_now_us();
  sw_session *s = sw_session_find(api, remote);
  if (s != NULL && api == SW_API_MESSAGES && s->failed && !restart_broken) return SW_SEND_NO_CONNECTION;
  if (s != NULL && s->tx_bytes + s->nagle_bytes + len > SW_MAX_QUEUED_BYTES) return SW_SEND_TOO_MANY_QUEUED;
  if (s == NULL) s = session_create(api, remote);
  if (s == NULL) return SW_SEND_TOO_MANY_QUEUED;

  accept_session(s); /* sending to a peer accepts its pending request */
  channel_open(s, channel);
  if (!s->remote_accepted && !s->attempt_active) start_attempt(s, now);
  ensure_port(s, false);

  if (!reliable) {
    /* UnreliableNoDelay is dropped while the connection is not established. */
    if (no_delay && !s->remote_accepted) return SW_SEND_IGNORED;
    if (len <= SW_FRAGMENT_BYTES) {
      uint8_t wire[sizeof(sw_wire_header) + SW_FRAGMENT_BYTES];
      sw_wire_header *h = (sw_wire_header *)wire;
      header_init(h, s, SW_KIND_DATA);
      h->channel = channel;
      h->msg_len = len;
      h->send_type = no_delay ? 1 : 0;
      if (len > 0) memcpy(wire + sizeof *h, data, len);
      sw_wire_send(wire, sizeof *h + len, s->remote_port);
    } else {
      /* Messages only: a large unreliable message goes whole or not at all; the fake sends it reliably. */
      tx_enqueue(s, data, len, channel, 0, SW_FLAG_AS_UNRELIABLE);
      tx_fill(s, now);
    }
    return SW_SEND_OK;
  }
  if (buffered && g_sw.nagle_us > 0) {
    sw_buffered *b = malloc(sizeof *b + len);
    if (b == NULL) return SW_SEND_TOO_MANY_QUEUED;
    b->next = NULL;
    b->channel = channel;
    b->len = len;
    if (len > 0) memcpy(b->data, data, len);
    if (s->nagle_tail != NULL) s->nagle_tail->next = b;
    else s->nagle_head = b;
    s->nagle_tail = b;
    if (s->nagle_count++ == 0) s->nagle_since_us = now;
    s->nagle_bytes += len;
    if (s->nagle_bytes >= SW_NAGLE_FLUSH_BYTES) nagle_flush(s, now);
    return SW_SEND_OK;
  }
  /* A non-buffered reliable send flushes what was buffered before it, keeping the order. */
  if (s->nagle_count > 0) nagle_flush(s, now);
  tx_enqueue(s, data, len, channel, api == SW_API_LEGACY ? k_EP2PSendReliable : k_nSteamNetworkingSend_Reliable | 1, 0);
  tx_fill(s, now);
  return SW_SEND_OK;
}

bool sw_session_accept(sw_api api, uint64_t remote, bool create_if_missing) {
  sw_session *s = sw_session_find(api, remote);
  if (s == NULL) return create_if_missing;
  accept_session(s);
  return true;
}

bool sw_session_close(sw_api api, uint64_t remote) {
  sw_session *s = sw_session_find(api, remote);
  if (s == NULL) return false;
  ensure_port(s, false);
  send_control(s, SW_KIND_CLOSE, 0, 0);
  sw_inbox_drop_from(api, remote, 0, true);
  session_destroy(s);
  return true;
}

bool sw_session_close_channel(sw_api api, uint64_t remote, int channel) {
  sw_session *s = sw_session_find(api, remote);
  if (s == NULL || !channel_remove(s, channel)) return false;
  sw_inbox_drop_from(api, remote, channel, false);
  /* Closing the last open channel to a user closes the session. */
  if (s->channel_count == 0) sw_session_close(api, remote);
  return true;
}

/* ---------------------------------------------------------------- timers ---- */

static void session_tick(sw_session *s, int64_t now) {
  if (s->attempt_active) {
    if (now - s->attempt_start_us >= g_sw.connect_timeout_us) {
      session_fail(s);
    } else if (now - s->last_hello_us >= g_sw.hello_us) {
      s->last_hello_us = now;
      ensure_port(s, true); /* the remote may have appeared (or restarted on another port) */
      send_control(s, SW_KIND_HELLO, 0, 0);
    }
  }
  /* An established session whose remote stopped acknowledging is broken: the same timeout applies. */
  if (!s->attempt_active && s->tx_head != NULL && s->tx_head->sent &&
      now - s->tx_head->first_sent_us >= g_sw.connect_timeout_us) {
    session_fail(s);
  }
  for (sw_segment *seg = s->tx_head; seg != NULL; seg = seg->next) {
    if (!seg->sent) break;
    int shift = seg->tries - 1 < 4 ? seg->tries - 1 : 4;
    if (now - seg->last_sent_us >= ((int64_t)SW_RTO_US << shift)) {
      if (s->remote_port == 0) ensure_port(s, true);
      send_segment(s, seg, now);
    }
  }
  if (s->nagle_count > 0 && now - s->nagle_since_us >= g_sw.nagle_us) nagle_flush(s, now);
  tx_fill(s, now);
  if (!s->local_accepted) {
    maybe_post_request(s, now);
    if (s->held.count > 0 && now - s->held_since_us >= g_sw.connect_timeout_us) sw_queue_free(&s->held);
  }
}

void sw_sessions_tick(int64_t now) {
  for (int i = g_sw.session_count - 1; i >= 0; i--) {
    sw_session *s = g_sw.sessions[i];
    session_tick(s, now);
    /* A request nobody answered, from a remote that went quiet, is forgotten. */
    if (!s->local_accepted && now - s->last_rx_us >= g_sw.connect_timeout_us) session_destroy(s);
  }
}

void sw_pump(bool force) {
  int64_t now = sw_now_us();
  /* Polling the socket is a syscall; hot loops (available + read per packet) poll at most every 200 µs. */
  if (!force && now - g_sw.last_pump_us < 200) return;
  g_sw.last_pump_us = now;
  sw_wire_poll();
  sw_sessions_tick(sw_now_us());
  sw_sockets_tick(sw_now_us());
}
