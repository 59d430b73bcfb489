/*
 * Lobby search (ISteamMatchmaking::RequestLobbyList and its filters) over the lobby directory:
 * Public and Invisible lobbies that are joinable and not full, after the string, numerical and slot
 * filters; near-value filters sort (earlier filters first, then oldest lobby first); at most 50, or
 * the count filter. Every fake peer is in the same region, so the distance filter passes everything.
 * Filters apply to the next request only. A new request cancels the old one: its 703 is taken back
 * if still queued. The in-memory fake applies the same rules (src/lobby/state.ts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobby.h"

#define MM(self) sw_check_self((self), &g_sw_iface_matchmaking)

/* ---------------------------------------------------------------- filters ---- */

enum { SW_FILTER_STRING, SW_FILTER_NUMBER, SW_FILTER_NEAR };
#define SW_MAX_FILTERS 64

typedef struct sw_filter {
  int kind;
  int cmp;
  int number;
  char key[SW_LOBBY_KEY_MAX + 1];
  char *text;
} sw_filter;

typedef struct sw_filters {
  sw_filter items[SW_MAX_FILTERS];
  int count;
  int slots;   /* -1: none */
  int results; /* -1: none */
} sw_filters;

void sw_filters_clear(void) {
  if (g_lobby.filters == NULL) return;
  for (int i = 0; i < g_lobby.filters->count; i++) free(g_lobby.filters->items[i].text);
  free(g_lobby.filters);
  g_lobby.filters = NULL;
}

static sw_filters *filters(void) {
  if (g_lobby.filters == NULL) {
    g_lobby.filters = calloc(1, sizeof *g_lobby.filters);
    if (g_lobby.filters != NULL) g_lobby.filters->slots = g_lobby.filters->results = -1;
  }
  return g_lobby.filters;
}

static sw_filter *add_filter(int kind, const char *key) {
  sw_filters *f = filters();
  if (f == NULL || key == NULL || strlen(key) > SW_LOBBY_KEY_MAX || f->count == SW_MAX_FILTERS) return NULL;
  sw_filter *item = &f->items[f->count++];
  *item = (sw_filter){.kind = kind};
  snprintf(item->key, sizeof item->key, "%s", key);
  return item;
}

static bool compare(int order, int cmp) {
  switch (cmp) {
    case k_ELobbyComparisonEqualToOrLessThan: return order <= 0;
    case k_ELobbyComparisonLessThan: return order < 0;
    case k_ELobbyComparisonEqual: return order == 0;
    case k_ELobbyComparisonGreaterThan: return order > 0;
    case k_ELobbyComparisonEqualToOrGreaterThan: return order >= 0;
    case k_ELobbyComparisonNotEqual: return order != 0;
    default: return false;
  }
}

/* A lobby value as an int, as a numerical filter reads it; false when absent or not a number. */
static bool number_of(const sw_lobby *l, const char *key, long *out) {
  const char *v = sw_kvs_get(&l->data, key);
  /* Optional sign, then digits only: no spaces, as the in-memory fake reads numbers too. */
  if (v == NULL || !(*v == '-' || *v == '+' || (*v >= '0' && *v <= '9'))) return false;
  char *end = NULL;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno != 0 || *end != '\0' || n < INT_MIN || n > INT_MAX) return false;
  *out = n;
  return true;
}

static bool listed(const sw_lobby *l, const sw_filters *f) {
  if (l->type != k_ELobbyTypePublic && l->type != k_ELobbyTypeInvisible) return false;
  if (!l->joinable || l->member_count >= l->max_members) return false;
  if (f == NULL) return true;
  if (f->slots >= 0 && l->max_members - l->member_count < f->slots) return false;
  for (int i = 0; i < f->count; i++) {
    const sw_filter *x = &f->items[i];
    if (x->kind == SW_FILTER_STRING) {
      const char *v = sw_kvs_get(&l->data, x->key);
      int order = strcmp(v ? v : "", x->text ? x->text : "");
      if (!compare(order < 0 ? -1 : order > 0, x->cmp)) return false;
    } else if (x->kind == SW_FILTER_NUMBER) {
      long n;
      if (!number_of(l, x->key, &n) || !compare((n > x->number) - (n < x->number), x->cmp)) return false;
    }
  }
  return true;
}

/* Distance of a lobby to the near-value filter `i` (absent values are farthest). */
static long long nearness(const sw_lobby *l, const sw_filter *x) {
  long n;
  if (!number_of(l, x->key, &n)) return LLONG_MAX;
  long long d = (long long)n - x->number;
  return d < 0 ? -d : d;
}

static const sw_filters *g_sort_filters;
static int by_nearness(const void *a, const void *b) {
  const sw_lobby *la = sw_dir_lobby(*(const uint64_t *)a), *lb = sw_dir_lobby(*(const uint64_t *)b);
  const sw_filters *f = g_sort_filters;
  for (int i = 0; f != NULL && la != NULL && lb != NULL && i < f->count; i++) {
    if (f->items[i].kind != SW_FILTER_NEAR) continue;
    long long da = nearness(la, &f->items[i]), db = nearness(lb, &f->items[i]);
    if (da != db) return da < db ? -1 : 1;
  }
  /* Then oldest first: lobby ids grow with creation. */
  uint64_t ia = *(const uint64_t *)a, ib = *(const uint64_t *)b;
  return (ia > ib) - (ia < ib);
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListStringFilter(void *self, const char *key, const char *value, int cmp) {
  if (!MM(self) || value == NULL) return;
  sw_filter *f = add_filter(SW_FILTER_STRING, key);
  if (f == NULL) return;
  f->cmp = cmp;
  f->text = strdup(value);
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNumericalFilter(void *self, const char *key, int value, int cmp) {
  if (!MM(self)) return;
  sw_filter *f = add_filter(SW_FILTER_NUMBER, key);
  if (f == NULL) return;
  f->cmp = cmp;
  f->number = value;
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListNearValueFilter(void *self, const char *key, int value) {
  if (!MM(self)) return;
  sw_filter *f = add_filter(SW_FILTER_NEAR, key);
  if (f != NULL) f->number = value;
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable(void *self, int slots) {
  if (MM(self) && filters() != NULL) g_lobby.filters->slots = slots < 0 ? 0 : slots;
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter(void *self, int distance) {
  /* Every fake peer is in the same region: any distance includes every lobby. */
  (void)distance;
  MM(self);
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter(void *self, int max) {
  if (MM(self) && filters() != NULL) g_lobby.filters->results = max < 0 ? 0 : max;
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_AddRequestLobbyListCompatibleMembersFilter(void *self, uint64_t lobby) {
  (void)lobby; /* "unused" per Valve's docs */
  MM(self);
}

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_RequestLobbyList(void *self) {
  if (!MM(self)) return 0;
  /* One search at a time: the previous one never completes. */
  if (g_lobby.list_call != 0) sw_call_drop(g_lobby.list_call);
  g_lobby.list_call = 0;
  bool failed;
  uint64_t call = sw_call_new(CB_LOBBY_MATCH_LIST, sizeof(LobbyMatchList_t), &failed);
  if (call == 0 || failed) {
    sw_filters_clear();
    return call;
  }
  sw_dir_refresh(true);
  const sw_filters *f = g_lobby.filters;
  g_lobby.list.count = 0;
  for (int i = 0; i < g_lobby.dir.lobby_count; i++) {
    const sw_lobby *l = &g_lobby.dir.lobbies[i];
    if (listed(l, f)) sw_ids_add(&g_lobby.list, l->id);
  }
  g_sort_filters = f;
  if (g_lobby.list.count > 1) qsort(g_lobby.list.items, (size_t)g_lobby.list.count, sizeof(uint64_t), by_nearness);
  g_sort_filters = NULL;
  int cap = SW_LOBBY_LIST_MAX;
  if (f != NULL && f->results >= 0 && f->results < cap) cap = f->results;
  if (g_lobby.list.count > cap) g_lobby.list.count = cap;
  for (int i = 0; i < g_lobby.list.count; i++) sw_ids_add(&g_lobby.known, g_lobby.list.items[i]);
  sw_filters_clear();
  LobbyMatchList_t result = {(uint32_t)g_lobby.list.count};
  sw_call_complete(call, CB_LOBBY_MATCH_LIST, &result, sizeof result);
  sw_post_callback(CB_LOBBY_MATCH_LIST, &result, sizeof result);
  g_lobby.list_call = call;
  return call;
}

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_GetLobbyByIndex(void *self, int index) {
  if (!MM(self) || index < 0 || index >= g_lobby.list.count) return 0;
  return g_lobby.list.items[index];
}
