/*
 * The lobby directory file shared by the fake peers of a world (see lobby.h), and its in-memory model.
 *
 * Format (little-endian, as the peers all run on this machine): a header {magic "SWL1", format 1,
 * generation u64, next event seq u64, next lobby u32, counts}, then the users, the lobbies and the
 * events. Strings and blobs are u32 length + bytes. Reading is bounded everywhere: a file that does not
 * parse (another program, a peer killed mid-write) reads as an empty directory, and the next
 * transaction writes a good one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobby.h"

#define SW_DIR_MAGIC 0x314c5753u /* "SWL1" */
#define SW_DIR_FORMAT 1u
/* Bounds on what a file may claim, so a corrupt one cannot make us allocate gigabytes. */
#define SW_DIR_MAX_USERS 4096
#define SW_DIR_MAX_LOBBIES 4096
#define SW_DIR_MAX_KVS 4096
#define SW_DIR_MAX_STRING (SW_LOBBY_VALUE_MAX + 64)
#define SW_DIR_MAX_IDS 4096
#define SW_DIR_MAX_FILE (256u * 1024u * 1024u)

/* Directory I/O since load, for the tests: a file that does not parse or a failed write is counted, never silent. */
static struct {
  uint64_t reads;
  uint64_t writes;
  uint64_t corrupt;
  uint64_t write_errors;
} g_dir_counters;

/** Counters of the lobby directory file since load: reads, writes, unparseable reads, failed writes. */
SW_EXPORT const char *steamwire_fake_lobby_counters(void) {
  static char json[256];
  snprintf(json, sizeof json, "{\"reads\":%llu,\"writes\":%llu,\"corrupt\":%llu,\"writeErrors\":%llu}",
           (unsigned long long)g_dir_counters.reads, (unsigned long long)g_dir_counters.writes,
           (unsigned long long)g_dir_counters.corrupt, (unsigned long long)g_dir_counters.write_errors);
  return json;
}

/* ---------------------------------------------------------------- writing ---- */

typedef struct {
  uint8_t *p;
  size_t len;
  size_t cap;
  bool failed;
} wbuf;

static void put(wbuf *w, const void *data, size_t n) {
  if (w->failed) return;
  if (w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 4096;
    while (cap < w->len + n) cap *= 2;
    uint8_t *grown = realloc(w->p, cap);
    if (grown == NULL) {
      w->failed = true;
      return;
    }
    w->p = grown;
    w->cap = cap;
  }
  memcpy(w->p + w->len, data, n);
  w->len += n;
}
static void put_u8(wbuf *w, uint8_t v) { put(w, &v, 1); }
static void put_u32(wbuf *w, uint32_t v) { put(w, &v, 4); }
static void put_u64(wbuf *w, uint64_t v) { put(w, &v, 8); }
static void put_blob(wbuf *w, const void *data, uint32_t n) {
  put_u32(w, n);
  put(w, data, n);
}
static void put_str(wbuf *w, const char *s) { put_blob(w, s, (uint32_t)strlen(s)); }
static void put_kvs(wbuf *w, const sw_kvs *kvs) {
  put_u32(w, (uint32_t)kvs->count);
  for (int i = 0; i < kvs->count; i++) {
    put_str(w, kvs->items[i].key);
    put_str(w, kvs->items[i].value);
  }
}
static void put_ids(wbuf *w, const sw_ids *ids) {
  put_u32(w, (uint32_t)ids->count);
  for (int i = 0; i < ids->count; i++) put_u64(w, ids->items[i]);
}

static void serialize(wbuf *w, const sw_directory *d) {
  put_u32(w, SW_DIR_MAGIC);
  put_u32(w, SW_DIR_FORMAT);
  put_u64(w, d->generation);
  put_u64(w, d->next_seq);
  put_u32(w, d->next_lobby);
  put_u32(w, (uint32_t)d->user_count);
  for (int i = 0; i < d->user_count; i++) {
    put_u64(w, d->users[i].id);
    put_str(w, d->users[i].name ? d->users[i].name : "");
    put_kvs(w, &d->users[i].rich_presence);
  }
  put_u32(w, (uint32_t)d->lobby_count);
  for (int i = 0; i < d->lobby_count; i++) {
    const sw_lobby *l = &d->lobbies[i];
    put_u64(w, l->id);
    put_u32(w, (uint32_t)l->type);
    put_u32(w, (uint32_t)l->max_members);
    put_u8(w, l->joinable);
    put_u64(w, l->owner);
    put_u32(w, l->next_chat);
    put_u32(w, (uint32_t)l->member_count);
    for (int m = 0; m < l->member_count; m++) {
      put_u64(w, l->members[m].id);
      put_kvs(w, &l->members[m].data);
    }
    put_kvs(w, &l->data);
    put_ids(w, &l->invited);
    put_ids(w, &l->banned);
  }
  put_u32(w, (uint32_t)d->event_count);
  for (int i = 0; i < d->event_count; i++) {
    const sw_event *e = &d->events[i];
    put_u64(w, e->seq);
    put_u8(w, (uint8_t)e->kind);
    put_u64(w, e->lobby);
    put_u64(w, e->user);
    put_u64(w, e->actor);
    put_u32(w, e->flags);
    put_u32(w, e->chat_id);
    put_ids(w, &e->recipients);
    put_blob(w, e->payload, e->payload_len);
  }
}

/* ---------------------------------------------------------------- reading ---- */

typedef struct {
  const uint8_t *p;
  size_t len;
  size_t off;
  bool bad;
} rbuf;

static bool take(rbuf *r, void *out, size_t n) {
  if (r->bad || r->len - r->off < n) {
    r->bad = true;
    memset(out, 0, n);
    return false;
  }
  memcpy(out, r->p + r->off, n);
  r->off += n;
  return true;
}
static uint8_t get_u8(rbuf *r) {
  uint8_t v;
  take(r, &v, 1);
  return v;
}
static uint32_t get_u32(rbuf *r) {
  uint32_t v;
  take(r, &v, 4);
  return v;
}
static uint64_t get_u64(rbuf *r) {
  uint64_t v;
  take(r, &v, 8);
  return v;
}
static uint32_t get_count(rbuf *r, uint32_t max) {
  uint32_t n = get_u32(r);
  if (n > max) r->bad = true;
  return r->bad ? 0 : n;
}
static uint8_t *get_blob(rbuf *r, uint32_t *len, uint32_t max, bool terminate) {
  uint32_t n = get_count(r, max);
  if (r->bad || r->len - r->off < n) {
    r->bad = true;
    *len = 0;
    return NULL;
  }
  uint8_t *out = malloc((size_t)n + 1);
  if (out == NULL) {
    r->bad = true;
    return NULL;
  }
  memcpy(out, r->p + r->off, n);
  if (terminate) out[n] = 0;
  r->off += n;
  *len = n;
  return out;
}
static char *get_str(rbuf *r) {
  uint32_t n;
  char *s = (char *)get_blob(r, &n, SW_DIR_MAX_STRING, true);
  /* A string with a NUL inside would read as a shorter one; a C string API never writes that. */
  if (s != NULL && strlen(s) != n) r->bad = true;
  return s;
}
static void get_kvs(rbuf *r, sw_kvs *kvs) {
  uint32_t n = get_count(r, SW_DIR_MAX_KVS);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    char *k = get_str(r), *v = get_str(r);
    if (!r->bad && *k != '\0') sw_kvs_set(kvs, k, v);
    free(k);
    free(v);
  }
}
static void get_ids(rbuf *r, sw_ids *ids, uint32_t max) {
  uint32_t n = get_count(r, max);
  for (uint32_t i = 0; i < n && !r->bad; i++) sw_ids_add(ids, get_u64(r));
}

static bool parse(rbuf *r, sw_directory *d) {
  if (get_u32(r) != SW_DIR_MAGIC || get_u32(r) != SW_DIR_FORMAT) return false;
  d->generation = get_u64(r);
  d->next_seq = get_u64(r);
  d->next_lobby = get_u32(r);
  uint32_t users = get_count(r, SW_DIR_MAX_USERS);
  d->users = calloc(users ? users : 1, sizeof *d->users);
  d->user_cap = (int)(users ? users : 1);
  for (uint32_t i = 0; i < users && !r->bad && d->users; i++) {
    sw_user *u = &d->users[d->user_count++];
    u->id = get_u64(r);
    u->name = get_str(r);
    get_kvs(r, &u->rich_presence);
  }
  uint32_t lobbies = get_count(r, SW_DIR_MAX_LOBBIES);
  d->lobbies = calloc(lobbies ? lobbies : 1, sizeof *d->lobbies);
  d->lobby_cap = (int)(lobbies ? lobbies : 1);
  for (uint32_t i = 0; i < lobbies && !r->bad && d->lobbies; i++) {
    sw_lobby *l = &d->lobbies[d->lobby_count++];
    l->id = get_u64(r);
    l->type = (int)get_u32(r);
    l->max_members = (int)get_u32(r);
    l->joinable = get_u8(r) != 0;
    l->owner = get_u64(r);
    l->next_chat = get_u32(r);
    uint32_t members = get_count(r, SW_LOBBY_MAX_MEMBERS);
    for (uint32_t m = 0; m < members && !r->bad; m++) {
      sw_member *member = sw_lobby_add_member(l, get_u64(r));
      sw_kvs scratch = {0};
      get_kvs(r, member ? &member->data : &scratch);
      sw_kvs_free(&scratch);
    }
    get_kvs(r, &l->data);
    get_ids(r, &l->invited, SW_DIR_MAX_IDS);
    get_ids(r, &l->banned, SW_DIR_MAX_IDS);
  }
  uint32_t events = get_count(r, SW_DIR_MAX_EVENTS);
  d->events = calloc(events ? events : 1, sizeof *d->events);
  d->event_cap = (int)(events ? events : 1);
  for (uint32_t i = 0; i < events && !r->bad && d->events; i++) {
    sw_event *e = &d->events[d->event_count++];
    e->seq = get_u64(r);
    e->kind = get_u8(r);
    e->lobby = get_u64(r);
    e->user = get_u64(r);
    e->actor = get_u64(r);
    e->flags = get_u32(r);
    e->chat_id = get_u32(r);
    get_ids(r, &e->recipients, SW_LOBBY_MAX_MEMBERS);
    e->payload = get_blob(r, &e->payload_len, SW_LOBBY_VALUE_MAX, false);
  }
  return !r->bad && d->users && d->lobbies && d->events;
}

/* ---------------------------------------------------------------- the file ---- */

/* Reads the whole file (the caller holds a lock) into g_lobby.dir; an unreadable file is empty. */
static void load_locked(void) {
  sw_directory fresh = {.next_seq = 1, .next_lobby = 1};
  int64_t size = sw_file_size(g_lobby.file);
  if (size > 0 && (uint64_t)size <= SW_DIR_MAX_FILE) {
    uint8_t *buf = malloc((size_t)size);
    if (buf != NULL && sw_file_read_at(g_lobby.file, buf, (size_t)size, 0)) {
      rbuf r = {.p = buf, .len = (size_t)size};
      if (!parse(&r, &fresh)) {
        g_dir_counters.corrupt++;
        sw_dir_free(&fresh);
        fresh = (sw_directory){.next_seq = 1, .next_lobby = 1};
      }
    } else {
      g_dir_counters.corrupt++;
    }
    free(buf);
  } else if (size != 0) {
    g_dir_counters.corrupt++; /* unreadable, or larger than any directory we write */
  }
  g_dir_counters.reads++;
  /* Keep counters monotonic even if the file was reset: old ids and events are never reused. */
  if (fresh.next_seq < g_lobby.dir.next_seq) fresh.next_seq = g_lobby.dir.next_seq;
  if (fresh.next_lobby < g_lobby.dir.next_lobby) fresh.next_lobby = g_lobby.dir.next_lobby;
  sw_dir_free(&g_lobby.dir);
  g_lobby.dir = fresh;
}

bool sw_dir_begin(void) {
  if (!g_lobby.ready || g_lobby.file == SW_NO_FILE) return false;
  if (!sw_file_lock(g_lobby.file, true)) return false;
  load_locked();
  return true;
}

void sw_dir_commit(void) {
  g_lobby.dir.generation++;
  wbuf w = {0};
  serialize(&w, &g_lobby.dir);
  if (!w.failed) {
    if (sw_file_write_at(g_lobby.file, w.p, w.len, 0) && sw_file_truncate(g_lobby.file, w.len))
      g_dir_counters.writes++;
    else g_dir_counters.write_errors++;
  } else {
    g_dir_counters.write_errors++;
  }
  free(w.p);
  sw_file_unlock(g_lobby.file);
  sw_events_deliver();
}

void sw_dir_abort(void) {
  if (g_lobby.file != SW_NO_FILE) sw_file_unlock(g_lobby.file);
}

void sw_dir_refresh(bool force) {
  if (!g_lobby.ready || g_lobby.file == SW_NO_FILE) return;
  int64_t now = sw_now_us();
  if (!force && now - g_lobby.last_poll_us < 2000) return;
  g_lobby.last_poll_us = now;
  uint64_t generation = 0;
  /* The generation is at offset 8; reading it unlocked is only a hint: the real read is locked. */
  if (!force && sw_file_read_at(g_lobby.file, &generation, 8, 8) && generation == g_lobby.dir.generation) return;
  if (!sw_file_lock(g_lobby.file, false)) return;
  load_locked();
  sw_file_unlock(g_lobby.file);
  sw_events_deliver();
}
