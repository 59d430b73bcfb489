// Child-process tests run the built package (plain `node` cannot import TypeScript). The turbo `test`
// task builds first; when the tests are run directly, this rebuilds dist if any source is newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));
const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

export function ensureBuilt(): void {
  const stamp = `${distDir}index.js`;
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(`${srcDir}${f}`).mtimeMs));
  const missing = readdirSync(srcDir).some(
    (f) => f.endsWith('.ts') && !existsSync(`${distDir}${f.replace(/\.ts$/, '.js')}`),
  );
  if (builtAt >= newest && !missing) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`building @steamwire/transport-steam failed:\n${run.stdout}${run.stderr}`);
}
