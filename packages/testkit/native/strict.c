/*
 * Strict mode (STEAMWIRE_FAKE_STRICT=1): the process aborts, with a message naming the mistake, where
 * Valve's library crashes, asserts or corrupts memory: a NULL (or foreign) interface pointer as
 * `self`, calls before init or after shutdown, GetNextCallback again before FreeLastCallback, a
 * message released twice, or used after its release. Off, the fake refuses such calls and counts
 * them instead. Released messages are kept poisoned in a small quarantine so that later use is seen.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake.h"

/* Released messages kept to catch a second release or a later use; older ones are really freed. */
#define SW_QUARANTINE 1024

/* One released message: its whole allocation (freed when it leaves the quarantine). */
typedef struct quarantined {
  void *block;
  size_t size;
} quarantined;

static quarantined quarantine[SW_QUARANTINE];
static int quarantine_next;

bool sw_strict(void) {
  if (g_sw.initialized) return g_sw.strict;
  const char *v = sw_getenv("STEAMWIRE_FAKE_STRICT");
  return v != NULL && *v != '\0' && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

void sw_strict_fail(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "[steamwire fake, strict] ");
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
  va_end(args);
  fflush(stderr);
  abort();
}

bool sw_strict_released(const SteamNetworkingMessage_t *msg) {
  for (int i = 0; msg != NULL && i < SW_QUARANTINE; i++)
    if (quarantine[i].block == (const void *)msg) return true;
  return false;
}

void sw_strict_release(SteamNetworkingMessage_t *msg, size_t block_size, void *payload, size_t payload_len) {
  if (sw_strict_released(msg))
    sw_strict_fail("SteamNetworkingMessage_t 0x%" PRIxPTR " released twice: Valve's library frees it on the first release",
                   (uintptr_t)msg);
  /* Poison what a reader would look at, keep m_pfnRelease so a second release reaches us. */
  if (payload != NULL && payload_len > 0) memset(payload, 0xdd, payload_len);
  msg->m_cbSize = -1;
  msg->m_identityPeer.m_eType = 0;
  quarantined *slot = &quarantine[quarantine_next];
  free(slot->block);
  slot->block = msg;
  slot->size = block_size;
  quarantine_next = (quarantine_next + 1) % SW_QUARANTINE;
}

void sw_strict_check_live(const void *ptr, const char *function) {
  if (ptr == NULL) return;
  const char *at = ptr;
  for (int i = 0; i < SW_QUARANTINE; i++) {
    const char *start = quarantine[i].block;
    if (start != NULL && at >= start && at < start + quarantine[i].size)
      sw_strict_fail("%s used SteamNetworkingMessage_t 0x%" PRIxPTR " after it was released", function, (uintptr_t)start);
  }
}

void sw_strict_clear(void) {
  for (int i = 0; i < SW_QUARANTINE; i++) {
    free(quarantine[i].block);
    quarantine[i].block = NULL;
  }
  quarantine_next = 0;
}
