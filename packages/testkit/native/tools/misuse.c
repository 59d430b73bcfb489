/*
 * Commits one of the mistakes Valve's library punishes against a fake (or real) Steam library, loaded
 * with dlopen (LoadLibrary on Windows), so the tests can show what the fake's strict mode does with each:
 *   misuse LIB null-self | foreign-self | before-init | after-shutdown | next-callback-twice |
 *              release-twice | use-after-release | sockets-release-twice | sent-message-reused |
 *              allocated-release-twice | null-config-struct | call:NAME:null|foreign|before-init|after-shutdown
 * `call:` calls the ISteamNetworkingSockets/Utils method NAME with that `self` and zero arguments.
 * It prints "survived" and exits 0 when the library let the mistake pass (strict mode off).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../steam_types.h"

#ifdef _WIN32
#include <windows.h>
static HMODULE lib;
static bool open_library(const char *path) { return (lib = LoadLibraryA(path)) != NULL; }
static const char *open_error(void) { return "LoadLibrary failed"; }
static void *lookup(const char *name) { return (void *)GetProcAddress(lib, name); }
static void pause_ms(int ms) { Sleep((DWORD)ms); }
#else
#include <dlfcn.h>
#include <unistd.h>
static void *lib;
static bool open_library(const char *path) { return (lib = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != NULL; }
static const char *open_error(void) { return dlerror(); }
static void *lookup(const char *name) { return dlsym(lib, name); }
static void pause_ms(int ms) { usleep((useconds_t)ms * 1000); }
#endif

#define FN(ret, name, ...) ret (*name)(__VA_ARGS__) = (ret(*)(__VA_ARGS__))lookup(#name)

/* A valid individual SteamID nobody has. */
static const uint64_t NOBODY = 0x0110000100000000ull | 0x7654321u;

static int init(void) {
  FN(int, SteamAPI_InitFlat, char *);
  char err[1024];
  if (SteamAPI_InitFlat == NULL || SteamAPI_InitFlat(err) != 0) {
    fprintf(stderr, "init failed: %s\n", SteamAPI_InitFlat ? err : "no SteamAPI_InitFlat");
    return 1;
  }
  return 0;
}

/* A message from ourselves on the Messages API (the fake loops a send to oneself back locally). */
static SteamNetworkingMessage_t *own_message(void) {
  FN(void *, SteamAPI_SteamNetworkingMessages_SteamAPI_v002, void);
  FN(uint64_t, SteamAPI_ISteamUser_GetSteamID, void *);
  FN(void *, SteamAPI_SteamUser_v023, void);
  FN(int, SteamAPI_ISteamNetworkingMessages_SendMessageToUser, void *, const SteamNetworkingIdentity *, const void *,
     uint32_t, int, int);
  FN(int, SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel, void *, int, SteamNetworkingMessage_t **, int);
  void *messages = SteamAPI_SteamNetworkingMessages_SteamAPI_v002();
  SteamNetworkingIdentity me;
  memset(&me, 0, sizeof me);
  me.m_eType = k_ESteamNetworkingIdentityType_SteamID;
  me.m_cbSize = 8;
  me.m_steamID64 = SteamAPI_ISteamUser_GetSteamID(SteamAPI_SteamUser_v023());
  SteamAPI_ISteamNetworkingMessages_SendMessageToUser(messages, &me, "hi", 2, k_nSteamNetworkingSend_Reliable, 3);
  SteamNetworkingMessage_t *msg = NULL;
  if (SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(messages, 3, &msg, 1) != 1) return NULL;
  return msg;
}

/* Two connected ends of an in-process pipe, with one message from `a` waiting at `b`. */
static SteamNetworkingMessage_t *pipe_message(void *sockets) {
  FN(bool, SteamAPI_ISteamNetworkingSockets_CreateSocketPair, void *, uint32_t *, uint32_t *, bool, const void *,
     const void *);
  FN(int, SteamAPI_ISteamNetworkingSockets_SendMessageToConnection, void *, uint32_t, const void *, uint32_t, int,
     int64_t *);
  FN(int, SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnConnection, void *, uint32_t, SteamNetworkingMessage_t **,
     int);
  uint32_t a = 0, b = 0;
  if (!SteamAPI_ISteamNetworkingSockets_CreateSocketPair(sockets, &a, &b, false, NULL, NULL)) return NULL;
  SteamAPI_ISteamNetworkingSockets_SendMessageToConnection(sockets, a, "hi", 2, 9 /* ReliableNoNagle */, NULL);
  SteamNetworkingMessage_t *msg = NULL;
  for (int i = 0; i < 100 && msg == NULL; i++) {
    if (SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnConnection(sockets, b, &msg, 1) != 1) msg = NULL;
    if (msg == NULL) pause_ms(1);
  }
  return msg;
}

typedef uintptr_t (*any_method)(void *, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t);

/* call:NAME:SELF — NAME with a bad `self` (or before init, or after shutdown) and zeros for the rest. */
static int bad_call(const char *spec) {
  char name[160];
  const char *colon = strrchr(spec, ':');
  if (colon == NULL || (size_t)(colon - spec) >= sizeof name) return 2;
  memcpy(name, spec, (size_t)(colon - spec));
  name[colon - spec] = '\0';
  const char *how = colon + 1;
  any_method method = (any_method)lookup(name);
  if (method == NULL) {
    fprintf(stderr, "no symbol %s\n", name);
    return 2;
  }
  if (strcmp(how, "before-init") == 0) {
    method(NULL, 0, 0, 0, 0, 0);
    return 0;
  }
  if (init() != 0) return 1;
  FN(void *, SteamAPI_SteamNetworkingSockets_SteamAPI_v012, void);
  FN(void *, SteamAPI_SteamNetworkingUtils_SteamAPI_v004, void);
  FN(void, SteamAPI_Shutdown, void);
  void *self = strstr(name, "NetworkingUtils") != NULL ? SteamAPI_SteamNetworkingUtils_SteamAPI_v004()
                                                        : SteamAPI_SteamNetworkingSockets_SteamAPI_v012();
  static uint64_t not_an_interface;
  if (strcmp(how, "null") == 0) self = NULL;
  else if (strcmp(how, "foreign") == 0) self = &not_an_interface;
  else if (strcmp(how, "after-shutdown") == 0) SteamAPI_Shutdown();
  else return 2;
  method(self, 0, 0, 0, 0, 0);
  return 0;
}

static int mistake(const char *what) {
  if (strncmp(what, "call:", 5) == 0) return bad_call(what + 5);
  FN(void *, SteamAPI_SteamNetworking_v006, void);
  FN(bool, SteamAPI_ISteamNetworking_SendP2PPacket, void *, uint64_t, const void *, uint32_t, int, int);
  FN(void, SteamAPI_Shutdown, void);
  FN(HSteamPipe, SteamAPI_GetHSteamPipe, void);
  FN(void, SteamAPI_ManualDispatch_RunFrame, HSteamPipe);
  FN(bool, SteamAPI_ManualDispatch_GetNextCallback, HSteamPipe, CallbackMsg_t *);
  FN(void, SteamAPI_SteamNetworkingMessage_t_Release, SteamNetworkingMessage_t *);
  FN(uint64_t, SteamAPI_SteamNetworkingIdentity_GetSteamID64, SteamNetworkingIdentity *);
  if (strcmp(what, "before-init") == 0) {
    SteamAPI_ISteamNetworking_SendP2PPacket(NULL, NOBODY, "x", 1, 2, 0);
    return 0;
  }
  if (init() != 0) return 1;
  void *networking = SteamAPI_SteamNetworking_v006();
  if (strcmp(what, "null-self") == 0) {
    SteamAPI_ISteamNetworking_SendP2PPacket(NULL, NOBODY, "x", 1, 2, 0);
  } else if (strcmp(what, "foreign-self") == 0) {
    static uint64_t not_an_interface;
    SteamAPI_ISteamNetworking_SendP2PPacket(&not_an_interface, NOBODY, "x", 1, 2, 0);
  } else if (strcmp(what, "after-shutdown") == 0) {
    SteamAPI_Shutdown();
    SteamAPI_ISteamNetworking_SendP2PPacket(networking, NOBODY, "x", 1, 2, 0);
  } else if (strcmp(what, "next-callback-twice") == 0) {
    /* A connect-fail (the caller sets a 1 ms connect timeout) is the callback to fetch. */
    SteamAPI_ISteamNetworking_SendP2PPacket(networking, NOBODY, "x", 1, 2, 0);
    pause_ms(20);
    HSteamPipe pipe = SteamAPI_GetHSteamPipe();
    SteamAPI_ManualDispatch_RunFrame(pipe);
    CallbackMsg_t msg;
    if (!SteamAPI_ManualDispatch_GetNextCallback(pipe, &msg)) {
      fprintf(stderr, "no callback to fetch\n");
      return 1;
    }
    SteamAPI_ManualDispatch_GetNextCallback(pipe, &msg);
  } else if (strcmp(what, "release-twice") == 0) {
    SteamNetworkingMessage_t *msg = own_message();
    if (msg == NULL) return 1;
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
  } else if (strcmp(what, "use-after-release") == 0) {
    SteamNetworkingMessage_t *msg = own_message();
    if (msg == NULL) return 1;
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
    SteamAPI_SteamNetworkingIdentity_GetSteamID64(&msg->m_identityPeer);
  } else if (strcmp(what, "sockets-release-twice") == 0) {
    FN(void *, SteamAPI_SteamNetworkingSockets_SteamAPI_v012, void);
    SteamNetworkingMessage_t *msg = pipe_message(SteamAPI_SteamNetworkingSockets_SteamAPI_v012());
    if (msg == NULL) return 1;
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
  } else if (strcmp(what, "sent-message-reused") == 0) {
    /* SendMessages owns (and releases) every message it is given: handing one over twice is a use after release. */
    FN(void *, SteamAPI_SteamNetworkingSockets_SteamAPI_v012, void);
    FN(void *, SteamAPI_SteamNetworkingUtils_SteamAPI_v004, void);
    FN(SteamNetworkingMessage_t *, SteamAPI_ISteamNetworkingUtils_AllocateMessage, void *, int);
    FN(void, SteamAPI_ISteamNetworkingSockets_SendMessages, void *, int, SteamNetworkingMessage_t *const *, int64_t *);
    void *sockets = SteamAPI_SteamNetworkingSockets_SteamAPI_v012();
    SteamNetworkingMessage_t *msg = SteamAPI_ISteamNetworkingUtils_AllocateMessage(SteamAPI_SteamNetworkingUtils_SteamAPI_v004(), 4);
    if (msg == NULL) return 1;
    int64_t result = 0;
    SteamAPI_ISteamNetworkingSockets_SendMessages(sockets, 1, &msg, &result);
    SteamAPI_ISteamNetworkingSockets_SendMessages(sockets, 1, &msg, &result);
  } else if (strcmp(what, "allocated-release-twice") == 0) {
    FN(void *, SteamAPI_SteamNetworkingUtils_SteamAPI_v004, void);
    FN(SteamNetworkingMessage_t *, SteamAPI_ISteamNetworkingUtils_AllocateMessage, void *, int);
    SteamNetworkingMessage_t *msg = SteamAPI_ISteamNetworkingUtils_AllocateMessage(SteamAPI_SteamNetworkingUtils_SteamAPI_v004(), 4);
    if (msg == NULL) return 1;
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
    SteamAPI_SteamNetworkingMessage_t_Release(msg);
  } else if (strcmp(what, "null-config-struct") == 0) {
    FN(void, SteamAPI_SteamNetworkingConfigValue_t_SetInt32, void *, int, int32_t);
    SteamAPI_SteamNetworkingConfigValue_t_SetInt32(NULL, 24, 1000);
  } else {
    fprintf(stderr, "unknown mistake %s\n", what);
    return 2;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: misuse LIB MISTAKE\n");
    return 2;
  }
  if (!open_library(argv[1])) {
    fprintf(stderr, "cannot load %s: %s\n", argv[1], open_error());
    return 1;
  }
  int rc = mistake(argv[2]);
  if (rc == 0) printf("survived\n");
  return rc;
}
