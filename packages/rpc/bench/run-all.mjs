#!/usr/bin/env node
// `npm run bench` for @steamwire/rpc (after its build): runs each benchmark in its own Node process,
// one after the other, so none inherits another's heap or JIT state. Each prints one JSON line per
// metric, then a table. memory.mjs needs `--expose-gc` and a large young generation (see its header).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const benches = [
  ['pipeline.mjs', []],
  ['host-tick.mjs', []],
  ['memory.mjs', ['--expose-gc', '--max-semi-space-size=64']],
  ['json.mjs', []],
];
let failed = 0;
for (const [file, flags] of benches) {
  const run = spawnSync(process.execPath, [...flags, here + file], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench ${file} failed (exit ${run.status})`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
