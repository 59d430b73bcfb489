/**
 * Finding Valve's Steam library file (`libsteam_api.so`, `steam_api64.dll`, `libsteam_api.dylib`).
 * Pure path logic: nothing here loads native code.
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Environment variable holding an explicit path to the Steam library file. */
export const STEAM_LIBRARY_ENV = 'STEAMWIRE_STEAM_LIBRARY';

/** Options of {@link locateSteamLibrary}; every field defaults to the running process. */
export interface LocateSteamLibraryOptions {
  /** An explicit library path. When given, it is the only candidate: no search happens. */
  libraryPath?: string;
  /** Base directory of the SDK-folder search (default `process.cwd()`). */
  searchFrom?: string;
  /** Environment to read {@link STEAM_LIBRARY_ENV} from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Platform whose file names are used (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** CPU architecture whose file names are used (default `process.arch`). */
  arch?: string;
  /** The running executable; its folder is searched last (default `process.execPath`). */
  execPath?: string;
}

/** Where the library was found, and every path that was looked at, in order. */
export interface LocateSteamLibraryResult {
  /** The first candidate that exists as a file, or `null`. */
  path: string | null;
  /** Every candidate path, in the order they were checked (up to and including the one found). */
  tried: string[];
}

/**
 * The SDK's `redistributable_bin` sub-folder and file name for a platform, e.g. `linux64/libsteam_api.so`.
 * `null` when Valve ships no library for it.
 */
export function redistributableFile(
  platform: NodeJS.Platform,
  arch: string,
): { folder: string; file: string } | null {
  if (platform === 'win32') {
    return arch === 'ia32'
      ? { folder: '', file: 'steam_api.dll' }
      : { folder: 'win64', file: 'steam_api64.dll' };
  }
  // Valve ships one universal (x86_64 + arm64) dylib for macOS.
  if (platform === 'darwin') return { folder: 'osx', file: 'libsteam_api.dylib' };
  if (platform === 'linux') {
    if (arch === 'x64') return { folder: 'linux64', file: 'libsteam_api.so' };
    if (arch === 'ia32') return { folder: 'linux32', file: 'libsteam_api.so' };
    if (arch === 'arm64') return { folder: 'linuxarm64', file: 'libsteam_api.so' };
  }
  return null;
}

/** Electron apps pack code into `app.asar`; native files must live in `app.asar.unpacked` to be loadable. */
function unpackAsar(path: string): string {
  return path.replace(/\.asar([\\/])/g, '.asar.unpacked$1');
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the Steam library. Candidates, in order:
 * 1. `libraryPath` (when given, the only candidate);
 * 2. the {@link STEAM_LIBRARY_ENV} environment variable;
 * 3. `steamworks_sdk/redistributable_bin/<platform>/<file>` then `sdk/redistributable_bin/<platform>/<file>`
 *    under `searchFrom`, its parent and its grandparent;
 * 4. `<file>` next to the executable (`.asar` rewritten to `.asar.unpacked` for Electron).
 *
 * Never throws; `tried` lists every path looked at so a caller can tell the user.
 */
export function locateSteamLibrary(options: LocateSteamLibraryOptions = {}): LocateSteamLibraryResult {
  const tried: string[] = [];
  const check = (candidate: string): string | null => {
    tried.push(candidate);
    return isFile(candidate) ? candidate : null;
  };
  const base = resolve(options.searchFrom ?? process.cwd());

  if (options.libraryPath !== undefined)
    return { path: check(unpackAsar(resolve(base, options.libraryPath))), tried };

  const fromEnv = (options.env ?? process.env)[STEAM_LIBRARY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const found = check(unpackAsar(resolve(base, fromEnv)));
    if (found) return { path: found, tried };
  }

  const target = redistributableFile(options.platform ?? process.platform, options.arch ?? process.arch);
  if (target === null) return { path: null, tried };

  for (const dir of [base, dirname(base), dirname(dirname(base))]) {
    for (const sdk of ['steamworks_sdk', 'sdk']) {
      const found = check(join(dir, sdk, 'redistributable_bin', target.folder, target.file));
      if (found) return { path: found, tried };
    }
  }

  const exeDir = dirname(options.execPath ?? process.execPath);
  const nextToExe = check(unpackAsar(join(exeDir, target.file)));
  return { path: nextToExe, tried };
}
