// The `steamwire` command as a user of the repository runs it: `npx steamwire ...` right after a clean
// install. The bin is a committed executable launcher (bin/steamwire.mjs), so npm can link it before
// the package is built and a rebuild never drops its executable bit.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, packageDir } from './helpers/dist.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const LAUNCHER = join(packageDir, 'bin', 'steamwire.mjs');

function npx(...args: string[]) {
  return spawnSync('npx', ['--no-install', 'steamwire', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    shell: process.platform === 'win32',
  });
}

describe('npx steamwire, from the repository root', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('--help prints the usage and exits 0', () => {
    const run = npx('--help');
    expect(run.stderr).not.toMatch(/could not determine executable|Permission denied/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: steamwire doctor \[--lib PATH\]/);
  });

  it.each(['doctor --bogus', '--bogus', 'doctor --lib'])(
    '`steamwire %s` prints the usage line and exits 2, without a stack trace',
    (line) => {
      const run = npx(...line.split(' '));
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^steamwire: .+\.\n\nUsage: steamwire doctor/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('the bin is committed executable (git mode 100755) and is executable here', () => {
    const git = spawnSync('git', ['ls-files', '-s', 'bin/steamwire.mjs'], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(git.error, 'git is needed to read the committed file mode').toBeUndefined();
    expect(git.stdout).toMatch(/^100755 /);
    if (process.platform !== 'win32') expect(statSync(LAUNCHER).mode & 0o111).toBe(0o111);
  });

  it('says what to do when the package is not built yet', () => {
    const copy = mkdtempSync(join(tmpdir(), 'steamwire-unbuilt-'));
    mkdirSync(join(copy, 'bin'));
    copyFileSync(LAUNCHER, join(copy, 'bin', 'steamwire.mjs'));
    const run = spawnSync(process.execPath, [join(copy, 'bin', 'steamwire.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('dist/cli.js is missing): run `npm run build`');
  });
});
