/*
 * Received packets, queued per (API, channel) across all remotes: IsP2PPacketAvailable and
 * ReceiveMessagesOnChannel read one channel and never see another channel's data. A packet counts
 * against its session's receive buffer (`owner`) until it is read or dropped.
 * A packet node doubles as the SteamNetworkingMessage_t the Messages API hands out, so receiving
 * a batch copies nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"

typedef struct sw_inbox_entry {
  sw_api api;
  int channel;
  sw_queue q;
} sw_inbox_entry;

static sw_inbox_entry *inboxes;
static int inbox_count;
static int inbox_cap;

/* m_pfnRelease of every message handed out: frees it, or in strict mode quarantines it. */
static void release_packet(SteamNetworkingMessage_t *msg) {
  sw_packet *p = (sw_packet *)msg;
  if (sw_strict()) sw_strict_release(msg, sizeof *p + p->len, p->data, p->len);
  else free(msg);
}

void sw_rx_release(sw_packet *p) {
  sw_session *owner = p->owner;
  if (owner == NULL) return;
  owner->rx_count--;
  owner->rx_bytes -= p->len;
  p->owner = NULL;
}

sw_packet *sw_packet_new(uint64_t remote, int channel, const void *data, uint32_t len, bool reliable) {
  sw_packet *p = malloc(sizeof *p + len);
  if (p == NULL) return NULL;
  memset(&p->msg, 0, sizeof p->msg);
  p->next = NULL;
  p->owner = NULL;
  p->remote = remote;
  p->len = len;
  p->channel = channel;
  p->reliable = reliable;
  if (len > 0) memcpy(p->data, data, len);
  p->msg.m_pData = p->data;
  p->msg.m_cbSize = (int)len;
  p->msg.m_pfnRelease = release_packet;
  p->msg.m_nChannel = channel;
  p->msg.m_nFlags = reliable ? k_nSteamNetworkingSend_Reliable : 0;
  return p;
}

void sw_packet_free(sw_packet *p) { free(p); }

void sw_queue_push(sw_queue *q, sw_packet *p) {
  p->next = NULL;
  if (q->tail != NULL) q->tail->next = p;
  else q->head = p;
  q->tail = p;
  q->count++;
}

sw_packet *sw_queue_pop(sw_queue *q) {
  sw_packet *p = q->head;
  if (p == NULL) return NULL;
  q->head = p->next;
  if (q->head == NULL) q->tail = NULL;
  q->count--;
  p->next = NULL;
  return p;
}

void sw_queue_free(sw_queue *q) {
  sw_packet *p = q->head;
  while (p != NULL) {
    sw_packet *next = p->next;
    sw_rx_release(p);
    free(p);
    p = next;
  }
  q->head = q->tail = NULL;
  q->count = 0;
}

sw_queue *sw_inbox(sw_api api, int channel, bool create) {
  /* Few channels in practice: a linear scan beats a hash table here. */
  for (int i = 0; i < inbox_count; i++) {
    if (inboxes[i].api == api && inboxes[i].channel == channel) return &inboxes[i].q;
  }
  if (!create) return NULL;
  if (inbox_count == inbox_cap) {
    int cap = inbox_cap ? inbox_cap * 2 : 16;
    sw_inbox_entry *grown = realloc(inboxes, (size_t)cap * sizeof *grown);
    if (grown == NULL) return NULL;
    inboxes = grown;
    inbox_cap = cap;
  }
  sw_inbox_entry *e = &inboxes[inbox_count++];
  e->api = api;
  e->channel = channel;
  memset(&e->q, 0, sizeof e->q);
  return &e->q;
}

void sw_inbox_deliver(sw_api api, sw_packet *p) {
  sw_queue *q = sw_inbox(api, p->channel, true);
  if (q == NULL) {
    free(p);
    return;
  }
  sw_queue_push(q, p);
}

size_t sw_inbox_drop_from(sw_api api, uint64_t remote, int channel, bool all_channels) {
  size_t dropped = 0;
  for (int i = 0; i < inbox_count; i++) {
    sw_inbox_entry *e = &inboxes[i];
    if (e->api != api || (!all_channels && e->channel != channel)) continue;
    sw_queue kept = {0};
    sw_packet *p;
    while ((p = sw_queue_pop(&e->q)) != NULL) {
      if (p->remote == remote) {
        sw_rx_release(p);
        free(p);
        dropped++;
      } else {
        sw_queue_push(&kept, p);
      }
    }
    e->q = kept;
  }
  return dropped;
}

void sw_inbox_clear(void) {
  for (int i = 0; i < inbox_count; i++) sw_queue_free(&inboxes[i].q);
  free(inboxes);
  inboxes = NULL;
  inbox_count = inbox_cap = 0;
}
