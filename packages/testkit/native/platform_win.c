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
