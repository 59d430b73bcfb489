/**
 * Bringing Steam up and down: locate the library, load it, bind it, `SteamAPI_InitFlat`, manual
 * dispatch, the chosen backend. Every failure is a {@link SteamInitError} with a code and one sentence.
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs';
import { InitResult, STEAM_ERR_MSG_BYTES } from './constants.js';
import { SteamContext } from './context.js';
import { InvalidArgumentError, NullInterfaceError, SteamInitError } from './errors.js';
import {
  bindFunctions,
  type CoreFunctions,
  type LegacyFunctions,
  type MessagesFunctions,
  type NativePointer,
  REQUIRED_SYMBOLS,
  type SocketsFunctions,
  type UtilsFunctions,
} from './flat.js';
import type { Friends } from './friends.js';
import { type Koffi, loadKoffi, openSteamLibrary } from './koffi.js';
import { LegacyNetworking } from './legacy.js';
import { locateSteamLibrary } from './library.js';
import type { Lobbies } from './lobbies.js';
import { createLobbyServices, type LobbyServices } from './lobby-session.js';
import { MessagesNetworking } from './messages.js';
import type { P2PNetworking } from './p2p.js';
import { SocketsApi } from './sockets-api.js';
import { SocketsCore } from './sockets-core.js';
import { SocketsNetworking } from './sockets-networking.js';
import type { SteamNetworkingSockets, SteamNetworkingUtils } from './sockets-types.js';
import type { SteamId } from './steam-id.js';
import { steamStructs } from './structs.js';
import { UtilsApi } from './utils-api.js';

/**
 * Which Steam API carries the packets: `legacy` = `ISteamNetworking`, `messages` =
 * `ISteamNetworkingMessages`, `sockets` = `ISteamNetworkingSockets` P2P connections.
 */
export type SteamBackend = 'legacy' | 'messages' | 'sockets';

/** Options of {@link initSteam}. */
export interface InitSteamOptions {
  /**
   * Your Steam app id. Sets the `SteamAppId` and `SteamGameId` environment variables before init, which
   * is how Steam learns it without a `steam_appid.txt` (no file is ever written). Omit it when the game
   * is launched by Steam, or when those variables or `steam_appid.txt` already say it.
   */
  appId?: number;
  /** Explicit path to `libsteam_api.so` / `steam_api64.dll` / `libsteam_api.dylib` (see `locateSteamLibrary`). */
  libraryPath?: string;
  /** Which Steam API to use (default `legacy`). Every backend gives the same {@link P2PNetworking}. */
  backend?: SteamBackend;
  /**
   * The virtual port the `sockets` backend listens and connects on (default 0). Peers must agree on it;
   * the typed Sockets API (`session.sockets`) cannot listen on the same port.
   */
  socketsVirtualPort?: number;
  /** Base directory of the SDK-folder search (default `process.cwd()`). */
  searchFrom?: string;
}

/** A live Steam initialisation through one library file. */
export interface SteamSession {
  /** The P2P API of the chosen backend. */
  readonly networking: P2PNetworking;
  /** The library file in use (resolved real path). */
  readonly libraryPath: string;
  /** The backend in use. */
  readonly backend: SteamBackend;
  /** The logged-in user's SteamID. */
  readonly localSteamId: SteamId;
  /**
   * The typed `ISteamNetworkingSockets` API (connections, poll groups, lanes, status), bound on first
   * use. Its events come from `runCallbacks()` of any API of this session.
   * @throws {@link SteamInitError} `SYMBOL_MISSING` or {@link NullInterfaceError} when the library lacks it.
   */
  readonly sockets: SteamNetworkingSockets;
  /**
   * The typed `ISteamNetworkingUtils` API (relay access, configuration values such as Steam's fake lag
   * and loss), bound on first use.
   * @throws {@link SteamInitError} `SYMBOL_MISSING` or {@link NullInterfaceError} when the library lacks it.
   */
  readonly utils: SteamNetworkingUtils;
  /**
   * Steam's lobbies (`ISteamMatchmaking`). Bound on first use; its events and Promises settle from
   * the session's one callback pump (`runCallbacks` here, on `networking`, or on `lobbies`).
   * @throws SteamNotInitializedError after `shutdown()`; SteamInitError `SYMBOL_MISSING` or
   *   NullInterfaceError when this Steam lacks the lobby API.
   */
  readonly lobbies: Lobbies;
  /** Steam's friends and launch APIs (`ISteamFriends`, `ISteamApps`). Bound on first use, like {@link lobbies}. */
  readonly friends: Friends;
  /**
   * Pumps Steam's callbacks once: every event of the session (networking, Sockets/Utils, lobbies,
   * friends) fires and finished async calls settle. The same as `networking.runCallbacks()`. Call it once per frame.
   */
  runCallbacks(): void;
  /**
   * Shuts Steam down (`SteamAPI_Shutdown`). Afterwards every networking, lobby and friends call throws
   * `SteamNotInitializedError`, pending async calls reject with `SteamCallCancelledError`, and
   * `initSteam` may be called again. Calling it twice is harmless.
   */
  shutdown(): void;
}

/** A loaded library file: its koffi handle and core functions. Loaded once per path per process. */
interface LoadedLibrary {
  readonly koffi: Koffi;
  readonly lib: ReturnType<Koffi['load']>;
  readonly core: CoreFunctions;
  legacy?: LegacyFunctions;
  messages?: MessagesFunctions;
  sockets?: SocketsFunctions;
  utils?: UtilsFunctions;
}

const loadedLibraries = new Map<string, LoadedLibrary>();
/** Live sessions by library path: "already initialised" is per library file. */
const liveSessions = new Map<string, SteamSession>();

function checkOptions(options: InitSteamOptions): SteamBackend {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'initSteam options must be an object.');
  }
  const { appId, backend = 'legacy' } = options;
  if (
    appId !== undefined &&
    (typeof appId !== 'number' || !Number.isInteger(appId) || appId <= 0 || appId > 0xffffffff)
  ) {
    throw new InvalidArgumentError(
      'appId',
      `appId must be an integer from 1 to 4294967295, got ${String(appId)}.`,
    );
  }
  if (backend !== 'legacy' && backend !== 'messages' && backend !== 'sockets') {
    throw new InvalidArgumentError(
      'backend',
      `backend must be 'legacy', 'messages' or 'sockets', got ${String(backend)}.`,
    );
  }
  const port = options.socketsVirtualPort;
  if (
    port !== undefined &&
    (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 0x7fffffff)
  ) {
    throw new InvalidArgumentError(
      'socketsVirtualPort',
      `socketsVirtualPort must be an integer from 0 to 2147483647, got ${String(port)}.`,
    );
  }
  for (const key of ['libraryPath', 'searchFrom'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidArgumentError(key, `${key} must be a non-empty string.`);
    }
  }
  return backend;
}

function missingSymbols(libraryPath: string, missing: readonly string[]): SteamInitError {
  // Not one of the core functions: some other library, not an old Steam one.
  if (REQUIRED_SYMBOLS.core.every((symbol) => missing.includes(symbol))) {
    return new SteamInitError(
      'SYMBOL_MISSING',
      `The file ${libraryPath} is not Steam's library (no SteamAPI_* symbols): point libraryPath or STEAMWIRE_STEAM_LIBRARY to Valve's libsteam_api from the Steamworks SDK.`,
      { libraryPath, missingSymbols: missing },
    );
  }
  return new SteamInitError(
    'SYMBOL_MISSING',
    `The Steam library ${libraryPath} lacks ${missing.join(', ')}: its Steamworks SDK is too old, use the redistributable from SDK 1.60 or newer.`,
    { libraryPath, missingSymbols: missing },
  );
}

function loadLibrary(libraryPath: string): LoadedLibrary {
  const hit = loadedLibraries.get(libraryPath);
  if (hit) return hit;
  const koffi = loadKoffi();
  const lib = openSteamLibrary(libraryPath);
  const core = bindFunctions(lib, 'core');
  if (!core.ok) throw missingSymbols(libraryPath, core.missing);
  const loaded: LoadedLibrary = { koffi, lib, core: core.functions };
  loadedLibraries.set(libraryPath, loaded);
  return loaded;
}

/** The Sockets and Utils functions of `loaded`, bound on first use. */
function socketsFunctions(loaded: LoadedLibrary, libraryPath: string): [SocketsFunctions, UtilsFunctions] {
  if (!loaded.sockets) {
    const bound = bindFunctions(loaded.lib, 'sockets');
    if (!bound.ok) throw missingSymbols(libraryPath, bound.missing);
    loaded.sockets = bound.functions;
  }
  if (!loaded.utils) {
    const bound = bindFunctions(loaded.lib, 'utils');
    if (!bound.ok) throw missingSymbols(libraryPath, bound.missing);
    loaded.utils = bound.functions;
  }
  return [loaded.sockets, loaded.utils];
}

/** The shared Sockets/Utils state of a live session, made on first use. */
function socketsCore(ctx: SteamContext, loaded: LoadedLibrary): SocketsCore {
  ctx.assertLive('sockets');
  const [fn, utilsFn] = socketsFunctions(loaded, ctx.libraryPath);
  const self = fn.SteamNetworkingSockets();
  if (self === null || isNull(self))
    throw new NullInterfaceError('SteamAPI_SteamNetworkingSockets_SteamAPI_v012');
  const utils = utilsFn.SteamNetworkingUtils();
  if (utils === null || isNull(utils))
    throw new NullInterfaceError('SteamAPI_SteamNetworkingUtils_SteamAPI_v004');
  return new SocketsCore(ctx, fn, utilsFn, self, utils);
}

function backendFunctions(
  loaded: LoadedLibrary,
  libraryPath: string,
  backend: SteamBackend,
): LegacyFunctions | MessagesFunctions | null {
  if (backend === 'sockets') {
    socketsFunctions(loaded, libraryPath);
    return null;
  }
  if (backend === 'legacy') {
    if (!loaded.legacy) {
      const bound = bindFunctions(loaded.lib, 'legacy');
      if (!bound.ok) throw missingSymbols(libraryPath, bound.missing);
      loaded.legacy = bound.functions;
    }
    return loaded.legacy;
  }
  if (!loaded.messages) {
    const bound = bindFunctions(loaded.lib, 'messages');
    if (!bound.ok) throw missingSymbols(libraryPath, bound.missing);
    loaded.messages = bound.functions;
  }
  return loaded.messages;
}

/** Turns a failed `SteamAPI_InitFlat` into the typed error, keeping Valve's own words. */
function initFailure(
  libraryPath: string,
  result: number,
  steamMessage: string,
  steamRunning: boolean,
): SteamInitError {
  const details = { libraryPath, steamResult: result, steamMessage };
  const said = steamMessage === '' ? '' : ` Steam said: "${steamMessage}"`;
  if (result === InitResult.NoSteamClient) {
    return new SteamInitError(
      'STEAM_NOT_RUNNING',
      `Steam is not running: start the Steam client and log in, then try again.${said}`,
      details,
    );
  }
  if (result === InitResult.VersionMismatch) {
    return new SteamInitError(
      'VERSION_MISMATCH',
      `The Steam client is older than this Steam library: update Steam (or use an older SDK's library), then try again.${said}`,
      details,
    );
  }
  if (result === InitResult.FailedGeneric && !steamRunning) {
    // With no client, Valve's library fails to load steamclient.so/.dll from the Steam install: either
    // Steam is not installed, or it is installed but was never started for this user. On Windows it
    // says it cannot find the install folder (no Steam in the registry).
    if (/steamclient|client install directory/i.test(steamMessage)) {
      return new SteamInitError(
        'STEAM_NOT_INSTALLED',
        `Steam is not running and its client library could not be loaded: install Steam, start it and log in, then try again.${said}`,
        details,
      );
    }
    return new SteamInitError(
      'STEAM_NOT_RUNNING',
      `Steam is not running: start the Steam client and log in, then try again.${said}`,
      details,
    );
  }
  return new SteamInitError(
    'INIT_FAILED',
    `Steam failed to initialise (ESteamAPIInitResult ${result}).${said}`,
    details,
  );
}

/** Reads the NUL-terminated `SteamErrMsg` Valve wrote. */
function errMsgText(buffer: Uint8Array): string {
  const end = buffer.indexOf(0);
  return new TextDecoder().decode(buffer.subarray(0, end === -1 ? buffer.length : end)).trim();
}

function isNull(pointer: NativePointer | null): boolean {
  return pointer === null || pointer === 0n;
}

/**
 * Initialises Steam and returns a session with the chosen backend's {@link P2PNetworking}.
 *
 * Synchronous. Loads koffi and the library on first use (importing this package loads neither).
 * Never calls `SteamAPI_RestartAppIfNecessary`: relaunching through Steam is the game's decision.
 *
 * @throws {@link SteamInitError} with `code` `LIBRARY_NOT_FOUND`, `LIBRARY_LOAD_FAILED`, `SYMBOL_MISSING`,
 *   `STEAM_NOT_RUNNING`, `STEAM_NOT_INSTALLED`, `VERSION_MISMATCH`, `INIT_FAILED` or `ALREADY_INITIALIZED`.
 * @throws {@link NullInterfaceError} when Steam initialised but does not provide a needed interface
 *   (Steam is shut down again before throwing).
 * @throws {@link InvalidArgumentError} for a malformed option.
 */
export function initSteam(options: InitSteamOptions = {}): SteamSession {
  const backend = checkOptions(options);
  const located = locateSteamLibrary({
    ...(options.libraryPath !== undefined && { libraryPath: options.libraryPath }),
    ...(options.searchFrom !== undefined && { searchFrom: options.searchFrom }),
  });
  if (located.path === null) {
    throw new SteamInitError(
      'LIBRARY_NOT_FOUND',
      `No Steam library found; put the Steamworks SDK's redistributable_bin next to your game or set STEAMWIRE_STEAM_LIBRARY. Tried: ${located.tried.join(', ')}.`,
      { tried: located.tried },
    );
  }
  const libraryPath = realpathSync(located.path);
  if (liveSessions.has(libraryPath)) {
    throw new SteamInitError(
      'ALREADY_INITIALIZED',
      `Steam is already initialised from ${libraryPath} in this process: reuse that session, or call shutdown() first.`,
      { libraryPath },
    );
  }

  const loaded = loadLibrary(libraryPath);
  const functions = backendFunctions(loaded, libraryPath, backend);
  const { core, koffi } = loaded;

  if (options.appId !== undefined) {
    process.env.SteamAppId = String(options.appId);
    process.env.SteamGameId = String(options.appId);
  }
  const errMsg = new Uint8Array(STEAM_ERR_MSG_BYTES);
  const result = core.InitFlat(errMsg);
  if (result !== InitResult.OK)
    throw initFailure(libraryPath, result, errMsgText(errMsg), core.IsSteamRunning());

  const ctx = new SteamContext(libraryPath, koffi, core, steamStructs(koffi));
  let networking: P2PNetworking;
  let localSteamId: SteamId;
  let shared: SocketsCore | null = null;
  const ensureCore = (): SocketsCore => {
    shared ??= socketsCore(ctx, loaded);
    return shared;
  };
  try {
    core.ManualDispatch_Init();
    ctx.pipe = core.GetHSteamPipe();
    const user = core.SteamUser();
    if (user === null || isNull(user)) throw new NullInterfaceError('SteamAPI_SteamUser_v023');
    localSteamId = BigInt(core.ISteamUser_GetSteamID(user));
    if (backend === 'legacy') {
      const fn = functions as LegacyFunctions;
      const self = fn.SteamNetworking();
      if (self === null || isNull(self)) throw new NullInterfaceError('SteamAPI_SteamNetworking_v006');
      networking = new LegacyNetworking(ctx, fn, self, localSteamId);
    } else if (backend === 'sockets') {
      ctx.live = true; // the backend makes its listen socket and poll group now
      networking = new SocketsNetworking(ensureCore(), localSteamId, options.socketsVirtualPort ?? 0);
    } else {
      const fn = functions as MessagesFunctions;
      const self = fn.SteamNetworkingMessages();
      if (self === null || isNull(self))
        throw new NullInterfaceError('SteamAPI_SteamNetworkingMessages_SteamAPI_v002');
      networking = new MessagesNetworking(ctx, fn, self, localSteamId);
    }
  } catch (err) {
    ctx.live = false;
    core.Shutdown();
    throw err;
  }

  ctx.live = true;
  let sockets: SocketsApi | null = null;
  let utils: UtilsApi | null = null;
  let services: LobbyServices | undefined;
  const lobbyServices = (what: string): LobbyServices => {
    ctx.assertLive(what);
    services ??= createLobbyServices(ctx, loaded.lib, localSteamId, () => networking.runCallbacks());
    return services;
  };
  const session: SteamSession = {
    networking,
    libraryPath,
    backend,
    localSteamId,
    get sockets(): SteamNetworkingSockets {
      sockets ??= new SocketsApi(ensureCore());
      return sockets;
    },
    get utils(): SteamNetworkingUtils {
      utils ??= new UtilsApi(ensureCore());
      return utils;
    },
    get lobbies() {
      return lobbyServices('lobbies').lobbies;
    },
    get friends() {
      return lobbyServices('friends').friends;
    },
    runCallbacks() {
      networking.runCallbacks();
    },
    shutdown() {
      if (!ctx.live) return;
      // Hooks first (a batching backend hands over what is queued), while Steam still runs.
      for (const hook of ctx.shutdownHooks) {
        try {
          hook();
        } catch {
          // Shutting down goes on regardless: the process may be exiting.
        }
      }
      ctx.live = false;
      liveSessions.delete(libraryPath);
      services?.calls.cancelAll('shutdown');
      core.Shutdown();
    },
  };
  liveSessions.set(libraryPath, session);
  return session;
}
