/*
 * Everything the fake needs from the operating system, behind one small interface: the clock, the
 * environment, files of the peer registry and the UDP socket. platform_posix.c (Linux, macOS) and
 * platform_win.c (Windows) implement it; each compiles to nothing on the other system, so the build
 * can take every C file in this folder and the rest of the fake has no #ifdef for the platform.
 */
#ifndef STEAMWIRE_FAKE_PLATFORM_H
#define STEAMWIRE_FAKE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A socket handle: a file descriptor on POSIX, a SOCKET on Windows. */
typedef intptr_t sw_socket;
#define SW_NO_SOCKET ((sw_socket)-1)

/* Monotonic time in microseconds (the fake's own clock, sw_now_us, may run on a test's clock file instead). */
int64_t sw_monotonic_us(void);
/* This process's id (seeds, temporary file names). */
int sw_process_id(void);

/*
 * The current value of an environment variable, or NULL. Read from the process environment at call
 * time (on Windows the C runtime keeps a stale copy, so the OS is asked directly); the text is valid
 * until the next call.
 */
const char *sw_getenv(const char *name);

/* Where peers publish their ports when STEAMWIRE_FAKE_PEERS is unset (a per-user temporary folder). */
void sw_default_peers_dir(char *out, size_t size);
/* Creates a directory; an existing one is fine. */
void sw_make_dir(const char *path);
/* Renames `from` to `to`, replacing `to` atomically if it exists. */
bool sw_replace_file(const char *from, const char *to);

/*
 * A non-blocking UDP socket bound to 127.0.0.1:`*port` (0: the system picks, and `*port` is set),
 * not inherited by child processes, with large buffers. On failure, `err` says why.
 */
bool sw_udp_open(uint16_t *port, sw_socket *out, char *err, size_t errlen);
void sw_udp_close(sw_socket sock);
/* Sends one datagram to 127.0.0.1:`port`; false when the system refused it (e.g. a full buffer). */
bool sw_udp_send(sw_socket sock, const void *buf, size_t len, uint16_t port);

/*
 * A file several processes share under a lock (the lobby directory): opened read-write, created if
 * missing, not inherited by child processes. The lock is advisory between users of these calls and
 * blocks until held; reads and writes take an offset and move exactly `len` bytes, or fail.
 */
typedef intptr_t sw_file;
#define SW_NO_FILE ((sw_file)-1)
sw_file sw_file_open(const char *path);
void sw_file_close(sw_file f);
bool sw_file_lock(sw_file f, bool exclusive);
void sw_file_unlock(sw_file f);
/* The file's size in bytes, or -1. */
int64_t sw_file_size(sw_file f);
bool sw_file_read_at(sw_file f, void *buf, size_t len, uint64_t offset);
bool sw_file_write_at(sw_file f, const void *buf, size_t len, uint64_t offset);
bool sw_file_truncate(sw_file f, uint64_t size);

/*
 * Maps the first `size` bytes of the file at `path` read-only and shared, so a write by any process
 * is seen at once (the clock file a test harness moves). NULL on failure, with `err` saying why.
 */
const volatile void *sw_map_file(const char *path, size_t size, char *err, size_t errlen);
void sw_unmap_file(const volatile void *view, size_t size);

typedef enum { SW_RECV_DATAGRAM, SW_RECV_EMPTY, SW_RECV_ERROR } sw_recv_status;
/*
 * Takes one datagram: its length in `*len`, whether it came from 127.0.0.1, and its source port.
 * SW_RECV_EMPTY when nothing is waiting; SW_RECV_ERROR for a transient error (an ICMP refusal).
 */
sw_recv_status sw_udp_recv(sw_socket sock, void *buf, size_t cap, size_t *len, bool *from_loopback,
                           uint16_t *from_port);

#endif
