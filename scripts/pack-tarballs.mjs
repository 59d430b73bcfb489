#!/usr/bin/env node
// `npm run pack:tarballs`: builds the three published packages and packs each with `npm pack` into
// packs/ (steamwire-transport-steam-<v>.tgz, steamwire-rpc-<v>.tgz, steamwire-testkit-<v>.tgz), the
// files a game installs until the packages are on the npm registry (docs/GUIDE.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, turbo, turboEnv } from './turbo.mjs';

/** The packages a game installs, in the order they depend on each other. */
export const packedPackages = ['transport-steam', 'rpc', 'testkit'];

/** Where the tarballs go. */
export const packsDir = join(root, 'packs');

/** The tarball file name `npm pack` gives a package: `@scope/name` → `scope-name-<version>.tgz`. */
function tarballName(dir) {
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** Builds and packs the packages; returns `{ name, path }` per package. Throws with npm's output on failure. */
export function packTarballs() {
  const filters = packedPackages.map((p) => `--filter=@steamwire/${p}`);
  const build = spawnSync(...turbo(['run', 'build', '--output-logs=errors-only', ...filters]), {
    cwd: root,
    env: turboEnv,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  mkdirSync(packsDir, { recursive: true });
  const packed = [];
  for (const pkg of packedPackages) {
    const dir = join(root, 'packages', pkg);
    const path = join(packsDir, tarballName(dir));
    rmSync(path, { force: true });
    // On Windows npm is npm.cmd, which only a shell starts.
    const run = spawnSync('npm', ['pack', '--pack-destination', packsDir], {
      cwd: dir,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    if (run.status !== 0) throw new Error(`npm pack failed in packages/${pkg}:\n${run.stdout}${run.stderr}`);
    packed.push({ name: `@steamwire/${pkg}`, path });
  }
  return packed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const { path } of packTarballs()) console.log(path);
  } catch (err) {
    console.error(`pack:tarballs: ${err.message}`);
    process.exit(1);
  }
}
