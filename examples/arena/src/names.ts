/**
 * Player names: which names a player may choose, and how the host keeps them unique. The host
 * checks every name (a modified client skips any local check); an honest client checks first, so
 * the player learns why before connecting.
 */

/** Longest name a player may choose; the host may add " (2)" to keep names unique. */
export const MAX_NAME_LENGTH = 16;

/** Names that would pass for the host's own voice, in any case. */
const RESERVED = new Set(['host', 'system', 'server']);

/**
 * Letters and digits of any script (with their combining marks), and inner spaces, `_ . ' -`.
 * Nothing else: no control or format characters (terminal escapes, bidi overrides), no `*` that
 * starts the host's lines, no parentheses the host uses for " (2)".
 */
const ALLOWED = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.'-]*$/u;

/** Why `name` may not be used, in words for the player; `undefined` when it may. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'a name cannot be empty';
  if (name.length > MAX_NAME_LENGTH) return `a name has at most ${MAX_NAME_LENGTH} characters`;
  if (name !== name.trim()) return 'a name cannot start or end with a space';
  if (!ALLOWED.test(name))
    return "a name starts with a letter or digit and holds only letters, digits, spaces and _ . ' -";
  if (RESERVED.has(name.toLowerCase())) return `"${name}" is kept for the host's own messages`;
  return undefined;
}

/**
 * `name`, or `name (2)`, `name (3)`… when a player already has it; case does not make a name
 * different ("ada" and "Ada" would be confused on the board).
 */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(name.toLowerCase())) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

/** A name the host would refuse; thrown by `ArenaClient.connect` before it sends anything. */
export class ArenaNameError extends Error {
  /** Stable code. */
  readonly code = 'ARENA_BAD_NAME';
  constructor(
    /** The refused name. */
    readonly playerName: string,
    /** What is wrong with it, in words for the player. */
    readonly problem: string,
  ) {
    super(`The name ${JSON.stringify(playerName)} cannot be used: ${problem}; choose another with --name.`);
    this.name = 'ArenaNameError';
  }
}
