#!/usr/bin/env node
// Builds the native fake Steam library (native/*.c) into build/native/libsteam_api.so with the
// system C compiler ($CC, else `cc`). Skips the build when the output is newer than every source.
// Also usable as a module: `buildNativeFake()` and `compileC()` (the tests and benches use them for
// their own small C programs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const nativeSourceDir = join(packageDir, 'native');
export const nativeBuildDir = join(packageDir, 'build', 'native');
export const nativeLibraryPath = join(nativeBuildDir, 'libsteam_api.so');

const COMMON_FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror', '-g'];

/** A clear, single-sentence failure: the build cannot go on. */
export class NativeBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NativeBuildError';
  }
}

function compilerName() {
  return process.env.CC && process.env.CC.trim() !== '' ? process.env.CC.trim() : 'cc';
}

function newestMtime(paths) {
  let newest = 0;
  for (const path of paths) newest = Math.max(newest, statSync(path).mtimeMs);
  return newest;
}

/**
 * Compiles `sources` into `output` unless `output` is newer than every file in `inputs`
 * (defaults to `sources`). Writes to a temporary file first, so a concurrent reader never loads a
 * half-written library. Returns true when it compiled, false when it was up to date.
 */
export function compileC({ sources, output, inputs = sources, flags = [], libs = [] }) {
  if (existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs)) return false;
  if (process.platform === 'win32') {
    throw new NativeBuildError(
      'The native fake Steam library builds on Linux and macOS only (it needs a Unix C compiler).',
    );
  }
  mkdirSync(dirname(output), { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  const cc = compilerName();
  const run = spawnSync(cc, [...COMMON_FLAGS, ...flags, '-o', tmp, ...sources, ...libs], {
    encoding: 'utf8',
  });
  if (run.error?.code === 'ENOENT') {
    throw new NativeBuildError(
      `No C compiler found: "${cc}" is not on PATH. Install one (Debian/Ubuntu: apt-get install gcc; macOS: xcode-select --install) or set CC.`,
    );
  }
  if (run.error) throw new NativeBuildError(`Could not run the C compiler "${cc}": ${run.error.message}`);
  if (run.status !== 0) {
    rmSync(tmp, { force: true });
    throw new NativeBuildError(
      `The C compiler "${cc}" failed to build ${output}:\n${run.stderr || run.stdout}`,
    );
  }
  renameSync(tmp, output);
  return true;
}

/** Builds build/native/libsteam_api.so if it is missing or older than native/*.{c,h}. */
export function buildNativeFake() {
  const files = readdirSync(nativeSourceDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
  const sources = files.filter((f) => f.endsWith('.c')).map((f) => join(nativeSourceDir, f));
  const inputs = [...files.map((f) => join(nativeSourceDir, f)), fileURLToPath(import.meta.url)];
  const flags = ['-fPIC', '-shared', '-fvisibility=hidden', '-Wl,-Bsymbolic'];
  if (process.platform === 'linux') flags.push('-Wl,-soname,libsteam_api.so');
  const built = compileC({ sources, output: nativeLibraryPath, inputs, flags });
  return { path: nativeLibraryPath, built };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `--optional` (used by `npm run build`, hence by `npm install`): a machine with no C compiler, or
  // Windows, still installs and runs everything but the tests of the real binding, which then fail
  // with this same message (ensureNativeFake). A compile error in our C is never optional.
  const optional = process.argv.includes('--optional');
  try {
    const { path, built } = buildNativeFake();
    console.log(built ? `built ${path}` : `up to date: ${path}`);
  } catch (err) {
    const unavailable = /No C compiler found|builds on Linux and macOS only/.test(err.message);
    if (optional && unavailable) {
      console.warn(`build-native: skipped, ${err.message}`);
    } else {
      console.error(`build-native: ${err.message}`);
      process.exit(1);
    }
  }
}
