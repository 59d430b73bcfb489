/*
 * The C baseline of `ffi_ns_per_packet`: the same send + available + read loop of a 100-byte packet,
 * called directly from C against the same stub library the JS benchmark uses (dlopen, no FFI layer).
 * Usage: c-loop LIBRARY ITERATIONS  → prints nanoseconds per packet.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  int (*init)(char *) = (int (*)(char *))dlsym(lib, "SteamAPI_InitFlat");
  void *(*networking)(void) = (void *(*)(void))dlsym(lib, "SteamAPI_SteamNetworking_v006");
  void (*echo)(bool) = (void (*)(bool))dlsym(lib, "Stub_SetEcho");
  bool (*send)(void *, uint64_t, const void *, uint32_t, int, int) =
      (bool (*)(void *, uint64_t, const void *, uint32_t, int, int))dlsym(lib, "SteamAPI_ISteamNetworking_SendP2PPacket");
  bool (*avail)(void *, uint32_t *, int) = (bool (*)(void *, uint32_t *, int))dlsym(lib, "SteamAPI_ISteamNetworking_IsP2PPacketAvailable");
  bool (*readp)(void *, void *, uint32_t, uint32_t *, uint64_t *, int) =
      (bool (*)(void *, void *, uint32_t, uint32_t *, uint64_t *, int))dlsym(lib, "SteamAPI_ISteamNetworking_ReadP2PPacket");
  char err[1024];
  if (init(err) != 0) return 1;
  echo(true);
  void *self = networking();
  uint8_t data[100] = {0}, buf[1200];
  uint32_t size; uint64_t from; long n = atol(argv[2]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++) {
    send(self, 76561198000000002ULL, data, sizeof data, 0, 0);
    if (!avail(self, &size, 0)) return 1;
    uint8_t *copy = malloc(size); /* the JS side returns a fresh copy too */
    readp(self, buf, size, &size, &from, 0);
    for (uint32_t k = 0; k < size; k++) copy[k] = buf[k];
    free(copy);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)n);
  return 0;
}
