/**
 * Building the native fake: the compiler and flags chosen per platform, when it compiles, and what a
 * machine without a C compiler is told (`npm install` goes on; the native tests fail saying why).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, compileC } from '../../scripts/build-native.mjs';
import { removeTempDir } from './temp.js';

const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build-native.mjs', import.meta.url));
const FAKE_CC = fileURLToPath(new URL('./fixtures/fake-cc.mjs', import.meta.url));

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'steamwire-build-'));
});
afterAll(() => removeTempDir(scratch));

/** Runs the build script into a scratch folder (never the shared build/native) with exactly `env`. */
function buildInScratch(env: NodeJS.ProcessEnv, ...args: string[]) {
  const out = mkdtempSync(join(scratch, 'out-'));
  const run = spawnSync(process.execPath, [BUILD_SCRIPT, '--out', out, ...args], { encoding: 'utf8', env });
  return { ...run, out };
}

describe('the build plan per platform', () => {
  it('Linux: a shared object with GNU ld flags, named libsteam_api.so', () => {
    const plan = buildPlan({ target: 'linux', host: 'linux', env: {} });
    expect(plan.program).toBe('cc');
    expect(plan.libraryFile).toBe('libsteam_api.so');
    expect(plan.library).toEqual(expect.arrayContaining(['-shared', '-fPIC', '-Wl,-Bsymbolic']));
  });

  it('macOS: a dylib with an @rpath install name and no GNU-only flags', () => {
    const plan = buildPlan({ target: 'darwin', host: 'darwin', env: {} });
    expect(plan.libraryFile).toBe('libsteam_api.dylib');
    expect(plan.library).toEqual([
      '-dynamiclib',
      '-fvisibility=hidden',
      '-install_name',
      '@rpath/libsteam_api.dylib',
    ]);
    const everything = [...plan.common, ...plan.library, ...plan.libraryLibs, ...plan.executableLibs];
    expect(everything.filter((f) => f.startsWith('-Wl,'))).toEqual([]);
  });

  it('Windows: a DLL named steam_api64.dll linked with Winsock, with mingw-w64 when cross-built', () => {
    const native = buildPlan({ target: 'win32', host: 'win32', env: {} });
    expect(native.program).toBe('gcc');
    expect(native.libraryFile).toBe('steam_api64.dll');
    expect(native.libraryLibs).toEqual(['-lws2_32']);
    expect(native.executableSuffix).toBe('.exe');
    expect(buildPlan({ target: 'win32', host: 'linux', env: {} }).program).toBe('x86_64-w64-mingw32-gcc');
    expect(buildPlan({ target: 'win32', host: 'linux', env: { CC_WIN32: 'my-mingw' } }).program).toBe(
      'my-mingw',
    );
  });

  it('honours $CC, with arguments (e.g. ccache)', () => {
    const plan = buildPlan({ target: 'linux', host: 'linux', env: { CC: 'ccache clang -m64' } });
    expect([plan.program, plan.compilerArgs]).toEqual(['ccache', ['clang', '-m64']]);
  });

  it('treats warnings as errors only in CI or with STEAMWIRE_WERROR, never for a user install', () => {
    const werror = (env: Record<string, string>) =>
      buildPlan({ target: 'linux', host: 'linux', env }).common.includes('-Werror');
    expect(werror({})).toBe(false);
    expect(werror({ CI: 'true' })).toBe(true);
    expect(werror({ STEAMWIRE_WERROR: '1' })).toBe(true);
    expect(werror({ CI: '0', STEAMWIRE_WERROR: 'false' })).toBe(false);
  });
});

describe('compiling', () => {
  it('compiles only when the output is older than an input (the rule the build uses)', () => {
    // With a stand-in compiler, so the rule is checked on every platform, Windows included.
    const plan = { ...buildPlan(), program: process.execPath, compilerArgs: [FAKE_CC], common: [] };
    const source = join(scratch, 'tiny.c');
    const output = join(scratch, 'tiny');
    writeFileSync(source, 'int main(void) { return 0; }\n');
    expect(compileC({ sources: [source], output, plan })).toBe(true);
    expect(readFileSync(output, 'utf8')).toBe(source);
    expect(compileC({ sources: [source], output, plan })).toBe(false);
    const later = new Date(statSync(output).mtimeMs + 5_000);
    utimesSync(source, later, later);
    expect(compileC({ sources: [source], output, plan })).toBe(true);
  });

  it('says what to install when the compiler does not exist', () => {
    const plan = buildPlan({ env: { CC: 'no-such-compiler-steamwire' } });
    expect(() =>
      compileC({ sources: [join(scratch, 'tiny.c')], output: join(scratch, 'never'), plan }),
    ).toThrow(
      /^No C compiler found: "no-such-compiler-steamwire" is not on PATH\. To build the native fake Steam library, install .*, or set CC to a C compiler\.$/,
    );
  });
});

describe('a machine without a C compiler', () => {
  // No PATH at all (so no `cc` can be found) and CC pointing nowhere, as on a fresh machine.
  const bare = { CC: '/nonexistent/cc', PATH: '', SystemRoot: process.env.SystemRoot };

  it('fails the build with the message, naming the compiler and what to install', () => {
    const run = buildInScratch(bare);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('build-native: No C compiler found: "/nonexistent/cc" is not on PATH.');
    expect(run.stderr).toMatch(/install|xcode-select/);
    expect(existsSync(join(run.out, 'libsteam_api.so'))).toBe(false);
  });

  it('with no CC either, names the default compiler', () => {
    const run = buildInScratch({ PATH: '', SystemRoot: process.env.SystemRoot });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/No C compiler found: "(cc|gcc)" is not on PATH/);
  });

  it('still lets `npm install` finish: the optional build warns and exits 0', () => {
    const run = buildInScratch(bare, '--optional');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('WARNING: the native fake Steam library was not built. No C compiler found');
    expect(run.stderr).toContain('the tests of the real binding will fail with this message');
  });

  it('also warns instead of failing the install on a compile error', () => {
    // A "compiler" that exists but fails, as a broken toolchain or a C error would.
    const run = buildInScratch({ ...bare, CC: `${process.execPath} -e process.exit(1)` }, '--optional');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('WARNING: the native fake Steam library was not built. The C compiler');
  });
});
