#!/usr/bin/env node
// `npm run bench`: runs every package's benchmarks one after another (so they do not compete for the
// two cores), passes their output through, and ends with one table of every JSON metric line.
// `npm run bench -- --write-docs` also rewrites the tables of docs/PERFORMANCE.md from this run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { METRICS } from './bench-catalogue.mjs';
import { goalText, loadNow, writeDocs } from './bench-docs.mjs';
import { root, turbo, turboEnv } from './turbo.mjs';

const args = process.argv.slice(2);
const writeDocsToo = args.includes('--write-docs');
const started = new Date();
const load0 = loadNow();

const child = spawn(
  ...turbo([
    'run',
    'bench',
    '--concurrency=1',
    '--log-prefix=none',
    '--log-order=stream',
    ...args.filter((a) => a !== '--write-docs'),
  ]),
  { cwd: root, env: turboEnv, stdio: ['ignore', 'pipe', 'inherit'] },
);
const metrics = [];
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  let nl = pending.indexOf('\n');
  while (nl >= 0) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    nl = pending.indexOf('\n');
    if (!line.startsWith('{')) continue;
    try {
      const m = JSON.parse(line);
      if (typeof m.metric === 'string') metrics.push(m);
    } catch {
      // not a metric line
    }
  }
});
child.on('close', (code) => {
  if (metrics.length > 0) {
    console.log(
      `\n${'metric'.padEnd(44)} ${'value'.padStart(12)} ${'unit'.padEnd(10)} ${'spread'.padEnd(22)} goal`,
    );
    for (const m of metrics) {
      const value = typeof m.value === 'number' ? Number(m.value.toPrecision(6)).toString() : String(m.value);
      const spread =
        m.kind === 'constant'
          ? '(constant)'
          : m.p99 !== undefined
            ? `(p99 ${m.p99}, max ${m.max})`
            : m.min !== undefined
              ? `(${m.min}–${m.max})`
              : '';
      console.log(
        `${m.metric.padEnd(44)} ${value.padStart(12)} ${(m.unit ?? '').padEnd(10)} ${spread.padEnd(22)} ${goalText(m.goal)}`,
      );
    }
  }
  // The catalogue (bench-catalogue.mjs) is what the docs show: a metric outside it, or one it names
  // that no bench printed, means the two drifted apart.
  const printed = new Set(metrics.map((m) => m.metric));
  const unknown = [...printed].filter((name) => !METRICS.includes(name));
  const missing = METRICS.filter((name) => !printed.has(name));
  if (unknown.length > 0)
    console.error(`printed but not in scripts/bench-catalogue.mjs: ${unknown.join(', ')}`);
  if (code === 0 && missing.length > 0)
    console.error(`in the catalogue but not printed: ${missing.join(', ')}`);
  if (writeDocsToo) {
    if (code !== 0 || unknown.length > 0 || missing.length > 0) {
      console.error('docs/PERFORMANCE.md not written: the run was not complete');
      process.exit(1);
    }
    const file = join(root, 'docs', 'PERFORMANCE.md');
    writeDocs(file, metrics, { started, load: [load0, loadNow()] });
    console.log(`\nwrote the tables of ${file}`);
  }
  process.exit(code ?? 1);
});
