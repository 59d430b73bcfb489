/*
 * Steam's numbers per API: the native twin of the testkit's STEAM_BEHAVIOUR table
 * (src/conformance/steam-behaviour.ts), where each number's source is cited. The conformance suite
 * measures this library against that table, and a test compares steamwire_fake_numbers() with it.
 *
 *   legacy    ISteamNetworking: connect-fail after 20 s (Valve docs, SendP2PPacket); packets of an
 *             unaccepted peer held 20 s (seen); request re-posted every 1 s (our choice: "periodically");
 *             ReliableWithBuffering waits ~200 ms or an MTU (isteamnetworking.h); send buffer 4 MiB
 *             (our choice: "too many bytes are queued"); receive buffer 1 MiB / 1000 messages (our
 *             choice: the Messages defaults); no idle timeout.
 *   messages  ISteamNetworkingMessages (and any later GNS-based API): TimeoutInitial/Connected 10 s,
 *             one request per connection, SessionFailed per attempt, NagleTime 5 ms, SendBufferSize
 *             512 KiB, RecvBufferSize 1 MiB, RecvBufferMessages 1000, idle 3 min (GNS defaults).
 *
 * Overrides for tests that cannot wait: STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS (connect, lost and hold
 * times of every API; Messages also re-requests at that pace), STEAMWIRE_FAKE_REPOST_MS (legacy
 * re-post), STEAMWIRE_FAKE_NAGLE_MS (every API).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake.h"

#define MS 1000
#define KIB 1024u
#define MIB (1024u * 1024u)

static int64_t env_ms(const char *name, int64_t max) {
  const char *v = sw_getenv(name);
  if (v == NULL || *v == '\0') return -1;
  char *end = NULL;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0' || n < 0 || n > max) return -1;
  return n;
}

void sw_numbers_init(void) {
  for (int api = 0; api < SW_API_COUNT; api++) {
    sw_numbers *n = &g_sw.numbers[api];
    bool legacy = api == SW_API_LEGACY;
    n->connect_timeout_us = (legacy ? 20000 : 10000) * (int64_t)MS;
    n->lost_timeout_us = n->connect_timeout_us;
    n->hold_us = n->connect_timeout_us;
    n->repost_us = legacy ? 1000 * (int64_t)MS : n->connect_timeout_us;
    n->nagle_us = legacy ? 200 * (int64_t)MS : 5 * (int64_t)MS;
    n->idle_us = legacy ? 0 : 180000 * (int64_t)MS;
    n->nagle_flush_bytes = 1200;
    n->send_buffer_bytes = legacy ? 4 * MIB : 512 * KIB;
    n->recv_buffer_bytes = MIB;
    n->recv_buffer_msgs = 1000;
    n->max_unreliable = legacy ? SW_LEGACY_MAX_UNRELIABLE : SW_MESSAGES_MAX;
    n->max_reliable = legacy ? SW_LEGACY_MAX_RELIABLE : SW_MESSAGES_MAX;
    n->request_per_connection = !legacy;
    n->fail_once_per_session = legacy;

    int64_t connect = env_ms("STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS", 3600000);
    if (connect > 0) {
      n->connect_timeout_us = n->lost_timeout_us = n->hold_us = connect * MS;
      if (!legacy) n->repost_us = connect * MS;
    }
    int64_t repost = env_ms("STEAMWIRE_FAKE_REPOST_MS", 3600000);
    if (repost > 0 && legacy) n->repost_us = repost * MS;
    int64_t nagle = env_ms("STEAMWIRE_FAKE_NAGLE_MS", 10000);
    if (nagle >= 0) n->nagle_us = nagle * MS;
  }
}

const sw_numbers *sw_numbers_of(sw_api api) {
  return &g_sw.numbers[api < SW_API_COUNT ? api : SW_API_MESSAGES];
}

/* ---- debug export (not part of Valve's API) ---- */

static int write_api(char *out, size_t cap, const char *name, const sw_numbers *n, bool legacy) {
  char idle[32];
  if (n->idle_us > 0) snprintf(idle, sizeof idle, "%lld", (long long)(n->idle_us / MS));
  else snprintf(idle, sizeof idle, "null");
  char unreliable[48] = "";
  /* Only legacy enforces the MTU itself; over Messages the binding does (the API takes 512 KiB). */
  if (legacy) snprintf(unreliable, sizeof unreliable, "\"maxUnreliableBytes\":%u,", n->max_unreliable);
  return snprintf(out, cap,
                  "\"%s\":{%s\"maxReliableBytes\":%u,\"connectTimeoutMs\":%lld,\"connectionLostTimeoutMs\":%lld,"
                  "\"unacceptedHoldMs\":%lld,\"sessionRequestRepostMs\":%lld,\"connectFailOncePerSession\":%s,"
                  "\"bufferingDelayMs\":%lld,\"bufferingFlushBytes\":%zu,\"sendBufferBytes\":%zu,"
                  "\"recvBufferBytes\":%zu,\"recvBufferMessages\":%zu,\"idleTimeoutMs\":%s}",
                  name, unreliable, n->max_reliable, (long long)(n->connect_timeout_us / MS),
                  (long long)(n->lost_timeout_us / MS), (long long)(n->hold_us / MS),
                  (long long)(n->repost_us / MS), n->fail_once_per_session ? "true" : "false",
                  (long long)(n->nagle_us / MS), n->nagle_flush_bytes, n->send_buffer_bytes, n->recv_buffer_bytes,
                  n->recv_buffer_msgs, idle);
}

/** The numbers this library runs on, per API, as one JSON object keyed like STEAM_BEHAVIOUR (works before init). */
SW_EXPORT const char *steamwire_fake_numbers(void) {
  static char json[2048];
  if (!g_sw.initialized) sw_numbers_init();
  int n = snprintf(json, sizeof json, "{");
  n += write_api(json + n, sizeof json - (size_t)n, "legacy", sw_numbers_of(SW_API_LEGACY), true);
  n += snprintf(json + n, sizeof json - (size_t)n, ",");
  n += write_api(json + n, sizeof json - (size_t)n, "messages", sw_numbers_of(SW_API_MESSAGES), false);
  snprintf(json + n, sizeof json - (size_t)n, "}");
  return json;
}
