/**
 * `@steamwire/transport-steam`: Steam's P2P networking behind one typed interface.
 *
 * Importing this module never loads native code; the Steam library is opened only by `initSteam`
 * (and by `checkSymbols`).
 * @packageDocumentation
 */

export * from './clock.js';
export {
  type DoctorOptions,
  type DoctorReport,
  formatDoctorReport,
  runDoctor,
  scanInterfaces,
} from './doctor.js';
export * from './errors.js';
export { REQUIRED_SYMBOLS } from './flat.js';
export { type InitSteamOptions, initSteam, type SteamBackend, type SteamSession } from './init.js';
export {
  type LocateSteamLibraryOptions,
  type LocateSteamLibraryResult,
  locateSteamLibrary,
  redistributableFile,
  STEAM_LIBRARY_ENV,
} from './library.js';
export { MESSAGES_P2P_LIMITS, RECEIVE_BATCH } from './messages.js';
export * from './p2p.js';
export * from './steam-id.js';
export { checkSymbols } from './symbols.js';
