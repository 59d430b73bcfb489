/*
 * Configuration values (ISteamNetworkingUtils::SetConfigValue/GetConfigValue): the table of values a
 * P2P user meets (STEAM_API.md §15.12, defaults and ranges from Valve's open-source build), and the
 * rules Valve's code applies when one is set: a value may be given as any numeric or string type and
 * is converted, then clamped to its range; NULL restores the default (global) or unsets (elsewhere);
 * a global-only value cannot be set on a connection; MTU_DataSize is read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

#define G SW_CFG_GLOBAL_ONLY
#define C SW_CFG_CONNECTION
#define I32 k_ESteamNetworkingConfig_Int32
#define I64 k_ESteamNetworkingConfig_Int64
#define FLT k_ESteamNetworkingConfig_Float
#define STR k_ESteamNetworkingConfig_String
#define PTR k_ESteamNetworkingConfig_Ptr
#define BIG 2147483647.0

static const sw_cfg_def defs[] = {
    {2, "FakePacketLoss_Send", FLT, G, 0, 0, 100, NULL},
    {3, "FakePacketLoss_Recv", FLT, G, 0, 0, 100, NULL},
    {4, "FakePacketLag_Send", I32, G, 0, 0, 5000, NULL},
    {5, "FakePacketLag_Recv", I32, G, 0, 0, 5000, NULL},
    {6, "FakePacketReorder_Send", FLT, G, 0, 0, 100, NULL},
    {7, "FakePacketReorder_Recv", FLT, G, 0, 0, 100, NULL},
    {8, "FakePacketReorder_Time", I32, G, 15, 0, 5000, NULL},
    {9, "SendBufferSize", I32, C, 524288, 4096, 0x10000000, NULL},
    {10, "SendRateMin", I32, C, 262144, 1024, 0x10000000, NULL},
    {11, "SendRateMax", I32, C, 262144, 1024, 0x10000000, NULL},
    {12, "NagleTime", I32, C, 5000, 0, 20000, NULL},
    {13, "LogLevel_AckRTT", I32, C, 4, 0, 8, NULL},
    {14, "LogLevel_PacketDecode", I32, C, 4, 0, 8, NULL},
    {15, "LogLevel_Message", I32, C, 4, 0, 8, NULL},
    {16, "LogLevel_PacketGaps", I32, C, 4, 0, 8, NULL},
    {17, "LogLevel_P2PRendezvous", I32, C, 4, 0, 8, NULL},
    {18, "LogLevel_SDRRelayPings", I32, G, 4, 0, 8, NULL},
    {23, "IP_AllowWithoutAuth", I32, C, 0, 0, 2, NULL},
    {24, "TimeoutInitial", I32, C, 10000, 0, BIG, NULL},
    {25, "TimeoutConnected", I32, C, 10000, 0, BIG, NULL},
    {26, "FakePacketDup_Send", FLT, G, 0, 0, 100, NULL},
    {27, "FakePacketDup_Recv", FLT, G, 0, 0, 100, NULL},
    {28, "FakePacketDup_TimeMax", I32, G, 10, 0, 5000, NULL},
    {32, "MTU_PacketSize", I32, C, 1300, 200, 4096, NULL},
    {33, "MTU_DataSize", I32, C, 1200, 0, BIG, NULL},
    {34, "Unencrypted", I32, C, 0, 0, 3, NULL},
    {37, "SymmetricConnect", I32, C, 0, 0, 1, NULL},
    {38, "LocalVirtualPort", I32, C, -1, -1, 65535, NULL},
    {39, "DualWifi_Enable", I32, C, 1, 0, 2, NULL},
    {40, "ConnectionUserData", I64, C, -1, -9.2e18, 9.2e18, NULL},
    {41, "PacketTraceMaxBytes", I32, G, -1, -1, 99999, NULL},
    {42, "FakeRateLimit_Send_Rate", I32, G, 0, 0, 1073741824, NULL},
    {43, "FakeRateLimit_Send_Burst", I32, G, 16384, 0, 1048576, NULL},
    {44, "FakeRateLimit_Recv_Rate", I32, G, 0, 0, 1073741824, NULL},
    {45, "FakeRateLimit_Recv_Burst", I32, G, 16384, 0, 1048576, NULL},
    {46, "EnableDiagnosticsUI", I32, C, 1, 0, 1, NULL},
    {47, "RecvBufferSize", I32, C, 1048576, 4096, 0x10000000, NULL},
    {48, "RecvBufferMessages", I32, C, 1000, 2, 0x10000000, NULL},
    {49, "RecvMaxMessageSize", I32, C, 524288, 64, 0x10000000, NULL},
    {50, "RecvMaxSegmentsPerPacket", I32, C, 1300, 1, 1300, NULL},
    {51, "OutOfOrderCorrectionWindowMicroseconds", I32, G, 1000, 0, 50000, NULL},
    {53, "FakePacketJitter_Send_Avg", FLT, G, 0, 0, 2000, NULL},
    {54, "FakePacketJitter_Send_Max", FLT, G, 100, 0, 5000, NULL},
    {55, "FakePacketJitter_Send_Pct", FLT, G, 75, 0, 100, NULL},
    {56, "FakePacketJitter_Recv_Avg", FLT, G, 0, 0, 2000, NULL},
    {57, "FakePacketJitter_Recv_Max", FLT, G, 100, 0, 5000, NULL},
    {58, "FakePacketJitter_Recv_Pct", FLT, G, 75, 0, 100, NULL},
    {59, "SendTimeSincePreviousPacket", I32, C, -1, -1, 1, NULL},
    {103, "P2P_STUN_ServerList", STR, C, 0, 0, 0, ""},
    {104, "P2P_Transport_ICE_Enable", I32, C, -1, -1, BIG, NULL},
    {105, "P2P_Transport_ICE_Penalty", I32, C, 0, 0, BIG, NULL},
    {106, "P2P_Transport_SDR_Penalty", I32, C, 0, 0, BIG, NULL},
    {107, "P2P_TURN_ServerList", STR, C, 0, 0, 0, ""},
    {108, "P2P_TURN_UserList", STR, C, 0, 0, 0, ""},
    {109, "P2P_TURN_PassList", STR, C, 0, 0, 0, ""},
    {110, "P2P_Transport_ICE_Implementation", I32, C, 0, 0, 2, NULL},
    {201, "Callback_ConnectionStatusChanged", PTR, C, 0, 0, 0, NULL},
    {202, "Callback_AuthStatusChanged", PTR, G, 0, 0, 0, NULL},
    {203, "Callback_RelayNetworkStatusChanged", PTR, G, 0, 0, 0, NULL},
    {204, "Callback_MessagesSessionRequest", PTR, G, 0, 0, 0, NULL},
    {205, "Callback_MessagesSessionFailed", PTR, G, 0, 0, 0, NULL},
    {206, "Callback_CreateConnectionSignaling", PTR, G, 0, 0, 0, NULL},
    {207, "Callback_FakeIPResult", PTR, G, 0, 0, 0, NULL},
};

/* The default of `def`: Steam's number for the values numbers.c holds (so the two fakes agree), else the table's. */
double sw_cfg_default(const sw_cfg_def *def) {
  const sw_numbers *n = sw_numbers_sockets();
  switch (def->id) {
    case SWC_SendBufferSize: return (double)n->send_buffer_bytes;
    case SWC_NagleTime: return (double)n->nagle_us;
    case SWC_TimeoutInitial: return (double)(n->connect_timeout_us / 1000);
    case SWC_TimeoutConnected: return (double)(n->lost_timeout_us / 1000);
    case SWC_RecvBufferSize: return (double)n->recv_buffer_bytes;
    case SWC_RecvBufferMessages: return (double)n->recv_buffer_msgs;
    default: return def->def;
  }
}

const sw_cfg_def *sw_cfg_find(int id) {
  for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
    if (defs[i].id == id) return &defs[i];
  return NULL;
}

static sw_cfg_item *slot(sw_cfg_set *set, int id, bool create) {
  for (int i = 0; i < set->count; i++)
    if (set->items[i].id == id) return &set->items[i];
  if (!create) return NULL;
  if (set->count == set->cap) {
    int cap = set->cap ? set->cap * 2 : 8;
    sw_cfg_item *grown = realloc(set->items, (size_t)cap * sizeof *grown);
    if (grown == NULL) return NULL;
    set->items = grown;
    set->cap = cap;
  }
  sw_cfg_item *it = &set->items[set->count++];
  memset(it, 0, sizeof *it);
  it->id = id;
  return it;
}

static void unset(sw_cfg_set *set, const sw_cfg_def *def) {
  for (int i = 0; i < set->count; i++) {
    if (set->items[i].id != def->id) continue;
    if (def->type == k_ESteamNetworkingConfig_String) free(set->items[i].v.s);
    set->items[i] = set->items[--set->count];
    return;
  }
}

/* The argument as a number, as Valve converts it (strings are parsed; pointers are not numbers). */
static bool as_number(int data_type, const void *arg, double *out) {
  switch (data_type) {
    case k_ESteamNetworkingConfig_Int32: *out = *(const int32_t *)arg; return true;
    case k_ESteamNetworkingConfig_Int64: *out = (double)*(const int64_t *)arg; return true;
    case k_ESteamNetworkingConfig_Float: *out = *(const float *)arg; return true;
    case k_ESteamNetworkingConfig_String: return sscanf((const char *)arg, "%lf", out) == 1;
    default: return false;
  }
}

/* floor() without libm: the fake is loaded by programs that do not link it. */
static double round_half_up(double v) {
  double r = v + 0.5;
  int64_t t = (int64_t)r;
  if ((double)t > r) t--;
  return (double)t;
}

static double clamp(double v, const sw_cfg_def *def) { return v < def->min ? def->min : v > def->max ? def->max : v; }

bool sw_cfg_assign(sw_cfg_set *set, const sw_cfg_def *def, int data_type, const void *arg) {
  if (arg == NULL) {
    unset(set, def);
    return true;
  }
  sw_cfg_val v;
  memset(&v, 0, sizeof v);
  double n = 0;
  switch (def->type) {
    case k_ESteamNetworkingConfig_Int32:
      if (data_type == k_ESteamNetworkingConfig_Int64 && (int64_t)(int32_t)*(const int64_t *)arg != *(const int64_t *)arg)
        return false; /* cannot truncate */
      if (!as_number(data_type, arg, &n)) return false;
      v.i32 = (int32_t)clamp(data_type == k_ESteamNetworkingConfig_Float ? round_half_up(n) : n, def);
      break;
    case k_ESteamNetworkingConfig_Int64:
      if (data_type == k_ESteamNetworkingConfig_Int64) {
        v.i64 = *(const int64_t *)arg; /* exact: a double cannot hold every int64 */
      } else {
        if (!as_number(data_type, arg, &n)) return false;
        v.i64 = (int64_t)(data_type == k_ESteamNetworkingConfig_Float ? round_half_up(n) : n);
      }
      break;
    case k_ESteamNetworkingConfig_Float:
      if (!as_number(data_type, arg, &n)) return false;
      v.f = (float)clamp(n, def);
      break;
    case k_ESteamNetworkingConfig_String: {
      char temp[64];
      const char *text = temp;
      if (data_type == k_ESteamNetworkingConfig_String) text = (const char *)arg;
      else if (data_type == k_ESteamNetworkingConfig_Int32) snprintf(temp, sizeof temp, "%d", *(const int32_t *)arg);
      else if (data_type == k_ESteamNetworkingConfig_Int64) snprintf(temp, sizeof temp, "%lld", (long long)*(const int64_t *)arg);
      else if (data_type == k_ESteamNetworkingConfig_Float) snprintf(temp, sizeof temp, "%g", (double)*(const float *)arg);
      else return false;
      v.s = malloc(strlen(text) + 1);
      if (v.s == NULL) return false;
      strcpy(v.s, text);
      break;
    }
    case k_ESteamNetworkingConfig_Ptr:
      /* For Ptr, pArg points at the pointer. */
      if (data_type != k_ESteamNetworkingConfig_Ptr) return false;
      v.p = *(void *const *)arg;
      break;
    default:
      return false;
  }
  sw_cfg_item *it = slot(set, def->id, true);
  if (it == NULL) {
    if (def->type == k_ESteamNetworkingConfig_String) free(v.s);
    return false;
  }
  if (def->type == k_ESteamNetworkingConfig_String) free(it->v.s);
  it->v = v;
  return true;
}

const sw_cfg_val *sw_cfg_get(const sw_cfg_set *set, int id) {
  for (int i = 0; i < set->count; i++)
    if (set->items[i].id == id) return &set->items[i].v;
  return NULL;
}

void sw_cfg_clear(sw_cfg_set *set) {
  for (int i = 0; i < set->count; i++) {
    const sw_cfg_def *def = sw_cfg_find(set->items[i].id);
    if (def != NULL && def->type == k_ESteamNetworkingConfig_String) free(set->items[i].v.s);
  }
  free(set->items);
  memset(set, 0, sizeof *set);
}

/* ---- effective values: connection → its listen socket → interface → global → default ---- */

static const sw_cfg_val *lookup_chain(const sw_conn *c, int id) {
  const sw_cfg_val *v = NULL;
  if (c != NULL) {
    if ((v = sw_cfg_get(&c->cfg, id)) != NULL) return v;
    const sw_listen *ls = c->listen_socket ? sw_listen_find(c->listen_socket) : NULL;
    if (ls != NULL && (v = sw_cfg_get(&ls->cfg, id)) != NULL) return v;
  }
  if ((v = sw_cfg_get(&g_sws.iface_cfg, id)) != NULL) return v;
  return sw_cfg_get(&g_sws.global_cfg, id);
}

int64_t sw_conn_cfg_int(const sw_conn *c, int id) {
  const sw_cfg_def *def = sw_cfg_find(id);
  const sw_cfg_val *v = lookup_chain(c, id);
  if (def == NULL) return 0;
  if (v == NULL) return (int64_t)sw_cfg_default(def);
  return def->type == k_ESteamNetworkingConfig_Int64 ? v->i64 : v->i32;
}

void *sw_conn_cfg_ptr(const sw_conn *c, int id) {
  const sw_cfg_val *v = lookup_chain(c, id);
  return v == NULL ? NULL : v->p;
}

int64_t sw_global_cfg_int(int id) { return sw_conn_cfg_int(NULL, id); }

float sw_global_cfg_float(int id) {
  const sw_cfg_def *def = sw_cfg_find(id);
  const sw_cfg_val *v = sw_cfg_get(&g_sws.global_cfg, id);
  return v != NULL ? v->f : def != NULL ? (float)sw_cfg_default(def) : 0.0f;
}
