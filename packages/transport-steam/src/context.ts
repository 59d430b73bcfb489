/**
 * The state of one loaded Steam library file. Every piece of per-library state lives in one
 * {@link SteamContext} object, never in module globals, so several library files (e.g. copies of the
 * native fake, one per simulated peer) can be initialised side by side in one process.
 * @packageDocumentation
 */
import { SteamNotInitializedError } from './errors.js';
import type { CoreFunctions, NativePointer } from './flat.js';
import type { Koffi } from './koffi.js';
import type { SteamStructs } from './structs.js';

/**
 * Handles one Steam callback during a pump. `param` points at `size` bytes owned by Steam, valid only
 * during the call. Unknown ids must be ignored.
 */
export type CallbackHandler = (id: number, param: NativePointer, size: number) => void;

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
  /**
   * Handlers every callback pump of this library calls, whoever pumps: the networking backends, the
   * typed Sockets/Utils APIs and the lobby, friends and call-result services register here, so
   * `runCallbacks()` on any of them delivers every event to all.
   */
  readonly callbackHandlers = new Set<CallbackHandler>();
  /** Run by `shutdown()` before `SteamAPI_Shutdown`, e.g. to hand queued sends to Steam. */
  readonly shutdownHooks: (() => void)[] = [];

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
