/*
 * ISteamNetworkingUtils (SteamAPI_ISteamNetworkingUtils_*, interface SteamNetworkingUtils004): message
 * allocation for SendMessages, relay network access and its status, the local timestamp, configuration
 * values at every scope, the global status callbacks, and the SteamNetworkingConfigValue_t writers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"
#include "sockets_layout.h"

const uint64_t g_sw_iface_netutils = 0x5554494c53303034ull;
#define SELF_OK(self) sw_check_self((self), &g_sw_iface_netutils)

/* Valve's header: k_cbSteamNetworkingSocketsNoFragmentHeaderReserve, subtracted from MTU_PacketSize. */
#define SW_NO_FRAGMENT_HEADER_RESERVE 100

SW_EXPORT void *SteamAPI_SteamNetworkingUtils_SteamAPI_v004(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_netutils : NULL;
}

/* ---------------------------------------------------------------- messages ---- */

static void free_data(SteamNetworkingMessage_t *m) { free(m->m_pData); }

static void release_allocated(SteamNetworkingMessage_t *m) {
  if (m->m_pfnFreeData != NULL) m->m_pfnFreeData(m);
  if (sw_strict()) sw_strict_release(m, sizeof *m, NULL, 0);
  else free(m);
}

/* The buffer is a separate allocation, as in Valve's library: callers must use m_pData, not guess. */
SW_EXPORT SteamNetworkingMessage_t *SteamAPI_ISteamNetworkingUtils_AllocateMessage(void *self, int cb) {
  if (!SELF_OK(self) || cb < 0) return NULL;
  SteamNetworkingMessage_t *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  if (cb > 0) {
    m->m_pData = malloc((size_t)cb);
    if (m->m_pData == NULL) {
      free(m);
      return NULL;
    }
    m->m_cbSize = cb;
    m->m_pfnFreeData = free_data;
  }
  m->m_pfnRelease = release_allocated;
  return m;
}

/* ---------------------------------------------------------------- relay, time ---- */

SW_EXPORT void SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(void *self) {
  if (!SELF_OK(self)) return;
  sw_sockets_relay_touch();
}

SW_EXPORT int SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(void *self, SteamRelayNetworkStatus_t *out) {
  if (out != NULL) memset(out, 0, sizeof *out);
  if (!SELF_OK(self)) return k_ESteamNetworkingAvailability_CannotTry;
  sw_pump(false);
  int avail = g_sws.relay_avail == 0 ? k_ESteamNetworkingAvailability_NeverTried : g_sws.relay_avail;
  if (out != NULL) {
    out->m_eAvail = avail;
    out->m_bPingMeasurementInProgress = avail == k_ESteamNetworkingAvailability_Attempting;
    out->m_eAvailNetworkConfig = avail;
    out->m_eAvailAnyRelay = avail;
    snprintf(out->m_debugMsg, sizeof out->m_debugMsg, "%s",
             avail == k_ESteamNetworkingAvailability_Current ? "fake Steam: relays reachable"
             : avail == k_ESteamNetworkingAvailability_Attempting ? "fake Steam: measuring relay pings"
                                                                   : "fake Steam: relay access not requested yet");
  }
  return avail;
}

SW_EXPORT int64_t SteamAPI_ISteamNetworkingUtils_GetLocalTimestamp(void *self) {
  if (!SELF_OK(self)) return 0;
  return sw_now_us() + SW_TIMESTAMP_BASE_US;
}

/* ---------------------------------------------------------------- configuration ---- */

/* The value set a scope object names, or NULL when the object is bad or the value cannot live there. */
static sw_cfg_set *scope_set(const sw_cfg_def *def, int scope, intptr_t obj, sw_conn **conn, sw_listen **listen) {
  *conn = NULL;
  *listen = NULL;
  if (scope == k_ESteamNetworkingConfig_Global) return &g_sws.global_cfg;
  if (def->where != SW_CFG_CONNECTION) return NULL;
  switch (scope) {
    case k_ESteamNetworkingConfig_SocketsInterface:
      return obj == (intptr_t)&g_sw_iface_sockets ? &g_sws.iface_cfg : NULL;
    case k_ESteamNetworkingConfig_ListenSocket:
      *listen = sw_listen_find((HSteamListenSocket)obj);
      return *listen ? &(*listen)->cfg : NULL;
    case k_ESteamNetworkingConfig_Connection:
      *conn = sw_conn_find((HSteamNetConnection)obj);
      return *conn ? &(*conn)->cfg : NULL;
    default:
      return NULL;
  }
}

static bool set_value(int id, int scope, intptr_t obj, int data_type, const void *arg) {
  const sw_cfg_def *def = sw_cfg_find(id);
  if (def == NULL || id == 33 /* MTU_DataSize is read-only */) return false;
  sw_conn *c;
  sw_listen *ls;
  sw_cfg_set *set = scope_set(def, scope, obj, &c, &ls);
  if (set == NULL || !sw_cfg_assign(set, def, data_type, arg)) return false;
  if (c != NULL && id == SWC_ConnectionUserData) c->user_data = sw_conn_cfg_int(c, id);
  return true;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetConfigValue(void *self, int id, int scope, intptr_t obj, int data_type,
                                                             const void *arg) {
  if (!SELF_OK(self)) return false;
  return set_value(id, scope, obj, data_type, arg);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetConfigValueStruct(void *self, const SteamNetworkingConfigValue_t *opt,
                                                                   int scope, intptr_t obj) {
  if (!SELF_OK(self) || opt == NULL) return false;
  const void *arg = opt->m_eDataType == k_ESteamNetworkingConfig_String ? (const void *)opt->m_val.m_string
                                                                        : (const void *)&opt->m_val;
  return set_value(opt->m_eValue, scope, obj, opt->m_eDataType, arg);
}

/* Where a value comes from when it is not set at `set`: the next scope up, then the default. */
static const sw_cfg_val *inherited(const sw_cfg_def *def, int scope, const sw_conn *c) {
  const sw_cfg_val *v = NULL;
  if (scope == k_ESteamNetworkingConfig_Connection && c != NULL && c->listen_socket != 0) {
    const sw_listen *ls = sw_listen_find(c->listen_socket);
    if (ls != NULL && (v = sw_cfg_get(&ls->cfg, def->id)) != NULL) return v;
  }
  if (scope != k_ESteamNetworkingConfig_Global && scope != k_ESteamNetworkingConfig_SocketsInterface &&
      (v = sw_cfg_get(&g_sws.iface_cfg, def->id)) != NULL)
    return v;
  if (scope != k_ESteamNetworkingConfig_Global) return sw_cfg_get(&g_sws.global_cfg, def->id);
  return NULL;
}

static int write_result(const void *data, size_t size, void *out, size_t *cb) {
  int r = k_ESteamNetworkingGetConfigValue_OK;
  if (out == NULL || *cb < size) r = k_ESteamNetworkingGetConfigValue_BufferTooSmall;
  else memcpy(out, data, size);
  *cb = size;
  return r;
}

SW_EXPORT int SteamAPI_ISteamNetworkingUtils_GetConfigValue(void *self, int id, int scope, intptr_t obj, int *out_type,
                                                            void *out, size_t *cb) {
  if (!SELF_OK(self) || cb == NULL) return k_ESteamNetworkingGetConfigValue_BadValue;
  bool data_size = id == 33;
  const sw_cfg_def *def = sw_cfg_find(data_size ? 32 : id);
  if (def == NULL) return k_ESteamNetworkingGetConfigValue_BadValue;
  if (out_type != NULL) *out_type = def->type;
  sw_conn *c;
  sw_listen *ls;
  sw_cfg_set *set = scope_set(def, scope, obj, &c, &ls);
  if (set == NULL) {
    *cb = 0;
    return k_ESteamNetworkingGetConfigValue_BadScopeObj;
  }
  const sw_cfg_val *v = sw_cfg_get(set, def->id);
  bool here = v != NULL;
  if (v == NULL) v = inherited(def, scope, c);
  sw_cfg_val fallback;
  memset(&fallback, 0, sizeof fallback);
  if (v == NULL) {
    switch (def->type) {
      case k_ESteamNetworkingConfig_Int32: fallback.i32 = (int32_t)sw_cfg_default(def); break;
      case k_ESteamNetworkingConfig_Int64: fallback.i64 = (int64_t)sw_cfg_default(def); break;
      case k_ESteamNetworkingConfig_Float: fallback.f = (float)sw_cfg_default(def); break;
      case k_ESteamNetworkingConfig_String: fallback.s = (char *)(def->def_string ? def->def_string : ""); break;
      default: fallback.p = NULL; break;
    }
    v = &fallback;
  }
  int r;
  if (data_size) {
    int32_t size = v->i32 > SW_NO_FRAGMENT_HEADER_RESERVE ? v->i32 - SW_NO_FRAGMENT_HEADER_RESERVE : 0;
    r = write_result(&size, sizeof size, out, cb);
  } else {
    switch (def->type) {
      case k_ESteamNetworkingConfig_Int32: r = write_result(&v->i32, sizeof v->i32, out, cb); break;
      case k_ESteamNetworkingConfig_Int64: r = write_result(&v->i64, sizeof v->i64, out, cb); break;
      case k_ESteamNetworkingConfig_Float: r = write_result(&v->f, sizeof v->f, out, cb); break;
      case k_ESteamNetworkingConfig_String: r = write_result(v->s, strlen(v->s) + 1, out, cb); break;
      default: r = write_result(&v->p, sizeof v->p, out, cb); break;
    }
  }
  return r == k_ESteamNetworkingGetConfigValue_OK && !here ? k_ESteamNetworkingGetConfigValue_OKInherited : r;
}

/* SDK 1.62's three-argument form: the name, or NULL for an unknown value. */
SW_EXPORT const char *SteamAPI_ISteamNetworkingUtils_GetConfigValueInfo(void *self, int id, int *out_type,
                                                                        int *out_scope) {
  if (!SELF_OK(self)) return NULL;
  const sw_cfg_def *def = sw_cfg_find(id);
  if (def == NULL) return NULL;
  if (out_type != NULL) *out_type = def->type;
  if (out_scope != NULL)
    *out_scope = def->where == SW_CFG_CONNECTION ? k_ESteamNetworkingConfig_Connection : k_ESteamNetworkingConfig_Global;
  return def->name;
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalConfigValueInt32(void *self, int id, int32_t v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Global, 0, k_ESteamNetworkingConfig_Int32, &v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalConfigValueFloat(void *self, int id, float v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Global, 0, k_ESteamNetworkingConfig_Float, &v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalConfigValueString(void *self, int id, const char *v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Global, 0, k_ESteamNetworkingConfig_String, v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalConfigValuePtr(void *self, int id, void *v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Global, 0, k_ESteamNetworkingConfig_Ptr, &v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetConnectionConfigValueInt32(void *self, HSteamNetConnection h, int id,
                                                                            int32_t v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Connection, h, k_ESteamNetworkingConfig_Int32, &v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetConnectionConfigValueFloat(void *self, HSteamNetConnection h, int id,
                                                                            float v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Connection, h, k_ESteamNetworkingConfig_Float, &v);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetConnectionConfigValueString(void *self, HSteamNetConnection h, int id,
                                                                             const char *v) {
  return SELF_OK(self) && set_value(id, k_ESteamNetworkingConfig_Connection, h, k_ESteamNetworkingConfig_String, v);
}

/* Steam keeps these callbacks as Ptr config values; the platforms we build for have data and
 * function pointers of one size. */
_Static_assert(sizeof(void *) == sizeof(FnSteamNetConnectionStatusChanged), "fn pointer size");

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalCallback_SteamNetConnectionStatusChanged(
    void *self, FnSteamNetConnectionStatusChanged fn) {
  void *p = NULL;
  memcpy(&p, &fn, sizeof p);
  return SELF_OK(self) && set_value(SWC_Callback_ConnectionStatusChanged, k_ESteamNetworkingConfig_Global, 0,
                                    k_ESteamNetworkingConfig_Ptr, &p);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalCallback_SteamNetAuthenticationStatusChanged(
    void *self, FnSteamNetAuthenticationStatusChanged fn) {
  void *p = NULL;
  memcpy(&p, &fn, sizeof p);
  return SELF_OK(self) && set_value(SWC_Callback_AuthStatusChanged, k_ESteamNetworkingConfig_Global, 0,
                                    k_ESteamNetworkingConfig_Ptr, &p);
}

SW_EXPORT bool SteamAPI_ISteamNetworkingUtils_SetGlobalCallback_SteamRelayNetworkStatusChanged(
    void *self, FnSteamRelayNetworkStatusChanged fn) {
  void *p = NULL;
  memcpy(&p, &fn, sizeof p);
  return SELF_OK(self) && set_value(SWC_Callback_RelayNetworkStatusChanged, k_ESteamNetworkingConfig_Global, 0,
                                    k_ESteamNetworkingConfig_Ptr, &p);
}

/* ---------------------------------------------------------------- SteamNetworkingConfigValue_t ---- */

/* Pure struct writers, usable before init (STEAM_API.md §15.2). */
/* A NULL struct: Valve's writer stores through it and crashes. */
static bool config_struct_ok(const SteamNetworkingConfigValue_t *self, const char *function) {
  g_sw.counters.api_calls++;
  if (self != NULL) return true;
  if (sw_strict()) sw_strict_fail("%s called with a NULL SteamNetworkingConfigValue_t: Valve's writer crashes", function);
  return false;
}

SW_EXPORT void SteamAPI_SteamNetworkingConfigValue_t_SetInt32(SteamNetworkingConfigValue_t *self, int id, int32_t v) {
  if (!config_struct_ok(self, __func__)) return;
  self->m_eValue = id;
  self->m_eDataType = k_ESteamNetworkingConfig_Int32;
  self->m_val.m_int64 = 0;
  self->m_val.m_int32 = v;
}

SW_EXPORT void SteamAPI_SteamNetworkingConfigValue_t_SetInt64(SteamNetworkingConfigValue_t *self, int id, int64_t v) {
  if (!config_struct_ok(self, __func__)) return;
  self->m_eValue = id;
  self->m_eDataType = k_ESteamNetworkingConfig_Int64;
  self->m_val.m_int64 = v;
}

SW_EXPORT void SteamAPI_SteamNetworkingConfigValue_t_SetFloat(SteamNetworkingConfigValue_t *self, int id, float v) {
  if (!config_struct_ok(self, __func__)) return;
  self->m_eValue = id;
  self->m_eDataType = k_ESteamNetworkingConfig_Float;
  self->m_val.m_int64 = 0;
  self->m_val.m_float = v;
}

SW_EXPORT void SteamAPI_SteamNetworkingConfigValue_t_SetPtr(SteamNetworkingConfigValue_t *self, int id, void *v) {
  if (!config_struct_ok(self, __func__)) return;
  self->m_eValue = id;
  self->m_eDataType = k_ESteamNetworkingConfig_Ptr;
  self->m_val.m_ptr = v;
}

/* Valve's 1.62 binary writes data type 5 (Ptr) here, not 4 (String): a header bug, kept (§15.12 [R]). */
SW_EXPORT void SteamAPI_SteamNetworkingConfigValue_t_SetString(SteamNetworkingConfigValue_t *self, int id,
                                                               const char *v) {
  if (!config_struct_ok(self, __func__)) return;
  self->m_eValue = id;
  self->m_eDataType = k_ESteamNetworkingConfig_Ptr;
  self->m_val.m_string = v;
}

/* ---------------------------------------------------------------- debug export ---- */

/** Sizes and offsets of the §15 structs as this build lays them out (pack 4 here, 8 on Windows), as JSON. */
SW_EXPORT const char *steamwire_fake_sockets_layout(void) {
  static char json[1024];
  return sw_sockets_layout_json(json, sizeof json);
}
