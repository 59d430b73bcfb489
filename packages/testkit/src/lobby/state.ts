/**
 * The lobby service's records (plain data) and the lobby search over them, with the rules the
 * native fake applies too (native/lobby.c), so both fakes list the same lobbies in the same order:
 * - listed: Public or Invisible, joinable, not full, with at least `slotsAvailable` free slots;
 * - string filters compare the lobby's value (absent = `''`) with the filter's, as strings;
 * - numerical filters need the lobby's value to be an integer (absent or not a number never matches);
 * - near-value filters sort by distance (absent = farthest), earlier filters first, then oldest lobby
 *   first; every fake peer is in the same region, so the distance filter passes every lobby;
 * - at most 50 results, or `maxResults` when smaller.
 * @internal
 * @packageDocumentation
 */
import {
  type CheckedLobbyListFilters,
  LOBBY_LIST_MAX_RESULTS,
  LobbyComparison,
  type LobbyId,
  LobbyType,
  type SteamId,
} from '@steamwire/transport-steam';

/** One member of a lobby and its member data. */
export interface MemberRecord {
  readonly id: SteamId;
  readonly data: Map<string, string>;
}

/** One lobby, as Steam's backend holds it. */
export interface LobbyRecord {
  readonly id: LobbyId;
  /** Creation order (lobby ids grow with it). */
  readonly serial: number;
  type: LobbyType;
  maxMembers: number;
  joinable: boolean;
  owner: SteamId;
  nextChatId: number;
  /** Join order: the oldest remaining member inherits ownership. */
  readonly members: MemberRecord[];
  readonly data: Map<string, string>;
  readonly invited: Set<SteamId>;
  readonly banned: Set<SteamId>;
}

/** One online user: what others can read about them. */
export interface UserRecord {
  name: string;
  readonly richPresence: Map<string, string>;
}

/** The member record of `id`, if it is in the lobby. */
export function memberOf(lobby: LobbyRecord, id: SteamId): MemberRecord | undefined {
  return lobby.members.find((m) => m.id === id);
}

/** Sets or (with `''`) deletes `key`. @returns whether anything changed (Steam sends only changes). */
export function setValue(map: Map<string, string>, key: string, value: string): boolean {
  if (value === '') return map.delete(key);
  if (map.get(key) === value) return false;
  map.set(key, value);
  return true;
}

function compare(order: number, comparison: LobbyComparison): boolean {
  switch (comparison) {
    case LobbyComparison.EqualToOrLessThan:
      return order <= 0;
    case LobbyComparison.LessThan:
      return order < 0;
    case LobbyComparison.Equal:
      return order === 0;
    case LobbyComparison.GreaterThan:
      return order > 0;
    case LobbyComparison.EqualToOrGreaterThan:
      return order >= 0;
    default:
      return order !== 0;
  }
}

/** A lobby value as a numerical filter reads it: a base-10 int32, else `null`. */
function numberOf(lobby: LobbyRecord, key: string): number | null {
  const text = lobby.data.get(key);
  if (text === undefined || !/^[-+]?\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= -0x80000000 && n <= 0x7fffffff ? n : null;
}

/** Byte-wise string order (as C's strcmp on UTF-8). */
function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Math.sign(Buffer.compare(x, y));
}

function listed(lobby: LobbyRecord, f: CheckedLobbyListFilters): boolean {
  if (lobby.type !== LobbyType.Public && lobby.type !== LobbyType.Invisible) return false;
  if (!lobby.joinable || lobby.members.length >= lobby.maxMembers) return false;
  if (f.slotsAvailable !== null && lobby.maxMembers - lobby.members.length < f.slotsAvailable) return false;
  for (const s of f.stringFilters) {
    if (!compare(byteOrder(lobby.data.get(s.key) ?? '', s.value), s.comparison)) return false;
  }
  for (const n of f.numericalFilters) {
    const value = numberOf(lobby, n.key);
    if (value === null || !compare(Math.sign(value - n.value), n.comparison)) return false;
  }
  return true;
}

/** The lobbies a search with `filters` returns, in Steam's order. */
export function searchLobbies(lobbies: Iterable<LobbyRecord>, filters: CheckedLobbyListFilters): LobbyId[] {
  const hits = [...lobbies].filter((l) => listed(l, filters));
  const distance = (l: LobbyRecord, key: string, target: number): number => {
    const n = numberOf(l, key);
    return n === null ? Number.POSITIVE_INFINITY : Math.abs(n - target);
  };
  hits.sort((a, b) => {
    for (const near of filters.nearValueFilters) {
      const da = distance(a, near.key, near.value);
      const db = distance(b, near.key, near.value);
      if (da !== db) return da < db ? -1 : 1;
    }
    return a.serial - b.serial;
  });
  const cap = Math.min(LOBBY_LIST_MAX_RESULTS, filters.maxResults ?? LOBBY_LIST_MAX_RESULTS);
  return hits.slice(0, cap).map((l) => l.id);
}
