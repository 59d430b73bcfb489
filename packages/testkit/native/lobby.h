/*
 * Internal state of the fake's lobby, friends and call-result services (lobby_model.c, lobby_dir.c,
 * lobby_events.c, lobby.c, lobby_search.c, friends.c). Hidden like everything in fake.h.
 *
 * Lobbies live in a DIRECTORY FILE shared by every fake peer of a world (STEAMWIRE_FAKE_LOBBIES,
 * default `<peers dir>/lobbies`): users (persona name, rich presence), lobbies (members, data, owner,
 * invites, bans) and a bounded log of events. A change is one transaction: lock the file (sw_file_lock,
 * exclusive), read it, change it, append events, write it back, unlock. Every peer polls the file's
 * generation from its callback pump; when it moved, it re-reads the file (shared lock) and turns the
 * new events addressed to it into callbacks. One file, no authority process: any peer may leave or
 * crash and the lobbies stay consistent, and the order of events is the order of the transactions.
 */
#ifndef STEAMWIRE_FAKE_LOBBY_H
#define STEAMWIRE_FAKE_LOBBY_H

#include "fake.h"
#include "lobby_types.h"

/* Interface objects of the APIs in this part (accessors return their addresses). */
extern const uint64_t g_sw_iface_matchmaking;
extern const uint64_t g_sw_iface_friends;
extern const uint64_t g_sw_iface_utils;
extern const uint64_t g_sw_iface_apps;

/* ---- the directory's model ---- */
typedef struct sw_kv {
  char *key;
  char *value;
} sw_kv;

typedef struct sw_kvs {
  sw_kv *items; /* insertion order: GetLobbyDataByIndex enumerates in it */
  int count;
  int cap;
} sw_kvs;

typedef struct sw_ids {
  uint64_t *items;
  int count;
  int cap;
} sw_ids;

typedef struct sw_member {
  uint64_t id;
  sw_kvs data;
} sw_member;

typedef struct sw_lobby {
  uint64_t id;
  int type;
  int max_members;
  bool joinable;
  uint64_t owner;
  uint32_t next_chat;
  sw_member *members; /* join order: the oldest remaining member inherits ownership */
  int member_count;
  int member_cap;
  sw_kvs data;
  sw_ids invited;
  sw_ids banned;
} sw_lobby;

typedef struct sw_user {
  uint64_t id;
  char *name;
  sw_kvs rich_presence;
} sw_user;

/* What an event turns into at each recipient. */
typedef enum {
  SW_EV_MEMBER = 1,  /* 506 LobbyChatUpdate_t {lobby, user, actor, flags} */
  SW_EV_DATA = 2,    /* 505 LobbyDataUpdate_t {lobby, member = user (the lobby for lobby data)} */
  SW_EV_CHAT = 3,    /* 507 LobbyChatMsg_t {lobby, user, chat_id}; payload = the message */
  SW_EV_INVITE = 4,  /* 503 LobbyInvite_t {actor, lobby} then 333 (the fake's user accepts at once) */
  SW_EV_KICKED = 5,  /* 512 LobbyKicked_t {lobby, actor, flags = due to disconnect} */
  SW_EV_GAME_JOIN = 6, /* 337 GameRichPresenceJoinRequested_t {actor, payload = connect string} */
} sw_event_kind;

typedef struct sw_event {
  uint64_t seq;
  int kind;
  uint64_t lobby;
  uint64_t user;
  uint64_t actor;
  uint32_t flags;
  uint32_t chat_id;
  sw_ids recipients;
  uint32_t payload_len;
  uint8_t *payload;
} sw_event;

typedef struct sw_directory {
  uint64_t generation; /* bumped by every transaction */
  uint64_t next_seq;   /* next event's seq */
  uint32_t next_lobby; /* next lobby account id */
  sw_user *users;
  int user_count;
  int user_cap;
  sw_lobby *lobbies;
  int lobby_count;
  int lobby_cap;
  sw_event *events; /* oldest first, at most SW_DIR_MAX_EVENTS */
  int event_count;
  int event_cap;
} sw_directory;

/* Events kept in the file; a peer that falls further behind than this misses the oldest ones. */
#define SW_DIR_MAX_EVENTS 512

/* ---- this peer's lobby state ---- */
typedef struct sw_chat_entry {
  uint64_t lobby;
  uint64_t user;
  uint32_t chat_id;
  uint32_t len;
  uint8_t *data;
} sw_chat_entry;

/* Chat entries kept for GetLobbyChatEntry (Steam keeps a short history too). */
#define SW_CHAT_HISTORY 256

typedef struct sw_lobby_state {
  bool ready;
  sw_file file;
  char path[600];
  sw_directory dir; /* the last snapshot read (or written) */
  uint64_t seen_seq; /* events up to here were turned into callbacks (or predate us) */
  int64_t last_poll_us;
  uint64_t app_id;
  sw_ids friends;      /* STEAMWIRE_FAKE_FRIENDS */
  sw_ids known;        /* lobbies from a list result or RequestLobbyData: their data is readable */
  sw_ids asked_users;  /* RequestUserInformation already answered with 304 */
  char launch[1024];   /* STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE */
  char name[SW_PERSONA_NAME_MAX + 1];
  /* Lobby search: filters for the next RequestLobbyList, and the last result. */
  struct sw_filters *filters;
  sw_ids list;
  uint64_t list_call;
  sw_chat_entry chat[SW_CHAT_HISTORY];
  int chat_next;
  /* Scratch for `const char *` returns: valid until the next call, as Steam's. */
  char ret[SW_LOBBY_VALUE_MAX + 1];
  /* Test controls (debug exports). */
  int fail_next_call; /* an ESteamAPICallFailure for the next async call, or -2 */
  bool hold_results;
  /* Call results not yet fetched. */
  struct sw_call *calls;
} sw_lobby_state;

extern sw_lobby_state g_lobby;

/* lobby_model.c (the model) and lobby_dir.c (the file). */
void sw_dir_free(sw_directory *d);
bool sw_dir_begin(void);           /* exclusive lock + fresh read; false if the file cannot be used */
void sw_dir_commit(void);          /* write back, unlock, deliver new events to this peer */
void sw_dir_abort(void);           /* unlock without writing */
void sw_dir_refresh(bool force);   /* shared-lock re-read when the generation moved; delivers events */
sw_lobby *sw_dir_lobby(uint64_t id);
sw_user *sw_dir_user(uint64_t id);
sw_user *sw_dir_add_user(uint64_t id);
void sw_dir_remove_user(uint64_t id);
sw_lobby *sw_dir_add_lobby(void);
void sw_dir_remove_lobby(uint64_t id);
sw_member *sw_lobby_member(sw_lobby *l, uint64_t id);
sw_member *sw_lobby_add_member(sw_lobby *l, uint64_t id);
void sw_lobby_remove_member(sw_lobby *l, uint64_t id);
const char *sw_kvs_get(const sw_kvs *kvs, const char *key);
bool sw_kvs_set(sw_kvs *kvs, const char *key, const char *value); /* "" deletes; true when changed */
void sw_kvs_free(sw_kvs *kvs);
bool sw_ids_has(const sw_ids *ids, uint64_t id);
void sw_ids_add(sw_ids *ids, uint64_t id);
void sw_ids_remove(sw_ids *ids, uint64_t id);
void sw_ids_free(sw_ids *ids);

/* lobby_events.c: events, callbacks and call results. */
/* An event for every member of `l` but `except` (0: everyone); NULL when out of memory. */
sw_event *sw_event_to_members(int kind, sw_lobby *l, uint64_t user, uint64_t actor, uint32_t flags, uint64_t except);
sw_event *sw_event_add(int kind, uint64_t lobby, uint64_t user, uint64_t actor, uint32_t flags);
void sw_events_deliver(void);
/* Starts an async call and returns its handle. When a test asked for a failure, the call is already
 * completed as failed (*failed_now): the caller must then do nothing else. */
uint64_t sw_call_new(int callback_id, int size, bool *failed_now);
void sw_call_complete(uint64_t call, int callback_id, const void *data, int size);
void sw_call_drop(uint64_t call);
bool sw_call_take(uint64_t call, void *out, int size, int expected, bool *failed);
int sw_call_failure_reason(uint64_t call);
void sw_calls_clear(void);
void sw_chat_store(uint64_t lobby, uint64_t user, uint32_t chat_id, const uint8_t *data, uint32_t len);
void sw_chat_clear(void);

/* lobby.c, lobby_search.c */
void sw_lobby_init(void);
void sw_lobby_shutdown(void);
void sw_lobby_pump(void);
bool sw_lobby_leave_all(uint32_t flags);
void sw_filters_clear(void);

#endif
