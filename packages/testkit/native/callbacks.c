/*
 * The queue of posted callbacks, drained by SteamAPI_ManualDispatch_GetNextCallback. Each entry
 * owns a copy of its struct, so m_pubParam stays valid until FreeLastCallback, as Valve promises.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"

void sw_post_callback(int id, const void *data, int size) {
  sw_callback *cb = malloc(sizeof *cb + (size_t)size);
  if (cb == NULL) return;
  cb->next = NULL;
  cb->id = id;
  cb->size = size;
  memcpy(cb->data, data, (size_t)size);
  if (g_sw.cb_tail != NULL) g_sw.cb_tail->next = cb;
  else g_sw.cb_head = cb;
  g_sw.cb_tail = cb;
}

void sw_callbacks_clear(void) {
  sw_callback *cb = g_sw.cb_head;
  while (cb != NULL) {
    sw_callback *next = cb->next;
    free(cb);
    cb = next;
  }
  g_sw.cb_head = g_sw.cb_tail = NULL;
  free(g_sw.cb_current);
  g_sw.cb_current = NULL;
}

bool sw_callback_pending(int id, const void *data, int size) {
  for (const sw_callback *cb = g_sw.cb_head; cb != NULL; cb = cb->next) {
    if (cb->id == id && cb->size == size && memcmp(cb->data, data, (size_t)size) == 0) return true;
  }
  return false;
}
