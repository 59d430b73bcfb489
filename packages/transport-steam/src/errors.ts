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

/** Why `initSteam` (from `@steamwire/transport-steam/steam`) failed; stable across versions. */
export type SteamInitErrorCode =
  /** No Steam library file was found; `tried` lists every path looked at. */
  | 'LIBRARY_NOT_FOUND'
  /** A library file was found but the OS could not load it (wrong architecture, corrupt, missing dependency). */
  | 'LIBRARY_LOAD_FAILED'
  /** The library lacks functions the binding needs: the Steamworks SDK is too old. */
  | 'SYMBOL_MISSING'
  /** `SteamAPI_InitFlat` reported that no Steam client is running. */
  | 'STEAM_NOT_RUNNING'
  /** No Steam client is installed (or it cannot be loaded) on this machine. */
  | 'STEAM_NOT_INSTALLED'
  /** The installed Steam client is older than the SDK the library comes from. */
  | 'VERSION_MISMATCH'
  /** Any other init failure; Valve's message says why. */
  | 'INIT_FAILED'
  /** Steam is already initialised from this library file in this process. */
  | 'ALREADY_INITIALIZED';

/**
 * `initSteam` could not bring Steam up. `code` says which step failed; when Steam itself refused,
 * `steamResult` is its `ESteamAPIInitResult` and `steamMessage` its own words.
 */
export class SteamInitError extends SteamwireError {
  declare readonly code: SteamInitErrorCode;
  /** Every library path that was looked at (filled for `LIBRARY_NOT_FOUND`, empty otherwise). */
  readonly tried: readonly string[];
  /** Symbols the library lacks (filled for `SYMBOL_MISSING`, empty otherwise). */
  readonly missingSymbols: readonly string[];
  /** The library file involved, when one was found. */
  readonly libraryPath: string | null;
  /** `SteamAPI_InitFlat`'s result code (0 OK, 1 generic, 2 no Steam client, 3 version mismatch), when it ran. */
  readonly steamResult: number | null;
  /** Valve's error text from `SteamAPI_InitFlat`, when it ran. */
  readonly steamMessage: string | null;
  constructor(
    code: SteamInitErrorCode,
    message: string,
    details: {
      tried?: readonly string[];
      missingSymbols?: readonly string[];
      libraryPath?: string | null;
      steamResult?: number | null;
      steamMessage?: string | null;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.tried = details.tried ?? [];
    this.missingSymbols = details.missingSymbols ?? [];
    this.libraryPath = details.libraryPath ?? null;
    this.steamResult = details.steamResult ?? null;
    this.steamMessage = details.steamMessage ?? null;
  }
}

/**
 * A networking call was made while Steam is not initialised: after `shutdown()`, or on a backend whose
 * init failed. Nothing was sent to the Steam library.
 */
export class SteamNotInitializedError extends SteamwireError {
  /** The method that was called. */
  readonly method: string;
  constructor(method: string) {
    super(
      'NOT_INITIALIZED',
      `Cannot call ${method}(): Steam is not initialised (call initSteam() first, and not after shutdown()).`,
    );
    this.method = method;
  }
}

/**
 * A Steam interface accessor (e.g. `SteamAPI_SteamNetworking_v006`) returned NULL. Calling through a
 * NULL interface crashes the process, so the binding stops here instead.
 */
export class NullInterfaceError extends SteamwireError {
  /** The accessor that returned NULL. */
  readonly accessor: string;
  constructor(accessor: string) {
    super(
      'NULL_INTERFACE',
      `${accessor}() returned NULL: the Steam client does not provide this interface, so it cannot be used.`,
    );
    this.accessor = accessor;
  }
}
