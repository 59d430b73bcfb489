/*
 * Prints the §15 struct layouts (sockets_layout.h) as this compilation lays them out. Built once per
 * pack rule (-DSTEAMWIRE_PACK_SMALL, -DSTEAMWIRE_PACK_LARGE); each build also runs every _Static_assert
 * of sockets_types.h for its rule.
 */
#include <stdio.h>

#include "../sockets_layout.h"

int main(void) {
  char json[1024];
  puts(sw_sockets_layout_json(json, sizeof json));
  return 0;
}
