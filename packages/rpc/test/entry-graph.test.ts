// rpc talks only through the seam: importing it must never load a transport-steam binding file
// (koffi, initSteam, the backends), so it bundles for a browser or an Electron renderer.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const graphScript = fileURLToPath(new URL('../../../scripts/module-graph.mjs', import.meta.url));

/** Every module URL Node loads for `target` (the built packages, as a user's import resolves them). */
function loadedBy(target: string): string[] {
  if (!existsSync(`${packageDir}dist/index.js`))
    throw new Error('Build first: npm run build (npm test does it).');
  const run = spawnSync(process.execPath, [graphScript, target], { cwd: packageDir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`module-graph failed for ${target}:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

const transportFiles = (urls: string[]) =>
  urls.filter((u) => u.includes('/transport-steam/dist/')).map((u) => u.slice(u.lastIndexOf('/') + 1));

describe('module graph', () => {
  it('importing @steamwire/rpc loads only the seam of transport-steam, and no koffi', () => {
    const seam = transportFiles(loadedBy('@steamwire/transport-steam'));
    const ours = loadedBy('@steamwire/rpc');
    expect(ours.filter((u) => /koffi/.test(u))).toEqual([]);
    expect(transportFiles(ours).filter((f) => !seam.includes(f))).toEqual([]);
    expect(transportFiles(ours)).toContain('p2p.js');
  });

  it('the main entry loads nothing of the testkit; @steamwire/rpc/testing resolves from the build and brings it', () => {
    const testkitFiles = (urls: string[]) => urls.filter((u) => u.includes('/testkit/dist/'));
    expect(testkitFiles(loadedBy('@steamwire/rpc'))).toEqual([]);
    const testing = loadedBy('@steamwire/rpc/testing');
    expect(testing.some((u) => u.endsWith('/rpc/dist/testing.js'))).toBe(true);
    expect(testkitFiles(testing).some((u) => u.endsWith('/network.js'))).toBe(true);
    expect(testing.filter((u) => /koffi/.test(u))).toEqual([]);
  });
});
