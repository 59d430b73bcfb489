#!/usr/bin/env node
// `npm test`: runs every package's tests through turbo, then sums the vitest JSON reports into
// the one closing line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packagesWithTests, printTotals, sumReports } from './reports.mjs';
import { root, turbo, turboEnv } from './turbo.mjs';

const withTests = packagesWithTests();
for (const dir of withTests) rmSync(join(dir, 'reports', 'vitest.json'), { force: true });

const run = spawnSync(...turbo(['run', 'test', '--continue', '--concurrency=1', ...process.argv.slice(2)]), {
  cwd: root,
  stdio: 'inherit',
  env: turboEnv,
});

const totals = sumReports(withTests, 'vitest.json');
if (run.status !== 0 && totals.failed === 0) {
  console.error('the test run failed, but no report says why; counted as 1 failure');
  totals.failed = 1;
}
printTotals(totals);
process.exit(run.status !== 0 || totals.failed > 0 ? 1 : 0);
