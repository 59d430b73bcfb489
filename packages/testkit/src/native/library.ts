/**
 * Where the native fake Steam library lives, how it is (re)built, and copies of it: dlopen of distinct
 * files gives independent globals, so each copy is an independent fake Steam peer in one process.
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeFakeBuildError } from './errors.js';

// Same relative place from src/native/ (tests) and dist/native/ (built package).
const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/** The fake's file name on this platform: Valve's (`libsteam_api.so`, `libsteam_api.dylib`, `steam_api64.dll`). */
function nativeFakeFileName(): string {
  if (process.platform === 'win32') return 'steam_api64.dll';
  return process.platform === 'darwin' ? 'libsteam_api.dylib' : 'libsteam_api.so';
}

/**
 * Absolute path of the built native fake, `build/native/<Valve's file name for this platform>` in this
 * package (may not exist yet).
 */
export function nativeFakeLibraryPath(): string {
  return join(packageDir, 'build', 'native', nativeFakeFileName());
}

/**
 * Builds the native fake with the C compiler (`$CC`, else `cc`) if it is missing or older than its C
 * sources (a no-op otherwise), and returns its path.
 * @throws {@link NativeFakeBuildError} when there is no C compiler or the build fails; its message says
 *   what to install.
 */
export function ensureNativeFake(): string {
  const script = join(packageDir, 'scripts', 'build-native.mjs');
  // The common case, checked in-process: a few stat calls, no child process blocking the event loop.
  if (isUpToDate(nativeFakeLibraryPath(), [script, ...nativeSources()])) return nativeFakeLibraryPath();
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (run.error) throw new NativeFakeBuildError(run.error.message);
  if (run.status !== 0) throw new NativeFakeBuildError(`${run.stderr}${run.stdout}`);
  const path = nativeFakeLibraryPath();
  if (!existsSync(path))
    throw new NativeFakeBuildError(`the build script succeeded but ${path} does not exist`);
  return path;
}

/** The C sources and headers of the native fake (native/*.c, native/*.h), or none when not shipped. */
function nativeSources(): string[] {
  const dir = join(packageDir, 'native');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .map((f) => join(dir, f));
}

/** Same rule as the build script: the output exists and is at least as new as every input. */
function isUpToDate(output: string, inputs: readonly string[]): boolean {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return inputs.every((input) => !existsSync(input) || statSync(input).mtimeMs <= built);
}

/**
 * Copies the native fake to `<directory>/<Valve's file name for this platform>` (creating the
 * directory) and returns the copy's path. Load each copy through `initSteam({ libraryPath })` to get
 * one more independent peer.
 */
export function copyNativeFake(directory: string, source: string = nativeFakeLibraryPath()): string {
  mkdirSync(directory, { recursive: true });
  const target = join(directory, nativeFakeFileName());
  copyFileSync(source, target);
  return target;
}
