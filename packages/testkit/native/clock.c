/*
 * The fake's time. Real monotonic time by default; with STEAMWIRE_FAKE_CLOCK_FILE set at init, time
 * is whatever that file says: 8 bytes, a little-endian int64 of microseconds, mapped shared so that
 * every library copy (and every process) using the same file sees a write at once. A conformance
 * harness then moves time itself, in steps, and Steam's 20 s timeouts take milliseconds to test,
 * deterministically. Nothing else changes: the fake still talks UDP on 127.0.0.1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"

static volatile const int64_t *manual_clock;

bool sw_clock_open(char *err, size_t errlen) {
  sw_clock_close();
  const char *path = sw_getenv("STEAMWIRE_FAKE_CLOCK_FILE");
  if (path == NULL || *path == '\0') return true;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "fake Steam: cannot open STEAMWIRE_FAKE_CLOCK_FILE %s: %s", path, strerror(errno));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(int64_t)) {
    close(fd);
    snprintf(err, errlen, "fake Steam: STEAMWIRE_FAKE_CLOCK_FILE %s must hold 8 bytes (int64 microseconds)", path);
    return false;
  }
  void *map = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    snprintf(err, errlen, "fake Steam: cannot map STEAMWIRE_FAKE_CLOCK_FILE %s: %s", path, strerror(errno));
    return false;
  }
  manual_clock = map;
  return true;
}

void sw_clock_close(void) {
  if (manual_clock != NULL) munmap((void *)manual_clock, sizeof(int64_t));
  manual_clock = NULL;
}

bool sw_clock_manual(void) { return manual_clock != NULL; }

int64_t sw_clock_read_us(void) {
  int64_t v;
  memcpy(&v, (const void *)manual_clock, sizeof v);
  return v;
}
