/**
 * Checking a Steam library file for every function the binding needs, without initialising Steam.
 * @packageDocumentation
 */
import { InvalidArgumentError, SteamInitError } from './errors.js';
import { bindFunctions, REQUIRED_SYMBOLS } from './flat.js';
import { openSteamLibrary } from './koffi.js';

/**
 * Opens the library at `libraryPath`, binds every declaration in `REQUIRED_SYMBOLS` (core, legacy,
 * messages, sockets, utils, lobbies and apps), and closes its handle again. Does not initialise Steam.
 * @returns the symbols that resolve and the ones the library lacks, in `REQUIRED_SYMBOLS` order.
 * @throws {@link SteamInitError} `LIBRARY_LOAD_FAILED` when the file cannot be loaded at all.
 */
export function checkSymbols(libraryPath: string): { resolved: string[]; missing: string[] } {
  if (typeof libraryPath !== 'string' || libraryPath === '') {
    throw new InvalidArgumentError('libraryPath', 'libraryPath must be a non-empty string.');
  }
  const lib = openSteamLibrary(libraryPath);
  const resolved: string[] = [];
  const missing: string[] = [];
  try {
    for (const group of ['core', 'legacy', 'messages', 'sockets', 'utils', 'lobbies', 'apps'] as const) {
      // Binding (not just looking up) also proves every prototype parses.
      const bound = bindFunctions(lib, group as 'core');
      const absent = new Set(bound.ok ? [] : bound.missing);
      for (const symbol of REQUIRED_SYMBOLS[group]) (absent.has(symbol) ? missing : resolved).push(symbol);
    }
  } finally {
    // dlclose drops only this handle's reference: a session using the same file keeps it loaded.
    lib.unload();
  }
  return { resolved, missing };
}
