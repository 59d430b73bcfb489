#!/usr/bin/env node
// `npm run bench`: runs every package's benchmarks one after another (so they do not compete for the
// two cores), passes their output through, and ends with one table of every JSON metric line.
import { spawn } from 'node:child_process';
import { root, turbo, turboEnv } from './turbo.mjs';

const child = spawn(
  ...turbo([
    'run',
    'bench',
    '--concurrency=1',
    '--log-prefix=none',
    '--log-order=stream',
    ...process.argv.slice(2),
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
/** A goal is a number, a phrase, or (for compound goals) an object with `met` and its parts. */
function goalText(goal) {
  if (goal === undefined) return '';
  if (typeof goal !== 'object' || goal === null) return String(goal);
  const { met, ...parts } = goal;
  const text = Object.values(parts).join('; ');
  return met === undefined ? text : `${text} (${met ? 'met' : 'NOT met'})`;
}

child.on('close', (code) => {
  if (metrics.length > 0) {
    console.log('\nmetric                                   value        goal');
    for (const m of metrics) {
      const value = typeof m.value === 'number' ? Number(m.value.toPrecision(6)).toString() : String(m.value);
      console.log(`${m.metric.padEnd(40)} ${value.padStart(12)} ${m.unit ?? ''}  ${goalText(m.goal)}`);
    }
  }
  process.exit(code ?? 1);
});
