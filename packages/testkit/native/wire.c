/*
 * The UDP socket on 127.0.0.1 and the peer registry. Only loopback traffic, ever: the socket is
 * bound to 127.0.0.1 and datagrams are only sent to 127.0.0.1.
 *
 * Registry: with STEAMWIRE_FAKE_PEERS a directory, each peer writes its port to `<dir>/<steamid>`
 * (atomically, through a rename) and removes it at shutdown; with `id=port,id=port` the list is fixed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "platform.h"
#include "wire.h"

static uint8_t rx_buf[65536];

static void registry_publish(void) {
  g_sw.registry_file[0] = '\0';
  if (g_sw.peers_is_list || g_sw.peers_dir[0] == '\0') return;
  sw_make_dir(g_sw.peers_dir); /* may already exist */
  char tmp[640];
  snprintf(g_sw.registry_file, sizeof g_sw.registry_file, "%s/%llu", g_sw.peers_dir,
           (unsigned long long)g_sw.steam_id);
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", g_sw.registry_file, sw_process_id());
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    g_sw.registry_file[0] = '\0';
    return;
  }
  fprintf(f, "%u\n", (unsigned)g_sw.port);
  fclose(f);
  if (!sw_replace_file(tmp, g_sw.registry_file)) {
    remove(tmp);
    g_sw.registry_file[0] = '\0';
  }
}

static void registry_withdraw(void) {
  if (g_sw.registry_file[0] == '\0') return;
  /* Only remove our own entry: a later peer with the same id may have replaced it. */
  if (sw_registry_lookup(g_sw.steam_id) == g_sw.port) remove(g_sw.registry_file);
  g_sw.registry_file[0] = '\0';
}

uint16_t sw_registry_lookup(uint64_t id) {
  if (g_sw.peers_is_list) {
    const char *p = g_sw.peers_list;
    while (*p != '\0') {
      char *end = NULL;
      unsigned long long pid = strtoull(p, &end, 10);
      if (end == p || *end != '=') return 0;
      unsigned long port = strtoul(end + 1, &end, 10);
      if (pid == id && port > 0 && port < 65536) return (uint16_t)port;
      while (*end == ',' || *end == ' ') end++;
      if (end == p) return 0;
      p = end;
    }
    return 0;
  }
  char path[640];
  snprintf(path, sizeof path, "%s/%llu", g_sw.peers_dir, (unsigned long long)id);
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  char text[16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  if (n == 0) return 0;
  text[n] = '\0';
  unsigned long port = strtoul(text, NULL, 10);
  return port > 0 && port < 65536 ? (uint16_t)port : 0;
}

bool sw_wire_open(char *err, size_t errlen) {
  if (!sw_udp_open(&g_sw.port, &g_sw.sock, err, errlen)) return false;
  registry_publish();
  return true;
}

void sw_wire_close(void) {
  registry_withdraw();
  if (g_sw.sock != SW_NO_SOCKET) sw_udp_close(g_sw.sock);
  g_sw.sock = SW_NO_SOCKET;
}

void sw_wire_send(const void *buf, size_t len, uint16_t port) {
  if (g_sw.sock == SW_NO_SOCKET || port == 0) return;
  if (g_sw.loss > 0.0 && (double)(sw_random() >> 11) / 9007199254740992.0 < g_sw.loss) {
    g_sw.counters.datagrams_dropped_loss++;
    return;
  }
  /* A full socket buffer loses the datagram, like a congested link; reliable data is resent. */
  if (sw_udp_send(g_sw.sock, buf, len, port)) g_sw.counters.datagrams_sent++;
}

int sw_wire_poll(void) {
  int handled = 0;
  int errors = 0;
  if (g_sw.sock == SW_NO_SOCKET) return 0;
  for (;;) {
    size_t n = 0;
    bool loopback = false;
    uint16_t from_port = 0;
    sw_recv_status status = sw_udp_recv(g_sw.sock, rx_buf, sizeof rx_buf, &n, &loopback, &from_port);
    if (status == SW_RECV_EMPTY) break;
    /* Anything else (an ICMP refusal) is not fatal: keep draining, a little. */
    if (status == SW_RECV_ERROR) {
      if (++errors > 16) break;
      continue;
    }
    if (!loopback) {
      g_sw.counters.datagrams_rejected++;
      continue;
    }
    g_sw.counters.datagrams_received++;
    sw_session_handle_datagram(rx_buf, n, from_port);
    handled++;
    /* The handler may have shut us down (it cannot today, but stay safe). */
    if (g_sw.sock == SW_NO_SOCKET) break;
  }
  return handled;
}
