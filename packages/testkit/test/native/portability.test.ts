/**
 * The native fake must build on macOS too, which CI cannot run. So every native/*.c is compiled here
 * with clang as a macOS build would see it (`__APPLE__`, no `__linux__`, no `_GNU_SOURCE`), with
 * fixtures/macos-shim.h removing and poisoning what Linux has and macOS lacks (SOCK_NONBLOCK,
 * MSG_NOSIGNAL, accept4, epoll…): a Linux-only construct fails here first. Syntax and types only; the
 * macOS link flags are checked in build.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeNative } from './native.js';

const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));
const SHIM = fileURLToPath(new URL('./fixtures/macos-shim.h', import.meta.url));
const CLANG = process.env.STEAMWIRE_CLANG ?? 'clang';
const MACOS_CHECK_FLAGS = [
  '-fsyntax-only',
  '-std=c11',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-Werror',
  '-U__linux__',
  '-U__gnu_linux__',
  '-Ulinux',
  '-D__APPLE__',
  '-D__MACH__',
];

/** Runs the check on `files`, or on C text given as `input`. */
function clangCheck(files: string[], input?: string) {
  const args = [...MACOS_CHECK_FLAGS, '-include', SHIM, ...(input === undefined ? files : ['-x', 'c', '-'])];
  const run = spawnSync(CLANG, args, { encoding: 'utf8', ...(input !== undefined && { input }) });
  if (run.error) {
    throw new Error(
      `The macOS portability check needs clang ("${CLANG}" could not be run: ${run.error.message}): install it (Debian/Ubuntu: apt-get install clang), or set STEAMWIRE_SKIP_NATIVE=1 to skip the native tests.`,
    );
  }
  return run;
}

describeNative('the native fake on macOS (clang, macOS view of the headers)', () => {
  it('every native/*.c and the test probe compile without a Linux-only construct', () => {
    const sources = readdirSync(NATIVE)
      .filter((f) => f.endsWith('.c'))
      .map((f) => join(NATIVE, f));
    expect(sources.length).toBeGreaterThan(5);
    const run = clangCheck([...sources, join(NATIVE, 'tools', 'probe.c')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each([
    ['SOCK_NONBLOCK', 'int f(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0); }'],
    ['MSG_NOSIGNAL', 'int f(int s) { return (int)send(s, "", 0, MSG_NOSIGNAL); }'],
    ['accept4', 'int f(int s) { return accept4(s, 0, 0, 0); }'],
  ])('catches a Linux-only construct: %s', (name, code) => {
    const run = clangCheck([], `#include <sys/socket.h>\n${code}\n`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/poisoned|undeclared|implicit declaration/);
    expect(run.stderr).toContain(name);
  });

  it('accepts the portable way: fcntl(O_NONBLOCK) after socket()', () => {
    const run = clangCheck(
      [],
      '#include <sys/socket.h>\n#include <fcntl.h>\nint f(void) { int s = socket(AF_INET, SOCK_DGRAM, 0); return fcntl(s, F_SETFL, O_NONBLOCK); }\n',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
