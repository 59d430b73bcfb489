// The seam entry (`@steamwire/transport-steam`) must never pull the binding into a module graph: rpc,
// the testkit and browser/renderer bundles import it. Checked on the built package as Node loads it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { distDir, ensureBuilt, packageDir } from './helpers/dist.js';

const graphScript = fileURLToPath(new URL('../../../scripts/module-graph.mjs', import.meta.url));

/** Every module Node loads for `target`, as file names relative to this package's dist (others as URLs). */
function loadedBy(target: string): string[] {
  const run = spawnSync(process.execPath, [graphScript, target], { cwd: packageDir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`module-graph failed for ${target}:\n${run.stderr}`);
  const urls: string[] = JSON.parse(run.stdout.trim().split('\n').pop()!);
  // As a URL (`file:///C:/…/dist/` on Windows): a plain `file://` + path only matches on POSIX.
  const dist = pathToFileURL(distDir).href;
  return urls.map((u) => (u.startsWith(dist) ? u.slice(dist.length) : u));
}

describe('entry points', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('the seam entry loads only the seam: the interfaces, SteamIDs, errors, limits, the clock, the Sockets types, their argument checks and the Sockets mapping', () => {
    const own = loadedBy('@steamwire/transport-steam').filter((f) => !f.includes(':'));
    // sockets-types.js is type-only (`export type *`): Node never loads it.
    expect(own.sort()).toEqual([
      'clock.js',
      'errors.js',
      'friends.js',
      'index.js',
      'lobbies.js',
      'lobby-checks.js',
      'lobby-errors.js',
      'p2p.js',
      'sockets-checks.js',
      'sockets-constants.js',
      'sockets-errors.js',
      'sockets-mapping.js',
      'steam-id.js',
    ]);
  });

  it('the seam entry reaches no koffi and no binding module, even indirectly', () => {
    const all = loadedBy('@steamwire/transport-steam');
    expect(all.filter((u) => /koffi/.test(u))).toEqual([]);
    for (const binding of [
      'init.js',
      'flat.js',
      'legacy.js',
      'messages.js',
      'dispatch.js',
      'structs.js',
      'doctor.js',
      'sockets-api.js',
      'sockets-core.js',
      'sockets-networking.js',
      'utils-api.js',
      'heap.js',
      'call-results.js',
      'lobby-callbacks.js',
      'flat-lobbies.js',
      'lobby-session.js',
      'lobby-structs.js',
      'matchmaking.js',
      'steam-friends.js',
    ])
      expect(all).not.toContain(binding);
  });

  it('the binding entry holds the binding (the check above can fail) but still loads koffi lazily', () => {
    const all = loadedBy('@steamwire/transport-steam/steam');
    expect(all).toEqual(
      expect.arrayContaining(['steam.js', 'init.js', 'legacy.js', 'messages.js', 'sockets-networking.js']),
    );
    expect(all.filter((u) => /node_modules\/koffi/.test(u))).toEqual([]);
  });
});
