/**
 * What a lobby says about its game's protocol: the fingerprint a joiner compares before connecting,
 * and (when it fits one lobby data value) each entry's declaration, so a mismatch can name the entries
 * that differ. Lobby data comes from another player's machine: reading it is bounded and never throws.
 * @packageDocumentation
 */
import { LOBBY_VALUE_MAX_BYTES, utf8Bytes } from '@steamwire/transport-steam';
import type { Protocol } from './protocol.js';
import {
  differencesBetween,
  entryListJson,
  entryListOf,
  type ProtocolDifference,
  parseEntryList,
} from './protocol-diff.js';

/** Lobby data keys starting with this are the lobby flow's own; a game's `data` may not use them. */
export const LOBBY_KEY_PREFIX = 'steamwire.';
/** Lobby data key of the host's protocol fingerprint (also what `findLobbies` filters on). */
export const LOBBY_FINGERPRINT_KEY = 'steamwire.fingerprint';
/** Lobby data key of the host's protocol entries (JSON), present when they fit one value. */
export const LOBBY_PROTOCOL_KEY = 'steamwire.protocol';

/**
 * The lobby data a host publishes for `protocol`: the fingerprint, and the entries when their JSON
 * fits Steam's 8192-byte value limit (a protocol of a few dozen entries does).
 */
export function protocolLobbyData(protocol: Protocol): Map<string, string> {
  const data = new Map([[LOBBY_FINGERPRINT_KEY, protocol.fingerprint]]);
  const json = entryListJson(protocol.entries);
  if (utf8Bytes(json) <= LOBBY_VALUE_MAX_BYTES) data.set(LOBBY_PROTOCOL_KEY, json);
  return data;
}

/**
 * Which entries differ between `protocol` and the lobby's published list, in name order; `null` when
 * the lobby published no (readable) list.
 */
export function protocolDifferences(protocol: Protocol, listedText: string): ProtocolDifference[] | null {
  const host = parseEntryList(listedText, LOBBY_VALUE_MAX_BYTES);
  return host === null ? null : differencesBetween(host, entryListOf(protocol.entries));
}
