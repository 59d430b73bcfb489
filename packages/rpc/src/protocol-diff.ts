/**
 * Telling two protocols apart entry by entry, for the errors that say which entries differ: each
 * entry's declaration as one line (`message channel 1 unreliableNoDelay from client`), a list of them
 * as JSON (in the client's hello, and in a lobby's data), the differences between two lists, and the
 * sentence that names the first few. Lists and differences come from another machine: every reader
 * here is bounded, drops control characters, and returns `null` rather than throwing.
 * @packageDocumentation
 */
import { utf8Bytes } from '@steamwire/transport-steam';

/** How one protocol entry differs between the host and this side (a joiner, a connecting client). */
export interface ProtocolDifference {
  /** The message or request name. */
  readonly name: string;
  /** Only the host declares it, only this side does, or both do with different settings. */
  readonly change: 'onlyHost' | 'onlyHere' | 'differs';
  /** The host's declaration (`kind channel send from ordering`), when it has one. */
  readonly host: string | null;
  /** This side's declaration, when it has one. */
  readonly here: string | null;
}

/** What of a protocol entry its declaration line says (a `ProtocolEntry` has it all). */
export interface DeclaredEntry {
  readonly name: string;
  readonly kind: string;
  readonly channel: number;
  readonly send: string;
  readonly from: string;
  readonly latest: boolean;
}

/** Entries by name, each with its declaration line. */
export type EntryList = ReadonlyMap<string, string>;

/** Most entries read from a list (a protocol holds at most 4096). */
const MAX_LISTED_ENTRIES = 4096;
/** Longest name or declaration read from another machine. */
const MAX_LISTED_TEXT = 256;
/** How many differences a message spells out (all of them are in `differences`). */
const NAMED_DIFFERENCES = 4;
/** Longest text from another machine quoted in a message. */
const QUOTED_CHARS = 64;

/** One entry's declaration, as both sides write it. */
export function declarationOf(entry: DeclaredEntry): string {
  return `${entry.kind} channel ${entry.channel} ${entry.send} from ${entry.from}${entry.latest ? ' latest' : ''}`;
}

/** The entry list of a protocol's entries. */
export function entryListOf(entries: readonly DeclaredEntry[]): EntryList {
  return new Map(entries.map((e) => [e.name, declarationOf(e)]));
}

/** An entry list as JSON, `[[name, declaration], …]`: what travels. */
export function entryListJson(entries: readonly DeclaredEntry[]): string {
  return JSON.stringify(entries.map((e) => [e.name, declarationOf(e)]));
}

/**
 * Text from another machine made safe to store and print: control characters (which could drive the
 * terminal a message is printed on) become `?`, and it is cut at `max` characters.
 */
export function quoted(text: string, max = QUOTED_CHARS): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function parseJson(text: string, maxBytes: number): unknown {
  if (text === '' || text.length > maxBytes) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses an entry list from another machine; `null` when it is missing, too big or not one. */
export function parseEntryList(text: string, maxBytes: number): EntryList | null {
  const value = parseJson(text, maxBytes);
  if (!Array.isArray(value) || value.length > MAX_LISTED_ENTRIES) return null;
  const entries = new Map<string, string>();
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 2) return null;
    const [name, declaration] = item as unknown[];
    if (typeof name !== 'string' || typeof declaration !== 'string') return null;
    if (name.length > MAX_LISTED_TEXT || declaration.length > MAX_LISTED_TEXT) return null;
    entries.set(quoted(name, MAX_LISTED_TEXT), quoted(declaration, MAX_LISTED_TEXT));
  }
  return entries;
}

/** The entries that differ between the host's list and this side's, in name order. */
export function differencesBetween(host: EntryList, here: EntryList): ProtocolDifference[] {
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

/**
 * Differences as they travel, `[[name, host declaration | null, here declaration | null], …]`: the
 * first `maxItems` that fit `maxBytes` of JSON, so what a host sends back never grows with what a
 * client claims.
 */
export function differencesJson(
  differences: readonly ProtocolDifference[],
  maxBytes: number,
  maxItems: number,
): string {
  const items: string[] = [];
  let size = 2;
  for (const d of differences.slice(0, maxItems)) {
    const item = JSON.stringify([d.name, d.host, d.here]);
    const bytes = utf8Bytes(item);
    if (size + bytes + 1 > maxBytes) break;
    items.push(item);
    size += bytes + 1;
  }
  return `[${items.join(',')}]`;
}

/** Parses differences from another machine; `null` when missing or not what a host sends. */
export function parseDifferences(
  text: string,
  maxBytes: number,
  maxItems: number,
): ProtocolDifference[] | null {
  const value = parseJson(text, maxBytes);
  if (!Array.isArray(value) || value.length > maxItems) return null;
  const differences: ProtocolDifference[] = [];
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 3) return null;
    const [name, host, here] = item as unknown[];
    const text = (v: unknown) => typeof v === 'string' && v.length <= MAX_LISTED_TEXT;
    if (!text(name) || !(host === null || text(host)) || !(here === null || text(here))) return null;
    if (host === null && here === null) return null;
    const h = host === null ? null : quoted(host as string, MAX_LISTED_TEXT);
    const l = here === null ? null : quoted(here as string, MAX_LISTED_TEXT);
    differences.push({
      name: quoted(name as string, MAX_LISTED_TEXT),
      change: h === null ? 'onlyHere' : l === null ? 'onlyHost' : 'differs',
      host: h,
      here: l,
    });
  }
  return differences;
}

/**
 * The first few differences in words: `'emote' only here, 'input' (host: …; here: …) and 2 more`.
 * `here` names this side in the sentence (`here`, or `the client` when the host describes them).
 */
export function describeDifferences(differences: readonly ProtocolDifference[], here = 'here'): string {
  const label = here === 'here' ? 'here' : here.replace(/^the /, '');
  const named = differences.slice(0, NAMED_DIFFERENCES).map((d) => {
    const name = quoted(d.name);
    if (d.change === 'onlyHost') return `'${name}' only on the host`;
    if (d.change === 'onlyHere') return `'${name}' only ${here === 'here' ? 'here' : `on ${here}`}`;
    return `'${name}' (host: ${quoted(d.host ?? '')}; ${label}: ${quoted(d.here ?? '')})`;
  });
  const more = differences.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
