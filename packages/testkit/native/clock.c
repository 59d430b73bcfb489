/*
 * The fake's time. Real monotonic time by default; with STEAMWIRE_FAKE_CLOCK_FILE set at init, time
 * is whatever that file says: 8 bytes, a little-endian int64 of microseconds, mapped shared so that
 * every library copy (and every process) using the same file sees a write at once. A conformance
 * harness then moves time itself, in steps, and Steam's 20 s timeouts take milliseconds to test,
 * deterministically. Nothing else changes: the fake still talks UDP on 127.0.0.1.
 */
#include <stdio.h>
#include <string.h>

#include "fake.h"

static const volatile void *manual_clock;

bool sw_clock_open(char *err, size_t errlen) {
  sw_clock_close();
  const char *path = sw_getenv("STEAMWIRE_FAKE_CLOCK_FILE");
  if (path == NULL || *path == '\0') return true;
  char why[512];
  manual_clock = sw_map_file(path, sizeof(int64_t), why, sizeof why);
  if (manual_clock == NULL) {
    snprintf(err, errlen, "fake Steam: STEAMWIRE_FAKE_CLOCK_FILE (8 bytes, int64 microseconds): %s", why);
    return false;
  }
  return true;
}

void sw_clock_close(void) {
  if (manual_clock != NULL) sw_unmap_file(manual_clock, sizeof(int64_t));
  manual_clock = NULL;
}

bool sw_clock_manual(void) { return manual_clock != NULL; }

int64_t sw_clock_read_us(void) {
  int64_t v;
  memcpy(&v, (const void *)manual_clock, sizeof v);
  return v;
}
