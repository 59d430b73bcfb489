/*
 * The sessions' timers, run from every pump: connection probes, the connect and connection-lost
 * timeouts, retransmissions, the Nagle delay, expiry of what an unaccepted peer sent, and the idle
 * timeout, each with its API's number (numbers.c).
 */
#include "session.h"
#include "sockets.h"

/* What a tick decided for its session. */
typedef enum { SW_KEEP, SW_FORGET, SW_CLOSE } sw_tick_result;

static sw_tick_result session_tick(sw_session *s, int64_t now) {
  const sw_numbers *n = sw_numbers_of(s->api);
  if (s->attempt_active) {
    if (now - s->attempt_start_us >= n->connect_timeout_us) {
      sw_session_fail(s);
    } else if (now - s->last_hello_us >= g_sw.hello_us) {
      s->last_hello_us = now;
      sw_ensure_port(s, true); /* the remote may have appeared (or restarted on another port) */
      sw_send_control(s, SW_KIND_HELLO, 0, 0);
    }
  }
  /* An established session whose remote has gone quiet while data waits for it is broken. A remote
   * that only refuses data (its buffer is full) still acknowledges, so it stays alive. */
  if (!s->attempt_active && s->tx_head != NULL && s->tx_head->sent) {
    int64_t since = s->tx_head->first_sent_us > s->last_rx_us ? s->tx_head->first_sent_us : s->last_rx_us;
    if (now - since >= n->lost_timeout_us) sw_session_fail(s);
  }
  for (sw_segment *seg = s->tx_head; seg != NULL; seg = seg->next) {
    if (!seg->sent) break;
    int shift = seg->tries - 1 < 4 ? seg->tries - 1 : 4;
    if (now - seg->last_sent_us >= ((int64_t)SW_RTO_US << shift)) {
      if (s->remote_port == 0) sw_ensure_port(s, true);
      sw_send_segment(s, seg, now);
    }
  }
  if (s->nagle_count > 0 && now - s->nagle_since_us >= n->nagle_us) sw_nagle_flush(s, now);
  sw_tx_fill(s, now);
  if (!s->local_accepted) {
    /* Each held packet is dropped after the hold time from its arrival. */
    while (s->held.head != NULL && now - s->held.head->msg.m_usecTimeReceived >= n->hold_us) {
      sw_packet *p = sw_queue_pop(&s->held);
      sw_rx_release(p);
      sw_packet_free(p);
    }
    if (n->request_per_connection) {
      /* An unaccepted Messages connection ends after the hold time; the next send opens another
       * (and raises another request). */
      if (now - s->created_us >= n->hold_us) return SW_FORGET;
    } else if (now - s->last_rx_us >= n->connect_timeout_us) {
      return SW_FORGET; /* a request nobody answered, from a remote that went quiet, is forgotten */
    }
    sw_maybe_post_request(s, now);
  }
  if (n->idle_us > 0 && now - s->last_used_us >= n->idle_us) {
    /* GNS extends the idle deadline by a second while data is still on its way. */
    if (s->tx_head != NULL || s->nagle_count > 0) s->last_used_us = now - n->idle_us + 1000000;
    else return SW_CLOSE;
  }
  return SW_KEEP;
}

void sw_sessions_tick(int64_t now) {
  for (int i = g_sw.session_count - 1; i >= 0; i--) {
    sw_session *s = g_sw.sessions[i];
    switch (session_tick(s, now)) {
      case SW_FORGET:
        sw_session_destroy(s);
        break;
      case SW_CLOSE:
        /* The idle timeout closes silently: no callback, the remote hears a close. */
        sw_session_close(s->api, s->remote);
        break;
      case SW_KEEP:
        break;
    }
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
