/**
 * Every error `@steamwire/transport-steam` throws is a {@link SteamwireError} with a stable `code`,
 * so callers branch on `err.code`, never on message text.
 * @packageDocumentation
 */

/** Base class of every error thrown by Steamwire's transport. `code` is stable across versions. */
export class SteamwireError extends Error {
  /** Stable, machine-readable code (e.g. `'INVALID_STEAM_ID'`). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A value given as a SteamID is not a valid SteamID64 (or a parseable SteamID text form). */
export class InvalidSteamIdError extends SteamwireError {
  /** The value that was rejected, as given. */
  readonly input: unknown;
  constructor(input: unknown, why: string) {
    super('INVALID_STEAM_ID', `Invalid SteamID ${JSON.stringify(String(input))}: ${why}.`);
    this.input = input;
  }
}

/** An argument other than a SteamID is out of range (e.g. a negative channel or an unknown send type). */
export class InvalidArgumentError extends SteamwireError {
  /** Name of the offending parameter. */
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('INVALID_ARGUMENT', message);
    this.argument = argument;
  }
}
