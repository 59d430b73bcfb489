/*
 * ISteamMatchmaking (SteamMatchMaking009) over the lobby directory, with Steam's semantics as
 * STEAM_API.md §16.6 lists them:
 * - CreateLobby: 703 → LobbyCreated_t (513), then plain 513, 504 (Success) and 505 (lobby, lobby).
 * - JoinLobby: 703 → LobbyEnter_t (504) and a plain 504; failure is only in the response (2 gone,
 *   3 not allowed / not joinable / friends-only without a friend inside or an invite, 4 full,
 *   6 banned). The members get 506 Entered.
 * - LeaveLobby is immediate; the others get 506 Left. The owner leaving hands ownership to the
 *   oldest remaining member; the last member leaving deletes the lobby. Shutdown leaves every lobby
 *   as Disconnected.
 * - Lobby data: owner only, key ≤ 255, value ≤ 8192, sent only when it changed; 505 to every member
 *   (the setter too). Member data: 505 with the member. Chat: ≤ 4096 bytes, 507 to every member
 *   (the sender too), increasing chat ids.
 * - RequestLobbyList and its filters: lobby_search.c.
 * Methods called with a NULL or foreign `self` return 0/false and are counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobby.h"

sw_lobby_state g_lobby = {.file = SW_NO_FILE, .fail_next_call = -2};
const uint64_t g_sw_iface_matchmaking = 0x4d4154434d414b31ull;

#define MM(self) sw_check_self((self), &g_sw_iface_matchmaking)

/* ---------------------------------------------------------------- create, join, leave ---- */

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_CreateLobby(void *self, int type, int max_members) {
  if (!MM(self) || type < k_ELobbyTypePrivate || type > k_ELobbyTypeInvisible) return 0;
  if (max_members < 1 || max_members > SW_LOBBY_MAX_MEMBERS) return 0;
  bool failed;
  uint64_t call = sw_call_new(CB_LOBBY_CREATED, sizeof(LobbyCreated_t), &failed);
  if (call == 0 || failed) return call;
  LobbyCreated_t created = {.m_eResult = k_EResultFail};
  if (sw_dir_begin()) {
    sw_lobby *l = sw_dir_add_lobby();
    if (l != NULL && sw_lobby_add_member(l, g_sw.steam_id) != NULL) {
      l->type = type;
      l->max_members = max_members;
      l->owner = g_sw.steam_id;
      created = (LobbyCreated_t){.m_eResult = k_EResultOK, .m_ulSteamIDLobby = l->id};
    }
    sw_dir_commit();
  }
  sw_call_complete(call, CB_LOBBY_CREATED, &created, sizeof created);
  sw_post_callback(CB_LOBBY_CREATED, &created, sizeof created);
  if (created.m_eResult == k_EResultOK) {
    LobbyEnter_t enter = {.m_ulSteamIDLobby = created.m_ulSteamIDLobby,
                          .m_bLocked = type == k_ELobbyTypePrivate,
                          .m_EChatRoomEnterResponse = k_EChatRoomEnterResponseSuccess};
    sw_post_callback(CB_LOBBY_ENTER, &enter, sizeof enter);
    LobbyDataUpdate_t data = {created.m_ulSteamIDLobby, created.m_ulSteamIDLobby, 1};
    sw_post_callback(CB_LOBBY_DATA_UPDATE, &data, sizeof data);
  }
  return call;
}

/* Who may enter: everyone for Public, Invisible and Private (by id); friends of a member or invitees for FriendsOnly. */
static int enter_response(const sw_lobby *l) {
  if (l == NULL) return k_EChatRoomEnterResponseDoesntExist;
  if (sw_ids_has(&l->banned, g_sw.steam_id)) return k_EChatRoomEnterResponseBanned;
  for (int i = 0; i < l->member_count; i++)
    if (l->members[i].id == g_sw.steam_id) return k_EChatRoomEnterResponseSuccess;
  if (!l->joinable) return k_EChatRoomEnterResponseNotAllowed;
  if (l->member_count >= l->max_members) return k_EChatRoomEnterResponseFull;
  if (l->type == k_ELobbyTypeFriendsOnly && !sw_ids_has(&l->invited, g_sw.steam_id)) {
    bool friend_inside = false;
    for (int i = 0; i < l->member_count && !friend_inside; i++)
      friend_inside = sw_ids_has(&g_lobby.friends, l->members[i].id);
    if (!friend_inside) return k_EChatRoomEnterResponseNotAllowed;
  }
  return k_EChatRoomEnterResponseSuccess;
}

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_JoinLobby(void *self, uint64_t lobby) {
  if (!MM(self)) return 0;
  bool failed;
  uint64_t call = sw_call_new(CB_LOBBY_ENTER, sizeof(LobbyEnter_t), &failed);
  if (call == 0 || failed) return call;
  LobbyEnter_t enter = {.m_ulSteamIDLobby = lobby, .m_EChatRoomEnterResponse = k_EChatRoomEnterResponseError};
  if (sw_dir_begin()) {
    sw_lobby *l = sw_dir_lobby(lobby);
    int response = enter_response(l);
    if (response == k_EChatRoomEnterResponseSuccess && sw_lobby_member(l, g_sw.steam_id) == NULL) {
      sw_event_to_members(SW_EV_MEMBER, l, g_sw.steam_id, g_sw.steam_id, k_EChatMemberStateChangeEntered, 0);
      if (sw_lobby_add_member(l, g_sw.steam_id) == NULL) response = k_EChatRoomEnterResponseError;
    }
    enter.m_EChatRoomEnterResponse = (uint32_t)response;
    enter.m_bLocked = l != NULL && l->type == k_ELobbyTypePrivate;
    sw_dir_commit();
  }
  sw_call_complete(call, CB_LOBBY_ENTER, &enter, sizeof enter);
  sw_post_callback(CB_LOBBY_ENTER, &enter, sizeof enter);
  return call;
}

/* Takes `user` out of `l` (in a transaction): events to the others, owner migration, deletion when empty. */
static void remove_member(sw_lobby *l, uint64_t user, uint64_t actor, uint32_t flags) {
  sw_lobby_remove_member(l, user);
  if (l->member_count == 0) {
    sw_dir_remove_lobby(l->id);
    return;
  }
  /* Steam keeps exactly one owner; the oldest remaining member is the emulators' (and our) choice. */
  if (l->owner == user) l->owner = l->members[0].id;
  sw_event_to_members(SW_EV_MEMBER, l, user, actor, flags, 0);
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_LeaveLobby(void *self, uint64_t lobby) {
  if (!MM(self) || !sw_dir_begin()) return;
  sw_lobby *l = sw_dir_lobby(lobby);
  if (l != NULL && sw_lobby_member(l, g_sw.steam_id) != NULL)
    remove_member(l, g_sw.steam_id, g_sw.steam_id, k_EChatMemberStateChangeLeft);
  sw_dir_commit();
}

bool sw_lobby_leave_all(uint32_t flags) {
  if (!sw_dir_begin()) return false;
  for (int i = g_lobby.dir.lobby_count - 1; i >= 0; i--) {
    sw_lobby *l = &g_lobby.dir.lobbies[i];
    if (sw_lobby_member(l, g_sw.steam_id) != NULL) remove_member(l, g_sw.steam_id, g_sw.steam_id, flags);
  }
  sw_dir_remove_user(g_sw.steam_id);
  sw_dir_commit();
  return true;
}

/** Test control: the owner (this peer) kicks or bans `user` from `lobby`, as a Steam admin would. */
SW_EXPORT bool steamwire_fake_lobby_kick(uint64_t lobby, uint64_t user, bool ban) {
  if (!g_sw.initialized || !sw_dir_begin()) return false;
  sw_lobby *l = sw_dir_lobby(lobby);
  bool ok = l != NULL && l->owner == g_sw.steam_id && user != g_sw.steam_id && sw_lobby_member(l, user) != NULL;
  if (ok) {
    if (ban) sw_ids_add(&l->banned, user);
    sw_event *e = sw_event_add(SW_EV_KICKED, lobby, user, g_sw.steam_id, 0);
    if (e != NULL) sw_ids_add(&e->recipients, user);
    remove_member(l, user, g_sw.steam_id, ban ? k_EChatMemberStateChangeBanned : k_EChatMemberStateChangeKicked);
  }
  sw_dir_commit();
  return ok;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_InviteUserToLobby(void *self, uint64_t lobby, uint64_t invitee) {
  if (!MM(self) || !sw_steamid_valid(invitee) || !sw_dir_begin()) return false;
  sw_lobby *l = sw_dir_lobby(lobby);
  bool ok = l != NULL && sw_lobby_member(l, g_sw.steam_id) != NULL;
  if (ok) {
    sw_ids_add(&l->invited, invitee);
    sw_event *e = sw_event_add(SW_EV_INVITE, lobby, invitee, g_sw.steam_id, 0);
    if (e != NULL) sw_ids_add(&e->recipients, invitee);
  }
  sw_dir_commit();
  return ok;
}

/* ---------------------------------------------------------------- reading ---- */

/* A lobby this peer may read: one it is in, or one it learnt of from a search or RequestLobbyData. */
static sw_lobby *readable(uint64_t lobby) {
  sw_lobby *l = sw_dir_lobby(lobby);
  if (l == NULL) return NULL;
  return sw_lobby_member(l, g_sw.steam_id) != NULL || sw_ids_has(&g_lobby.known, lobby) ? l : NULL;
}

static sw_lobby *joined(uint64_t lobby) {
  sw_lobby *l = sw_dir_lobby(lobby);
  return l != NULL && sw_lobby_member(l, g_sw.steam_id) != NULL ? l : NULL;
}

static const char *returned(const char *value) {
  snprintf(g_lobby.ret, sizeof g_lobby.ret, "%s", value ? value : "");
  return g_lobby.ret;
}

SW_EXPORT int SteamAPI_ISteamMatchmaking_GetNumLobbyMembers(void *self, uint64_t lobby) {
  if (!MM(self)) return 0;
  sw_lobby *l = readable(lobby);
  return l ? l->member_count : 0;
}

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_GetLobbyMemberByIndex(void *self, uint64_t lobby, int index) {
  if (!MM(self)) return 0;
  sw_lobby *l = joined(lobby);
  return l != NULL && index >= 0 && index < l->member_count ? l->members[index].id : 0;
}

SW_EXPORT const char *SteamAPI_ISteamMatchmaking_GetLobbyData(void *self, uint64_t lobby, const char *key) {
  if (!MM(self) || key == NULL) return returned("");
  sw_lobby *l = readable(lobby);
  return returned(l ? sw_kvs_get(&l->data, key) : "");
}

SW_EXPORT int SteamAPI_ISteamMatchmaking_GetLobbyDataCount(void *self, uint64_t lobby) {
  if (!MM(self)) return 0;
  sw_lobby *l = readable(lobby);
  return l ? l->data.count : 0;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_GetLobbyDataByIndex(void *self, uint64_t lobby, int index, char *key, int key_size,
                                                              char *value, int value_size) {
  if (!MM(self) || key == NULL || value == NULL || key_size <= 0 || value_size <= 0) return false;
  sw_lobby *l = readable(lobby);
  if (l == NULL || index < 0 || index >= l->data.count) return false;
  snprintf(key, (size_t)key_size, "%s", l->data.items[index].key);
  snprintf(value, (size_t)value_size, "%s", l->data.items[index].value);
  return true;
}

SW_EXPORT const char *SteamAPI_ISteamMatchmaking_GetLobbyMemberData(void *self, uint64_t lobby, uint64_t user, const char *key) {
  if (!MM(self) || key == NULL) return NULL;
  sw_lobby *l = joined(lobby);
  sw_member *m = l ? sw_lobby_member(l, user) : NULL;
  return m ? returned(sw_kvs_get(&m->data, key)) : NULL;
}

SW_EXPORT int SteamAPI_ISteamMatchmaking_GetLobbyMemberLimit(void *self, uint64_t lobby) {
  if (!MM(self)) return 0;
  sw_lobby *l = readable(lobby);
  return l ? l->max_members : 0;
}

SW_EXPORT uint64_t SteamAPI_ISteamMatchmaking_GetLobbyOwner(void *self, uint64_t lobby) {
  if (!MM(self)) return 0;
  sw_lobby *l = joined(lobby);
  return l ? l->owner : 0;
}

SW_EXPORT int SteamAPI_ISteamMatchmaking_GetLobbyChatEntry(void *self, uint64_t lobby, int chat_id, uint64_t *user, void *data,
                                                           int size, int *type) {
  if (!MM(self)) return 0;
  for (int i = 0; i < SW_CHAT_HISTORY; i++) {
    const sw_chat_entry *e = &g_lobby.chat[i];
    if (e->data == NULL || e->lobby != lobby || e->chat_id != (uint32_t)chat_id) continue;
    if (user != NULL) *user = e->user;
    if (type != NULL) *type = k_EChatEntryTypeChatMsg;
    int n = data == NULL || size <= 0 ? 0 : ((uint32_t)size < e->len ? size : (int)e->len);
    if (n > 0) memcpy(data, e->data, (size_t)n);
    return n;
  }
  return 0;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_RequestLobbyData(void *self, uint64_t lobby) {
  if (!MM(self)) return false;
  sw_dir_refresh(true);
  bool exists = sw_dir_lobby(lobby) != NULL;
  if (exists) sw_ids_add(&g_lobby.known, lobby);
  LobbyDataUpdate_t update = {lobby, lobby, exists};
  sw_post_callback(CB_LOBBY_DATA_UPDATE, &update, sizeof update);
  return true;
}

/* ---------------------------------------------------------------- writing ---- */

/* Opens a transaction on a lobby this peer is in (and owns, when `owner`); NULL (no transaction) otherwise. */
static sw_lobby *begin_on(uint64_t lobby, bool owner) {
  if (!sw_dir_begin()) return NULL;
  sw_lobby *l = sw_dir_lobby(lobby);
  if (l == NULL || sw_lobby_member(l, g_sw.steam_id) == NULL || (owner && l->owner != g_sw.steam_id)) {
    sw_dir_abort();
    return NULL;
  }
  return l;
}

static bool fits(const char *key, const char *value) {
  return key != NULL && value != NULL && *key != '\0' && strlen(key) <= SW_LOBBY_KEY_MAX && strlen(value) <= SW_LOBBY_VALUE_MAX;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SetLobbyData(void *self, uint64_t lobby, const char *key, const char *value) {
  if (!MM(self) || !fits(key, value)) return false;
  sw_lobby *l = begin_on(lobby, true);
  if (l == NULL) return false;
  if (sw_kvs_set(&l->data, key, value)) sw_event_to_members(SW_EV_DATA, l, lobby, g_sw.steam_id, 0, 0);
  sw_dir_commit();
  return true;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_DeleteLobbyData(void *self, uint64_t lobby, const char *key) {
  if (!MM(self) || key == NULL) return false;
  sw_lobby *l = begin_on(lobby, true);
  if (l == NULL) return false;
  if (sw_kvs_set(&l->data, key, "")) sw_event_to_members(SW_EV_DATA, l, lobby, g_sw.steam_id, 0, 0);
  sw_dir_commit();
  return true;
}

SW_EXPORT void SteamAPI_ISteamMatchmaking_SetLobbyMemberData(void *self, uint64_t lobby, const char *key, const char *value) {
  if (!MM(self) || !fits(key, value)) return;
  sw_lobby *l = begin_on(lobby, false);
  if (l == NULL) return;
  sw_member *me = sw_lobby_member(l, g_sw.steam_id);
  if (sw_kvs_set(&me->data, key, value)) sw_event_to_members(SW_EV_DATA, l, g_sw.steam_id, g_sw.steam_id, 0, 0);
  sw_dir_commit();
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SendLobbyChatMsg(void *self, uint64_t lobby, const void *body, int size) {
  if (!MM(self) || body == NULL || size <= 0 || size > SW_LOBBY_CHAT_MAX) return false;
  sw_lobby *l = begin_on(lobby, false);
  if (l == NULL) return false;
  sw_event *e = sw_event_to_members(SW_EV_CHAT, l, g_sw.steam_id, g_sw.steam_id, 0, 0);
  if (e != NULL) {
    e->chat_id = ++l->next_chat;
    e->payload = malloc((size_t)size);
    if (e->payload != NULL) {
      memcpy(e->payload, body, (size_t)size);
      e->payload_len = (uint32_t)size;
    }
  }
  sw_dir_commit();
  return e != NULL;
}

/* An owner-only change of the lobby itself; every member gets 505 (lobby, lobby). */
static bool change_lobby(uint64_t lobby, int what, int value, uint64_t id) {
  sw_lobby *l = begin_on(lobby, true);
  if (l == NULL) return false;
  bool ok = true;
  switch (what) {
    case 0: l->max_members = value; break;
    case 1: l->type = value; break;
    case 2: l->joinable = value != 0; break;
    default:
      ok = sw_lobby_member(l, id) != NULL;
      if (ok) l->owner = id;
  }
  if (ok) sw_event_to_members(SW_EV_DATA, l, lobby, g_sw.steam_id, 0, 0);
  sw_dir_commit();
  return ok;
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SetLobbyMemberLimit(void *self, uint64_t lobby, int max) {
  return MM(self) && max >= 1 && max <= SW_LOBBY_MAX_MEMBERS && change_lobby(lobby, 0, max, 0);
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SetLobbyType(void *self, uint64_t lobby, int type) {
  return MM(self) && type >= k_ELobbyTypePrivate && type <= k_ELobbyTypeInvisible && change_lobby(lobby, 1, type, 0);
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SetLobbyJoinable(void *self, uint64_t lobby, bool joinable) {
  return MM(self) && change_lobby(lobby, 2, joinable, 0);
}

SW_EXPORT bool SteamAPI_ISteamMatchmaking_SetLobbyOwner(void *self, uint64_t lobby, uint64_t owner) {
  return MM(self) && change_lobby(lobby, 3, 0, owner);
}

/* ---------------------------------------------------------------- life cycle ---- */

static void parse_ids(const char *text, sw_ids *out) {
  while (text != NULL && *text != '\0') {
    char *end = NULL;
    errno = 0;
    unsigned long long id = strtoull(text, &end, 10);
    if (end == text) break;
    if (errno == 0 && sw_steamid_valid(id)) sw_ids_add(out, id);
    text = end;
    while (*text == ',' || *text == ' ') text++;
  }
}

void sw_lobby_init(void) {
  const char *path = sw_getenv("STEAMWIRE_FAKE_LOBBIES");
  if (path != NULL && *path != '\0') snprintf(g_lobby.path, sizeof g_lobby.path, "%s", path);
  else if (g_sw.peers_dir[0] != '\0') snprintf(g_lobby.path, sizeof g_lobby.path, "%s/lobbies", g_sw.peers_dir);
  else {
    char dir[sizeof g_lobby.path - 16];
    sw_default_peers_dir(dir, sizeof dir);
    snprintf(g_lobby.path, sizeof g_lobby.path, "%s-lobbies", dir);
  }
  const char *name = sw_getenv("STEAMWIRE_FAKE_PERSONA_NAME");
  if (name != NULL && *name != '\0') snprintf(g_lobby.name, sizeof g_lobby.name, "%s", name);
  else snprintf(g_lobby.name, sizeof g_lobby.name, "Fake %u", (unsigned)(uint32_t)g_sw.steam_id);
  const char *launch = sw_getenv("STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE");
  snprintf(g_lobby.launch, sizeof g_lobby.launch, "%s", launch ? launch : "");
  parse_ids(sw_getenv("STEAMWIRE_FAKE_FRIENDS"), &g_lobby.friends);
  const char *app = sw_getenv("SteamAppId");
  g_lobby.app_id = app != NULL && *app != '\0' ? strtoull(app, NULL, 10) : 480;
  g_lobby.fail_next_call = -2;
  g_lobby.file = sw_file_open(g_lobby.path);
  g_lobby.ready = g_lobby.file != SW_NO_FILE;
  if (!sw_dir_begin()) return;
  /* Events from before we came are not ours. */
  g_lobby.seen_seq = g_lobby.dir.next_seq - 1;
  sw_user *me = sw_dir_add_user(g_sw.steam_id);
  if (me != NULL) {
    free(me->name);
    me->name = strdup(g_lobby.name);
    sw_kvs_free(&me->rich_presence);
  }
  sw_dir_commit();
}

void sw_lobby_shutdown(void) {
  if (g_lobby.ready) sw_lobby_leave_all(k_EChatMemberStateChangeDisconnected);
  if (g_lobby.file != SW_NO_FILE) sw_file_close(g_lobby.file);
  sw_filters_clear();
  sw_calls_clear();
  sw_chat_clear();
  sw_dir_free(&g_lobby.dir);
  sw_ids_free(&g_lobby.friends);
  sw_ids_free(&g_lobby.known);
  sw_ids_free(&g_lobby.asked_users);
  sw_ids_free(&g_lobby.list);
  g_lobby = (sw_lobby_state){.file = SW_NO_FILE, .fail_next_call = -2};
}

void sw_lobby_pump(void) { sw_dir_refresh(false); }

SW_EXPORT void *SteamAPI_SteamMatchmaking_v009(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_matchmaking : NULL;
}
