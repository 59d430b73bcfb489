/** Fresh individual SteamIDs for tests, from a random base so that concurrent runs never collide. */
let next = 0x20000000 + Math.floor(Math.random() * 0x40000000);
export function freshSteamId(): bigint {
  next += 1;
  return 0x0110000100000000n | BigInt(next);
}
