/*
 * platform.h on Windows: Winsock for the UDP socket, the Win32 API for the clock, the environment
 * and files. Compiles to nothing elsewhere. Built with mingw-w64 (link with -lws2_32).
 */
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <mstcpip.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

#ifndef SIO_UDP_CONNRESET /* mstcpip.h declares it only for some Windows versions */
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

int64_t sw_monotonic_us(void) {
  static LARGE_INTEGER freq;
  if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  return (int64_t)(now.QuadPart / freq.QuadPart) * 1000000 +
         (int64_t)(now.QuadPart % freq.QuadPart) * 1000000 / freq.QuadPart;
}

int sw_process_id(void) { return (int)GetCurrentProcessId(); }

/* The C runtime's getenv reads a copy of the environment taken when the runtime started, so the
 * variables a test sets just before SteamAPI_InitFlat would be missed; the OS has the live ones. */
const char *sw_getenv(const char *name) {
  static char value[4096];
  DWORD n = GetEnvironmentVariableA(name, value, sizeof value);
  return n == 0 || n >= sizeof value ? NULL : value;
}

void sw_default_peers_dir(char *out, size_t size) {
  char temp[MAX_PATH + 1];
  DWORD n = GetTempPathA(sizeof temp, temp);
  if (n == 0 || n > MAX_PATH) snprintf(temp, sizeof temp, ".\\");
  snprintf(out, size, "%ssteamwire-fake-peers", temp);
}

void sw_make_dir(const char *path) { CreateDirectoryA(path, NULL); }

bool sw_replace_file(const char *from, const char *to) {
  return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING) != 0;
}

sw_file sw_file_open(const char *path) {
  HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  return h == INVALID_HANDLE_VALUE ? SW_NO_FILE : (sw_file)h;
}

void sw_file_close(sw_file f) { CloseHandle((HANDLE)f); }

/* Windows byte-range locks are mandatory: the lock covers one byte far past any data, so it only
 * orders the users of these calls (as flock does) and never blocks a plain read. */
#define SW_LOCK_OFFSET_HIGH 0x7fffffffu

bool sw_file_lock(sw_file f, bool exclusive) {
  OVERLAPPED o;
  memset(&o, 0, sizeof o);
  o.OffsetHigh = SW_LOCK_OFFSET_HIGH;
  return LockFileEx((HANDLE)f, exclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0, 0, 1, 0, &o) != 0;
}

void sw_file_unlock(sw_file f) {
  OVERLAPPED o;
  memset(&o, 0, sizeof o);
  o.OffsetHigh = SW_LOCK_OFFSET_HIGH;
  UnlockFileEx((HANDLE)f, 0, 1, 0, &o);
}

int64_t sw_file_size(sw_file f) {
  LARGE_INTEGER size;
  return GetFileSizeEx((HANDLE)f, &size) ? (int64_t)size.QuadPart : -1;
}

bool sw_file_read_at(sw_file f, void *buf, size_t len, uint64_t offset) {
  size_t have = 0;
  while (have < len) {
    OVERLAPPED o;
    memset(&o, 0, sizeof o);
    o.Offset = (DWORD)(offset + have);
    o.OffsetHigh = (DWORD)((offset + have) >> 32);
    DWORD n = 0;
    if (!ReadFile((HANDLE)f, (char *)buf + have, (DWORD)(len - have), &n, &o) || n == 0) return false;
    have += n;
  }
  return true;
}

bool sw_file_write_at(sw_file f, const void *buf, size_t len, uint64_t offset) {
  size_t done = 0;
  while (done < len) {
    OVERLAPPED o;
    memset(&o, 0, sizeof o);
    o.Offset = (DWORD)(offset + done);
    o.OffsetHigh = (DWORD)((offset + done) >> 32);
    DWORD n = 0;
    if (!WriteFile((HANDLE)f, (const char *)buf + done, (DWORD)(len - done), &n, &o) || n == 0) return false;
    done += n;
  }
  return true;
}

bool sw_file_truncate(sw_file f, uint64_t size) {
  LARGE_INTEGER at;
  at.QuadPart = (LONGLONG)size;
  return SetFilePointerEx((HANDLE)f, at, NULL, FILE_BEGIN) && SetEndOfFile((HANDLE)f);
}

const volatile void *sw_map_file(const char *path, size_t size, char *err, size_t errlen) {
  HANDLE file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE) {
    snprintf(err, errlen, "cannot open %s (error %lu)", path, (unsigned long)GetLastError());
    return NULL;
  }
  LARGE_INTEGER have;
  if (!GetFileSizeEx(file, &have) || have.QuadPart < (LONGLONG)size) {
    CloseHandle(file);
    snprintf(err, errlen, "%s must hold %u bytes", path, (unsigned)size);
    return NULL;
  }
  HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READONLY, 0, 0, NULL);
  CloseHandle(file);
  if (mapping == NULL) {
    snprintf(err, errlen, "cannot map %s (error %lu)", path, (unsigned long)GetLastError());
    return NULL;
  }
  void *view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, size);
  CloseHandle(mapping); /* the view keeps the mapping alive */
  if (view == NULL) snprintf(err, errlen, "cannot map %s (error %lu)", path, (unsigned long)GetLastError());
  return view;
}

void sw_unmap_file(const volatile void *view, size_t size) {
  (void)size;
  UnmapViewOfFile((const void *)view);
}

static void socket_error(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "fake Steam: %s (Winsock error %d)", what, WSAGetLastError());
}

bool sw_udp_open(uint16_t *port, sw_socket *out, char *err, size_t errlen) {
  static bool started = false;
  if (!started) {
    WSADATA wsa;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) {
      snprintf(err, errlen, "fake Steam: WSAStartup failed (error %d)", rc);
      return false;
    }
    started = true;
  }
  SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s == INVALID_SOCKET) {
    socket_error(err, errlen, "cannot create a UDP socket");
    return false;
  }
  u_long nonblocking = 1;
  if (ioctlsocket(s, FIONBIO, &nonblocking) != 0) {
    socket_error(err, errlen, "cannot make the UDP socket non-blocking");
    closesocket(s);
    return false;
  }
  SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
  /* Without this, an ICMP "port unreachable" from a peer that left makes the next recvfrom fail. */
  BOOL report = FALSE;
  DWORD ignored = 0;
  WSAIoctl(s, SIO_UDP_CONNRESET, &report, sizeof report, NULL, 0, &ignored, NULL, NULL);
  int size = 4 * 1024 * 1024;
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&size, sizeof size);
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char *)&size, sizeof size);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(*port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
    char what[64];
    snprintf(what, sizeof what, "cannot bind UDP 127.0.0.1:%u", (unsigned)*port);
    socket_error(err, errlen, what);
    closesocket(s);
    return false;
  }
  int alen = sizeof addr;
  getsockname(s, (struct sockaddr *)&addr, &alen);
  *port = ntohs(addr.sin_port);
  *out = (sw_socket)s;
  return true;
}

void sw_udp_close(sw_socket sock) { closesocket((SOCKET)sock); }

bool sw_udp_send(sw_socket sock, const void *buf, size_t len, uint16_t port) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sendto((SOCKET)sock, (const char *)buf, (int)len, 0, (struct sockaddr *)&addr, sizeof addr) !=
         SOCKET_ERROR;
}

sw_recv_status sw_udp_recv(sw_socket sock, void *buf, size_t cap, size_t *len, bool *from_loopback,
                           uint16_t *from_port) {
  struct sockaddr_in from;
  int flen = sizeof from;
  int n = recvfrom((SOCKET)sock, (char *)buf, (int)cap, 0, (struct sockaddr *)&from, &flen);
  if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK ? SW_RECV_EMPTY : SW_RECV_ERROR;
  *len = (size_t)n;
  *from_loopback = from.sin_addr.s_addr == htonl(INADDR_LOOPBACK);
  *from_port = ntohs(from.sin_port);
  return SW_RECV_DATAGRAM;
}

#endif
