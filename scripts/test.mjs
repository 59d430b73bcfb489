#!/usr/bin/env node
// `npm test`: runs every package's tests through turbo, then sums the vitest JSON reports into
// the one closing line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const packageDirs = [];
for (const pattern of workspaces) {
  if (pattern.endsWith('/*')) {
    const parent = join(root, pattern.slice(0, -2));
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) packageDirs.push(join(parent, name));
  } else {
    packageDirs.push(join(root, pattern));
  }
}
const withTests = packageDirs.filter((dir) => {
  const pkg = join(dir, 'package.json');
  return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test;
});
for (const dir of withTests) rmSync(join(dir, 'reports'), { recursive: true, force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const run = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--continue', '--concurrency=1', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env,
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of withTests) {
  const report = join(dir, 'reports', 'vitest.json');
  const name = dir.slice(root.length);
  if (!existsSync(report)) {
    console.error(`${name}: no test report (the test run crashed or did not start); counted as 1 failure`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
  console.log(
    `${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
  );
}
const code = run.status !== 0 || failed > 0 ? 1 : 0;
console.log(
  skipped > 0
    ? `${passed} passed, ${failed} failed, ${skipped} skipped`
    : `${passed} passed, ${failed} failed`,
);
process.exit(code);
