/*
 * ISteamFriends (SteamFriends018), ISteamUtils (SteamUtils010, for call-failure reasons) and
 * ISteamApps (STEAMAPPS_INTERFACE_VERSION008, for the launch command line) over the lobby directory,
 * plus the lobby debug exports the tests drive.
 *
 * Friendships are this peer's STEAMWIRE_FAKE_FRIENDS list (a test gives both sides the same pair).
 * Persona names (STEAMWIRE_FAKE_PERSONA_NAME) and rich presence live in the directory's users. The
 * overlay invite dialog invites every online friend; the fake's users accept invites at once, so an
 * invitee gets 503 then 333. InviteUserToGame gives the friend 337 with the connect string.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobby.h"
#include "lobby_layout.h"

const uint64_t g_sw_iface_friends = 0x465249454e445331ull;
const uint64_t g_sw_iface_utils = 0x5554494c53303130ull;
const uint64_t g_sw_iface_apps = 0x4150505330303831ull;

#define FR(self) sw_check_self((self), &g_sw_iface_friends)

SW_EXPORT void *SteamAPI_SteamFriends_v018(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_friends : NULL;
}

SW_EXPORT void *SteamAPI_SteamUtils_v010(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_utils : NULL;
}

SW_EXPORT void *SteamAPI_SteamApps_v008(void) {
  g_sw.counters.api_calls++;
  return g_sw.initialized ? (void *)&g_sw_iface_apps : NULL;
}

SW_EXPORT int SteamAPI_ISteamUtils_GetAPICallFailureReason(void *self, uint64_t call) {
  if (!sw_check_self(self, &g_sw_iface_utils)) return k_ESteamAPICallFailureNone;
  return sw_call_failure_reason(call);
}

SW_EXPORT int SteamAPI_ISteamApps_GetLaunchCommandLine(void *self, char *out, int size) {
  if (!sw_check_self(self, &g_sw_iface_apps) || out == NULL || size <= 0) return 0;
  snprintf(out, (size_t)size, "%s", g_lobby.launch);
  return (int)strlen(out);
}

/* ---------------------------------------------------------------- names and presence ---- */

static const char *returned(const char *value) {
  snprintf(g_lobby.ret, sizeof g_lobby.ret, "%s", value ? value : "");
  return g_lobby.ret;
}

SW_EXPORT const char *SteamAPI_ISteamFriends_GetPersonaName(void *self) {
  if (!FR(self)) return returned("");
  return returned(g_lobby.name);
}

SW_EXPORT const char *SteamAPI_ISteamFriends_GetFriendPersonaName(void *self, uint64_t user) {
  if (!FR(self)) return returned("");
  if (user == g_sw.steam_id) return returned(g_lobby.name);
  sw_dir_refresh(false);
  const sw_user *u = sw_dir_user(user);
  return returned(u ? u->name : "");
}

SW_EXPORT bool SteamAPI_ISteamFriends_RequestUserInformation(void *self, uint64_t user, bool name_only) {
  (void)name_only;
  if (!FR(self) || !sw_steamid_valid(user)) return false;
  sw_dir_refresh(true);
  if (sw_dir_user(user) == NULL || sw_ids_has(&g_lobby.asked_users, user)) return false;
  /* The first request "fetches": its answer is a 304 with the name; later ones find it present. */
  sw_ids_add(&g_lobby.asked_users, user);
  PersonaStateChange_t change = {user, k_EPersonaChangeName};
  sw_post_callback(CB_PERSONA_STATE_CHANGE, &change, sizeof change);
  return true;
}

SW_EXPORT bool SteamAPI_ISteamFriends_SetRichPresence(void *self, const char *key, const char *value) {
  if (!FR(self) || key == NULL || *key == '\0' || strlen(key) > SW_RICH_PRESENCE_KEY_MAX) return false;
  if (value == NULL) value = "";
  if (strlen(value) > SW_RICH_PRESENCE_VALUE_MAX || !sw_dir_begin()) return false;
  sw_user *me = sw_dir_add_user(g_sw.steam_id);
  bool ok = me != NULL && (sw_kvs_get(&me->rich_presence, key) != NULL || *value == '\0' ||
                           me->rich_presence.count < SW_RICH_PRESENCE_MAX_KEYS);
  if (ok) sw_kvs_set(&me->rich_presence, key, value);
  sw_dir_commit();
  return ok;
}

SW_EXPORT void SteamAPI_ISteamFriends_ClearRichPresence(void *self) {
  if (!FR(self) || !sw_dir_begin()) return;
  sw_user *me = sw_dir_user(g_sw.steam_id);
  if (me != NULL) sw_kvs_free(&me->rich_presence);
  sw_dir_commit();
}

SW_EXPORT const char *SteamAPI_ISteamFriends_GetFriendRichPresence(void *self, uint64_t user, const char *key) {
  if (!FR(self) || key == NULL) return returned("");
  sw_dir_refresh(false);
  const sw_user *u = sw_dir_user(user);
  return returned(u ? sw_kvs_get(&u->rich_presence, key) : "");
}

/* ---------------------------------------------------------------- games, lobbies, invites ---- */

/* The first lobby `user` is in that friends may see (public or friends-only: invisible lobbies are
 * "not visible to other friends", private ones are by invite), or 0. */
static uint64_t lobby_of(uint64_t user) {
  for (int i = 0; i < g_lobby.dir.lobby_count; i++) {
    sw_lobby *l = &g_lobby.dir.lobbies[i];
    if (l->type != k_ELobbyTypePublic && l->type != k_ELobbyTypeFriendsOnly) continue;
    if (sw_lobby_member(l, user) != NULL) return l->id;
  }
  return 0;
}

SW_EXPORT bool SteamAPI_ISteamFriends_GetFriendGamePlayed(void *self, uint64_t user, FriendGameInfo_t *out) {
  if (!FR(self) || out == NULL) return false;
  sw_dir_refresh(false);
  if (!sw_ids_has(&g_lobby.friends, user) || sw_dir_user(user) == NULL) return false;
  /* Every fake peer plays this app: CGameID of an app is its app id. */
  *out = (FriendGameInfo_t){.m_gameID = g_lobby.app_id, .m_steamIDLobby = lobby_of(user)};
  return true;
}

/* Invites `invitee` to `lobby` inside a transaction; false when this peer is not in the lobby. */
static bool invite_locked(uint64_t lobby, uint64_t invitee) {
  sw_lobby *l = sw_dir_lobby(lobby);
  if (l == NULL || sw_lobby_member(l, g_sw.steam_id) == NULL) return false;
  sw_ids_add(&l->invited, invitee);
  sw_event *e = sw_event_add(SW_EV_INVITE, lobby, invitee, g_sw.steam_id, 0);
  if (e != NULL) sw_ids_add(&e->recipients, invitee);
  return true;
}

SW_EXPORT void SteamAPI_ISteamFriends_ActivateGameOverlayInviteDialog(void *self, uint64_t lobby) {
  if (!FR(self) || !sw_dir_begin()) return;
  /* The fake's overlay: the user picks every friend who is online. */
  for (int i = 0; i < g_lobby.friends.count; i++) {
    uint64_t friend_id = g_lobby.friends.items[i];
    if (sw_dir_user(friend_id) != NULL && !invite_locked(lobby, friend_id)) break;
  }
  sw_dir_commit();
}

SW_EXPORT bool SteamAPI_ISteamFriends_InviteUserToGame(void *self, uint64_t user, const char *connect) {
  if (!FR(self) || connect == NULL || !sw_steamid_valid(user) || strlen(connect) > 255) return false;
  if (!sw_dir_begin()) return false;
  sw_event *e = sw_event_add(SW_EV_GAME_JOIN, 0, user, g_sw.steam_id, 0);
  if (e != NULL) {
    sw_ids_add(&e->recipients, user);
    e->payload_len = (uint32_t)strlen(connect);
    e->payload = (uint8_t *)strdup(connect);
    if (e->payload == NULL) e->payload_len = 0;
  }
  sw_dir_commit();
  return e != NULL;
}

/* ---------------------------------------------------------------- debug exports ---- */

/** Test control: Steam launches the running game again with `command_line`: NewUrlLaunchParameters_t (1014). */
SW_EXPORT void steamwire_fake_relaunch(const char *command_line) {
  if (!g_sw.initialized) return;
  snprintf(g_lobby.launch, sizeof g_lobby.launch, "%s", command_line ? command_line : "");
  uint8_t empty = 0; /* NewUrlLaunchParameters_t is an empty struct: 1 byte */
  sw_post_callback(CB_NEW_URL_LAUNCH_PARAMETERS, &empty, 1);
}

/** Test control: the next async call completes as failed with this ESteamAPICallFailure (-2: none). */
SW_EXPORT void steamwire_fake_fail_next_call(int failure) { g_lobby.fail_next_call = failure; }

/** Test control: while true, finished calls post no 703 (Steam "never answers"). */
SW_EXPORT void steamwire_fake_hold_call_results(bool hold) { g_lobby.hold_results = hold; }

/**
 * Test control: the user chooses "Join Game" on `friend_id` in Steam's friends list: 333 when the
 * friend is in a lobby, else 337 with the friend's rich presence `connect`. False when neither.
 */
SW_EXPORT bool steamwire_fake_join_friend_game(uint64_t friend_id) {
  if (!g_sw.initialized) return false;
  sw_dir_refresh(true);
  if (!sw_ids_has(&g_lobby.friends, friend_id)) return false;
  uint64_t lobby = lobby_of(friend_id);
  if (lobby != 0) {
    GameLobbyJoinRequested_t join = {lobby, friend_id};
    sw_post_callback(CB_GAME_LOBBY_JOIN_REQUESTED, &join, sizeof join);
    return true;
  }
  const sw_user *u = sw_dir_user(friend_id);
  const char *connect = u ? sw_kvs_get(&u->rich_presence, "connect") : NULL;
  if (connect == NULL) return false;
  GameRichPresenceJoinRequested_t request = {.m_steamIDFriend = friend_id};
  snprintf(request.m_rgchConnect, sizeof request.m_rgchConnect, "%s", connect);
  sw_post_callback(CB_GAME_RICH_PRESENCE_JOIN_REQUESTED, &request, sizeof request);
  return true;
}

/** Sizes and offsets of the lobby and friends structs as this build lays them out, as JSON. */
SW_EXPORT const char *steamwire_fake_lobby_layout(void) {
  static char json[2048];
  return sw_lobby_layout_json(json, sizeof json);
}
