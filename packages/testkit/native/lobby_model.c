/*
 * The lobby directory's in-memory model (lobby.h): key/value lists, id sets, users, lobbies and their
 * members, and the bounded event log. Plain data operations on g_lobby.dir; lobby_dir.c reads and
 * writes it as a file, lobby.c and friends.c change it inside transactions.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "lobby.h"

/* ---------------------------------------------------------------- small containers ---- */

const char *sw_kvs_get(const sw_kvs *kvs, const char *key) {
  for (int i = 0; i < kvs->count; i++)
    if (strcmp(kvs->items[i].key, key) == 0) return kvs->items[i].value;
  return NULL;
}

bool sw_kvs_set(sw_kvs *kvs, const char *key, const char *value) {
  for (int i = 0; i < kvs->count; i++) {
    sw_kv *kv = &kvs->items[i];
    if (strcmp(kv->key, key) != 0) continue;
    if (strcmp(kv->value, value) == 0) return false;
    if (*value == '\0') {
      free(kv->key);
      free(kv->value);
      memmove(kv, kv + 1, (size_t)(kvs->count - i - 1) * sizeof *kv);
      kvs->count--;
      return true;
    }
    char *copy = strdup(value);
    if (copy == NULL) return false;
    free(kv->value);
    kv->value = copy;
    return true;
  }
  if (*value == '\0') return false;
  if (kvs->count == kvs->cap) {
    int cap = kvs->cap ? kvs->cap * 2 : 8;
    sw_kv *grown = realloc(kvs->items, (size_t)cap * sizeof *grown);
    if (grown == NULL) return false;
    kvs->items = grown;
    kvs->cap = cap;
  }
  char *k = strdup(key), *v = strdup(value);
  if (k == NULL || v == NULL) {
    free(k);
    free(v);
    return false;
  }
  kvs->items[kvs->count++] = (sw_kv){k, v};
  return true;
}

void sw_kvs_free(sw_kvs *kvs) {
  for (int i = 0; i < kvs->count; i++) {
    free(kvs->items[i].key);
    free(kvs->items[i].value);
  }
  free(kvs->items);
  *kvs = (sw_kvs){0};
}

bool sw_ids_has(const sw_ids *ids, uint64_t id) {
  for (int i = 0; i < ids->count; i++)
    if (ids->items[i] == id) return true;
  return false;
}

void sw_ids_add(sw_ids *ids, uint64_t id) {
  if (sw_ids_has(ids, id)) return;
  if (ids->count == ids->cap) {
    int cap = ids->cap ? ids->cap * 2 : 8;
    uint64_t *grown = realloc(ids->items, (size_t)cap * sizeof *grown);
    if (grown == NULL) return;
    ids->items = grown;
    ids->cap = cap;
  }
  ids->items[ids->count++] = id;
}

void sw_ids_remove(sw_ids *ids, uint64_t id) {
  for (int i = 0; i < ids->count; i++) {
    if (ids->items[i] != id) continue;
    memmove(&ids->items[i], &ids->items[i + 1], (size_t)(ids->count - i - 1) * sizeof *ids->items);
    ids->count--;
    return;
  }
}

void sw_ids_free(sw_ids *ids) {
  free(ids->items);
  *ids = (sw_ids){0};
}

/* ---------------------------------------------------------------- the model ---- */

static void lobby_free(sw_lobby *l) {
  for (int i = 0; i < l->member_count; i++) sw_kvs_free(&l->members[i].data);
  free(l->members);
  sw_kvs_free(&l->data);
  sw_ids_free(&l->invited);
  sw_ids_free(&l->banned);
}

static void event_free(sw_event *e) {
  sw_ids_free(&e->recipients);
  free(e->payload);
}

void sw_dir_free(sw_directory *d) {
  for (int i = 0; i < d->user_count; i++) {
    free(d->users[i].name);
    sw_kvs_free(&d->users[i].rich_presence);
  }
  free(d->users);
  for (int i = 0; i < d->lobby_count; i++) lobby_free(&d->lobbies[i]);
  free(d->lobbies);
  for (int i = 0; i < d->event_count; i++) event_free(&d->events[i]);
  free(d->events);
  *d = (sw_directory){.next_seq = 1, .next_lobby = 1};
}

sw_lobby *sw_dir_lobby(uint64_t id) {
  for (int i = 0; i < g_lobby.dir.lobby_count; i++)
    if (g_lobby.dir.lobbies[i].id == id) return &g_lobby.dir.lobbies[i];
  return NULL;
}

sw_user *sw_dir_user(uint64_t id) {
  for (int i = 0; i < g_lobby.dir.user_count; i++)
    if (g_lobby.dir.users[i].id == id) return &g_lobby.dir.users[i];
  return NULL;
}

static bool grow(void **items, int *cap, int count, size_t size) {
  if (count < *cap) return true;
  int next = *cap ? *cap * 2 : 8;
  void *grown = realloc(*items, (size_t)next * size);
  if (grown == NULL) return false;
  *items = grown;
  *cap = next;
  return true;
}

sw_user *sw_dir_add_user(uint64_t id) {
  sw_directory *d = &g_lobby.dir;
  sw_user *u = sw_dir_user(id);
  if (u != NULL) return u;
  if (!grow((void **)&d->users, &d->user_cap, d->user_count, sizeof *d->users)) return NULL;
  u = &d->users[d->user_count++];
  *u = (sw_user){.id = id, .name = strdup("")};
  return u;
}

void sw_dir_remove_user(uint64_t id) {
  sw_directory *d = &g_lobby.dir;
  for (int i = 0; i < d->user_count; i++) {
    if (d->users[i].id != id) continue;
    free(d->users[i].name);
    sw_kvs_free(&d->users[i].rich_presence);
    memmove(&d->users[i], &d->users[i + 1], (size_t)(d->user_count - i - 1) * sizeof *d->users);
    d->user_count--;
    return;
  }
}

sw_lobby *sw_dir_add_lobby(void) {
  sw_directory *d = &g_lobby.dir;
  if (!grow((void **)&d->lobbies, &d->lobby_cap, d->lobby_count, sizeof *d->lobbies)) return NULL;
  sw_lobby *l = &d->lobbies[d->lobby_count++];
  /* Universe 1, account type Chat, instance flags Lobby | MMSLobby (STEAM_API.md §16.9). */
  *l = (sw_lobby){.id = 0x0186000000000000ull | d->next_lobby++, .joinable = true};
  return l;
}

void sw_dir_remove_lobby(uint64_t id) {
  sw_directory *d = &g_lobby.dir;
  for (int i = 0; i < d->lobby_count; i++) {
    if (d->lobbies[i].id != id) continue;
    lobby_free(&d->lobbies[i]);
    memmove(&d->lobbies[i], &d->lobbies[i + 1], (size_t)(d->lobby_count - i - 1) * sizeof *d->lobbies);
    d->lobby_count--;
    return;
  }
}

sw_member *sw_lobby_member(sw_lobby *l, uint64_t id) {
  for (int i = 0; i < l->member_count; i++)
    if (l->members[i].id == id) return &l->members[i];
  return NULL;
}

sw_member *sw_lobby_add_member(sw_lobby *l, uint64_t id) {
  sw_member *m = sw_lobby_member(l, id);
  if (m != NULL) return m;
  if (!grow((void **)&l->members, &l->member_cap, l->member_count, sizeof *l->members)) return NULL;
  m = &l->members[l->member_count++];
  *m = (sw_member){.id = id};
  return m;
}

void sw_lobby_remove_member(sw_lobby *l, uint64_t id) {
  for (int i = 0; i < l->member_count; i++) {
    if (l->members[i].id != id) continue;
    sw_kvs_free(&l->members[i].data);
    memmove(&l->members[i], &l->members[i + 1], (size_t)(l->member_count - i - 1) * sizeof *l->members);
    l->member_count--;
    return;
  }
}

sw_event *sw_event_add(int kind, uint64_t lobby, uint64_t user, uint64_t actor, uint32_t flags) {
  sw_directory *d = &g_lobby.dir;
  if (d->event_count >= SW_DIR_MAX_EVENTS) {
    event_free(&d->events[0]);
    memmove(&d->events[0], &d->events[1], (size_t)(d->event_count - 1) * sizeof *d->events);
    d->event_count--;
  }
  if (!grow((void **)&d->events, &d->event_cap, d->event_count, sizeof *d->events)) return NULL;
  sw_event *e = &d->events[d->event_count++];
  *e = (sw_event){.seq = d->next_seq++, .kind = kind, .lobby = lobby, .user = user, .actor = actor, .flags = flags};
  return e;
}
