/*
 * Init, shutdown, interface accessors, manual callback dispatch and the debug exports.
 *
 * Identity and network come from environment variables read at SteamAPI_InitFlat time, so a
 * process that shuts down and initialises again (or loads several copies of this library) can be
 * a different peer each time:
 *   STEAMWIRE_FAKE_STEAMID            decimal SteamID64 of this peer (default: a random individual id)
 *   STEAMWIRE_FAKE_PORT               UDP port on 127.0.0.1 (0 or unset: the kernel picks)
 *   STEAMWIRE_FAKE_PEERS              a directory (file `<steamid>` holds the port) or `id=port,id=port`
 *   STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS connect-fail after this long without an answer (default: Steam's, numbers.c)
 *   STEAMWIRE_FAKE_REPOST_MS          legacy session request re-post interval (default 1000)
 *   STEAMWIRE_FAKE_NAGLE_MS           how long buffered reliable sends wait (default 200 legacy, 5 Messages)
 *   STEAMWIRE_FAKE_CLOCK_FILE         time comes from this 8-byte file of microseconds (clock.c)
 *   STEAMWIRE_FAKE_STRICT             1: abort on the mistakes Valve's library punishes (strict.c)
 *   STEAMWIRE_FAKE_LOSS               probability 0..1 of dropping each outgoing datagram (default 0)
 *   STEAMWIRE_FAKE_INIT_RESULT        1, 2 or 3: fail init that way, with a Valve-like message
 *   STEAMWIRE_FAKE_STEAM_RUNNING      0/false: IsSteamRunning returns false (read at call time)
 * and, for lobbies and friends (lobby.c): STEAMWIRE_FAKE_LOBBIES, STEAMWIRE_FAKE_FRIENDS,
 * STEAMWIRE_FAKE_PERSONA_NAME, STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "lobby.h"
#include "sockets.h"

sw_state g_sw = {.sock = SW_NO_SOCKET};

/* Non-NULL dummy objects standing in for Valve's interface pointers. */
const uint64_t g_sw_iface_user = 0x5553455255534552ull;
const uint64_t g_sw_iface_networking = 0x4e4554574f524b31ull;
const uint64_t g_sw_iface_messages = 0x4d45535341474553ull;

#define SW_PIPE 1
#define SW_USER 1

static bool equals_ignoring_case(const char *a, const char *b) {
  while (*a != '\0' && tolower((unsigned char)*a) == tolower((unsigned char)*b)) a++, b++;
  return *a == '\0' && *b == '\0';
}

/* Time: the clock file a test harness moves (clock.c), else the system's monotonic clock. */
int64_t sw_now_us(void) { return sw_clock_manual() ? sw_clock_read_us() : sw_monotonic_us(); }

/* Valve's library dereferences `self` and crashes on NULL; the fake refuses and counts instead,
 * so a test can assert that the binding never made such a call, or aborts in strict mode. */
bool sw_check_self_at(const void *self, const void *expected, const char *function) {
  g_sw.counters.api_calls++;
  if (self == expected && g_sw.initialized) return true;
  g_sw.counters.bad_self_calls++;
  if (sw_strict()) {
    if (!g_sw.initialized)
      sw_strict_fail("%s called before SteamAPI_InitFlat succeeded or after SteamAPI_Shutdown: Valve's library would crash",
                     function);
    if (self == NULL)
      sw_strict_fail("%s called with a NULL interface pointer as self: Valve's library dereferences it and crashes",
                     function);
    sw_strict_fail("%s called with 0x%" PRIxPTR " as self, which is not this library's interface pointer", function,
                   (uintptr_t)self);
  }
  return false;
}

/* CSteamID::IsValid: universe 1..4, account type 1..10, individual accounts need an account id. */
bool sw_steamid_valid(uint64_t id) {
  unsigned universe = (unsigned)(id >> 56);
  unsigned type = (unsigned)((id >> 52) & 0xf);
  if (universe < 1 || universe > 4) return false;
  if (type < 1 || type > 10) return false;
  if (type == 1 && (uint32_t)id == 0) return false;
  return true;
}

uint64_t sw_random(void) {
  /* xorshift64*: reproducible per seed, good enough for loss simulation and epochs. */
  uint64_t x = g_sw.rng ? g_sw.rng : 0x9e3779b97f4a7c15ull;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  g_sw.rng = x;
  return x * 0x2545f4914f6cdd1dull;
}

static int64_t env_int(const char *name, int64_t fallback, int64_t min, int64_t max) {
  const char *v = sw_getenv(name);
  if (v == NULL || *v == '\0') return fallback;
  char *end = NULL;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0' || n < min || n > max) return fallback;
  return n;
}

static void set_err(char *out, const char *msg) {
  if (out == NULL) return;
  snprintf(out, STEAM_ERR_MSG_BYTES, "%s", msg);
}

static int fail_init(char *err, int rc, const char *msg) {
  set_err(err, msg);
  /* Valve's library also reports on stderr; keep that habit so logs look familiar. */
  fprintf(stderr, "[S_API] SteamAPI_Init(): %s\n", msg);
  return rc;
}

/* ESteamAPIInitResult SteamAPI_InitFlat(SteamErrMsg *pOutErrMsg) */
SW_EXPORT int SteamAPI_InitFlat(char *pOutErrMsg) {
  g_sw.counters.api_calls++;
  set_err(pOutErrMsg, "");
  if (g_sw.initialized) return k_ESteamAPIInitResult_OK; /* Valve's init is idempotent too */

  int64_t forced = env_int("STEAMWIRE_FAKE_INIT_RESULT", 0, 0, 3);
  if (forced == 1)
    return fail_init(pOutErrMsg, 1, "Failed to load module '~/.steam/sdk64/steamclient.so' (fake Steam: forced)");
  if (forced == 2)
    return fail_init(pOutErrMsg, 2,
                     "Cannot create IPC pipe to Steam client process.  Steam is probably not running. (fake Steam: forced)");
  if (forced == 3)
    return fail_init(pOutErrMsg, 3,
                     "Steam client is out of date, please update the Steam client (fake Steam: forced)");

  const char *sid = sw_getenv("STEAMWIRE_FAKE_STEAMID");
  if (sid != NULL && *sid != '\0') {
    char *end = NULL;
    errno = 0;
    unsigned long long id = strtoull(sid, &end, 10);
    if (errno != 0 || *end != '\0' || !sw_steamid_valid(id))
      return fail_init(pOutErrMsg, 1, "fake Steam: STEAMWIRE_FAKE_STEAMID is not a valid decimal SteamID64");
    g_sw.steam_id = id;
  } else {
    g_sw.rng = (uint64_t)sw_now_us() ^ ((uint64_t)sw_process_id() << 32);
    g_sw.steam_id = 0x0110000100000000ull | (uint32_t)((sw_random() % 0xfffffff0u) + 1);
  }
  g_sw.rng = g_sw.steam_id ^ (uint64_t)sw_now_us() ^ 0xd1b54a32d192ed03ull;

  sw_numbers_init();
  const char *strict = sw_getenv("STEAMWIRE_FAKE_STRICT");
  g_sw.strict = strict != NULL && *strict != '\0' && strcmp(strict, "0") != 0 && !equals_ignoring_case(strict, "false");
  /* The per-API numbers live in g_sw.numbers; these mirror the GNS-based APIs' for older callers. */
  g_sw.connect_timeout_us = sw_numbers_of(SW_API_MESSAGES)->connect_timeout_us;
  g_sw.repost_us = sw_numbers_of(SW_API_LEGACY)->repost_us;
  g_sw.nagle_us = sw_numbers_of(SW_API_MESSAGES)->nagle_us;
  /* Probes while connecting: often enough that a re-post always has fresh traffic to answer. */
  g_sw.hello_us = g_sw.repost_us / 5 < 100000 ? g_sw.repost_us / 5 : 100000;
  if (g_sw.hello_us < 1000) g_sw.hello_us = 1000;
  const char *loss = sw_getenv("STEAMWIRE_FAKE_LOSS");
  g_sw.loss = loss ? strtod(loss, NULL) : 0.0;
  if (!(g_sw.loss >= 0.0 && g_sw.loss <= 1.0)) g_sw.loss = 0.0;
  g_sw.allow_relay = true;

  const char *peers = sw_getenv("STEAMWIRE_FAKE_PEERS");
  g_sw.peers_is_list = peers != NULL && strchr(peers, '=') != NULL;
  g_sw.peers_dir[0] = '\0';
  g_sw.peers_list[0] = '\0';
  if (g_sw.peers_is_list) {
    snprintf(g_sw.peers_list, sizeof g_sw.peers_list, "%s", peers);
  } else if (peers != NULL && *peers != '\0') {
    snprintf(g_sw.peers_dir, sizeof g_sw.peers_dir, "%s", peers);
  } else {
    sw_default_peers_dir(g_sw.peers_dir, sizeof g_sw.peers_dir);
  }
  g_sw.port = (uint16_t)env_int("STEAMWIRE_FAKE_PORT", 0, 0, 65535);

  char err[256];
  if (!sw_clock_open(err, sizeof err)) return fail_init(pOutErrMsg, 1, err);
  if (!sw_wire_open(err, sizeof err)) {
    sw_clock_close();
    return fail_init(pOutErrMsg, 1, err);
  }

  g_sw.last_pump_us = 0;
  g_sw.next_message_number = 1;
  g_sw.initialized = true;
  sw_lobby_init();
  return k_ESteamAPIInitResult_OK;
}

SW_EXPORT void SteamAPI_Shutdown(void) {
  g_sw.counters.api_calls++;
  if (!g_sw.initialized) return;
  g_sw.initialized = false;
  sw_lobby_shutdown();
  sw_sessions_clear();
  sw_sockets_clear();
  sw_inbox_clear();
  sw_callbacks_clear();
  sw_wire_close();
  sw_strict_clear();
  sw_clock_close();
}

SW_EXPORT bool SteamAPI_IsSteamRunning(void) {
  g_sw.counters.api_calls++;
  const char *v = sw_getenv("STEAMWIRE_FAKE_STEAM_RUNNING");
  if (v == NULL || *v == '\0') return true;
  return !(strcmp(v, "0") == 0 || equals_ignoring_case(v, "false") || equals_ignoring_case(v, "no"));
}

/* Never restarts anything: Valve's version may exec steam.sh, which a fake must not imitate. */
SW_EXPORT bool SteamAPI_RestartAppIfNecessary(uint32_t unOwnAppID) {
  (void)unOwnAppID;
  g_sw.counters.api_calls++;
  return false;
}

SW_EXPORT HSteamPipe SteamAPI_GetHSteamPipe(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? SW_PIPE : 0;
}

SW_EXPORT HSteamUser SteamAPI_GetHSteamUser(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? SW_USER : 0;
}

SW_EXPORT void SteamAPI_ManualDispatch_Init(void) { g_sw.counters.api_calls++; }

/* Manual dispatch before init (or after shutdown) has no pipe to work on: Valve's library crashes. */
static bool dispatch_ready(const char *function) {
  if (g_sw.initialized) return true;
  if (sw_strict()) sw_strict_fail("%s called before SteamAPI_InitFlat succeeded or after SteamAPI_Shutdown", function);
  return false;
}

SW_EXPORT void SteamAPI_ManualDispatch_RunFrame(HSteamPipe pipe) {
  g_sw.counters.api_calls++;
  if (!dispatch_ready(__func__) || pipe != SW_PIPE) return;
  sw_pump(true);
  sw_lobby_pump();
}

SW_EXPORT bool SteamAPI_ManualDispatch_GetNextCallback(HSteamPipe pipe, CallbackMsg_t *out) {
  g_sw.counters.api_calls++;
  if (!dispatch_ready(__func__) || pipe != SW_PIPE || out == NULL) return false;
  /* Valve asserts when the previous callback was not freed; the fake frees it on the caller's behalf. */
  if (g_sw.cb_current != NULL) {
    if (sw_strict())
      sw_strict_fail("SteamAPI_ManualDispatch_GetNextCallback called again before SteamAPI_ManualDispatch_FreeLastCallback "
                     "freed the previous callback: Valve's library asserts");
    free(g_sw.cb_current);
    g_sw.cb_current = NULL;
  }
  sw_callback *cb = g_sw.cb_head;
  if (cb == NULL) return false;
  g_sw.cb_head = cb->next;
  if (g_sw.cb_head == NULL) g_sw.cb_tail = NULL;
  cb->next = NULL;
  g_sw.cb_current = cb;
  out->m_hSteamUser = SW_USER;
  out->m_iCallback = cb->id;
  out->m_pubParam = cb->data;
  out->m_cubParam = cb->size;
  return true;
}

SW_EXPORT void SteamAPI_ManualDispatch_FreeLastCallback(HSteamPipe pipe) {
  g_sw.counters.api_calls++;
  (void)pipe;
  if (!dispatch_ready(__func__)) return;
  free(g_sw.cb_current);
  g_sw.cb_current = NULL;
}

/* Call results of the lobby API (lobby_events.c): copied once, exactly as posted with the 703. */
SW_EXPORT bool SteamAPI_ManualDispatch_GetAPICallResult(HSteamPipe pipe, SteamAPICall_t call, void *pCallback,
                                                        int cubCallback, int iCallbackExpected, bool *pbFailed) {
  g_sw.counters.api_calls++;
  if (!g_sw.initialized || pipe != SW_PIPE) {
    if (pbFailed != NULL) *pbFailed = true;
    return false;
  }
  return sw_call_take(call, pCallback, cubCallback, iCallbackExpected, pbFailed);
}

SW_EXPORT void *SteamAPI_SteamUser_v023(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_user : NULL;
}

SW_EXPORT void *SteamAPI_SteamNetworking_v006(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_networking : NULL;
}

SW_EXPORT void *SteamAPI_SteamNetworkingMessages_SteamAPI_v002(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_messages : NULL;
}

SW_EXPORT uint64_t SteamAPI_ISteamUser_GetSteamID(void *self) {
  if (!sw_check_self(self, &g_sw_iface_user)) return 0;
  return g_sw.steam_id;
}

/* ---- debug exports (not part of Valve's API): for the testkit's tests and benchmarks ---- */

/** Sizes and offsets of every struct the fake shares with the binding, as one JSON object. */
SW_EXPORT const char *steamwire_fake_layout(void) {
  static char json[4096];
#define F(t, f) "\"" #f "\":%zu"
  snprintf(json, sizeof json,
           "{\"CallbackMsg_t\":{\"size\":%zu," F(x, m_hSteamUser) "," F(x, m_iCallback) "," F(x, m_pubParam) "," F(x, m_cubParam) "},"
           "\"P2PSessionState_t\":{\"size\":%zu," F(x, m_bConnectionActive) "," F(x, m_bConnecting) "," F(x, m_eP2PSessionError) "," F(x, m_bUsingRelay) "," F(x, m_nBytesQueuedForSend) "," F(x, m_nPacketsQueuedForSend) "," F(x, m_nRemoteIP) "," F(x, m_nRemotePort) "},"
           "\"P2PSessionRequest_t\":{\"size\":%zu," F(x, m_steamIDRemote) "},"
           "\"P2PSessionConnectFail_t\":{\"size\":%zu," F(x, m_steamIDRemote) "," F(x, m_eP2PSessionError) "},"
           "\"SteamNetworkingIdentity\":{\"size\":%zu," F(x, m_eType) "," F(x, m_cbSize) "," F(x, m_steamID64) "},"
           "\"SteamNetworkingIPAddr\":{\"size\":%zu," F(x, m_port) "},"
           "\"SteamNetworkingMessagesSessionRequest_t\":{\"size\":%zu," F(x, m_identityRemote) "},"
           "\"SteamNetworkingMessagesSessionFailed_t\":{\"size\":%zu," F(x, m_info) "},"
           "\"SteamNetConnectionInfo_t\":{\"size\":%zu," F(x, m_identityRemote) "," F(x, m_nUserData) "," F(x, m_hListenSocket) "," F(x, m_addrRemote) "," F(x, m_idPOPRemote) "," F(x, m_idPOPRelay) "," F(x, m_eState) "," F(x, m_eEndReason) "," F(x, m_szEndDebug) "," F(x, m_szConnectionDescription) "," F(x, m_nFlags) "},"
           "\"SteamNetConnectionRealTimeStatus_t\":{\"size\":%zu," F(x, m_eState) "," F(x, m_nPing) "," F(x, m_cbPendingUnreliable) "," F(x, m_cbPendingReliable) "," F(x, m_cbSentUnackedReliable) "," F(x, m_usecQueueTime) "},"
           "\"SteamNetworkingMessage_t\":{\"size\":%zu," F(x, m_pData) "," F(x, m_cbSize) "," F(x, m_conn) "," F(x, m_identityPeer) "," F(x, m_nConnUserData) "," F(x, m_usecTimeReceived) "," F(x, m_nMessageNumber) "," F(x, m_pfnFreeData) "," F(x, m_pfnRelease) "," F(x, m_nChannel) "," F(x, m_nFlags) "," F(x, m_nUserData) "," F(x, m_idxLane) "}}",
           sizeof(CallbackMsg_t), offsetof(CallbackMsg_t, m_hSteamUser), offsetof(CallbackMsg_t, m_iCallback),
           offsetof(CallbackMsg_t, m_pubParam), offsetof(CallbackMsg_t, m_cubParam),
           sizeof(P2PSessionState_t), offsetof(P2PSessionState_t, m_bConnectionActive),
           offsetof(P2PSessionState_t, m_bConnecting), offsetof(P2PSessionState_t, m_eP2PSessionError),
           offsetof(P2PSessionState_t, m_bUsingRelay), offsetof(P2PSessionState_t, m_nBytesQueuedForSend),
           offsetof(P2PSessionState_t, m_nPacketsQueuedForSend), offsetof(P2PSessionState_t, m_nRemoteIP),
           offsetof(P2PSessionState_t, m_nRemotePort),
           sizeof(P2PSessionRequest_t), offsetof(P2PSessionRequest_t, m_steamIDRemote),
           sizeof(P2PSessionConnectFail_t), offsetof(P2PSessionConnectFail_t, m_steamIDRemote),
           offsetof(P2PSessionConnectFail_t, m_eP2PSessionError),
           sizeof(SteamNetworkingIdentity), offsetof(SteamNetworkingIdentity, m_eType),
           offsetof(SteamNetworkingIdentity, m_cbSize), offsetof(SteamNetworkingIdentity, m_steamID64),
           sizeof(SteamNetworkingIPAddr), offsetof(SteamNetworkingIPAddr, m_port),
           sizeof(SteamNetworkingMessagesSessionRequest_t), offsetof(SteamNetworkingMessagesSessionRequest_t, m_identityRemote),
           sizeof(SteamNetworkingMessagesSessionFailed_t), offsetof(SteamNetworkingMessagesSessionFailed_t, m_info),
           sizeof(SteamNetConnectionInfo_t), offsetof(SteamNetConnectionInfo_t, m_identityRemote),
           offsetof(SteamNetConnectionInfo_t, m_nUserData), offsetof(SteamNetConnectionInfo_t, m_hListenSocket),
           offsetof(SteamNetConnectionInfo_t, m_addrRemote), offsetof(SteamNetConnectionInfo_t, m_idPOPRemote),
           offsetof(SteamNetConnectionInfo_t, m_idPOPRelay), offsetof(SteamNetConnectionInfo_t, m_eState),
           offsetof(SteamNetConnectionInfo_t, m_eEndReason), offsetof(SteamNetConnectionInfo_t, m_szEndDebug),
           offsetof(SteamNetConnectionInfo_t, m_szConnectionDescription), offsetof(SteamNetConnectionInfo_t, m_nFlags),
           sizeof(SteamNetConnectionRealTimeStatus_t), offsetof(SteamNetConnectionRealTimeStatus_t, m_eState),
           offsetof(SteamNetConnectionRealTimeStatus_t, m_nPing), offsetof(SteamNetConnectionRealTimeStatus_t, m_cbPendingUnreliable),
           offsetof(SteamNetConnectionRealTimeStatus_t, m_cbPendingReliable),
           offsetof(SteamNetConnectionRealTimeStatus_t, m_cbSentUnackedReliable),
           offsetof(SteamNetConnectionRealTimeStatus_t, m_usecQueueTime),
           sizeof(SteamNetworkingMessage_t), offsetof(SteamNetworkingMessage_t, m_pData),
           offsetof(SteamNetworkingMessage_t, m_cbSize), offsetof(SteamNetworkingMessage_t, m_conn),
           offsetof(SteamNetworkingMessage_t, m_identityPeer), offsetof(SteamNetworkingMessage_t, m_nConnUserData),
           offsetof(SteamNetworkingMessage_t, m_usecTimeReceived), offsetof(SteamNetworkingMessage_t, m_nMessageNumber),
           offsetof(SteamNetworkingMessage_t, m_pfnFreeData), offsetof(SteamNetworkingMessage_t, m_pfnRelease),
           offsetof(SteamNetworkingMessage_t, m_nChannel), offsetof(SteamNetworkingMessage_t, m_nFlags),
           offsetof(SteamNetworkingMessage_t, m_nUserData), offsetof(SteamNetworkingMessage_t, m_idxLane));
#undef F
  return json;
}

/** Counters since load: API calls, calls with a bad/NULL `self`, datagrams, retransmissions. */
SW_EXPORT const char *steamwire_fake_counters(void) {
  static char json[512];
  const sw_counters *c = &g_sw.counters;
  snprintf(json, sizeof json,
           "{\"apiCalls\":%llu,\"badSelfCalls\":%llu,\"receiveCalls\":%llu,\"messagesReceived\":%llu,"
           "\"datagramsSent\":%llu,\"datagramsReceived\":%llu,\"datagramsDroppedLoss\":%llu,"
           "\"datagramsRejected\":%llu,\"retransmits\":%llu,\"datagramsDroppedFull\":%llu,\"port\":%u}",
           (unsigned long long)c->api_calls, (unsigned long long)c->bad_self_calls,
           (unsigned long long)c->receive_calls, (unsigned long long)c->messages_received,
           (unsigned long long)c->datagrams_sent, (unsigned long long)c->datagrams_received,
           (unsigned long long)c->datagrams_dropped_loss, (unsigned long long)c->datagrams_rejected,
           (unsigned long long)c->retransmits, (unsigned long long)c->datagrams_dropped_full, (unsigned)g_sw.port);
  return json;
}

/** Number of API calls made into this copy of the library (cheap; for FFI-crossing counts). */
SW_EXPORT uint64_t steamwire_fake_api_calls(void) { return g_sw.counters.api_calls; }

/** Calls whose `self` was NULL or not the interface the accessor returned. */
SW_EXPORT uint64_t steamwire_fake_bad_self_calls(void) { return g_sw.counters.bad_self_calls; }

/** Processes the socket and the timers now; returns false when not initialised. */
SW_EXPORT bool steamwire_fake_pump(void) {
  if (!g_sw.initialized) return false;
  sw_pump(true);
  return true;
}
