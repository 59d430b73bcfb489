/**
 * `@steamwire/transport-steam/steam`: the binding. `initSteam` opens Valve's library through koffi
 * and gives a {@link P2PNetworking} over the chosen backend, plus the typed Sockets and Utils APIs
 * (`session.sockets`, `session.utils`); the doctor and the library search help find out why it cannot. koffi itself is loaded only when `initSteam` (or `checkSymbols`) runs.
 *
 * The seam (`P2PNetworking`, SteamIDs, errors) is `@steamwire/transport-steam`; it is re-exported
 * here so a game that binds Steam needs one import.
 * @packageDocumentation
 */

export {
  type DoctorOptions,
  type DoctorReport,
  formatDoctorReport,
  runDoctor,
  scanInterfaces,
} from './doctor.js';
export { REQUIRED_SYMBOLS } from './flat.js';
export * from './index.js';
export { type InitSteamOptions, initSteam, type SteamBackend, type SteamSession } from './init.js';
export {
  type LocateSteamLibraryOptions,
  type LocateSteamLibraryResult,
  locateSteamLibrary,
  redistributableFile,
  STEAM_LIBRARY_ENV,
} from './library.js';
export { RECEIVE_BATCH } from './messages.js';
export { SOCKETS_RECEIVE_BATCH } from './sockets-inbox.js';
export type { SocketsBackendStats } from './sockets-networking.js';
export { OUTBOX_BATCH } from './sockets-outbox.js';
export { checkSymbols } from './symbols.js';
