#!/usr/bin/env node
// `npm start`: builds what the example needs (cached by turbo, so a second start is instant), then runs
// the arena example. Arguments after `--` go to the example (e.g. `npm start -- --headless`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, turbo, turboEnv } from './turbo.mjs';

const build = spawnSync(
  ...turbo([
    'run',
    'build',
    '--filter=@steamwire/example-arena...',
    '--output-logs=errors-only',
    '--log-prefix=none',
  ]),
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: turboEnv },
);
if (build.status !== 0) {
  console.error('Building the example failed; run `npm run build` to see why.');
  process.exit(build.status ?? 1);
}
const game = spawnSync(
  process.execPath,
  [join(root, 'examples', 'arena', 'dist', 'main.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  },
);
process.exit(game.status ?? 1);
