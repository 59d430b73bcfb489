/**
 * The environment variables the native fake reads at `SteamAPI_InitFlat`, as typed options.
 * @packageDocumentation
 */
import { assertSteamId, type SteamId } from '@steamwire/transport-steam';
import { InvalidNativeFakeOptionError } from './errors.js';

/** How one native fake peer behaves; each field is one `STEAMWIRE_FAKE_*` variable. */
export interface NativeFakePeerOptions {
  /** This peer's SteamID (`STEAMWIRE_FAKE_STEAMID`). Default: a random individual id. */
  steamId?: SteamId;
  /** Directory of the file-based peer registry shared by all peers that must find each other (`STEAMWIRE_FAKE_PEERS`). */
  peersDir?: string;
  /** UDP port on 127.0.0.1, 0 = any (`STEAMWIRE_FAKE_PORT`). */
  port?: number;
  /**
   * Connect-fail (and hold time) after this long without an answer, ms, for every API
   * (`STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS`). Default: Steam's, 20000 legacy and 10000 Messages.
   */
  connectTimeoutMs?: number;
  /** Legacy session request re-post interval, ms (`STEAMWIRE_FAKE_REPOST_MS`). Default 1000. */
  sessionRequestRepostMs?: number;
  /** How long buffered reliable sends wait, ms, every API (`STEAMWIRE_FAKE_NAGLE_MS`). Default: 200 legacy, 5 Messages. */
  nagleMs?: number;
  /**
   * A file of 8 bytes (int64 microseconds, little-endian) the fake reads as its clock instead of real
   * time (`STEAMWIRE_FAKE_CLOCK_FILE`); whoever writes it moves the fake's time. Default: real time.
   */
  clockFile?: string;
  /**
   * Abort the process with a message on the mistakes Valve's library punishes: a NULL `self`, calls
   * before init or after shutdown, GetNextCallback twice without FreeLastCallback, a message released
   * twice or used after release (`STEAMWIRE_FAKE_STRICT`). Default true: these helpers are for tests.
   */
  strict?: boolean;
  /** Probability 0..1 of dropping each outgoing datagram (`STEAMWIRE_FAKE_LOSS`); reliable data is resent. */
  loss?: number;
  /** Make init fail with this `ESteamAPIInitResult` (`STEAMWIRE_FAKE_INIT_RESULT`: 1 generic, 2 no client, 3 version). */
  initResult?: 1 | 2 | 3;
  /** What `SteamAPI_IsSteamRunning` answers (`STEAMWIRE_FAKE_STEAM_RUNNING`, default true). */
  steamRunning?: boolean;
  /** This peer's Steam friends (`STEAMWIRE_FAKE_FRIENDS`); give both sides of a friendship the other's id. */
  friends?: readonly SteamId[];
  /** This peer's persona name (`STEAMWIRE_FAKE_PERSONA_NAME`, default `Fake <account id>`). */
  personaName?: string;
  /** What `GetLaunchCommandLine` returns (`STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE`), e.g. `+connect_lobby <id>`. */
  launchCommandLine?: string;
  /** The lobby directory file shared by the peers of a world (`STEAMWIRE_FAKE_LOBBIES`, default `<peersDir>/lobbies`). */
  lobbiesFile?: string;
}

/** Every variable the native fake reads; unset ones take the fake's defaults. */
export const NATIVE_FAKE_ENV_KEYS = [
  'STEAMWIRE_FAKE_STEAMID',
  'STEAMWIRE_FAKE_PEERS',
  'STEAMWIRE_FAKE_PORT',
  'STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS',
  'STEAMWIRE_FAKE_REPOST_MS',
  'STEAMWIRE_FAKE_NAGLE_MS',
  'STEAMWIRE_FAKE_LOSS',
  'STEAMWIRE_FAKE_INIT_RESULT',
  'STEAMWIRE_FAKE_STEAM_RUNNING',
  'STEAMWIRE_FAKE_CLOCK_FILE',
  'STEAMWIRE_FAKE_STRICT',
  'STEAMWIRE_FAKE_FRIENDS',
  'STEAMWIRE_FAKE_PERSONA_NAME',
  'STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE',
  'STEAMWIRE_FAKE_LOBBIES',
] as const;

function positiveInt(option: string, value: number | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidNativeFakeOptionError(option, `an integer from 0 to ${max}`, value);
  }
  return String(value);
}

/**
 * The `STEAMWIRE_FAKE_*` variables for `options`. Every key of {@link NATIVE_FAKE_ENV_KEYS} is present;
 * `undefined` means "unset" (so the fake's default applies even if the process has the variable).
 * @throws {@link InvalidNativeFakeOptionError} for an out-of-range option.
 */
export function nativeFakeEnv(
  options: NativeFakePeerOptions,
): Record<(typeof NATIVE_FAKE_ENV_KEYS)[number], string | undefined> {
  if (options.loss !== undefined && !(options.loss >= 0 && options.loss <= 1)) {
    throw new InvalidNativeFakeOptionError('loss', 'a probability from 0 to 1', options.loss);
  }
  if (options.initResult !== undefined && ![1, 2, 3].includes(options.initResult)) {
    throw new InvalidNativeFakeOptionError('initResult', '1, 2 or 3', options.initResult);
  }
  return {
    STEAMWIRE_FAKE_STEAMID:
      options.steamId === undefined ? undefined : assertSteamId(options.steamId).toString(),
    STEAMWIRE_FAKE_PEERS: options.peersDir,
    STEAMWIRE_FAKE_PORT: positiveInt('port', options.port, 65535),
    STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS: positiveInt('connectTimeoutMs', options.connectTimeoutMs, 3_600_000),
    STEAMWIRE_FAKE_REPOST_MS: positiveInt(
      'sessionRequestRepostMs',
      options.sessionRequestRepostMs,
      3_600_000,
    ),
    STEAMWIRE_FAKE_NAGLE_MS: positiveInt('nagleMs', options.nagleMs, 10_000),
    STEAMWIRE_FAKE_LOSS: options.loss === undefined ? undefined : String(options.loss),
    STEAMWIRE_FAKE_INIT_RESULT: options.initResult === undefined ? undefined : String(options.initResult),
    STEAMWIRE_FAKE_STEAM_RUNNING:
      options.steamRunning === undefined ? undefined : options.steamRunning ? '1' : '0',
    STEAMWIRE_FAKE_CLOCK_FILE: options.clockFile,
    STEAMWIRE_FAKE_STRICT: options.strict === false ? '0' : '1',
    STEAMWIRE_FAKE_FRIENDS:
      options.friends === undefined
        ? undefined
        : options.friends.map((id) => assertSteamId(id).toString()).join(','),
    STEAMWIRE_FAKE_PERSONA_NAME: options.personaName,
    STEAMWIRE_FAKE_LAUNCH_COMMAND_LINE: options.launchCommandLine,
    STEAMWIRE_FAKE_LOBBIES: options.lobbiesFile,
  };
}

/**
 * Runs `fn` with `vars` applied to `process.env` (an `undefined` value removes the variable), then
 * restores the previous values. The fake reads its variables during `SteamAPI_InitFlat`, so wrapping
 * `initSteam` in this is enough; Node's `process.env` reaches C `getenv` on Linux and macOS.
 */
export function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, fn: () => T): T {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
