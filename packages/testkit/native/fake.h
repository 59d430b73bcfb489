/*
 * Internal state of the native fake Steam library. Everything here is hidden (-fvisibility=hidden, or
 * not dllexport'ed on Windows): only the SW_EXPORT functions form the library's ABI. Each loaded copy
 * of the library has its own globals, which is how several independent fake peers live in one process.
 *
 * Files, one job each:
 *   core.c      init/shutdown, environment, interface accessors, manual dispatch, debug exports
 *   callbacks.c the queue of posted callbacks
 *   wire.c      the datagram header, the peer registry, sending and polling
 *   platform_posix.c / platform_win.c  clock, environment, files and the UDP socket per OS
 *   session.c   sessions: the table, sending, reliability, callbacks, accept/close (session.h)
 *   receive.c   datagrams in: reassembly, holding for accept, the receive buffer
 *   timers.c    probes, timeouts, retransmissions, Nagle, expiry, the pump
 *   numbers.c   Steam's numbers per API
 *   clock.c     real time, or a shared clock file a test harness moves
 *   strict.c    strict mode: abort on the mistakes Valve's library punishes
 *   inbox.c     received packets queued per (API, channel)
 *   legacy.c    ISteamNetworking
 *   messages.c  ISteamNetworkingMessages and SteamNetworkingIdentity helpers
 */
#ifndef STEAMWIRE_FAKE_H
#define STEAMWIRE_FAKE_H

#include "platform.h"
#include "steam_types.h"

/* The library's ABI: on Windows only dllexport'ed functions are exported, elsewhere -fvisibility=hidden
 * hides everything else. */
#ifdef _WIN32
#define SW_EXPORT __declspec(dllexport)
#else
#define SW_EXPORT __attribute__((visibility("default")))
#endif

/* Legacy ISteamNetworking and ISteamNetworkingMessages keep separate sessions, as in Steam. */
typedef enum { SW_API_LEGACY = 0, SW_API_MESSAGES = 1, SW_API_COUNT = 2 } sw_api;

/* Limits Steam documents (STEAM_API.md §8). */
#define SW_LEGACY_MAX_UNRELIABLE 1200u
#define SW_LEGACY_MAX_RELIABLE (1024u * 1024u)
#define SW_MESSAGES_MAX (512u * 1024u)
/* Messages and Sockets send larger unreliable messages reliably (GNS snp.h:55, snp.cpp:326-331). */
#define SW_UNRELIABLE_UPGRADE_BYTES 16500u
/* Loopback datagrams can carry ~64 KiB; 60000-byte fragments leave room for the header. */
#define SW_FRAGMENT_BYTES 60000u
/* Send buffer of GNS connections (SendBufferSize default, LimitExceeded beyond it). The per-API
 * numbers, legacy included, live in numbers.c (sw_numbers_of). */
#define SW_MAX_QUEUED_BYTES (512u * 1024u)

/* ---- received packets (also the SteamNetworkingMessage_t handed out by the Messages API) ---- */
typedef struct sw_packet {
  SteamNetworkingMessage_t msg; /* first member: Release(msg) frees the whole node */
  struct sw_packet *next;
  uint64_t remote;
  uint32_t len;
  int channel;
  uint8_t reliable;
  struct sw_session *owner; /* the session whose receive buffer counts it, while held or readable */
  uint8_t data[];
} sw_packet;

typedef struct sw_queue {
  sw_packet *head;
  sw_packet *tail;
  size_t count;
} sw_queue;

/* ---- outgoing reliable segments, oldest first ---- */
typedef struct sw_segment {
  struct sw_segment *next;
  uint32_t seq;
  uint8_t sent;
  uint8_t last_of_message;
  int tries;
  int64_t first_sent_us;
  int64_t last_sent_us;
  uint32_t payload_len;
  uint32_t wire_len;
  uint8_t wire[]; /* header + payload, ready for sendto */
} sw_segment;

/* ---- reliable segments that arrived ahead of a gap ---- */
typedef struct sw_rxseg {
  struct sw_rxseg *next;
  uint32_t seq;
  int channel;
  uint32_t msg_len;
  uint32_t frag_off;
  uint8_t flags;
  uint32_t len;
  uint8_t data[];
} sw_rxseg;

/* ---- Nagle-buffered reliable messages (ReliableWithBuffering / Messages Reliable) ---- */
typedef struct sw_buffered {
  struct sw_buffered *next;
  int channel;
  uint32_t len;
  uint8_t data[];
} sw_buffered;

typedef struct sw_session {
  sw_api api;
  uint64_t remote;
  uint16_t remote_port; /* 0 while unknown (absent peer) */

  /* Who agreed to talk. Packets from the remote are readable only when local_accepted. */
  bool local_accepted;
  bool remote_accepted; /* the remote's latest datagram said it accepted us */
  bool closed_by_peer;

  /* Connection attempt: runs while we send to a remote that has not accepted us yet. */
  bool attempt_active;
  int64_t attempt_start_us;
  int64_t last_hello_us;
  bool failed;
  bool fail_posted; /* connect-fail is posted once per session, until it is closed */
  uint8_t last_error;

  /* An unaccepted remote: its session request and the packets held for it. */
  bool request_posted;
  int64_t last_request_us;
  int64_t last_rx_us;
  int64_t held_since_us;
  sw_queue held;

  /* Channels in use with this remote; closing the last one closes the session. */
  int *channels;
  int channel_count;
  int channel_cap;

  /* Reliable send stream. A new epoch starts after a failure so the receiver resynchronises. */
  uint32_t tx_epoch;
  uint32_t tx_next_seq;
  sw_segment *tx_head;
  sw_segment *tx_tail;
  size_t tx_bytes;   /* payload bytes not yet acknowledged (sent or not) */
  size_t tx_packets; /* messages not yet fully acknowledged */
  size_t tx_inflight;
  sw_buffered *nagle_head;
  sw_buffered *nagle_tail;
  size_t nagle_bytes;
  size_t nagle_count;
  int64_t nagle_since_us;

  /* Reliable receive stream: in-order delivery, duplicates dropped, fragments reassembled. */
  uint32_t rx_epoch;
  uint32_t rx_next;
  sw_rxseg *rx_ooo;
  uint8_t *rx_msg;
  uint32_t rx_msg_len;
  uint32_t rx_msg_have;
  int rx_msg_channel;
  uint8_t rx_msg_flags;

  /* Receive buffer for this remote (RecvBufferSize / RecvBufferMessages): complete messages held or
   * readable, and out-of-order reliable bytes (bounded separately, as GNS does). */
  size_t rx_count;
  size_t rx_bytes;
  size_t ooo_bytes;
  int64_t created_us;
  int64_t last_used_us;    /* last send, accept or connection: the idle timeout counts from here */
  int64_t last_data_rx_us; /* last DATA from the remote: "keeps sending" re-posts the request */
} sw_session;

/* Steam's numbers for one API (numbers.c; the testkit's STEAM_BEHAVIOUR table is their TS twin). */
typedef struct sw_numbers {
  int64_t connect_timeout_us;
  int64_t lost_timeout_us;
  int64_t hold_us;
  int64_t repost_us;
  int64_t nagle_us;
  int64_t idle_us; /* 0: no idle timeout */
  size_t nagle_flush_bytes;
  size_t send_buffer_bytes;
  size_t recv_buffer_bytes;
  size_t recv_buffer_msgs;
  uint32_t max_unreliable; /* what the API itself takes (the binding may be stricter) */
  uint32_t max_reliable;
  uint32_t unreliable_as_reliable_above; /* larger unreliable messages go reliably; 0: never */
  bool request_per_connection; /* Messages: one request per connection, no re-post */
  bool fail_once_per_session;  /* legacy: connect-fail once per session, Messages: once per attempt */
} sw_numbers;

typedef struct sw_callback {
  struct sw_callback *next;
  int id;
  int size;
  uint8_t data[];
} sw_callback;

/* Counters exported for tests and benchmarks. */
typedef struct sw_counters {
  uint64_t api_calls;
  uint64_t bad_self_calls;
  uint64_t receive_calls;
  uint64_t messages_received;
  uint64_t datagrams_sent;
  uint64_t datagrams_received;
  uint64_t datagrams_dropped_loss;
  uint64_t datagrams_rejected;
  uint64_t retransmits;
  uint64_t datagrams_dropped_full; /* unreliable datagrams dropped at a full receive buffer */
} sw_counters;

typedef struct sw_state {
  bool initialized;
  uint64_t steam_id;
  sw_socket sock;
  uint16_t port;
  char peers_dir[512];
  char registry_file[600];
  char peers_list[1024];
  bool peers_is_list;

  int64_t connect_timeout_us;
  int64_t repost_us;
  int64_t nagle_us;
  int64_t hello_us;
  double loss;
  uint64_t rng;
  bool allow_relay;

  sw_callback *cb_head;
  sw_callback *cb_tail;
  sw_callback *cb_current;

  sw_session **sessions;
  int session_count;
  int session_cap;

  int64_t last_pump_us;
  int64_t next_message_number;
  sw_counters counters;

  sw_numbers numbers[SW_API_COUNT];
  /* ISteamNetworkingSockets: the defaults of its configuration values (sockets_config.c). */
  sw_numbers sockets_numbers;
  bool strict; /* STEAMWIRE_FAKE_STRICT: abort on the mistakes Valve's library punishes */
} sw_state;

extern sw_state g_sw;

/* Interface objects: accessors return their addresses; methods check `self` against them. */
extern const uint64_t g_sw_iface_user;
extern const uint64_t g_sw_iface_networking;
extern const uint64_t g_sw_iface_messages;

/* core.c */
int64_t sw_now_us(void);
/* Every interface method checks its `self` through this macro, which names the calling function. */
#define sw_check_self(self, expected) sw_check_self_at((self), (expected), __func__)
bool sw_check_self_at(const void *self, const void *expected, const char *function);
bool sw_steamid_valid(uint64_t id);
uint64_t sw_random(void);

/* numbers.c */
void sw_numbers_init(void);
const sw_numbers *sw_numbers_of(sw_api api);
const sw_numbers *sw_numbers_sockets(void);

/* clock.c: STEAMWIRE_FAKE_CLOCK_FILE, a shared 8-byte file of microseconds, replaces real time */
bool sw_clock_open(char *err, size_t errlen);
void sw_clock_close(void);
bool sw_clock_manual(void);
int64_t sw_clock_read_us(void);

/* strict.c */
bool sw_strict(void);
__attribute__((noreturn, format(printf, 1, 2))) void sw_strict_fail(const char *fmt, ...);
/*
 * A message the app released: strict mode aborts if it was released already, else poisons its
 * payload and keeps the whole block (`block_size` bytes from `msg`) to catch a second release or a
 * later use; the block is freed when it leaves the quarantine.
 */
void sw_strict_release(SteamNetworkingMessage_t *msg, size_t block_size, void *payload, size_t payload_len);
/* True when strict mode holds `msg` as released. */
bool sw_strict_released(const SteamNetworkingMessage_t *msg);
/* Aborts in strict mode when `ptr` points into a message the app already released. */
void sw_strict_check_live(const void *ptr, const char *function);
void sw_strict_clear(void);

/* callbacks.c */
void sw_post_callback(int id, const void *data, int size);
void sw_callbacks_clear(void);
/* True when an identical callback is queued and not yet dispatched. */
bool sw_callback_pending(int id, const void *data, int size);

/* wire.c */
bool sw_wire_open(char *err, size_t errlen);
void sw_wire_close(void);
uint16_t sw_registry_lookup(uint64_t id);
void sw_wire_send(const void *buf, size_t len, uint16_t port);
int sw_wire_poll(void);

/* inbox.c */
void sw_queue_push(sw_queue *q, sw_packet *p);
sw_packet *sw_queue_pop(sw_queue *q);
void sw_queue_free(sw_queue *q);
sw_packet *sw_packet_new(uint64_t remote, int channel, const void *data, uint32_t len, bool reliable);
void sw_packet_free(sw_packet *p);
sw_queue *sw_inbox(sw_api api, int channel, bool create);
void sw_inbox_deliver(sw_api api, sw_packet *p);
size_t sw_inbox_drop_from(sw_api api, uint64_t remote, int channel, bool all_channels);
void sw_inbox_clear(void);
/* The packet left the receive buffer (read, or dropped): its session no longer counts it. */
void sw_rx_release(sw_packet *p);

/* session.c */
sw_session *sw_session_find(sw_api api, uint64_t remote);
typedef enum { SW_SEND_OK, SW_SEND_TOO_MANY_QUEUED, SW_SEND_IGNORED, SW_SEND_NO_CONNECTION } sw_send_result;
sw_send_result sw_session_send(sw_api api, uint64_t remote, const void *data, uint32_t len, bool reliable,
                               bool buffered, bool no_delay, bool restart_broken, int channel);
bool sw_session_accept(sw_api api, uint64_t remote, bool create_if_missing);
bool sw_session_close(sw_api api, uint64_t remote);
bool sw_session_close_channel(sw_api api, uint64_t remote, int channel);
void sw_session_handle_datagram(const uint8_t *buf, size_t len, uint16_t src_port);
void sw_sessions_tick(int64_t now);
void sw_sessions_clear(void);
void sw_pump(bool force);

#endif
