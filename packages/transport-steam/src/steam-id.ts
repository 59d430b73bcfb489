import { InvalidSteamIdError } from './errors.js';

/**
 * A 64-bit SteamID (SteamID64) as a `bigint`, e.g. `76561197960287930n`.
 *
 * A plain `bigint` (not a branded type) so that ids from Steam, user input and JSON
 * (after {@link parseSteamId}) mix without ceremony.
 */
export type SteamId = bigint;

const MAX_U64 = (1n << 64n) - 1n;
/** Universe 1 (Public), account type 1 (Individual), instance 1: the high 32 bits of a user's SteamID64. */
const INDIVIDUAL_BASE = 0x0110000100000000n;

/** Universe (bits 56–63) of a SteamID64. 1 = Public, 2 = Beta, 3 = Internal, 4 = Dev. */
export function steamIdUniverse(id: SteamId): number {
  return Number((id >> 56n) & 0xffn);
}

/** Account type (bits 52–55) of a SteamID64. 1 = Individual, 3 = GameServer, 7 = Clan, 8 = Chat… */
export function steamIdAccountType(id: SteamId): number {
  return Number((id >> 52n) & 0xfn);
}

/** The 32-bit account id (bits 0–31) of a SteamID64. */
export function steamIdAccountId(id: SteamId): number {
  return Number(id & 0xffffffffn);
}

/**
 * Why `id` is not a valid SteamID64, or `null` when it is.
 * Valid means: within 64 bits, non-zero account id, universe 1–4 and account type 1–10 —
 * the checks Steam's `CSteamID::IsValid()` makes.
 */
function whyInvalid(id: bigint): string | null {
  if (id <= 0n || id > MAX_U64) return 'it is not a positive 64-bit number';
  const universe = steamIdUniverse(id);
  if (universe < 1 || universe > 4) return `universe ${universe} is not 1–4`;
  const type = steamIdAccountType(id);
  if (type < 1 || type > 10) return `account type ${type} is not 1–10`;
  if (type === 1 && steamIdAccountId(id) === 0) return 'an individual account id cannot be 0';
  return null;
}

/** True when `id` is a valid SteamID64 (see {@link parseSteamId} for the rules). Never throws. */
export function isValidSteamId(id: unknown): id is SteamId {
  return typeof id === 'bigint' && whyInvalid(id) === null;
}

/**
 * Checks that `id` is a valid SteamID64 and returns it.
 * @throws {@link InvalidSteamIdError} when it is not.
 */
export function assertSteamId(id: unknown): SteamId {
  if (typeof id !== 'bigint') throw new InvalidSteamIdError(id, `expected a bigint, got ${typeof id}`);
  const why = whyInvalid(id);
  if (why !== null) throw new InvalidSteamIdError(id, why);
  return id;
}

/**
 * Parses a SteamID from user text or a number:
 * - a decimal SteamID64 (`"76561197960287930"`), surrounding spaces allowed;
 * - Steam3 text for an individual (`"[U:1:22202]"`);
 * - legacy Steam2 text (`"STEAM_0:0:11101"`);
 * - a `bigint`, or a safe-integer `number`.
 *
 * @throws {@link InvalidSteamIdError} for anything else, or for an id that is not valid.
 */
export function parseSteamId(input: string | bigint | number): SteamId {
  if (typeof input === 'bigint') return assertSteamId(input);
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input))
      throw new InvalidSteamIdError(input, 'a number above 2^53 loses precision; pass a string or bigint');
    return assertSteamId(BigInt(input));
  }
  if (typeof input !== 'string') throw new InvalidSteamIdError(input, `expected a string, bigint or number`);
  const text = input.trim();
  if (/^\d{1,20}$/.test(text)) return assertSteamId(BigInt(text));
  const steam3 = /^\[U:1:(\d{1,10})\]$/.exec(text);
  if (steam3) return fromAccountId(input, BigInt(steam3[1]!));
  const steam2 = /^STEAM_[0-5]:([01]):(\d{1,10})$/.exec(text);
  if (steam2) return fromAccountId(input, BigInt(steam2[2]!) * 2n + BigInt(steam2[1]!));
  throw new InvalidSteamIdError(
    input,
    'expected a SteamID64 like 76561197960287930, [U:1:22202] or STEAM_0:0:11101',
  );
}

function fromAccountId(input: string, accountId: bigint): SteamId {
  if (accountId > 0xffffffffn) throw new InvalidSteamIdError(input, 'the account id does not fit in 32 bits');
  return assertSteamId(INDIVIDUAL_BASE | accountId);
}

/** The SteamID64 of the individual account `accountId` in the public universe. */
export function steamIdFromAccountId(accountId: number): SteamId {
  if (!Number.isInteger(accountId) || accountId <= 0 || accountId > 0xffffffff) {
    throw new InvalidSteamIdError(accountId, 'an account id is an integer from 1 to 2^32-1');
  }
  return INDIVIDUAL_BASE | BigInt(accountId);
}

/**
 * Formats a SteamID for people or wire formats.
 * @param format `'steam64'` (default, decimal digits) or `'steam3'` (`[U:1:22202]`, individuals only).
 * @throws {@link InvalidSteamIdError} when `id` is not valid, or `'steam3'` is asked of a non-individual id.
 */
export function formatSteamId(id: SteamId, format: 'steam64' | 'steam3' = 'steam64'): string {
  assertSteamId(id);
  if (format === 'steam64') return id.toString(10);
  if (steamIdAccountType(id) !== 1)
    throw new InvalidSteamIdError(id, 'steam3 text is only for individual accounts');
  return `[U:${steamIdUniverse(id)}:${steamIdAccountId(id)}]`;
}
