/*
 * Sessions between this peer and one remote, per API: the table, what a session sends, its
 * callbacks, and the API operations on it. Receiving is in receive.c, timers in timers.c, and every
 * number comes from the session's API (numbers.c).
 *
 * - Sending accepts implicitly and starts a connection attempt; the attempt succeeds when a datagram
 *   from the remote says it accepted us, and fails (connect-fail: once per session on legacy, once
 *   per attempt on Messages) after the connect timeout. Unsent queued data is then dropped and a
 *   later send starts a new attempt.
 * - Reliable data: one stream per (API, remote), cumulative acks, retransmission with back-off,
 *   in-order delivery (so also per channel), duplicates dropped, messages larger than one datagram
 *   fragmented. A stream carries an epoch; a receiver that sees a new epoch (the sender closed or
 *   failed) restarts at the sender's lowest unacknowledged sequence number (`base`).
 * - The send buffer counts what is queued, Nagle-buffered, or sent and not yet acknowledged: a
 *   receiver that stops reading back-pressures the sender (LimitExceeded) instead of growing it.
 * - Closing a session drops its queued data both ways and tells the remote (CLOSE); closing the
 *   last open channel closes the session.
 */
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* ---------------------------------------------------------------- session table ---- */

sw_session *sw_session_find(sw_api api, uint64_t remote) {
  for (int i = 0; i < g_sw.session_count; i++) {
    sw_session *s = g_sw.sessions[i];
    if (s->api == api && s->remote == remote) return s;
  }
  return NULL;
}

sw_session *sw_session_create(sw_api api, uint64_t remote) {
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
  s->created_us = sw_now_us();
  s->last_used_us = s->created_us;
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

void sw_session_destroy(sw_session *s) {
  for (int i = 0; i < g_sw.session_count; i++) {
    if (g_sw.sessions[i] == s) {
      g_sw.sessions[i] = g_sw.sessions[--g_sw.session_count];
      break;
    }
  }
  /* Nothing readable may keep pointing at a session that is gone. */
  sw_inbox_drop_from(s->api, s->remote, 0, true);
  tx_clear(s);
  sw_rx_reset(s);
  sw_queue_free(&s->held);
  free(s->channels);
  free(s);
}

void sw_sessions_clear(void) {
  while (g_sw.session_count > 0) sw_session_destroy(g_sw.sessions[0]);
  free(g_sw.sessions);
  g_sw.sessions = NULL;
  g_sw.session_cap = 0;
}

void sw_channel_open(sw_session *s, int channel) {
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

void sw_ensure_port(sw_session *s, bool refresh) {
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

void sw_send_control(sw_session *s, uint8_t kind, uint32_t epoch, uint32_t seq) {
  if (s->remote_port == 0) return;
  sw_wire_header h;
  header_init(&h, s, kind);
  h.epoch = epoch;
  h.seq = seq;
  sw_wire_send(&h, sizeof h, s->remote_port);
}

void sw_send_segment(sw_session *s, sw_segment *seg, int64_t now) {
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

void sw_tx_fill(sw_session *s, int64_t now) {
  if (s->remote_port == 0) return;
  for (sw_segment *seg = s->tx_head; seg != NULL && s->tx_inflight < SW_WINDOW_BYTES; seg = seg->next) {
    if (!seg->sent) sw_send_segment(s, seg, now);
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

void sw_nagle_flush(sw_session *s, int64_t now) {
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
  sw_tx_fill(s, now);
}

void sw_ack_upto(sw_session *s, uint32_t acked, int64_t now) {
  while (s->tx_head != NULL && s->tx_head->sent && !sw_seq_lt(acked, s->tx_head->seq)) {
    sw_segment *seg = s->tx_head;
    s->tx_head = seg->next;
    if (s->tx_head == NULL) s->tx_tail = NULL;
    s->tx_bytes -= seg->payload_len;
    s->tx_inflight -= seg->wire_len;
    if (seg->last_of_message) s->tx_packets--;
    free(seg);
  }
  sw_tx_fill(s, now);
}

/* ---------------------------------------------------------------- callbacks ---- */

void sw_identity_of(SteamNetworkingIdentity *id, uint64_t steam_id) {
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
    sw_identity_of(&cb.m_identityRemote, s->remote);
    if (!sw_callback_pending(CB_MESSAGES_SESSION_REQUEST, &cb, sizeof cb))
      sw_post_callback(CB_MESSAGES_SESSION_REQUEST, &cb, sizeof cb);
  }
}

void sw_maybe_post_request(sw_session *s, int64_t now) {
  if (s->local_accepted) return;
  const sw_numbers *n = sw_numbers_of(s->api);
  if (!s->request_posted) {
    post_request(s, now);
  } else if (!n->request_per_connection && now - s->last_request_us >= n->repost_us &&
             s->last_data_rx_us > s->last_request_us) {
    /* Legacy re-posts the request while the unaccepted peer keeps sending packets (its connection
     * probes do not count); Messages asks once per connection (a new one comes after this one ends,
     * see timers.c). */
    post_request(s, now);
  }
}

void sw_session_fail(sw_session *s) {
  s->attempt_active = false;
  s->remote_accepted = false;
  s->failed = true;
  s->last_error = k_EP2PSessionErrorTimeout;
  /* Steam drops what could not be sent; a fresh epoch lets the receiver resynchronise later. */
  tx_clear(s);
  s->tx_epoch = (uint32_t)sw_random() | 1u;
  s->tx_next_seq = 1;
  /* Legacy: once per session, until it is closed (Steamworks.NET #258). Messages: once per attempt. */
  if (s->fail_posted && sw_numbers_of(s->api)->fail_once_per_session) return;
  s->fail_posted = true;
  if (s->api == SW_API_LEGACY) {
    P2PSessionConnectFail_t cb = {.m_steamIDRemote = s->remote, .m_eP2PSessionError = k_EP2PSessionErrorTimeout};
    sw_post_callback(CB_P2P_SESSION_CONNECT_FAIL, &cb, sizeof cb);
  } else {
    SteamNetworkingMessagesSessionFailed_t cb;
    memset(&cb, 0, sizeof cb);
    sw_identity_of(&cb.m_info.m_identityRemote, s->remote);
    cb.m_info.m_eState = k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
    cb.m_info.m_eEndReason = k_ESteamNetConnectionEnd_Misc_Timeout;
    strcpy(cb.m_info.m_szEndDebug, "fake Steam: timed out attempting to connect");
    sw_post_callback(CB_MESSAGES_SESSION_FAILED, &cb, sizeof cb);
  }
}

void sw_start_attempt(sw_session *s, int64_t now) {
  s->attempt_active = true;
  s->attempt_start_us = now;
  s->failed = false;
  s->closed_by_peer = false;
  s->last_hello_us = now;
  sw_ensure_port(s, true);
  sw_send_control(s, SW_KIND_HELLO, 0, 0);
}

/* ---------------------------------------------------------------- API operations ---- */

sw_send_result sw_session_send(sw_api api, uint64_t remote, const void *data, uint32_t len, bool reliable,
                               bool buffered, bool no_delay, bool restart_broken, int channel) {
  int64_t now = sw_now_us();
  const sw_numbers *n = sw_numbers_of(api);
  sw_session *s = sw_session_find(api, remote);
  if (s != NULL && api == SW_API_MESSAGES && s->failed && !restart_broken) return SW_SEND_NO_CONNECTION;
  if ((s != NULL ? s->tx_bytes + s->nagle_bytes : 0) + len > n->send_buffer_bytes) return SW_SEND_TOO_MANY_QUEUED;
  if (s == NULL) s = sw_session_create(api, remote);
  if (s == NULL) return SW_SEND_TOO_MANY_QUEUED;

  sw_mark_used(s, now);
  sw_accept_session(s, now); /* sending to a peer accepts its pending request */
  sw_channel_open(s, channel);
  if (!s->remote_accepted && !s->attempt_active) sw_start_attempt(s, now);
  sw_ensure_port(s, false);

  if (!reliable) {
    /* UnreliableNoDelay is dropped while the connection is not established. */
    if (no_delay && !s->remote_accepted) return SW_SEND_IGNORED;
    if (len <= SW_FRAGMENT_BYTES && (n->unreliable_as_reliable_above == 0 || len <= n->unreliable_as_reliable_above)) {
      uint8_t wire[sizeof(sw_wire_header) + SW_FRAGMENT_BYTES];
      sw_wire_header *h = (sw_wire_header *)wire;
      header_init(h, s, SW_KIND_DATA);
      h->channel = channel;
      h->msg_len = len;
      h->send_type = no_delay ? 1 : 0;
      if (len > 0) memcpy(wire + sizeof *h, data, len);
      sw_wire_send(wire, sizeof *h + len, s->remote_port);
    } else {
      /* Messages only: Steam sends an unreliable message over 16500 bytes reliably. */
      tx_enqueue(s, data, len, channel, 0, SW_FLAG_AS_UNRELIABLE);
      sw_tx_fill(s, now);
    }
    return SW_SEND_OK;
  }
  if (buffered && n->nagle_us > 0) {
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
    if (s->nagle_bytes >= n->nagle_flush_bytes) sw_nagle_flush(s, now);
    return SW_SEND_OK;
  }
  /* A non-buffered reliable send flushes what was buffered before it, keeping the order. */
  if (s->nagle_count > 0) sw_nagle_flush(s, now);
  tx_enqueue(s, data, len, channel, api == SW_API_LEGACY ? k_EP2PSendReliable : k_nSteamNetworkingSend_Reliable | 1, 0);
  sw_tx_fill(s, now);
  return SW_SEND_OK;
}

bool sw_session_accept(sw_api api, uint64_t remote, bool create_if_missing) {
  sw_session *s = sw_session_find(api, remote);
  if (s == NULL) return create_if_missing;
  sw_accept_session(s, sw_now_us());
  return true;
}

bool sw_session_close(sw_api api, uint64_t remote) {
  sw_session *s = sw_session_find(api, remote);
  if (s == NULL) return false;
  sw_ensure_port(s, false);
  sw_send_control(s, SW_KIND_CLOSE, 0, 0);
  sw_session_destroy(s);
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
