/*
 * What session.c, receive.c and timers.c share about sessions, and nothing else includes: the
 * session table, the datagrams a session sends, its callbacks and its receive-buffer rules.
 */
#ifndef STEAMWIRE_FAKE_SESSION_H
#define STEAMWIRE_FAKE_SESSION_H

#include "fake.h"
#include "wire.h"

/* Bytes in flight per session before the sender waits for acks (the socket buffers hold 4 MiB). */
#define SW_WINDOW_BYTES (1536u * 1024u)
/* Reliable segments buffered ahead of a gap (their bytes are also bounded by RecvBufferSize). */
#define SW_MAX_OOO 1024u
/* Retransmission timeout on loopback: 20 ms doubling to 320 ms. */
#define SW_RTO_US 20000

static inline bool sw_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

/* session.c */
sw_session *sw_session_create(sw_api api, uint64_t remote);
void sw_session_destroy(sw_session *s);
void sw_channel_open(sw_session *s, int channel);
void sw_ensure_port(sw_session *s, bool refresh);
void sw_send_control(sw_session *s, uint8_t kind, uint32_t epoch, uint32_t seq);
void sw_send_segment(sw_session *s, sw_segment *seg, int64_t now);
void sw_tx_fill(sw_session *s, int64_t now);
void sw_nagle_flush(sw_session *s, int64_t now);
void sw_ack_upto(sw_session *s, uint32_t acked, int64_t now);
void sw_identity_of(SteamNetworkingIdentity *id, uint64_t steam_id);
void sw_maybe_post_request(sw_session *s, int64_t now);
void sw_session_fail(sw_session *s);
void sw_start_attempt(sw_session *s, int64_t now);

/* receive.c */
void sw_rx_reset(sw_session *s);
/* Accepts a session locally: its held packets become readable and the remote is told. */
void sw_accept_session(sw_session *s, int64_t now);
/* A send, an accept or a connection: the idle timeout counts from now. */
static inline void sw_mark_used(sw_session *s, int64_t now) { s->last_used_us = now; }

#endif
