#!/usr/bin/env node
// `npm run bench` for @steamwire/testkit: runs every bench/*.mjs (except this one) in its own Node
// process, one after the other. Each prints one JSON line per metric.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
let failed = 0;
for (const file of readdirSync(here).sort()) {
  if (!file.endsWith('.mjs') || file === 'run-all.mjs') continue;
  const run = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench ${file} failed (exit ${run.status})`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
