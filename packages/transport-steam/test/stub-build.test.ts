// A clone without a C compiler: the binding tests cannot build their stub library, and must fail
// saying what to install (not skip and pass). Checked on the stub's build script in a child process
// with no compiler reachable, as on a fresh machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/build-stub.mjs', import.meta.url));

function buildWithout(env: Record<string, string | undefined>) {
  const out = mkdtempSync(join(tmpdir(), 'steamwire-nocc-'));
  // PATH empty: no `cc` can be found. SystemRoot: Windows needs it to start any process.
  const run = spawnSync(process.execPath, [SCRIPT, '--out', out], {
    encoding: 'utf8',
    env: { PATH: '', SystemRoot: process.env.SystemRoot, ...env },
  });
  return { ...run, built: existsSync(out) ? readdirSync(out) : [] };
}

describe('the binding tests on a machine without a C compiler', () => {
  it('fail with a message naming the missing compiler and what to install', () => {
    const run = buildWithout({ CC: '/nonexistent/cc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'build-stub: No C compiler found: "/nonexistent/cc" is not on PATH. The binding tests build a stub Steam library from test/fixtures/stub_steam.c:',
    );
    expect(run.stderr).toMatch(
      /install .*, or set CC to a C compiler \(or set STEAMWIRE_SKIP_NATIVE=1 to skip these tests\)\./,
    );
    expect(run.built).toEqual([]);
  });

  it('name the default compiler when CC is not set', () => {
    const run = buildWithout({});
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/No C compiler found: "(cc|gcc)" is not on PATH/);
  });
});
