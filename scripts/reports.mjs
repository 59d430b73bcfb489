// Reads the vitest JSON reports of a test run (one per package) and sums them into the closing line CI
// reads, `N passed, N failed`. Shared by `npm test` and `npm run test:windows`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './turbo.mjs';

/** Absolute paths of the workspace packages that have a `test` script. */
export function packagesWithTests() {
  const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
  const dirs = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent)) dirs.push(join(parent, name));
    } else {
      dirs.push(join(root, pattern));
    }
  }
  return dirs.filter((dir) => {
    const pkg = join(dir, 'package.json');
    return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test;
  });
}

/**
 * Sums `<dir>/reports/<file>` over `dirs`, printing one line per package. A missing report (the run
 * crashed or never started) counts as one failure; so does a failed suite with no failed test (an
 * error while loading a file).
 */
export function sumReports(dirs, file) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of dirs) {
    const report = join(dir, 'reports', file);
    const name = relative(root, dir).replaceAll('\\', '/');
    if (!existsSync(report)) {
      console.error(`${name}: no test report (the test run crashed or did not start); counted as 1 failure`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skips = r.numPendingTests + (r.numTodoTests ?? 0);
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += skips;
    if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
    else if (r.success === false && r.numFailedTests === 0) {
      // Every test passed, yet vitest failed the run: an error outside any test (a crashed worker, an
      // unhandled rejection). It must not read as green.
      console.error(
        `${name}: the run failed outside any test (see "Unhandled Errors" above); counted as 1 failure`,
      );
      failed += 1;
    }
    console.log(`${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skips} skipped`);
  }
  return { passed, failed, skipped };
}

/** The closing lines: skips (if any) on their own line, then `N passed, N failed` last. */
export function printTotals({ passed, failed, skipped }) {
  if (skipped > 0) console.log(`${skipped} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
}
