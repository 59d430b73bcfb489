#!/usr/bin/env node
// Prints, as one JSON line, every module Node loads when importing the given module (a file path or
// a package specifier resolved from the current directory): ESM files through a resolve hook, and
// CommonJS files from the require cache. The packages' tests use it to check that an entry point's
// module graph holds no binding file (see packages/transport-steam/README.md, "Two entry points").
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/module-graph.mjs <file or package specifier>');
  process.exit(2);
}
const log = join(tmpdir(), `steamwire-module-graph-${process.pid}.txt`);
const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
appendFileSync(log, '');
const specifier = existsSync(target)
  ? pathToFileURL(resolve(target)).href
  : pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve(target)).href;
await import(specifier);
const esm = readFileSync(log, 'utf8').split('\n').filter(Boolean);
rmSync(log, { force: true });
const cjs = Object.keys(createRequire(import.meta.url).cache).map((f) => pathToFileURL(f).href);
console.log(JSON.stringify([...new Set([specifier, ...esm, ...cjs])]));
