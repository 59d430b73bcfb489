/*
 * The UDP socket on 127.0.0.1 and the peer registry. Only loopback traffic, ever: the socket is
 * bound to 127.0.0.1 and datagrams are only sent to 127.0.0.1.
 *
 * Registry: with STEAMWIRE_FAKE_PEERS a directory, each peer writes its port to `<dir>/<steamid>`
 * (atomically, through a rename) and removes it at shutdown; with `id=port,id=port` the list is fixed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"
#include "wire.h"

static uint8_t rx_buf[65536];

static void registry_publish(void) {
  g_sw.registry_file[0] = '\0';
  if (g_sw.peers_is_list || g_sw.peers_dir[0] == '\0') return;
  mkdir(g_sw.peers_dir, 0777); /* may already exist */
  char tmp[640];
  snprintf(g_sw.registry_file, sizeof g_sw.registry_file, "%s/%llu", g_sw.peers_dir,
           (unsigned long long)g_sw.steam_id);
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", g_sw.registry_file, (int)getpid());
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    g_sw.registry_file[0] = '\0';
    return;
  }
  fprintf(f, "%u\n", (unsigned)g_sw.port);
  fclose(f);
  if (rename(tmp, g_sw.registry_file) != 0) {
    unlink(tmp);
    g_sw.registry_file[0] = '\0';
  }
}

static void registry_withdraw(void) {
  if (g_sw.registry_file[0] == '\0') return;
  /* Only remove our own entry: a later peer with the same id may have replaced it. */
  if (sw_registry_lookup(g_sw.steam_id) == g_sw.port) unlink(g_sw.registry_file);
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
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[16];
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  unsigned long port = strtoul(text, NULL, 10);
  return port > 0 && port < 65536 ? (uint16_t)port : 0;
}

bool sw_wire_open(char *err, size_t errlen) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "fake Steam: cannot create a UDP socket: %s", strerror(errno));
    return false;
  }
  /* Big buffers: a 1 MiB reliable message is ~18 datagrams sent back to back. */
  int size = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(g_sw.port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    snprintf(err, errlen, "fake Steam: cannot bind UDP 127.0.0.1:%u: %s", (unsigned)g_sw.port, strerror(errno));
    close(fd);
    return false;
  }
  socklen_t alen = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &alen);
  g_sw.fd = fd;
  g_sw.port = ntohs(addr.sin_port);
  registry_publish();
  return true;
}

void sw_wire_close(void) {
  registry_withdraw();
  if (g_sw.fd >= 0) close(g_sw.fd);
  g_sw.fd = -1;
}

void sw_wire_send(const void *buf, size_t len, uint16_t port) {
  if (g_sw.fd < 0 || port == 0) return;
  if (g_sw.loss > 0.0 && (double)(sw_random() >> 11) / 9007199254740992.0 < g_sw.loss) {
    g_sw.counters.datagrams_dropped_loss++;
    return;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* A full socket buffer loses the datagram, like a congested link; reliable data is resent. */
  if (sendto(g_sw.fd, buf, len, 0, (struct sockaddr *)&addr, sizeof addr) >= 0) g_sw.counters.datagrams_sent++;
}

int sw_wire_poll(void) {
  int handled = 0;
  int errors = 0;
  if (g_sw.fd < 0) return 0;
  for (;;) {
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(g_sw.fd, rx_buf, sizeof rx_buf, 0, (struct sockaddr *)&from, &flen);
    if (n < 0) {
      /* EAGAIN: nothing more. Anything else (an ICMP refusal) is not fatal: keep draining, a little. */
      if (errno == EAGAIN || errno == EWOULDBLOCK || ++errors > 16) break;
      continue;
    }
    if (from.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
      g_sw.counters.datagrams_rejected++;
      continue;
    }
    g_sw.counters.datagrams_received++;
    sw_session_handle_datagram(rx_buf, (size_t)n, ntohs(from.sin_port));
    handled++;
    /* The handler may have shut us down (it cannot today, but stay safe). */
    if (g_sw.fd < 0) break;
  }
  return handled;
}
