/**
 * Lazy access to koffi. Importing the package must not load native code, so koffi is required only
 * when a function here is first called (by `initSteam`, `checkSymbols` or the doctor).
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

/** The koffi module's type. */
export type Koffi = typeof KoffiModule;

let cached: Koffi | undefined;

/** Loads koffi on first use; later calls return the same module. */
export function loadKoffi(): Koffi {
  if (cached === undefined) cached = createRequire(import.meta.url)('koffi') as Koffi;
  return cached;
}
