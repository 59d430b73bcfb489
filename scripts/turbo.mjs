// How the root scripts run turbo: through this Node and turbo's own JS launcher, never `npx` (on
// Windows npx is npx.cmd, which spawn cannot start without a shell) and never a shell.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository root, as a platform path (`fileURLToPath`, not `URL.pathname`, which gives `/C:/…`). */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** The environment turbo runs with: the caller's, without telemetry. */
export const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

/** `[command, args]` for spawn/spawnSync running `turbo ...args`. */
export function turbo(args) {
  return [process.execPath, [createRequire(import.meta.url).resolve('turbo/bin/turbo'), ...args]];
}
