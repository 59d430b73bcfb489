/*
 * A small C program that loads a fake (or real) Steam library with dlopen (LoadLibrary on Windows)
 * and reports facts as JSON,
 * so the tests can check the library without going through koffi:
 *   probe LIB layout      the fake's own struct sizes/offsets (steamwire_fake_layout)
 *   probe LIB null-self   every interface method called with a NULL self, before and after init: the
 *                         results (all false/0) and the fake's bad-self counter
 *   probe LIB accessors   interface accessors before init, after init and after shutdown (NULL or not)
 *   probe LIB numbers     the numbers the fake runs on, per API (steamwire_fake_numbers)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
static HMODULE lib;
static void *open_library(const char *path) { return lib = LoadLibraryA(path); }
static const char *open_error(void) { return "LoadLibrary failed"; }
static void *lookup(const char *name) { return (void *)GetProcAddress(lib, name); }
#else
#include <dlfcn.h>
static void *lib;
static void *open_library(const char *path) { return lib = dlopen(path, RTLD_NOW | RTLD_LOCAL); }
static const char *open_error(void) { return dlerror(); }
static void *lookup(const char *name) { return dlsym(lib, name); }
#endif

static void *sym(const char *name) {
  void *p = lookup(name);
  if (p == NULL) {
    printf("{\"error\":\"missing symbol %s\"}\n", name);
    fflush(stdout);
    return NULL;
  }
  return p;
}

#define FN(ret, name, ...) ret (*name)(__VA_ARGS__) = (ret(*)(__VA_ARGS__))sym(#name)

static int null_self(void) {
  FN(int, SteamAPI_InitFlat, char *);
  FN(void, SteamAPI_Shutdown, void);
  FN(uint64_t, SteamAPI_ISteamUser_GetSteamID, void *);
  FN(bool, SteamAPI_ISteamNetworking_SendP2PPacket, void *, uint64_t, const void *, uint32_t, int, int);
  FN(bool, SteamAPI_ISteamNetworking_IsP2PPacketAvailable, void *, uint32_t *, int);
  FN(bool, SteamAPI_ISteamNetworking_ReadP2PPacket, void *, void *, uint32_t, uint32_t *, uint64_t *, int);
  FN(bool, SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser, void *, uint64_t);
  FN(bool, SteamAPI_ISteamNetworking_CloseP2PSessionWithUser, void *, uint64_t);
  FN(bool, SteamAPI_ISteamNetworking_CloseP2PChannelWithUser, void *, uint64_t, int);
  FN(bool, SteamAPI_ISteamNetworking_GetP2PSessionState, void *, uint64_t, void *);
  FN(bool, SteamAPI_ISteamNetworking_AllowP2PPacketRelay, void *, bool);
  FN(int, SteamAPI_ISteamNetworkingMessages_SendMessageToUser, void *, const void *, const void *, uint32_t, int, int);
  FN(int, SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel, void *, int, void **, int);
  FN(bool, SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser, void *, const void *);
  FN(bool, SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser, void *, const void *);
  FN(bool, SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser, void *, const void *, int);
  FN(int, SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo, void *, const void *, void *, void *);
  FN(uint64_t, steamwire_fake_bad_self_calls, void);
  if (!SteamAPI_InitFlat || !steamwire_fake_bad_self_calls) return 1;

  const uint64_t peer = 76561197960265729ull;
  uint8_t identity[136] = {16, 0, 0, 0, 8};
  memcpy(identity + 8, &peer, 8);
  uint8_t buf[64], state[20], info[696], status[120];
  uint32_t size = 7;
  uint64_t remote = 7;
  void *msgs[4];
  int nonzero = 0, calls = 0;
  char err[1024];
  for (int round = 0; round < 2; round++) {
    if (round == 1 && SteamAPI_InitFlat(err) != 0) {
      printf("{\"error\":\"init failed: %s\"}\n", err);
      return 1;
    }
#define CHECK(expr) (calls++, nonzero += (expr) != 0)
    CHECK(SteamAPI_ISteamUser_GetSteamID(NULL));
    CHECK(SteamAPI_ISteamNetworking_SendP2PPacket(NULL, peer, buf, 4, 2, 0));
    CHECK(SteamAPI_ISteamNetworking_IsP2PPacketAvailable(NULL, &size, 0));
    CHECK(SteamAPI_ISteamNetworking_ReadP2PPacket(NULL, buf, sizeof buf, &size, &remote, 0));
    CHECK(SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser(NULL, peer));
    CHECK(SteamAPI_ISteamNetworking_CloseP2PSessionWithUser(NULL, peer));
    CHECK(SteamAPI_ISteamNetworking_CloseP2PChannelWithUser(NULL, peer, 0));
    CHECK(SteamAPI_ISteamNetworking_GetP2PSessionState(NULL, peer, state));
    CHECK(SteamAPI_ISteamNetworking_AllowP2PPacketRelay(NULL, true));
    CHECK(SteamAPI_ISteamNetworkingMessages_SendMessageToUser(NULL, identity, buf, 4, 8, 0) == 1);
    CHECK(SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(NULL, 0, msgs, 4));
    CHECK(SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(NULL, identity));
    CHECK(SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(NULL, identity));
    CHECK(SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(NULL, identity, 0));
    CHECK(SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(NULL, identity, info, status));
    CHECK(size != 0 || remote != 0); /* out-parameters are cleared, not left as garbage */
  }
  SteamAPI_Shutdown();
  printf("{\"calls\":%d,\"nonzeroResults\":%d,\"badSelfCalls\":%llu}\n", calls, nonzero,
         (unsigned long long)steamwire_fake_bad_self_calls());
  return 0;
}

static int accessors(void) {
  FN(int, SteamAPI_InitFlat, char *);
  FN(void, SteamAPI_Shutdown, void);
  FN(void *, SteamAPI_SteamUser_v023, void);
  FN(void *, SteamAPI_SteamNetworking_v006, void);
  FN(void *, SteamAPI_SteamNetworkingMessages_SteamAPI_v002, void);
  FN(int, SteamAPI_GetHSteamPipe, void);
  if (!SteamAPI_InitFlat || !SteamAPI_SteamNetworkingMessages_SteamAPI_v002) return 1;
  char err[1024];
  int phase[3][4];
  for (int p = 0; p < 3; p++) {
    if (p == 1 && SteamAPI_InitFlat(err) != 0) {
      printf("{\"error\":\"init failed: %s\"}\n", err);
      return 1;
    }
    if (p == 2) SteamAPI_Shutdown();
    phase[p][0] = SteamAPI_SteamUser_v023() != NULL;
    phase[p][1] = SteamAPI_SteamNetworking_v006() != NULL;
    phase[p][2] = SteamAPI_SteamNetworkingMessages_SteamAPI_v002() != NULL;
    phase[p][3] = SteamAPI_GetHSteamPipe();
  }
  printf("{");
  const char *names[3] = {"beforeInit", "afterInit", "afterShutdown"};
  for (int p = 0; p < 3; p++) {
    printf("%s\"%s\":{\"user\":%s,\"networking\":%s,\"messages\":%s,\"pipe\":%d}", p ? "," : "", names[p],
           phase[p][0] ? "true" : "false", phase[p][1] ? "true" : "false", phase[p][2] ? "true" : "false", phase[p][3]);
  }
  printf("}\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: probe LIB layout|null-self|accessors|numbers\n");
    return 2;
  }
  if (open_library(argv[1]) == NULL) {
    printf("{\"error\":\"cannot load the library: %s\"}\n", open_error());
    return 1;
  }
  if (strcmp(argv[2], "layout") == 0) {
    FN(const char *, steamwire_fake_layout, void);
    if (!steamwire_fake_layout) return 1;
    printf("%s\n", steamwire_fake_layout());
    return 0;
  }
  if (strcmp(argv[2], "numbers") == 0) {
    FN(const char *, steamwire_fake_numbers, void);
    if (!steamwire_fake_numbers) return 1;
    printf("%s\n", steamwire_fake_numbers());
    return 0;
  }
  if (strcmp(argv[2], "null-self") == 0) return null_self();
  if (strcmp(argv[2], "accessors") == 0) return accessors();
  fprintf(stderr, "unknown command %s\n", argv[2]);
  return 2;
}
