/**
 * What a lobby says about its game's protocol: the fingerprint a joiner compares before connecting,
 * and (when it fits one lobby data value) each entry's declaration, so a mismatch can name the entries
 * that differ. Lobby data comes from another player's machine: reading it is bounded and never throws.
 * @packageDocumentation
 */
import { LOBBY_VALUE_MAX_BYTES, utf8Bytes } from '@steamwire/transport-steam';
import type { ProtocolDifference } from './lobby-errors.js';
import type { Protocol, ProtocolEntry } from './protocol.js';

/** Lobby data keys starting with this are the lobby flow's own; a game's `data` may not use them. */
export const LOBBY_KEY_PREFIX = 'steamwire.';
/** Lobby data key of the host's protocol fingerprint (also what `findLobbies` filters on). */
export const LOBBY_FINGERPRINT_KEY = 'steamwire.fingerprint';
/** Lobby data key of the host's protocol entries (JSON), present when they fit one value. */
export const LOBBY_PROTOCOL_KEY = 'steamwire.protocol';

/** Most entries read from a lobby's list (a protocol holds at most 4096). */
const MAX_LISTED_ENTRIES = 4096;

/** One entry as published: `[name, 'kind channel send from ordering']`. */
type ListedEntry = [name: string, declaration: string];

function declaration(entry: ProtocolEntry): string {
  return `${entry.kind} channel ${entry.channel} ${entry.send} from ${entry.from}${entry.latest ? ' latest' : ''}`;
}

/**
 * The lobby data a host publishes for `protocol`: the fingerprint, and the entries when their JSON
 * fits Steam's 8192-byte value limit (a protocol of a few dozen entries does).
 */
export function protocolLobbyData(protocol: Protocol): Map<string, string> {
  const data = new Map([[LOBBY_FINGERPRINT_KEY, protocol.fingerprint]]);
  const listed: ListedEntry[] = protocol.entries.map((e) => [e.name, declaration(e)]);
  const json = JSON.stringify(listed);
  if (utf8Bytes(json) <= LOBBY_VALUE_MAX_BYTES) data.set(LOBBY_PROTOCOL_KEY, json);
  return data;
}

/** Parses a published entry list; `null` when it is missing or not what a host writes. */
function parseListed(text: string): Map<string, string> | null {
  if (text === '' || text.length > LOBBY_VALUE_MAX_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length > MAX_LISTED_ENTRIES) return null;
  const entries = new Map<string, string>();
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 2) return null;
    const [name, decl] = item as unknown[];
    if (typeof name !== 'string' || typeof decl !== 'string') return null;
    entries.set(name, decl);
  }
  return entries;
}

/**
 * Which entries differ between `protocol` and the lobby's published list, in name order; `null` when
 * the lobby published no (readable) list.
 */
export function protocolDifferences(protocol: Protocol, listedText: string): ProtocolDifference[] | null {
  const host = parseListed(listedText);
  if (host === null) return null;
  const here = new Map(protocol.entries.map((e) => [e.name, declaration(e)]));
  const names = [...new Set([...host.keys(), ...here.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const differences: ProtocolDifference[] = [];
  for (const name of names) {
    const h = host.get(name) ?? null;
    const l = here.get(name) ?? null;
    if (h === l) continue;
    differences.push({
      name,
      change: h === null ? 'onlyHere' : l === null ? 'onlyHost' : 'differs',
      host: h,
      here: l,
    });
  }
  return differences;
}
