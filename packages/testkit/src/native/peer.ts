/**
 * One native fake Steam peer in this process: the real koffi binding (`initSteam`) over a copy of
 * the native fake library, configured through its environment variables.
 * @packageDocumentation
 */
import { initSteam, type SteamBackend, type SteamSession } from '@steamwire/transport-steam/steam';
import { type NativeFakePeerOptions, nativeFakeEnv, withEnv } from './env.js';

/** Options of {@link createNativeFakePeer}. */
export interface CreateNativeFakePeerOptions extends NativeFakePeerOptions {
  /** The library file to initialise: a copy of the native fake that no live session uses (see `copyNativeFake`). */
  libraryPath: string;
  /** The Steam API the binding uses (default `legacy`). */
  backend?: SteamBackend;
}

/**
 * Initialises Steam through `libraryPath` with the fake's variables set for exactly the duration of
 * `SteamAPI_InitFlat` (the rest of `process.env` is left as it was).
 * @throws `SteamInitError` from the binding (e.g. with `initResult`), or `InvalidNativeFakeOptionError`.
 */
export function createNativeFakePeer(options: CreateNativeFakePeerOptions): SteamSession {
  const { libraryPath, backend = 'legacy', ...peer } = options;
  return withEnv(nativeFakeEnv(peer), () => initSteam({ libraryPath, backend }));
}
