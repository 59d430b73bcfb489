/**
 * Lazy access to koffi. Importing the package must not load native code, so koffi is required only
 * when a function here is first called (by `initSteam`, `checkSymbols` or the doctor).
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';
import { SteamInitError } from './errors.js';
import { checkLibraryFile, describeLibraryProblem, type LibraryFileProblem } from './library-file.js';

/** The koffi module's type. */
export type Koffi = typeof KoffiModule;

let cached: Koffi | undefined;

/** Loads koffi on first use; later calls return the same module. */
export function loadKoffi(): Koffi {
  if (cached === undefined) cached = createRequire(import.meta.url)('koffi') as Koffi;
  return cached;
}

/** A library opened by koffi. */
export type KoffiLibrary = ReturnType<Koffi['load']>;

/**
 * Checks the file at `libraryPath` (see library-file.ts) and only then asks the OS to load it: a
 * truncated library would crash the process while loading instead of failing.
 * @throws `SteamInitError` (`LIBRARY_LOAD_FAILED`) when the file is not a complete library for this
 *   platform, or cannot be loaded.
 */
export function assertLoadableLibrary(libraryPath: string): void {
  const target = { platform: process.platform, arch: process.arch };
  let problem: LibraryFileProblem | null;
  try {
    problem = checkLibraryFile(libraryPath, target);
  } catch (cause) {
    throw new SteamInitError(
      'LIBRARY_LOAD_FAILED',
      `The Steam library ${libraryPath} could not be read (${(cause as Error).message}); check that the file exists and is readable.`,
      { libraryPath, cause },
    );
  }
  if (problem !== null) {
    throw new SteamInitError(
      'LIBRARY_LOAD_FAILED',
      `The Steam library ${libraryPath} ${describeLibraryProblem(problem, target)}.`,
      { libraryPath },
    );
  }
}

/**
 * Opens the Steam library at `libraryPath` with koffi, after {@link assertLoadableLibrary}.
 * @throws `SteamInitError` (`LIBRARY_LOAD_FAILED`) when the file cannot be loaded.
 */
export function openSteamLibrary(libraryPath: string): KoffiLibrary {
  assertLoadableLibrary(libraryPath);
  try {
    return loadKoffi().load(libraryPath);
  } catch (cause) {
    throw new SteamInitError(
      'LIBRARY_LOAD_FAILED',
      `The Steam library ${libraryPath} could not be loaded (${(cause as Error).message}); check that it matches this platform and architecture.`,
      { libraryPath, cause },
    );
  }
}
