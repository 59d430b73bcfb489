/*
 * The fake's datagram format between peers on 127.0.0.1. Little-endian, packed, versioned by magic
 * so a stray datagram (another program, an older fake) is rejected instead of misread.
 */
#ifndef STEAMWIRE_FAKE_WIRE_H
#define STEAMWIRE_FAKE_WIRE_H

#include <stdint.h>

#define SW_WIRE_MAGIC 0x31465753u /* "SWF1" */

enum sw_kind {
  SW_KIND_DATA = 1,        /* a payload (or a fragment of one) */
  SW_KIND_ACK = 2,         /* cumulative acknowledgement of reliable segments: seq = last in-order seq */
  SW_KIND_HELLO = 3,       /* connection probe, sent while connecting */
  SW_KIND_HELLO_REPLY = 4, /* answer to a probe, carrying our acceptance flag */
  SW_KIND_CLOSE = 5,       /* the sender closed its session with the receiver */
};

enum sw_flags {
  SW_FLAG_ACCEPTED = 1,       /* the sender has accepted (or started) a session with the receiver */
  SW_FLAG_RELIABLE = 2,       /* DATA belongs to the reliable stream (seq/base are meaningful) */
  SW_FLAG_AS_UNRELIABLE = 4,  /* carried reliably, but the message was sent unreliable (Messages > 1 datagram) */
};

#pragma pack(push, 1)
typedef struct sw_wire_header {
  uint32_t magic;
  uint8_t api;  /* sw_api: legacy and Messages sessions are separate */
  uint8_t kind; /* sw_kind */
  uint8_t flags;
  uint8_t send_type;
  uint64_t sender;
  uint64_t receiver;
  uint32_t epoch;   /* DATA: the sender's stream epoch; ACK: the epoch acknowledged */
  uint32_t seq;     /* DATA: reliable sequence number (0 = unreliable); ACK: cumulative ack */
  uint32_t base;    /* DATA: the sender's lowest unacknowledged seq, where a fresh receiver starts */
  int32_t channel;
  uint32_t msg_len; /* DATA: length of the whole message */
  uint32_t frag_off;/* DATA: offset of this fragment in the message */
} sw_wire_header;
#pragma pack(pop)
_Static_assert(sizeof(sw_wire_header) == 48, "wire header is 48 bytes");

#endif
