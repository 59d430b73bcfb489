import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { locateSteamLibrary, redistributableFile, STEAM_LIBRARY_ENV } from '@steamwire/transport-steam/steam';
import { describe, expect, it } from 'vitest';

function touch(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'x');
  return path;
}

/** game/app/sub is the search base; its parent and grandparent are searched too. */
function tree() {
  const root = mkdtempSync(join(tmpdir(), 'steamwire-locate-'));
  const base = join(root, 'game', 'app', 'sub');
  mkdirSync(base, { recursive: true });
  const exe = join(root, 'bin', 'node');
  return { root, base, exe, linux: { platform: 'linux' as const, arch: 'x64', env: {}, execPath: exe } };
}

describe('locateSteamLibrary', () => {
  it('uses an explicit libraryPath and nothing else', () => {
    const t = tree();
    const lib = touch(join(t.root, 'custom', 'libsteam_api.so'));
    touch(join(t.base, 'steamworks_sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'));
    expect(locateSteamLibrary({ ...t.linux, searchFrom: t.base, libraryPath: lib })).toEqual({
      path: lib,
      tried: [lib],
    });
  });

  it('reports an explicit libraryPath that does not exist, without searching elsewhere', () => {
    const t = tree();
    const missing = join(t.root, 'nope.so');
    touch(join(t.base, 'steamworks_sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'));
    expect(locateSteamLibrary({ ...t.linux, searchFrom: t.base, libraryPath: missing })).toEqual({
      path: null,
      tried: [missing],
    });
  });

  it(`prefers the ${STEAM_LIBRARY_ENV} environment variable over the SDK search`, () => {
    const t = tree();
    const lib = touch(join(t.root, 'env', 'libsteam_api.so'));
    touch(join(t.base, 'steamworks_sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'));
    const found = locateSteamLibrary({ ...t.linux, searchFrom: t.base, env: { [STEAM_LIBRARY_ENV]: lib } });
    expect(found).toEqual({ path: lib, tried: [lib] });
  });

  it('falls back to the search when the environment variable points nowhere, and lists it as tried', () => {
    const t = tree();
    const sdk = touch(join(t.base, 'sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'));
    const found = locateSteamLibrary({
      ...t.linux,
      searchFrom: t.base,
      env: { [STEAM_LIBRARY_ENV]: join(t.root, 'nowhere', 'lib.so') },
    });
    expect(found.path).toBe(sdk);
    expect(found.tried[0]).toBe(join(t.root, 'nowhere', 'lib.so'));
  });

  it('searches steamworks_sdk/ then sdk/ under the base, its parent and grandparent, then next to the executable', () => {
    const t = tree();
    const found = locateSteamLibrary({ ...t.linux, searchFrom: t.base });
    const rel = join('redistributable_bin', 'linux64', 'libsteam_api.so');
    const parent = dirname(t.base);
    const grand = dirname(parent);
    expect(found).toEqual({
      path: null,
      tried: [
        join(t.base, 'steamworks_sdk', rel),
        join(t.base, 'sdk', rel),
        join(parent, 'steamworks_sdk', rel),
        join(parent, 'sdk', rel),
        join(grand, 'steamworks_sdk', rel),
        join(grand, 'sdk', rel),
        join(t.root, 'bin', 'libsteam_api.so'),
      ],
    });
  });

  it('finds the SDK folder two levels up', () => {
    const t = tree();
    const lib = touch(
      join(dirname(dirname(t.base)), 'steamworks_sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'),
    );
    const found = locateSteamLibrary({ ...t.linux, searchFrom: t.base });
    expect(found.path).toBe(lib);
    expect(found.tried.at(-1)).toBe(lib);
    expect(found.tried).toHaveLength(5);
  });

  it('finds the library next to the executable', () => {
    const t = tree();
    const lib = touch(join(t.root, 'bin', 'libsteam_api.so'));
    expect(locateSteamLibrary({ ...t.linux, searchFrom: t.base }).path).toBe(lib);
  });

  it('looks in app.asar.unpacked, never inside app.asar (Electron)', () => {
    const t = tree();
    const exe = join(t.root, 'electron', 'resources', 'app.asar', 'node');
    const lib = touch(join(t.root, 'electron', 'resources', 'app.asar.unpacked', 'libsteam_api.so'));
    const found = locateSteamLibrary({ ...t.linux, execPath: exe, searchFrom: t.base });
    expect(found.path).toBe(lib);
    expect(found.tried.some((p) => p.includes(`app.asar${'/'}`))).toBe(false);
  });

  it('rewrites .asar to .asar.unpacked in an explicit path too', () => {
    const t = tree();
    const lib = touch(join(t.root, 'app.asar.unpacked', 'libsteam_api.so'));
    expect(
      locateSteamLibrary({ ...t.linux, libraryPath: join(t.root, 'app.asar', 'libsteam_api.so') }).path,
    ).toBe(lib);
  });

  it('ignores a directory with the library name', () => {
    const t = tree();
    mkdirSync(join(t.base, 'sdk', 'redistributable_bin', 'linux64', 'libsteam_api.so'), { recursive: true });
    expect(locateSteamLibrary({ ...t.linux, searchFrom: t.base }).path).toBeNull();
  });

  it.each([
    ['win32', 'x64', join('win64', 'steam_api64.dll'), 'steam_api64.dll'],
    ['win32', 'ia32', 'steam_api.dll', 'steam_api.dll'],
    ['darwin', 'arm64', join('osx', 'libsteam_api.dylib'), 'libsteam_api.dylib'],
    ['darwin', 'x64', join('osx', 'libsteam_api.dylib'), 'libsteam_api.dylib'],
    ['linux', 'arm64', join('linuxarm64', 'libsteam_api.so'), 'libsteam_api.so'],
    ['linux', 'ia32', join('linux32', 'libsteam_api.so'), 'libsteam_api.so'],
  ] as const)('uses %s/%s file names (%s)', (platform, arch, sdkFile, exeFile) => {
    const t = tree();
    const found = locateSteamLibrary({ platform, arch, env: {}, execPath: t.exe, searchFrom: t.base });
    expect(found.tried[0]).toBe(join(t.base, 'steamworks_sdk', 'redistributable_bin', sdkFile));
    expect(found.tried.at(-1)).toBe(join(t.root, 'bin', exeFile));
    const lib = touch(join(t.base, 'sdk', 'redistributable_bin', sdkFile));
    expect(locateSteamLibrary({ platform, arch, env: {}, execPath: t.exe, searchFrom: t.base }).path).toBe(
      lib,
    );
  });

  it('has nothing to search for on a platform Valve ships no library for', () => {
    expect(redistributableFile('freebsd', 'x64')).toBeNull();
    expect(locateSteamLibrary({ platform: 'freebsd', arch: 'x64', env: {} })).toEqual({
      path: null,
      tried: [],
    });
  });
});
