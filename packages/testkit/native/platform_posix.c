/*
 * platform.h on Linux and macOS, with POSIX calls only: no Linux-only flags (SOCK_NONBLOCK and
 * friends), so the same code builds with clang on macOS. Compiles to nothing on Windows.
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE 1
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

int64_t sw_monotonic_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int sw_process_id(void) { return (int)getpid(); }

const char *sw_getenv(const char *name) { return getenv(name); }

void sw_default_peers_dir(char *out, size_t size) {
  snprintf(out, size, "/tmp/steamwire-fake-peers-%u", (unsigned)getuid());
}

void sw_make_dir(const char *path) { mkdir(path, 0777); }

bool sw_replace_file(const char *from, const char *to) { return rename(from, to) == 0; }

sw_file sw_file_open(const char *path) {
  int fd = open(path, O_RDWR | O_CREAT, 0666);
  if (fd < 0) return SW_NO_FILE;
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

void sw_file_close(sw_file f) { close((int)f); }

bool sw_file_lock(sw_file f, bool exclusive) {
  while (flock((int)f, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

void sw_file_unlock(sw_file f) { flock((int)f, LOCK_UN); }

int64_t sw_file_size(sw_file f) {
  struct stat st;
  return fstat((int)f, &st) == 0 ? (int64_t)st.st_size : -1;
}

bool sw_file_read_at(sw_file f, void *buf, size_t len, uint64_t offset) {
  size_t have = 0;
  while (have < len) {
    ssize_t n = pread((int)f, (char *)buf + have, len - have, (off_t)(offset + have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    have += (size_t)n;
  }
  return true;
}

bool sw_file_write_at(sw_file f, const void *buf, size_t len, uint64_t offset) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = pwrite((int)f, (const char *)buf + done, len - done, (off_t)(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += (size_t)n;
  }
  return true;
}

bool sw_file_truncate(sw_file f, uint64_t size) { return ftruncate((int)f, (off_t)size) == 0; }

const volatile void *sw_map_file(const char *path, size_t size, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < (off_t)size) {
    close(fd);
    snprintf(err, errlen, "%s must hold %u bytes", path, (unsigned)size);
    return NULL;
  }
  void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    snprintf(err, errlen, "cannot map %s: %s", path, strerror(errno));
    return NULL;
  }
  return map;
}

void sw_unmap_file(const volatile void *view, size_t size) { munmap((void *)view, size); }

bool sw_udp_open(uint16_t *port, sw_socket *out, char *err, size_t errlen) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    snprintf(err, errlen, "fake Steam: cannot create a UDP socket: %s", strerror(errno));
    return false;
  }
  /* fcntl rather than SOCK_NONBLOCK | SOCK_CLOEXEC at socket(): those two flags are Linux-only. */
  int fl = fcntl(fd, F_GETFL, 0);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    snprintf(err, errlen, "fake Steam: cannot make the UDP socket non-blocking: %s", strerror(errno));
    close(fd);
    return false;
  }
  /* Big buffers: a 1 MiB reliable message is ~18 datagrams sent back to back. */
  int size = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(*port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    snprintf(err, errlen, "fake Steam: cannot bind UDP 127.0.0.1:%u: %s", (unsigned)*port, strerror(errno));
    close(fd);
    return false;
  }
  socklen_t alen = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &alen);
  *port = ntohs(addr.sin_port);
  *out = fd;
  return true;
}

void sw_udp_close(sw_socket sock) { close((int)sock); }

bool sw_udp_send(sw_socket sock, const void *buf, size_t len, uint16_t port) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sendto((int)sock, buf, len, 0, (struct sockaddr *)&addr, sizeof addr) >= 0;
}

sw_recv_status sw_udp_recv(sw_socket sock, void *buf, size_t cap, size_t *len, bool *from_loopback,
                           uint16_t *from_port) {
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom((int)sock, buf, cap, 0, (struct sockaddr *)&from, &flen);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? SW_RECV_EMPTY : SW_RECV_ERROR;
  *len = (size_t)n;
  *from_loopback = from.sin_addr.s_addr == htonl(INADDR_LOOPBACK);
  *from_port = ntohs(from.sin_port);
  return SW_RECV_DATAGRAM;
}

#endif
