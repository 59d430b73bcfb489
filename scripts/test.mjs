#!/usr/bin/env node
// `npm test`: runs every package's tests through turbo, then the pack test (test/pack: the packages
// packed, installed into an empty project and used as docs/GUIDE.md says), then sums the vitest JSON
// reports into the one closing line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packagesWithTests, printTotals, sumReports } from './reports.mjs';
import { root, turbo, turboEnv } from './turbo.mjs';

const turboArgs = process.argv.slice(2);
const packDir = join(root, 'test', 'pack');
// With turbo arguments (a --filter), only what they select runs; the pack test needs all packages.
const withTests = [...packagesWithTests(), ...(turboArgs.length === 0 ? [packDir] : [])];
for (const dir of withTests) rmSync(join(dir, 'reports', 'vitest.json'), { force: true });

const run = spawnSync(...turbo(['run', 'test', '--continue', '--concurrency=1', ...turboArgs]), {
  cwd: root,
  stdio: 'inherit',
  env: turboEnv,
});

let packStatus = 0;
if (turboArgs.length === 0) {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const config = join(packDir, 'vitest.config.ts');
  const report = join(packDir, 'reports', 'vitest.json');
  const args = [
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  packStatus = spawnSync(process.execPath, [vitest, ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
} else {
  console.log('test/pack: not run (turbo arguments select packages; run `npm test` alone to include it)');
}

const totals = sumReports(withTests, 'vitest.json');
if ((run.status !== 0 || packStatus !== 0) && totals.failed === 0) {
  console.error('the test run failed, but no report says why; counted as 1 failure');
  totals.failed = 1;
}
printTotals(totals);
process.exit(run.status !== 0 || packStatus !== 0 || totals.failed > 0 ? 1 : 0);
