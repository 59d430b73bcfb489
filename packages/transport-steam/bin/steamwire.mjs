#!/usr/bin/env node
// The `steamwire` command. A committed, executable launcher for the built CLI (dist/cli.js): npm links
// package bins before it builds the package, and a rebuilt file would lose its executable bit, so the
// bin itself is never a build output.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error(
    'steamwire: @steamwire/transport-steam is not built (dist/cli.js is missing): run `npm run build` in the repository, or reinstall the package.',
  );
  process.exit(1);
}
await import(cli.href);
