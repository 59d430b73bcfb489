/**
 * The state of one loaded Steam library file. Every piece of per-library state lives in one
 * {@link SteamContext} object, never in module globals, so several library files (e.g. copies of the
 * native fake, one per simulated peer) can be initialised side by side in one process.
 * @packageDocumentation
 */
import { SteamNotInitializedError } from './errors.js';
import type { CoreFunctions } from './flat.js';
import type { Koffi } from './koffi.js';
import type { SteamStructs } from './structs.js';

/**
 * Receives every callback the pump takes from Steam, after the networking backend's own handler:
 * how the lobby, friends and call-result services get their callbacks from the one pump.
 * `param` points at `size` bytes owned by Steam, valid only during the call.
 */
export type CallbackListener = (id: number, param: bigint, size: number) => void;

/** One loaded library and whether Steam is currently initialised through it. */
export class SteamContext {
  /** The library file (resolved, real path). */
  readonly libraryPath: string;
  /** The koffi module. */
  readonly koffi: Koffi;
  /** Core flat functions bound from this library. */
  readonly core: CoreFunctions;
  /** Struct types for this platform's pack rule. */
  readonly structs: SteamStructs;
  /** The Steam pipe for manual dispatch; valid while {@link live}. */
  pipe = 0;
  /** True between a successful `SteamAPI_InitFlat` and `shutdown()`. */
  live = false;
  /** Services that also receive every pumped callback (see {@link CallbackListener}). */
  readonly listeners: CallbackListener[] = [];

  constructor(libraryPath: string, koffi: Koffi, core: CoreFunctions, structs: SteamStructs) {
    this.libraryPath = libraryPath;
    this.koffi = koffi;
    this.core = core;
    this.structs = structs;
  }

  /**
   * Throws unless Steam is initialised. Called first by every networking method, so no call ever
   * reaches an interface pointer after shutdown (Valve's library segfaults on a dead interface).
   */
  assertLive(method: string): void {
    if (!this.live) throw new SteamNotInitializedError(method);
  }
}
