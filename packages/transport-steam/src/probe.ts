/**
 * The part of `steamwire doctor` that touches native code. It runs in a child process (see doctor.ts)
 * so that a library that crashes while loading or initialising cannot take the doctor down with it.
 * @packageDocumentation
 */
import { SteamwireError } from './errors.js';
import { bindFunctions } from './flat.js';
import { initSteam, type SteamBackend } from './init.js';
import { loadKoffi } from './koffi.js';
import { checkSymbols } from './symbols.js';

/** Marks the probe's result line on stdout, so stray output from the library cannot be mistaken for it. */
export const PROBE_MARKER = 'STEAMWIRE_DOCTOR_PROBE ';

/** What the probe found; every field `null` when its step could not run. */
export interface ProbeResult {
  symbols: { resolved: string[]; missing: string[] } | null;
  steamRunning: boolean | null;
  init: {
    ok: boolean;
    code: string | null;
    message: string;
    steamResult: number | null;
    steamMessage: string | null;
    localSteamId: string | null;
  } | null;
  error: string | null;
}

/** Runs every native check on `libraryPath` and returns what happened. Never throws. */
export function probeLibrary(
  libraryPath: string,
  backend: SteamBackend,
  appId: number | undefined,
): ProbeResult {
  const result: ProbeResult = { symbols: null, steamRunning: null, init: null, error: null };
  try {
    result.symbols = checkSymbols(libraryPath);
    const lib = loadKoffi().load(libraryPath);
    const core = bindFunctions(lib, 'core');
    if (core.ok) result.steamRunning = core.functions.IsSteamRunning();
    try {
      const session = initSteam({ libraryPath, backend, ...(appId !== undefined && { appId }) });
      result.init = {
        ok: true,
        code: null,
        message: 'Steam initialised.',
        steamResult: 0,
        steamMessage: null,
        localSteamId: session.localSteamId.toString(),
      };
      session.shutdown();
    } catch (err) {
      const e = err as SteamwireError & { steamResult?: number | null; steamMessage?: string | null };
      result.init = {
        ok: false,
        code: e instanceof SteamwireError ? e.code : null,
        message: e instanceof Error ? e.message : String(e),
        steamResult: e.steamResult ?? null,
        steamMessage: e.steamMessage ?? null,
        localSteamId: null,
      };
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}
