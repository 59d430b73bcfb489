// The check made before a library is loaded (src/library-file.ts), on copies of Valve's real libraries
// (SDK 1.62: ELF, PE and universal Mach-O, from @pipelab/steamworks.js) cut short at several points:
// in-process for every format, and through initSteam, checkSymbols and the doctor in child processes
// for this platform's file, so that a regression shows as a crash (SIGBUS) and not a dead test runner.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLibraryFile, type LibraryTarget } from '../src/library-file.js';
import { distDir, ensureBuilt } from './helpers/dist.js';
import { describeNative } from './helpers/native.js';

const dist = join(
  dirname(createRequire(import.meta.url).resolve('@pipelab/steamworks.js/package.json')),
  'dist',
);
const scratch = mkdtempSync(join(tmpdir(), 'steamwire-cut-'));

interface Sample {
  file: string;
  target: LibraryTarget;
  /** Where to cut, by what the cut lands in. */
  cuts: (full: Buffer) => Record<string, number>;
}

const SAMPLES: Record<'elf' | 'pe' | 'macho', Sample> = {
  elf: {
    file: join(dist, 'linux64', 'libsteam_api.so'),
    target: { platform: 'linux', arch: 'x64' },
    cuts: (full) => ({
      'the ELF header': 40,
      'the program header table': 64 + 56 * 3 + 10,
      'a loadable segment': 200_000,
      'the last byte': full.length - 1,
    }),
  },
  pe: {
    file: join(dist, 'win64', 'steam_api64.dll'),
    target: { platform: 'win32', arch: 'x64' },
    cuts: (full) => {
      const pe = full.readUInt32LE(0x3c);
      return {
        'the PE header': pe + 10,
        'the section table': pe + 24 + full.readUInt16LE(pe + 20) + 50,
        'a section': 150_000,
        'the last byte': full.length - 1,
      };
    },
  },
  macho: {
    file: join(dist, 'osx', 'libsteam_api.dylib'),
    target: { platform: 'darwin', arch: 'arm64' },
    cuts: (full) => ({
      'the universal header': 20,
      'the x86_64 slice': 20_000,
      'the arm64 slice': 300_000,
      'the last byte': full.length - 1,
    }),
  },
};

/** A copy of `source`'s first `bytes` bytes. */
function cut(source: string, bytes: number, name: string): string {
  const path = join(scratch, name);
  writeFileSync(path, readFileSync(source).subarray(0, bytes));
  return path;
}

describe.each(Object.entries(SAMPLES))("the library file check on Valve's %s library", (format, sample) => {
  it('passes the whole file', () => {
    expect(checkLibraryFile(sample.file, sample.target)).toBeNull();
  });

  it.each(Object.entries(sample.cuts(readFileSync(sample.file))))(
    'finds it truncated when cut inside %s',
    (_where, at) => {
      const problem = checkLibraryFile(cut(sample.file, at, `${format}-${at}`), sample.target);
      expect(problem?.kind).toBe('truncated');
      expect(problem?.detail).toContain(`past the end of the ${at}-byte file`);
    },
  );

  it('finds an empty file truncated, and a text file not a library', () => {
    expect(checkLibraryFile(cut(sample.file, 0, `${format}-empty`), sample.target)?.kind).toBe('truncated');
    const text = join(scratch, `${format}-text`);
    writeFileSync(text, 'this is not a library at all');
    expect(checkLibraryFile(text, sample.target)?.kind).toBe('not-a-library');
  });
});

describe('libraries for another platform', () => {
  it.each([
    ['elf', { platform: 'win32', arch: 'x64' }, /ELF file, while win32 loads PE/],
    ['pe', { platform: 'linux', arch: 'x64' }, /PE file, while linux loads ELF/],
    ['macho', { platform: 'linux', arch: 'x64' }, /Mach-O file, while linux loads ELF/],
    ['elf', { platform: 'linux', arch: 'arm64' }, /machine 62, 64-bit/],
    ['pe', { platform: 'win32', arch: 'ia32' }, /machine 0x8664/],
    ['macho', { platform: 'darwin', arch: 'ia32' }, /without a ia32 slice/],
  ] as const)('%s for %o is for another platform', (format, target, detail) => {
    const problem = checkLibraryFile(SAMPLES[format].file, target);
    expect(problem?.kind).toBe('wrong-platform');
    expect(problem?.detail).toMatch(detail);
  });

  it('finds an ELF library built for another CPU (patched e_machine)', () => {
    const copy = join(scratch, 'aarch64.so');
    copyFileSync(SAMPLES.elf.file, copy);
    const bytes = readFileSync(copy);
    bytes.writeUInt16LE(183, 18);
    writeFileSync(copy, bytes);
    expect(checkLibraryFile(copy, SAMPLES.elf.target)).toEqual({
      kind: 'wrong-platform',
      detail: 'an ELF shared object for machine 183, 64-bit',
    });
  });
});

/** This platform's Valve library among the samples, or an error saying there is none. */
function hostSample(): Sample {
  const sample = Object.values(SAMPLES).find(
    (s) =>
      s.target.platform === process.platform &&
      (s.target.arch === process.arch || s.target.platform === 'darwin'),
  );
  if (sample === undefined) {
    throw new Error(
      `@pipelab/steamworks.js has no Valve library for ${process.platform}-${process.arch}; set STEAMWIRE_SKIP_NATIVE=1 to skip these tests.`,
    );
  }
  return sample;
}

/** Runs an ES module in a fresh node process and parses its last stdout line. */
function child(source: string) {
  const file = join(scratch, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  return { ...run, result: JSON.parse(run.stdout.trim().split('\n').at(-1) || 'null') };
}

describeNative("truncated copies of this platform's Valve library, through the binding", () => {
  let copies: Array<[string, string]>;
  beforeAll(() => {
    ensureBuilt();
    const sample = hostSample();
    copies = Object.entries(sample.cuts(readFileSync(sample.file))).map(([where, at]) => [
      where,
      cut(sample.file, at, `host-${at}${sample.file.slice(sample.file.lastIndexOf('.'))}`),
    ]);
  }, 120_000);

  it('initSteam and checkSymbols answer LIBRARY_LOAD_FAILED saying it is truncated, and nothing crashes', () => {
    const index = JSON.stringify(pathToFileURL(join(distDir, 'steam.js')).href);
    const run = child(`
      const { initSteam, checkSymbols } = await import(${index});
      const out = [];
      for (const path of ${JSON.stringify(copies.map(([, path]) => path))}) {
        for (const call of [() => initSteam({ libraryPath: path }), () => checkSymbols(path)]) {
          try { call(); out.push({ ok: true }); }
          catch (e) { out.push({ name: e.name, code: e.code, message: e.message }); }
        }
      }
      console.log(JSON.stringify(out));
    `);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.result).toHaveLength(2 * copies.length);
    for (const answer of run.result) {
      expect(answer).toMatchObject({ name: 'SteamInitError', code: 'LIBRARY_LOAD_FAILED' });
      expect(answer.message).toMatch(
        /is truncated \(.*past the end of the \d+-byte file\): it was cut short/,
      );
    }
  });

  it('the doctor reports the truncation from the same check, without loading the file', () => {
    const [, path] = copies.find(
      ([where]) => where.includes('segment') || where.includes('section') || where.includes('arm64'),
    )!;
    const run = spawnSync(process.execPath, [join(distDir, 'cli.js'), 'doctor', '--lib', path], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('PROBLEM: the file is truncated (');
    expect(run.stdout).not.toContain('Init (');
    expect(run.stdout).toContain('Result: Steam did NOT initialise');
  });
});

/** A shared library on this machine that is certainly not Steam's. */
function foreignLibrary(): string {
  const candidates = [
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib/aarch64-linux-gnu/libc.so.6',
    '/lib64/libc.so.6',
    '/usr/lib/libc.so.6',
    'C:\\Windows\\System32\\kernel32.dll',
  ];
  const found = candidates.find((path) => existsSync(path) && checkLibraryFile(path) === null);
  if (found === undefined) throw new Error(`no system library to test with among ${candidates.join(', ')}`);
  return found;
}

describeNative("a library that is not Steam's", () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('the doctor says so, rather than calling its SDK too old', () => {
    const run = spawnSync(process.execPath, [join(distDir, 'cli.js'), 'doctor', '--lib', foreignLibrary()], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("this is not Steam's library (no SteamAPI_* symbols)");
    expect(run.stdout).not.toContain('too old');
  });

  it('initSteam says so too', () => {
    const index = JSON.stringify(pathToFileURL(join(distDir, 'steam.js')).href);
    const run = child(`
      const { initSteam } = await import(${index});
      try { initSteam({ libraryPath: ${JSON.stringify(foreignLibrary())} }); console.log('null'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
    `);
    expect(run.status).toBe(0);
    expect(run.result.code).toBe('SYMBOL_MISSING');
    expect(run.result.message).toContain("is not Steam's library (no SteamAPI_* symbols)");
  });
});
