/*
 * The C baseline of the `ffi_ns_per_packet` benchmark: the same loop the binding runs through koffi
 * (legacy SendP2PPacket to self + IsP2PPacketAvailable + ReadP2PPacket of a 100-byte packet), called
 * directly through dlsym'd pointers. Prints one JSON object: {"nsPerPacket":..., "packets":...}.
 *   ffi_loop LIB [PACKETS]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ffi_loop LIB [PACKETS]\n");
    return 2;
  }
  long packets = argc > 2 ? atol(argv[2]) : 1000000;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  int (*init)(char *) = (int (*)(char *))dlsym(lib, "SteamAPI_InitFlat");
  void (*shutdown)(void) = (void (*)(void))dlsym(lib, "SteamAPI_Shutdown");
  void *(*networking)(void) = (void *(*)(void))dlsym(lib, "SteamAPI_SteamNetworking_v006");
  void *(*user)(void) = (void *(*)(void))dlsym(lib, "SteamAPI_SteamUser_v023");
  uint64_t (*get_id)(void *) = (uint64_t(*)(void *))dlsym(lib, "SteamAPI_ISteamUser_GetSteamID");
  bool (*send)(void *, uint64_t, const void *, uint32_t, int, int) =
      (bool (*)(void *, uint64_t, const void *, uint32_t, int, int))dlsym(lib, "SteamAPI_ISteamNetworking_SendP2PPacket");
  bool (*avail)(void *, uint32_t *, int) = (bool (*)(void *, uint32_t *, int))dlsym(lib, "SteamAPI_ISteamNetworking_IsP2PPacketAvailable");
  bool (*read)(void *, void *, uint32_t, uint32_t *, uint64_t *, int) =
      (bool (*)(void *, void *, uint32_t, uint32_t *, uint64_t *, int))dlsym(lib, "SteamAPI_ISteamNetworking_ReadP2PPacket");
  if (!init || !shutdown || !networking || !user || !get_id || !send || !avail || !read) {
    fprintf(stderr, "missing symbols\n");
    return 1;
  }
  char err[1024];
  if (init(err) != 0) {
    fprintf(stderr, "init failed: %s\n", err);
    return 1;
  }
  void *net = networking();
  uint64_t self_id = get_id(user());
  uint8_t payload[100] = {1}, out[1200];
  uint32_t size;
  uint64_t remote;
  long received = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < packets; i++) {
    send(net, self_id, payload, sizeof payload, 0, 0);
    if (avail(net, &size, 0) && read(net, out, size, &size, &remote, 0)) received++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  shutdown();
  double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  printf("{\"nsPerPacket\":%.1f,\"packets\":%ld,\"received\":%ld}\n", ns / (double)packets, packets, received);
  return received == packets ? 0 : 1;
}
