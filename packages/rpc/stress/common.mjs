// Shared by the stress scripts: compile the TypeScript runs (tsconfig.stress.json, which also
// compiles the rpc sources they test, so a run never uses a stale build), allow forced GCs for
// the heap figures, and print metric lines as `npm run bench` does.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const pkg = fileURLToPath(new URL('..', import.meta.url));

/** Compiles the stress sources; exits on a compile error. */
export function build() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.stress.json'], { cwd: pkg, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Makes `globalThis.gc` available, so heap figures are measured after a full collection. */
export function exposeGc() {
  if (typeof globalThis.gc === 'function') return;
  setFlagsFromString('--expose-gc');
  globalThis.gc = runInNewContext('gc');
}

/** Imports a compiled run module from stress/dist. */
export function load(name) {
  return import(new URL(`./dist/stress/lib/${name}.js`, import.meta.url).href);
}

const rows = [];
/** Prints one metric line `{"metric":…,"value":…,…}` and keeps it for the table. */
export function metric(name, value, extra = {}) {
  const v = Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value;
  console.log(JSON.stringify({ metric: name, value: v, ...extra }));
  rows.push({ metric: name, value: v, ...extra });
}

/** Prints the table of every metric so far; returns false when a goal was missed. */
export function table() {
  console.table(rows);
  return rows.every((r) => r.ok !== false);
}

/** Reads `--name=value` from the command line. */
export function arg(name, fallback) {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3));
}
