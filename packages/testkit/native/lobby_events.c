/*
 * Turning the directory's events into this peer's callbacks, the store of call results behind
 * SteamAPI_ManualDispatch_GetAPICallResult, and the chat history behind GetLobbyChatEntry.
 *
 * Call results follow Steam's manual-dispatch contract (STEAM_API.md §16.5): a call returns a
 * handle; its result is posted as SteamAPICallCompleted_t (703) carrying the handle, the result's
 * callback id and its platform size; GetAPICallResult copies it once. Test controls can make the next
 * call fail (Steam's ESteamAPICallFailure) or hold every result back (Steam never answering).
 */
#include <stdlib.h>
#include <string.h>

#include "lobby.h"

typedef struct sw_call {
  struct sw_call *next;
  uint64_t handle;
  int callback_id;
  int size;
  int failure; /* k_ESteamAPICallFailure*, None when it succeeded */
  bool done;
  uint8_t data[64];
} sw_call;

_Static_assert(sizeof(LobbyEnter_t) <= 64 && sizeof(LobbyCreated_t) <= 64, "results fit a call's buffer");

/* ---------------------------------------------------------------- events → callbacks ---- */

sw_event *sw_event_to_members(int kind, sw_lobby *l, uint64_t user, uint64_t actor, uint32_t flags, uint64_t except) {
  sw_event *e = sw_event_add(kind, l->id, user, actor, flags);
  if (e == NULL) return NULL;
  for (int i = 0; i < l->member_count; i++)
    if (l->members[i].id != except) sw_ids_add(&e->recipients, l->members[i].id);
  return e;
}

static void deliver(const sw_event *e) {
  switch (e->kind) {
    case SW_EV_MEMBER: {
      LobbyChatUpdate_t cb = {e->lobby, e->user, e->actor, e->flags};
      sw_post_callback(CB_LOBBY_CHAT_UPDATE, &cb, sizeof cb);
      break;
    }
    case SW_EV_DATA: {
      LobbyDataUpdate_t cb = {.m_ulSteamIDLobby = e->lobby, .m_ulSteamIDMember = e->user, .m_bSuccess = 1};
      sw_post_callback(CB_LOBBY_DATA_UPDATE, &cb, sizeof cb);
      break;
    }
    case SW_EV_CHAT: {
      sw_chat_store(e->lobby, e->user, e->chat_id, e->payload, e->payload_len);
      LobbyChatMsg_t cb = {.m_ulSteamIDLobby = e->lobby,
                           .m_ulSteamIDUser = e->user,
                           .m_eChatEntryType = k_EChatEntryTypeChatMsg,
                           .m_iChatID = e->chat_id};
      sw_post_callback(CB_LOBBY_CHAT_MSG, &cb, sizeof cb);
      break;
    }
    case SW_EV_INVITE: {
      LobbyInvite_t invite = {e->actor, e->lobby, g_lobby.app_id};
      sw_post_callback(CB_LOBBY_INVITE, &invite, sizeof invite);
      /* The fake's user accepts every invite in Steam's UI at once. */
      GameLobbyJoinRequested_t join = {e->lobby, e->actor};
      sw_post_callback(CB_GAME_LOBBY_JOIN_REQUESTED, &join, sizeof join);
      break;
    }
    case SW_EV_KICKED: {
      LobbyKicked_t cb = {.m_ulSteamIDLobby = e->lobby,
                          .m_ulSteamIDAdmin = e->actor,
                          .m_bKickedDueToDisconnect = (uint8_t)(e->flags != 0)};
      sw_post_callback(CB_LOBBY_KICKED, &cb, sizeof cb);
      break;
    }
    case SW_EV_GAME_JOIN: {
      GameRichPresenceJoinRequested_t cb = {.m_steamIDFriend = e->actor};
      uint32_t n = e->payload_len < sizeof cb.m_rgchConnect - 1 ? e->payload_len : sizeof cb.m_rgchConnect - 1;
      if (n > 0) memcpy(cb.m_rgchConnect, e->payload, n);
      sw_post_callback(CB_GAME_RICH_PRESENCE_JOIN_REQUESTED, &cb, sizeof cb);
      break;
    }
    default:
      break; /* a kind a newer fake wrote: not ours to guess */
  }
}

void sw_events_deliver(void) {
  const sw_directory *d = &g_lobby.dir;
  uint64_t seen = g_lobby.seen_seq;
  for (int i = 0; i < d->event_count; i++) {
    const sw_event *e = &d->events[i];
    if (e->seq <= g_lobby.seen_seq) continue;
    if (sw_ids_has(&e->recipients, g_sw.steam_id)) deliver(e);
    if (e->seq > seen) seen = e->seq;
  }
  g_lobby.seen_seq = seen;
}

/* ---------------------------------------------------------------- call results ---- */

static uint64_t g_call_counter;

static sw_call *call_find(uint64_t handle) {
  for (sw_call *c = g_lobby.calls; c != NULL; c = c->next)
    if (c->handle == handle) return c;
  return NULL;
}

static void call_unlink(sw_call *target) {
  for (sw_call **p = &g_lobby.calls; *p != NULL; p = &(*p)->next) {
    if (*p == target) {
      *p = target->next;
      free(target);
      return;
    }
  }
}

static void post_completed(const sw_call *c) {
  SteamAPICallCompleted_t done = {c->handle, c->callback_id, (uint32_t)c->size};
  sw_post_callback(CB_STEAM_API_CALL_COMPLETED, &done, sizeof done);
}

uint64_t sw_call_new(int callback_id, int size, bool *failed_now) {
  sw_call *c = calloc(1, sizeof *c);
  *failed_now = false;
  if (c == NULL || size > (int)sizeof c->data) {
    free(c);
    return 0;
  }
  /* Handles look like Steam's: large, distinct, never 0 (k_uAPICallInvalid). */
  c->handle = 0x5343000000000000ull | (++g_call_counter & 0xffffffffffffull);
  c->callback_id = callback_id;
  c->size = size;
  c->failure = k_ESteamAPICallFailureNone;
  c->next = g_lobby.calls;
  g_lobby.calls = c;
  if (g_lobby.fail_next_call != -2) {
    c->failure = g_lobby.fail_next_call;
    g_lobby.fail_next_call = -2;
    c->done = true;
    *failed_now = true;
    if (!g_lobby.hold_results) post_completed(c);
  }
  return c->handle;
}

void sw_call_complete(uint64_t handle, int callback_id, const void *data, int size) {
  sw_call *c = call_find(handle);
  if (c == NULL || c->done || size > (int)sizeof c->data) return;
  c->callback_id = callback_id;
  c->size = size;
  memcpy(c->data, data, (size_t)size);
  c->done = true;
  /* Held: Steam "never reports"; the binding's Promise must stay pending until shutdown. */
  if (!g_lobby.hold_results) post_completed(c);
}

void sw_call_drop(uint64_t handle) {
  sw_call *c = call_find(handle);
  if (c == NULL) return;
  /* Also take its 703 out of the queue if it was not dispatched yet: a superseded call never completes. */
  sw_callback *prev = NULL;
  for (sw_callback *cb = g_sw.cb_head; cb != NULL; prev = cb, cb = cb->next) {
    SteamAPICallCompleted_t done;
    if (cb->id != CB_STEAM_API_CALL_COMPLETED || cb->size != (int)sizeof done) continue;
    memcpy(&done, cb->data, sizeof done);
    if (done.m_hAsyncCall != handle) continue;
    if (prev != NULL) prev->next = cb->next;
    else g_sw.cb_head = cb->next;
    if (g_sw.cb_tail == cb) g_sw.cb_tail = prev;
    free(cb);
    break;
  }
  call_unlink(c);
}

bool sw_call_take(uint64_t handle, void *out, int size, int expected, bool *failed) {
  sw_call *c = call_find(handle);
  if (failed != NULL) *failed = false;
  if (c == NULL) {
    if (failed != NULL) *failed = true;
    return false;
  }
  if (!c->done) return false;
  if (expected != c->callback_id) {
    if (failed != NULL) *failed = true;
    return false;
  }
  if (out == NULL || size < c->size) return false;
  if (c->failure != k_ESteamAPICallFailureNone) {
    /* Delivered, as failed: the reason stays readable through GetAPICallFailureReason. */
    memset(out, 0, (size_t)size);
    if (failed != NULL) *failed = true;
    return true;
  }
  memcpy(out, c->data, (size_t)c->size);
  call_unlink(c); /* one shot, as Steam: the handle is unknown afterwards */
  return true;
}

int sw_call_failure_reason(uint64_t handle) {
  const sw_call *c = call_find(handle);
  if (c == NULL) return k_ESteamAPICallFailureInvalidHandle;
  return c->failure;
}

void sw_calls_clear(void) {
  while (g_lobby.calls != NULL) call_unlink(g_lobby.calls);
}

/* ---------------------------------------------------------------- chat history ---- */

void sw_chat_store(uint64_t lobby, uint64_t user, uint32_t chat_id, const uint8_t *data, uint32_t len) {
  sw_chat_entry *e = &g_lobby.chat[g_lobby.chat_next];
  g_lobby.chat_next = (g_lobby.chat_next + 1) % SW_CHAT_HISTORY;
  free(e->data);
  *e = (sw_chat_entry){.lobby = lobby, .user = user, .chat_id = chat_id, .len = len};
  e->data = malloc(len ? len : 1);
  if (e->data == NULL) e->len = 0;
  else if (len > 0) memcpy(e->data, data, len);
}

void sw_chat_clear(void) {
  for (int i = 0; i < SW_CHAT_HISTORY; i++) {
    free(g_lobby.chat[i].data);
    g_lobby.chat[i] = (sw_chat_entry){0};
  }
  g_lobby.chat_next = 0;
}
