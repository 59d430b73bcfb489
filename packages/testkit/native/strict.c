/*
 * Strict mode (STEAMWIRE_FAKE_STRICT=1): the process aborts, with a message naming the mistake, where
 * Valve's library crashes, asserts or corrupts memory: a NULL (or foreign) interface pointer as
 * `self`, calls before init or after shutdown, GetNextCallback again before FreeLastCallback, a
 * message released twice, or used after its release. Off, the fake refuses such calls and counts
 * them instead. Released messages are kept poisoned in a small quarantine so that later use is seen.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake.h"

/* Released messages kept to catch a second release or a later use; older ones are really freed. */
#define SW_QUARANTINE 1024

static sw_packet *quarantine[SW_QUARANTINE];
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

void sw_strict_release(sw_packet *p) {
  if (p->released)
    sw_strict_fail("SteamNetworkingMessage_t %p released twice: Valve's library frees it on the first release",
                   (void *)&p->msg);
  p->released = 1;
  /* Poison what a reader would look at, keep m_pfnRelease so a second release reaches us. */
  memset(p->data, 0xdd, p->len);
  p->msg.m_cbSize = -1;
  p->msg.m_identityPeer.m_eType = 0;
  sw_packet *old = quarantine[quarantine_next];
  quarantine[quarantine_next] = p;
  quarantine_next = (quarantine_next + 1) % SW_QUARANTINE;
  free(old);
}

void sw_strict_check_live(const void *ptr, const char *function) {
  if (ptr == NULL) return;
  const char *at = ptr;
  for (int i = 0; i < SW_QUARANTINE; i++) {
    const sw_packet *p = quarantine[i];
    if (p == NULL) continue;
    const char *start = (const char *)p;
    if (at >= start && at < start + sizeof *p + p->len)
      sw_strict_fail("%s used SteamNetworkingMessage_t %p after it was released", function, (const void *)&p->msg);
  }
}

void sw_strict_clear(void) {
  for (int i = 0; i < SW_QUARANTINE; i++) {
    free(quarantine[i]);
    quarantine[i] = NULL;
  }
  quarantine_next = 0;
}
