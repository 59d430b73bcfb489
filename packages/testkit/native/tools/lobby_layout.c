/*
 * Prints the lobby and friends struct layouts (lobby_layout.h) as this compilation lays them out.
 * Built once per pack rule: -DSTEAMWIRE_PACK_SMALL (Linux/macOS, pack 4) and -DSTEAMWIRE_PACK_LARGE
 * (Windows, pack 8); each build also runs every _Static_assert of lobby_types.h for its rule.
 */
#include <stdio.h>

#include "../lobby_layout.h"

int main(void) {
  char json[2048];
  puts(sw_lobby_layout_json(json, sizeof json));
  return 0;
}
