/**
 * The argument and limit checks every `Lobbies` and `Friends` implementation makes before
 * it calls Steam (or its fake), shared so the binding and the fakes refuse exactly the same input:
 * a wrong type is an `InvalidArgumentError`, a value over Steam's limit a `SteamLimitError`.
 * @packageDocumentation
 */
import { InvalidArgumentError } from './errors.js';
import {
  RICH_PRESENCE_KEY_MAX_BYTES,
  RICH_PRESENCE_MAX_KEYS,
  RICH_PRESENCE_VALUE_MAX_BYTES,
} from './friends.js';
import {
  isLobbyId,
  LOBBY_CHAT_MAX_BYTES,
  LOBBY_KEY_MAX_BYTES,
  LOBBY_MAX_MEMBERS,
  LOBBY_VALUE_MAX_BYTES,
  LobbyComparison,
  LobbyDistanceFilter,
  type LobbyId,
  type LobbyListFilters,
  LobbyType,
} from './lobbies.js';
import { SteamLimitError } from './lobby-errors.js';
import { isValidSteamId, type SteamId } from './steam-id.js';

const encoder = new TextEncoder();
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** UTF-8 length of `text` in bytes. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * A lobby id argument: anything but a bigint throws; a bigint that is not a lobby's id is an answer
 * Steam gives too (an unknown lobby), so the caller answers as for an unknown lobby.
 * @returns whether `id` is a lobby's id.
 */
export function checkLobbyIdArgument(id: unknown, name = 'lobbyId'): id is LobbyId {
  if (typeof id !== 'bigint')
    throw new InvalidArgumentError(name, `${name} must be a lobby id as a bigint, got ${describe(id)}.`);
  return isLobbyId(id);
}

/** A user id argument, as {@link checkLobbyIdArgument}. @returns whether `id` is a valid SteamID. */
export function checkUserIdArgument(id: unknown, name = 'userId'): id is SteamId {
  if (typeof id !== 'bigint')
    throw new InvalidArgumentError(name, `${name} must be a SteamID as a bigint, got ${describe(id)}.`);
  return isValidSteamId(id);
}

/** A string Steam receives as a C string: no NUL inside. */
function cString(name: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(name, `${name} must be a string, got ${describe(value)}.`);
  if (value.includes('\0')) throw new InvalidArgumentError(name, `${name} must not contain a NUL character.`);
  return value;
}

/** A lobby or member data key: a non-empty string of at most 255 UTF-8 bytes. */
export function checkLobbyKey(key: unknown): string {
  const text = cString('key', key);
  if (text === '') throw new InvalidArgumentError('key', 'key must not be empty.');
  const bytes = utf8Bytes(text);
  if (bytes > LOBBY_KEY_MAX_BYTES)
    throw new SteamLimitError(
      'lobbyKeyBytes',
      LOBBY_KEY_MAX_BYTES,
      bytes,
      'The lobby data key length in UTF-8 bytes',
    );
  return text;
}

/** A lobby or member data value: a string of at most 8192 UTF-8 bytes (`''` clears the key). */
export function checkLobbyValue(value: unknown): string {
  const text = cString('value', value);
  const bytes = utf8Bytes(text);
  if (bytes > LOBBY_VALUE_MAX_BYTES)
    throw new SteamLimitError(
      'lobbyValueBytes',
      LOBBY_VALUE_MAX_BYTES,
      bytes,
      'The lobby data value length in UTF-8 bytes',
    );
  return text;
}

/** A member limit: an integer from 1 to 250. */
export function checkMaxMembers(maxMembers: unknown): number {
  if (typeof maxMembers !== 'number' || !Number.isInteger(maxMembers) || maxMembers < 1) {
    throw new InvalidArgumentError(
      'maxMembers',
      `maxMembers must be an integer of at least 1, got ${String(maxMembers)}.`,
    );
  }
  if (maxMembers > LOBBY_MAX_MEMBERS)
    throw new SteamLimitError('lobbyMembers', LOBBY_MAX_MEMBERS, maxMembers, 'The member limit');
  return maxMembers;
}

/** A {@link LobbyType} that `CreateLobby`/`SetLobbyType` accept (0–3). */
export function checkLobbyType(type: unknown): LobbyType {
  if (
    type !== LobbyType.Private &&
    type !== LobbyType.FriendsOnly &&
    type !== LobbyType.Public &&
    type !== LobbyType.Invisible
  ) {
    throw new InvalidArgumentError('type', `type must be a LobbyType from 0 to 3, got ${String(type)}.`);
  }
  return type;
}

/** A boolean argument. */
export function checkBooleanArgument(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(name, `${name} must be a boolean, got ${describe(value)}.`);
  return value;
}

/** A member index: an integer ≥ 0 (beyond the count is answered with `null`, as Steam does). */
export function checkIndex(index: unknown): number {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > INT32_MAX) {
    throw new InvalidArgumentError(
      'index',
      `index must be an integer from 0 to ${INT32_MAX}, got ${String(index)}.`,
    );
  }
  return index;
}

/**
 * A chat message as the bytes Steam sends: a string becomes UTF-8 plus its NUL (as Steam's clients
 * send text); bytes are copied. At most {@link LOBBY_CHAT_MAX_BYTES}.
 */
export function encodeLobbyChat(message: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof message === 'string') {
    const text = encoder.encode(message);
    bytes = new Uint8Array(text.length + 1);
    bytes.set(text);
  } else if (message instanceof Uint8Array) {
    bytes = message.slice();
  } else {
    throw new InvalidArgumentError(
      'message',
      `message must be a string or a Uint8Array, got ${describe(message)}.`,
    );
  }
  if (bytes.length === 0) throw new InvalidArgumentError('message', 'message must not be empty.');
  if (bytes.length > LOBBY_CHAT_MAX_BYTES)
    throw new SteamLimitError(
      'lobbyChatBytes',
      LOBBY_CHAT_MAX_BYTES,
      bytes.length,
      'The chat message size in bytes',
    );
  return bytes;
}

function int32(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new InvalidArgumentError(name, `${name} must be a 32-bit integer, got ${String(value)}.`);
  }
  return value;
}

function comparison(name: string, value: unknown): LobbyComparison {
  if (value === undefined) return LobbyComparison.Equal;
  if (!Object.values(LobbyComparison).includes(value as LobbyComparison)) {
    throw new InvalidArgumentError(
      name,
      `${name} must be a LobbyComparison from -2 to 3, got ${String(value)}.`,
    );
  }
  return value as LobbyComparison;
}

function list<T>(name: string, value: unknown): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new InvalidArgumentError(name, `${name} must be an array, got ${describe(value)}.`);
  return value as readonly T[];
}

/** {@link LobbyListFilters} with every field present and checked. */
export interface CheckedLobbyListFilters {
  readonly stringFilters: readonly { key: string; value: string; comparison: LobbyComparison }[];
  readonly numericalFilters: readonly { key: string; value: number; comparison: LobbyComparison }[];
  readonly nearValueFilters: readonly { key: string; value: number }[];
  /** `null` when not asked for. */
  readonly slotsAvailable: number | null;
  /** `null` when not asked for (Steam then uses `Default`). */
  readonly distance: LobbyDistanceFilter | null;
  /** `null` when not asked for. */
  readonly maxResults: number | null;
}

/** Checks and normalises the filters of a lobby search. */
export function checkLobbyListFilters(filters: unknown): CheckedLobbyListFilters {
  if (filters === undefined) filters = {};
  if (typeof filters !== 'object' || filters === null)
    throw new InvalidArgumentError('filters', 'filters must be an object.');
  const f = filters as LobbyListFilters;
  const stringFilters = list<{ key: unknown; value: unknown; comparison?: unknown }>(
    'stringFilters',
    f.stringFilters,
  ).map((s) => ({
    key: checkLobbyKey(s?.key),
    value: checkLobbyValue(s?.value),
    comparison: comparison('comparison', s?.comparison),
  }));
  const numericalFilters = list<{ key: unknown; value: unknown; comparison?: unknown }>(
    'numericalFilters',
    f.numericalFilters,
  ).map((n) => ({
    key: checkLobbyKey(n?.key),
    value: int32('value', n?.value),
    comparison: comparison('comparison', n?.comparison),
  }));
  const nearValueFilters = list<{ key: unknown; value: unknown }>('nearValueFilters', f.nearValueFilters).map(
    (n) => ({
      key: checkLobbyKey(n?.key),
      value: int32('value', n?.value),
    }),
  );
  let slotsAvailable: number | null = null;
  if (f.slotsAvailable !== undefined) {
    slotsAvailable = int32('slotsAvailable', f.slotsAvailable);
    if (slotsAvailable < 0)
      throw new InvalidArgumentError('slotsAvailable', 'slotsAvailable must not be negative.');
  }
  let distance: LobbyDistanceFilter | null = null;
  if (f.distance !== undefined) {
    if (!Object.values(LobbyDistanceFilter).includes(f.distance)) {
      throw new InvalidArgumentError(
        'distance',
        `distance must be a LobbyDistanceFilter from 0 to 3, got ${String(f.distance)}.`,
      );
    }
    distance = f.distance;
  }
  let maxResults: number | null = null;
  if (f.maxResults !== undefined) {
    maxResults = int32('maxResults', f.maxResults);
    if (maxResults < 1) throw new InvalidArgumentError('maxResults', 'maxResults must be at least 1.');
  }
  return { stringFilters, numericalFilters, nearValueFilters, slotsAvailable, distance, maxResults };
}

/** A rich presence key: non-empty, at most 64 UTF-8 bytes. */
export function checkRichPresenceKey(key: unknown): string {
  const text = cString('key', key);
  if (text === '') throw new InvalidArgumentError('key', 'key must not be empty.');
  const bytes = utf8Bytes(text);
  if (bytes > RICH_PRESENCE_KEY_MAX_BYTES)
    throw new SteamLimitError(
      'richPresenceKeyBytes',
      RICH_PRESENCE_KEY_MAX_BYTES,
      bytes,
      'The rich presence key length in UTF-8 bytes',
    );
  return text;
}

/** A rich presence value: at most 256 UTF-8 bytes; `null` means delete (returned as `''`). */
export function checkRichPresenceValue(value: unknown): string {
  if (value === null) return '';
  const text = cString('value', value);
  const bytes = utf8Bytes(text);
  if (bytes > RICH_PRESENCE_VALUE_MAX_BYTES)
    throw new SteamLimitError(
      'richPresenceValueBytes',
      RICH_PRESENCE_VALUE_MAX_BYTES,
      bytes,
      'The rich presence value length in UTF-8 bytes',
    );
  return text;
}

/**
 * Throws when setting `key` would make a 31st rich presence key. `keys` are the keys set now (a
 * key that is already set, or a deletion, never counts).
 */
export function checkRichPresenceKeyCount(keys: ReadonlySet<string>, key: string, value: string): void {
  if (value === '' || keys.has(key) || keys.size < RICH_PRESENCE_MAX_KEYS) return;
  throw new SteamLimitError(
    'richPresenceKeys',
    RICH_PRESENCE_MAX_KEYS,
    keys.size + 1,
    'The number of rich presence keys',
  );
}

/** A connect string for `inviteUserToGame`: a C string Steam passes on in a 256-byte field. */
export function checkConnectString(connect: unknown): string {
  const text = cString('connectString', connect);
  const bytes = utf8Bytes(text);
  if (bytes > RICH_PRESENCE_VALUE_MAX_BYTES - 1)
    throw new SteamLimitError(
      'connectStringBytes',
      RICH_PRESENCE_VALUE_MAX_BYTES - 1,
      bytes,
      'The connect string length in UTF-8 bytes',
    );
  return text;
}

/** The {@link LobbyMemberChange} word for Steam's state-change flags. */
export function memberChangeKind(flags: number): 'entered' | 'left' | 'disconnected' | 'kicked' | 'banned' {
  if (flags & 0x01) return 'entered';
  if (flags & 0x02) return 'left';
  if (flags & 0x04) return 'disconnected';
  if (flags & 0x08) return 'kicked';
  return 'banned';
}
