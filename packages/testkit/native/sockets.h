/*
 * Internal state of the fake's ISteamNetworkingSockets / ISteamNetworkingUtils (hidden symbols, like
 * fake.h). Connections are real objects with handles, states and end reasons; their traffic is its own
 * datagram format ("SWS1") over the fake's UDP socket, so legacy/Messages sessions are untouched.
 *
 * Files, one job each:
 *   sockets_types.h  Valve's §15 types and layouts
 *   sockets_conn.c   connection objects: lifecycle, states, callbacks, queues, timers
 *   sockets_wire.c   datagrams out (fake lag/loss), the handshake, dispatch of what arrives
 *   sockets_stream.c what a connection carries: queued messages, coalesced frames, reliability
 *   sockets_config.c configuration values (SetConfigValue/GetConfigValue and their inheritance)
 *   sockets.c        the exported SteamAPI_ISteamNetworkingSockets_* functions: connections, sending,
 *                    receiving, poll groups
 *   sockets_status.c ... and lanes, status, identity, authentication, socket pairs, RunCallbacks
 *   sockets_utils.c  the exported SteamAPI_ISteamNetworkingUtils_* functions
 */
#ifndef STEAMWIRE_FAKE_SOCKETS_H
#define STEAMWIRE_FAKE_SOCKETS_H

#include "fake.h"
#include "sockets_types.h"

#define SW_SOCK_MAGIC 0x31535753u /* "SWS1" */

/* Datagram kinds. */
enum {
  SWS_CONNECT = 1, /* connect request (retried every 500 ms while connecting) */
  SWS_ACCEPT = 2,  /* the app accepted (or a symmetric connect paired) */
  SWS_DATA = 3,    /* coalesced message frames */
  SWS_ACK = 4,     /* cumulative acknowledgement of reliable frames */
  SWS_CLOSE = 5,   /* the sender closed the connection; reason + debug text follow */
  SWS_RESET = 6,   /* "I have no such connection" (Steam's PeerSentNoConnection) */
  SWS_PING = 7,    /* keepalive / round-trip probe */
  SWS_PONG = 8,
};
#define SWS_FLAG_SYMMETRIC 1

#pragma pack(push, 1)
typedef struct sw_sock_header {
  uint32_t magic;
  uint8_t kind;
  uint8_t flags;
  uint16_t frames; /* DATA: number of frames that follow */
  uint64_t sender;
  uint64_t receiver;
  uint32_t src_conn;  /* the sender's handle */
  uint32_t dst_conn;  /* the receiver's handle, 0 when not known yet (CONNECT) */
  int32_t vport;      /* CONNECT: the virtual port connected to */
  int32_t src_vport;  /* CONNECT: the sender's local virtual port (symmetric matching) */
  uint32_t ack;       /* DATA/ACK: last reliable sequence number received in order */
  int32_t reason;     /* CLOSE: the end reason */
  int64_t stamp;      /* PING: the sender's clock; PONG: echoed */
} sw_sock_header;
typedef struct sw_sock_frame {
  uint8_t reliable;
  uint8_t pad;
  uint16_t lane;
  uint32_t seq;       /* reliable: connection-wide sequence number; unreliable: 0 */
  int64_t number;     /* the sender's message number (per lane, from 1) */
  uint32_t msg_len;   /* length of the whole message */
  uint32_t frag_off;  /* offset of this frame's bytes in the message */
  uint32_t len;       /* bytes in this frame */
} sw_sock_frame;
#pragma pack(pop)
_Static_assert(sizeof(sw_sock_header) == 56, "sockets datagram header is 56 bytes");
_Static_assert(sizeof(sw_sock_frame) == 28, "sockets frame header is 28 bytes");

/* Loopback datagrams carry up to ~64 KiB; frames are packed up to this many bytes per datagram. */
#define SWS_DATAGRAM_MAX 60000u
#define SWS_FRAGMENT_BYTES (SWS_DATAGRAM_MAX - (uint32_t)sizeof(sw_sock_header) - (uint32_t)sizeof(sw_sock_frame))

/* ---- configuration (sockets_config.c) ---- */
typedef union sw_cfg_val {
  int32_t i32;
  int64_t i64;
  float f;
  char *s;
  void *p;
} sw_cfg_val;

typedef struct sw_cfg_item {
  int id;
  sw_cfg_val v;
} sw_cfg_item;

typedef struct sw_cfg_set {
  sw_cfg_item *items;
  int count;
  int cap;
} sw_cfg_set;

/* What a value may be set on. */
enum { SW_CFG_GLOBAL_ONLY = 1, SW_CFG_CONNECTION = 2 };

typedef struct sw_cfg_def {
  int id;
  const char *name;
  int type;
  int where;
  double def;
  double min;
  double max;
  const char *def_string;
} sw_cfg_def;

/* Config value ids the fake acts on (steamnetworkingtypes.h:1128-1700). */
enum {
  SWC_FakePacketLoss_Send = 2,
  SWC_FakePacketLoss_Recv = 3,
  SWC_FakePacketLag_Send = 4,
  SWC_FakePacketLag_Recv = 5,
  SWC_SendBufferSize = 9,
  SWC_SendRateMax = 11,
  SWC_NagleTime = 12,
  SWC_TimeoutInitial = 24,
  SWC_TimeoutConnected = 25,
  SWC_SymmetricConnect = 37,
  SWC_LocalVirtualPort = 38,
  SWC_ConnectionUserData = 40,
  SWC_RecvBufferSize = 47,
  SWC_RecvBufferMessages = 48,
  SWC_RecvMaxMessageSize = 49,
  SWC_Callback_ConnectionStatusChanged = 201,
  SWC_Callback_AuthStatusChanged = 202,
  SWC_Callback_RelayNetworkStatusChanged = 203,
};

const sw_cfg_def *sw_cfg_find(int id);
/* A value's default: Steam's number from numbers.c where it has one, else the table's. */
double sw_cfg_default(const sw_cfg_def *def);
/* Sets (arg != NULL) or removes (arg == NULL) a value in `set`, after the checks Steam makes. */
bool sw_cfg_assign(sw_cfg_set *set, const sw_cfg_def *def, int data_type, const void *arg);
const sw_cfg_val *sw_cfg_get(const sw_cfg_set *set, int id);
void sw_cfg_clear(sw_cfg_set *set);

/* ---- objects ---- */
typedef struct sw_txframe {
  struct sw_txframe *next;
  sw_sock_frame f;
  uint8_t sent;
  int tries;
  int64_t first_sent_us;
  int64_t last_sent_us;
  uint8_t data[];
} sw_txframe;

typedef struct sw_rxframe {
  struct sw_rxframe *next;
  sw_sock_frame f;
  uint8_t data[];
} sw_rxframe;

/* A received message: the SteamNetworkingMessage_t handed out, on its connection's and group's lists. */
typedef struct sw_smsg {
  SteamNetworkingMessage_t msg; /* first member: Release(msg) frees the whole node */
  struct sw_smsg *cprev, *cnext;
  struct sw_smsg *gprev, *gnext;
  HSteamNetPollGroup group;
  uint32_t len;
  uint8_t data[];
} sw_smsg;

typedef struct sw_lane {
  int priority;
  uint16_t weight;
  int64_t next_number;
} sw_lane;

typedef struct sw_conn {
  HSteamNetConnection handle;
  uint32_t remote_handle;
  uint64_t remote_id;
  uint16_t remote_port;
  HSteamListenSocket listen_socket;
  int remote_vport;
  int local_vport;
  bool outbound;
  bool symmetric;
  bool pipe;       /* a connection to ourselves: frames go through the in-process loop queue */
  bool accepted;   /* inbound: the app accepted it (or a symmetric connect did) */
  bool lingering;  /* closed by the app with linger: invisible to the API, still flushing */
  int state;
  int end_reason;
  char end_debug[128];
  char name[128];
  int64_t user_data;
  HSteamNetPollGroup group;
  sw_cfg_set cfg;

  int64_t start_us;
  int64_t last_connect_us;
  int64_t last_rx_us;
  int64_t last_tx_us;
  int64_t waiting_since_us;  /* first packet sent after the last one heard (0: none): TimeoutConnected counts from it */
  int64_t nagle_deadline_us; /* 0: nothing waits for Nagle */
  bool flush_now;

  int lane_count;
  sw_lane lanes[SW_MAX_LANES];

  sw_txframe *tx_head, *tx_tail;
  uint32_t next_seq;
  size_t inflight;
  size_t pending_unreliable;
  size_t pending_reliable;
  size_t unacked_reliable;

  uint32_t rx_next;
  sw_rxframe *ooo;
  size_t ooo_count;
  size_t ooo_bytes;
  uint8_t *asm_buf;
  uint32_t asm_len, asm_have;
  sw_sock_frame asm_f;

  sw_smsg *q_head, *q_tail;
  size_t q_count;
  size_t q_bytes;

  int64_t srtt_us; /* -1 until measured */
  int64_t last_ping_us;
  uint64_t out_packets, out_bytes, in_packets, in_bytes;
  float out_pps, out_bps, in_pps, in_bps;
  int64_t rate_since_us;
} sw_conn;

typedef struct sw_listen {
  HSteamListenSocket handle;
  int vport;
  sw_cfg_set cfg;
} sw_listen;

typedef struct sw_group {
  HSteamNetPollGroup handle;
  sw_smsg *head, *tail;
  size_t count;
} sw_group;

/* A function-pointer callback queued for ISteamNetworkingSockets::RunCallbacks (config 201/202/203). */
typedef struct sw_fncb {
  struct sw_fncb *next;
  int id;
  void *fn;
  int size;
  uint8_t data[];
} sw_fncb;

/* A datagram held back by the fake lag settings. */
typedef struct sw_delayed {
  struct sw_delayed *next;
  int64_t due_us;
  uint16_t port;
  uint32_t len;
  uint8_t data[];
} sw_delayed;

typedef struct sw_sockets_state {
  sw_conn **conns;
  int conn_count, conn_cap;
  sw_listen *listens;
  int listen_count, listen_cap;
  sw_group *groups;
  int group_count, group_cap;
  uint32_t next_handle;

  sw_cfg_set global_cfg;
  sw_cfg_set iface_cfg;

  sw_delayed *send_lag_head, *send_lag_tail;
  sw_delayed *recv_lag_head, *recv_lag_tail;
  sw_delayed *loop_head, *loop_tail;

  sw_fncb *fn_head, *fn_tail;

  int relay_avail;
  int64_t relay_ready_us;
  int auth_avail;
  int64_t auth_ready_us;
} sw_sockets_state;

/* GetLocalTimestamp starts at about 30 days' worth of µs and never goes negative (isteamnetworkingutils.h:200-217). */
#define SW_TIMESTAMP_BASE_US (30LL * 86400LL * 1000000LL)

extern sw_sockets_state g_sws;
extern const uint64_t g_sw_iface_sockets;
extern const uint64_t g_sw_iface_netutils;

/* sockets_conn.c */
sw_conn *sw_conn_find(HSteamNetConnection h);         /* visible to the API (not lingering) */
sw_conn *sw_conn_find_any(HSteamNetConnection h);     /* including lingering ones */
sw_conn *sw_conn_new(uint64_t remote, bool outbound);
void sw_conn_destroy(sw_conn *c);
void sw_conn_set_state(sw_conn *c, int state, int reason, const char *debug);
void sw_conn_fill_info(const sw_conn *c, SteamNetConnectionInfo_t *info);
void sw_conn_deliver(sw_conn *c, const sw_sock_frame *f, const uint8_t *data, int64_t now);
void sw_conn_purge_inbound(sw_conn *c);
void sw_msg_unlink(sw_smsg *m, sw_conn *c);
sw_listen *sw_listen_find(HSteamListenSocket h);
sw_listen *sw_listen_by_port(int vport);
sw_group *sw_group_find(HSteamNetPollGroup h);
void sw_group_attach(sw_conn *c, HSteamNetPollGroup group);
uint32_t sw_sockets_new_handle(void);
int64_t sw_conn_cfg_int(const sw_conn *c, int id);
void *sw_conn_cfg_ptr(const sw_conn *c, int id);
int64_t sw_global_cfg_int(int id);
float sw_global_cfg_float(int id);
void sw_post_status(sw_conn *c, int old_state);
void sw_queue_fn_callback(int id, void *fn, const void *data, int size);
void sw_sockets_relay_touch(void);
int sw_sockets_auth_touch(void);
void sw_sockets_tick(int64_t now);
void sw_sockets_clear(void);
/* Accepts an inbound connection in Connecting (shared by AcceptConnection and symmetric ConnectP2P). */
void sw_conn_accept(sw_conn *c, int64_t now);

/* sockets_wire.c */
bool sw_sockets_owns_datagram(const uint8_t *buf, size_t len);
void sw_sockets_handle_datagram(const uint8_t *buf, size_t len, uint16_t src_port);
void sw_sock_header_init(sw_sock_header *h, const sw_conn *c, uint8_t kind);
void sw_sock_raw_send(sw_conn *c, const void *buf, size_t len);
void sw_sock_send_control(sw_conn *c, uint8_t kind, int32_t reason, const char *debug);
void sw_sock_send_connect(sw_conn *c);
void sw_sock_delayed_tick(int64_t now);
void sw_sock_delayed_clear(void);
void sw_sock_loop_drain(void);

/* sockets_stream.c */
/* Queues one message; returns an EResult and the message number through *number. */
int sw_sock_queue_message(sw_conn *c, const void *data, uint32_t len, int flags, int lane, int64_t *number);
void sw_sock_transmit(sw_conn *c, int64_t now, bool force);
void sw_sock_wire_tick(sw_conn *c, int64_t now);
void sw_sock_tx_clear(sw_conn *c);
void sw_sock_rx_clear(sw_conn *c);
void sw_sock_on_ack(sw_conn *c, uint32_t acked, int64_t now);
void sw_sock_on_data(sw_conn *c, const sw_sock_header *h, const uint8_t *p, size_t plen, int64_t now);

#endif
