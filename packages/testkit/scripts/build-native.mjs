#!/usr/bin/env node
// Builds the native fake Steam library (every native/*.c) into build/native/ with a C compiler: the
// platform's Steam library name (libsteam_api.so, libsteam_api.dylib, steam_api64.dll) and link flags
// (see buildPlan). Skips the build when the output is newer than every source. `--target win32`
// cross-builds the Windows DLL and the test probe with mingw-w64 (for `npm run test:windows`);
// `--out DIR` builds into DIR instead of build/native.
// Also usable as a module: `buildNativeFake()` and `compileC()` (the tests and benches use them for
// their own small C programs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const nativeSourceDir = join(packageDir, 'native');
export const nativeBuildDir = join(packageDir, 'build', 'native');

/** The file name Valve's library has on `platform` (the fake takes the same name). */
export function nativeLibraryFile(platform = process.platform) {
  if (platform === 'win32') return 'steam_api64.dll';
  if (platform === 'darwin') return 'libsteam_api.dylib';
  return 'libsteam_api.so';
}
export const nativeLibraryPath = join(nativeBuildDir, nativeLibraryFile());

/** A clear, single-sentence failure: the build cannot go on. */
export class NativeBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NativeBuildError';
  }
}

const truthy = (value) => value !== undefined && value !== '' && value !== '0' && value !== 'false';

/** How to install a C compiler, per platform. */
function installHint(platform) {
  if (platform === 'darwin') return 'install the Xcode command line tools (xcode-select --install)';
  if (platform === 'win32') return 'install MinGW-w64 (for example with MSYS2) and put its gcc on PATH';
  return 'install one (Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc)';
}

/**
 * Compiler and flags for `target` (`process.platform` values) built on `host`. Pure, so the choice per
 * platform is tested on any machine:
 * - compiler: `$CC` (may hold arguments, e.g. `ccache gcc`), else `cc` (`gcc` on Windows); a Windows
 *   target built elsewhere uses `$CC_WIN32`, else `x86_64-w64-mingw32-gcc`;
 * - `-Werror` only when `CI` or `STEAMWIRE_WERROR` is set: a newer compiler's new warning must not
 *   stop a user's `npm install`;
 * - the shared-library flags of the target's linker (GNU ld's `-Bsymbolic` only on Linux).
 */
export function buildPlan({ target = process.platform, host = process.platform, env = process.env } = {}) {
  const cross = target !== host;
  let compiler;
  if (cross && target === 'win32') compiler = env.CC_WIN32?.trim() || 'x86_64-w64-mingw32-gcc';
  else if (cross) throw new NativeBuildError(`Cross-building for ${target} from ${host} is not supported.`);
  else compiler = env.CC?.trim() || (host === 'win32' ? 'gcc' : 'cc');
  const [program, ...compilerArgs] = compiler.split(/\s+/);
  const werror = truthy(env.CI) || truthy(env.STEAMWIRE_WERROR);
  const common = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-g'];
  if (werror) common.push('-Werror');
  let library;
  let libraryLibs = [];
  let executableLibs = [];
  if (target === 'win32') {
    // mingw's own printf (for %zu), no libgcc DLL to ship next to the fake.
    common.push('-D__USE_MINGW_ANSI_STDIO=1', '-static-libgcc');
    library = ['-shared'];
    libraryLibs = ['-lws2_32'];
  } else if (target === 'darwin') {
    library = ['-dynamiclib', '-fvisibility=hidden', '-install_name', '@rpath/libsteam_api.dylib'];
  } else {
    // -Bsymbolic: each copy loaded in one process binds to its own globals, never another copy's.
    library = ['-fPIC', '-shared', '-fvisibility=hidden', '-Wl,-Bsymbolic', '-Wl,-soname,libsteam_api.so'];
    executableLibs = ['-ldl'];
  }
  return {
    program,
    compilerArgs,
    compiler,
    common,
    library,
    libraryLibs,
    executableLibs,
    executableSuffix: target === 'win32' ? '.exe' : '',
    libraryFile: nativeLibraryFile(target),
    installHint: cross ? 'apt-get install mingw-w64' : installHint(host),
  };
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
 * `flags`/`libs` come after the plan's common flags; `plan` defaults to this platform's.
 */
export function compileC({ sources, output, inputs = sources, flags = [], libs = [], plan = buildPlan() }) {
  if (existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs)) return false;
  mkdirSync(dirname(output), { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  const run = spawnSync(
    plan.program,
    [...plan.compilerArgs, ...plan.common, ...flags, '-o', tmp, ...sources, ...libs],
    { encoding: 'utf8' },
  );
  if (run.error?.code === 'ENOENT') {
    throw new NativeBuildError(
      `No C compiler found: "${plan.program}" is not on PATH. To build the native fake Steam library, ${plan.installHint}, or set CC to a C compiler.`,
    );
  }
  if (run.error)
    throw new NativeBuildError(`Could not run the C compiler "${plan.compiler}": ${run.error.message}`);
  if (run.status !== 0) {
    rmSync(tmp, { force: true });
    throw new NativeBuildError(
      `The C compiler "${plan.compiler}" failed to build ${output}:\n${run.stderr || run.stdout}`,
    );
  }
  renameSync(tmp, output);
  return true;
}

/** The C files of the native fake: every native/*.c (each platform file compiles to nothing elsewhere). */
function nativeFiles() {
  const files = readdirSync(nativeSourceDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
  return {
    sources: files.filter((f) => f.endsWith('.c')).map((f) => join(nativeSourceDir, f)),
    inputs: [...files.map((f) => join(nativeSourceDir, f)), fileURLToPath(import.meta.url)],
  };
}

/** Builds <outDir>/<library> for `target` if it is missing or older than native/*.{c,h}. */
export function buildNativeFake({ target = process.platform, outDir = nativeBuildDir } = {}) {
  const plan = buildPlan({ target });
  const { sources, inputs } = nativeFiles();
  const path = join(outDir, plan.libraryFile);
  const built = compileC({
    sources,
    output: path,
    inputs,
    flags: plan.library,
    libs: plan.libraryLibs,
    plan,
  });
  return { path, built };
}

/**
 * The C programs of the tests and benchmarks (native/tools/): source, extra flags and the headers they
 * depend on. The layout tools come once per pack rule; building each also checks that rule's
 * _Static_asserts.
 */
export const NATIVE_TOOLS = {
  // The benchmark's C baseline: POSIX only (dlopen, clock_gettime), so never cross-built.
  ffi_loop: { source: 'ffi_loop.c', flags: [], headers: [], hostOnly: true },
  probe: { source: 'probe.c', flags: [], headers: ['steam_types.h'] },
  misuse: { source: 'misuse.c', flags: [], headers: ['steam_types.h'] },
  lobby_layout_small: {
    source: 'lobby_layout.c',
    flags: ['-DSTEAMWIRE_PACK_SMALL'],
    headers: ['lobby_layout.h', 'lobby_types.h'],
  },
  lobby_layout_large: {
    source: 'lobby_layout.c',
    flags: ['-DSTEAMWIRE_PACK_LARGE'],
    headers: ['lobby_layout.h', 'lobby_types.h'],
  },
  sockets_layout_small: {
    source: 'sockets_layout.c',
    flags: ['-DSTEAMWIRE_PACK_SMALL'],
    headers: ['sockets_layout.h', 'sockets_types.h', 'steam_types.h'],
  },
  sockets_layout_large: {
    source: 'sockets_layout.c',
    flags: ['-DSTEAMWIRE_PACK_LARGE'],
    headers: ['sockets_layout.h', 'sockets_types.h', 'steam_types.h'],
  },
};

/**
 * Builds the tool `name` of {@link NATIVE_TOOLS} into <outDir>/<name>[.exe] for `target`, unless it is
 * newer than its sources. A Windows test run cannot compile: the Linux side prebuilds every tool.
 */
export function buildNativeTool(name, { target = process.platform, outDir = nativeBuildDir } = {}) {
  const tool = NATIVE_TOOLS[name];
  if (tool === undefined) throw new NativeBuildError(`No native tool named ${name}.`);
  const plan = buildPlan({ target });
  const source = join(nativeSourceDir, 'tools', tool.source);
  const inputs = [
    source,
    ...tool.headers.map((h) => join(nativeSourceDir, h)),
    fileURLToPath(import.meta.url),
  ];
  const path = join(outDir, `${name}${plan.executableSuffix}`);
  const built = compileC({
    sources: [source],
    output: path,
    inputs,
    flags: tool.flags,
    libs: plan.executableLibs,
    plan,
  });
  return { path, built };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  // `--optional` (used by `npm run build`, hence by `npm install`): a failed build, for any reason,
  // prints a warning and lets the install finish. The tests that need the library then fail with the
  // same message (ensureNativeFake builds again), so nothing is skipped silently.
  const optional = args.includes('--optional');
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const target = option('--target', process.platform);
  const outDir = option('--out', nativeBuildDir);
  try {
    for (const { path, built } of [
      buildNativeFake({ target, outDir }),
      // Cross-builds also make the tests' tools: a Windows test run cannot compile anything.
      ...(target !== process.platform
        ? Object.entries(NATIVE_TOOLS)
            .filter(([, tool]) => !tool.hostOnly)
            .map(([name]) => buildNativeTool(name, { target, outDir }))
        : []),
    ]) {
      console.log(built ? `built ${path}` : `up to date: ${path}`);
    }
  } catch (err) {
    if (optional) {
      console.warn(
        `build-native: WARNING: the native fake Steam library was not built. ${err.message}\n` +
          'Everything else works; the tests of the real binding will fail with this message until it builds.',
      );
    } else {
      console.error(`build-native: ${err.message}`);
      process.exit(1);
    }
  }
}
