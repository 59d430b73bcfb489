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
 *   sockets   ISteamNetworkingSockets: the same GNS defaults, as its configuration values' defaults
 *             (TimeoutInitial, TimeoutConnected, NagleTime, SendBufferSize, RecvBufferSize,
 *             RecvBufferMessages); 512 KiB messages either way, unreliable ones over 16500 bytes sent
 *             reliably; no idle timeout (keepalives). Session requests and connect-fail are the
 *             binding's, so this library has no number for them.
 *
 * Overrides for tests that cannot wait: STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS (connect, lost and hold
 * times of every API, the Sockets timeouts' defaults included; Messages also re-requests at that pace), STEAMWIRE_FAKE_REPOST_MS (legacy
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

/* Steam's numbers for a GNS-based API (Messages, Sockets), before any override. */
static void gns_defaults(sw_numbers *n) {
  n->connect_timeout_us = 10000 * (int64_t)MS;
  n->lost_timeout_us = n->connect_timeout_us;
  n->hold_us = n->connect_timeout_us;
  n->repost_us = n->connect_timeout_us;
  n->nagle_us = 5 * (int64_t)MS;
  n->idle_us = 180000 * (int64_t)MS;
  n->nagle_flush_bytes = 1200;
  n->send_buffer_bytes = 512 * KIB;
  n->recv_buffer_bytes = MIB;
  n->recv_buffer_msgs = 1000;
  n->max_unreliable = SW_MESSAGES_MAX;
  n->max_reliable = SW_MESSAGES_MAX;
  n->unreliable_as_reliable_above = SW_UNRELIABLE_UPGRADE_BYTES;
  n->request_per_connection = true;
  n->fail_once_per_session = false;
}

/* The overrides every API takes from the environment (tests that cannot wait). */
static void env_overrides(sw_numbers *n, bool legacy) {
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

void sw_numbers_init(void) {
  for (int api = 0; api < SW_API_COUNT; api++) {
    sw_numbers *n = &g_sw.numbers[api];
    bool legacy = api == SW_API_LEGACY;
    gns_defaults(n);
    if (legacy) {
      n->connect_timeout_us = n->lost_timeout_us = n->hold_us = 20000 * (int64_t)MS;
      n->repost_us = 1000 * (int64_t)MS;
      n->nagle_us = 200 * (int64_t)MS;
      n->idle_us = 0;
      n->send_buffer_bytes = 4 * MIB;
      n->max_unreliable = SW_LEGACY_MAX_UNRELIABLE;
      n->max_reliable = SW_LEGACY_MAX_RELIABLE;
      n->unreliable_as_reliable_above = 0;
      n->request_per_connection = false;
      n->fail_once_per_session = true;
    }
    env_overrides(n, legacy);
  }
  sw_numbers *sockets = &g_sw.sockets_numbers;
  gns_defaults(sockets);
  sockets->idle_us = 0; /* connections keep themselves alive */
  env_overrides(sockets, false);
}

const sw_numbers *sw_numbers_of(sw_api api) {
  return &g_sw.numbers[api < SW_API_COUNT ? api : SW_API_MESSAGES];
}

const sw_numbers *sw_numbers_sockets(void) { return &g_sw.sockets_numbers; }

/* ---- debug export (not part of Valve's API) ---- */

/* Which numbers an API's JSON carries: those only the binding knows are left out. */
enum { WITH_UNRELIABLE = 1, WITH_SESSIONS = 2 };

static int write_api(char *out, size_t cap, const char *name, const sw_numbers *n, int with) {
  char idle[32];
  if (n->idle_us > 0) snprintf(idle, sizeof idle, "%lld", (long long)(n->idle_us / MS));
  else snprintf(idle, sizeof idle, "null");
  char upgrade[32];
  if (n->unreliable_as_reliable_above > 0) snprintf(upgrade, sizeof upgrade, "%u", n->unreliable_as_reliable_above);
  else snprintf(upgrade, sizeof upgrade, "null");
  char unreliable[48] = "";
  /* Legacy and Sockets enforce their unreliable limit themselves; over Messages the binding does (the API takes 512 KiB). */
  if (with & WITH_UNRELIABLE) snprintf(unreliable, sizeof unreliable, "\"maxUnreliableBytes\":%u,", n->max_unreliable);
  char sessions[160] = "";
  /* Session requests and connect-fail over Sockets are the binding's (this library has connections). */
  if (with & WITH_SESSIONS)
    snprintf(sessions, sizeof sessions, "\"sessionRequestRepostMs\":%lld,\"connectFailOncePerSession\":%s,",
             (long long)(n->repost_us / MS), n->fail_once_per_session ? "true" : "false");
  return snprintf(out, cap,
                  "\"%s\":{%s\"maxReliableBytes\":%u,\"connectTimeoutMs\":%lld,\"connectionLostTimeoutMs\":%lld,"
                  "\"unacceptedHoldMs\":%lld,%s"
                  "\"bufferingDelayMs\":%lld,\"bufferingFlushBytes\":%zu,\"sendBufferBytes\":%zu,"
                  "\"recvBufferBytes\":%zu,\"recvBufferMessages\":%zu,\"idleTimeoutMs\":%s,"
                  "\"unreliableAsReliableAboveBytes\":%s}",
                  name, unreliable, n->max_reliable, (long long)(n->connect_timeout_us / MS),
                  (long long)(n->lost_timeout_us / MS), (long long)(n->hold_us / MS), sessions,
                  (long long)(n->nagle_us / MS), n->nagle_flush_bytes, n->send_buffer_bytes, n->recv_buffer_bytes,
                  n->recv_buffer_msgs, idle, upgrade);
}

/** The numbers this library runs on, per API, as one JSON object keyed like STEAM_BEHAVIOUR (works before init). */
SW_EXPORT const char *steamwire_fake_numbers(void) {
  static char json[4096];
  if (!g_sw.initialized) sw_numbers_init();
  int n = snprintf(json, sizeof json, "{");
  n += write_api(json + n, sizeof json - (size_t)n, "legacy", sw_numbers_of(SW_API_LEGACY),
                 WITH_UNRELIABLE | WITH_SESSIONS);
  n += snprintf(json + n, sizeof json - (size_t)n, ",");
  n += write_api(json + n, sizeof json - (size_t)n, "messages", sw_numbers_of(SW_API_MESSAGES), WITH_SESSIONS);
  n += snprintf(json + n, sizeof json - (size_t)n, ",");
  n += write_api(json + n, sizeof json - (size_t)n, "sockets", sw_numbers_sockets(), WITH_UNRELIABLE);
  snprintf(json + n, sizeof json - (size_t)n, "}");
  return json;
}
