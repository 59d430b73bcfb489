/**
 * Brings up a session's lobby and friends services on first use of `session.lobbies` or
 * `session.friends`: binds their flat functions (once per library file), checks every interface
 * accessor for NULL, and wires the call-result table and both services into the session's one
 * callback pump.
 * @packageDocumentation
 */
import { CallResults } from './call-results.js';
import type { SteamContext } from './context.js';
import { NullInterfaceError, SteamInitError } from './errors.js';
import { bindFunctions } from './flat.js';
import { APPS_ACCESSOR_V009, type AppsFunctions, type LobbyFunctions } from './flat-lobbies.js';
import type { KoffiLibrary } from './koffi.js';
import { lobbyStructs } from './lobby-structs.js';
import { SteamLobbies } from './matchmaking.js';
import { type SteamApps, SteamFriends } from './steam-friends.js';
import type { SteamId } from './steam-id.js';

/** The lobby, friends and call-result services of one session. */
export interface LobbyServices {
  readonly lobbies: SteamLobbies;
  readonly friends: SteamFriends;
  readonly calls: CallResults;
}

interface BoundLobbyFunctions {
  readonly lobbies: LobbyFunctions;
  readonly apps: AppsFunctions | null;
}

const bound = new WeakMap<KoffiLibrary, BoundLobbyFunctions>();

function isNull(pointer: bigint | null): pointer is null {
  return pointer === null || pointer === 0n;
}

/** `ISteamApps` is optional: only the launch command line needs it, and SDK 1.64 renamed its accessor. */
function bindApps(lib: KoffiLibrary): AppsFunctions | null {
  const apps = bindFunctions(lib, 'apps');
  if (apps.ok) return apps.functions;
  if (apps.missing.length !== 1 || !apps.missing[0]!.startsWith('SteamAPI_SteamApps_')) return null;
  try {
    const accessor = lib.func(APPS_ACCESSOR_V009) as AppsFunctions['SteamApps'];
    const launch = lib.func(
      'int SteamAPI_ISteamApps_GetLaunchCommandLine(void *self, void *pszCommandLine, int cubCommandLine)',
    ) as AppsFunctions['GetLaunchCommandLine'];
    return { SteamApps: accessor, GetLaunchCommandLine: launch };
  } catch {
    return null;
  }
}

function bindAll(lib: KoffiLibrary, libraryPath: string): BoundLobbyFunctions {
  const hit = bound.get(lib);
  if (hit) return hit;
  const lobbies = bindFunctions(lib, 'lobbies');
  if (!lobbies.ok) {
    throw new SteamInitError(
      'SYMBOL_MISSING',
      `The Steam library ${libraryPath} lacks ${lobbies.missing.join(', ')}: lobbies need the redistributable from SDK 1.60 or newer.`,
      { libraryPath, missingSymbols: lobbies.missing },
    );
  }
  const result = { lobbies: lobbies.functions, apps: bindApps(lib) };
  bound.set(lib, result);
  return result;
}

/**
 * Creates the services. `pump` runs the session's callback pump (the networking's `runCallbacks`).
 * @throws SteamInitError `SYMBOL_MISSING` when the library lacks the lobby API; NullInterfaceError
 *   when Steam does not provide ISteamMatchmaking, ISteamFriends or ISteamUtils.
 */
export function createLobbyServices(
  ctx: SteamContext,
  lib: KoffiLibrary,
  localSteamId: SteamId,
  pump: () => void,
): LobbyServices {
  const fns = bindAll(lib, ctx.libraryPath);
  const fn = fns.lobbies;
  const matchmaking = fn.SteamMatchmaking();
  if (isNull(matchmaking)) throw new NullInterfaceError('SteamAPI_SteamMatchmaking_v009');
  const friends = fn.SteamFriends();
  if (isNull(friends)) throw new NullInterfaceError('SteamAPI_SteamFriends_v018');
  const utils = fn.SteamUtils();
  if (isNull(utils)) throw new NullInterfaceError('SteamAPI_SteamUtils_v010');
  let apps: SteamApps | null = null;
  if (fns.apps !== null) {
    const self = fns.apps.SteamApps();
    if (!isNull(self)) apps = { fn: fns.apps, self };
  }
  const structs = lobbyStructs(ctx.koffi);
  const calls = new CallResults(ctx, structs, (handle) => {
    // Asked only while the session is live (from the pump), so the interface is still valid.
    return ctx.live ? fn.GetAPICallFailureReason(utils, handle) : -1;
  });
  return {
    calls,
    lobbies: new SteamLobbies(ctx, fn, matchmaking, calls, structs, localSteamId, pump),
    friends: new SteamFriends(ctx, fn, friends, apps, structs, localSteamId, pump),
  };
}
