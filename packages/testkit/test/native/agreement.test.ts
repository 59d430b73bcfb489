/**
 * The two fakes agree: the native fake's own numbers (steamwire_fake_numbers, read by a C probe with
 * no override in its environment) and the in-memory fake's defaults are both exactly Steam's numbers
 * of the conformance table, key by key, for every backend. The conformance suite then measures the
 * behaviour behind each number on both fakes; this test pins the constants themselves.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNativeTool } from '../../scripts/build-native.mjs';
import { STEAM_BACKENDS, STEAM_BEHAVIOUR, type SteamBehaviour } from '../../src/conformance/index.js';
import { FakeSteamNetwork } from '../../src/index.js';
import { ensureNativeFake } from '../../src/native/index.js';

/** What only the binding enforces on that backend, so the native library has no number for it. */
const BINDING_ONLY: Record<string, readonly (keyof SteamBehaviour)[]> = {
  legacy: ['noDelayBeforeConnected', 'sendBufferResult'],
  messages: ['noDelayBeforeConnected', 'sendBufferResult', 'maxUnreliableBytes'],
  // Over Sockets, session requests and connect-fail are the binding's: the library has connections.
  sockets: [
    'noDelayBeforeConnected',
    'sendBufferResult',
    'sessionRequestRepostMs',
    'connectFailOncePerSession',
  ],
};

let native: Record<string, Record<string, unknown>>;
beforeAll(() => {
  const library = ensureNativeFake();
  const probe = buildNativeTool('probe').path;
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('STEAMWIRE_FAKE_')) delete env[key];
  const run = spawnSync(probe, [library, 'numbers'], { encoding: 'utf8', env });
  expect(run.status, run.stderr).toBe(0);
  native = JSON.parse(run.stdout);
});

describe('the native and the in-memory fake run on the same Steam numbers', () => {
  it('the native fake models exactly the backends of the table', () => {
    expect(Object.keys(native).sort()).toEqual([...STEAM_BACKENDS].sort());
  });

  it.each(STEAM_BACKENDS)(
    '%s: every number the native fake has is the table’s, and it has all of them',
    (backend) => {
      const row: SteamBehaviour = STEAM_BEHAVIOUR[backend];
      const expected = Object.fromEntries(
        Object.entries(row)
          .filter(([key]) => !BINDING_ONLY[backend]!.includes(key as keyof SteamBehaviour))
          .map(([key, fact]) => [key, fact.value]),
      );
      expect(native[backend]).toEqual(expected);
    },
  );

  it.each(STEAM_BACKENDS)('%s: the in-memory fake’s defaults are the table’s', (backend) => {
    const net = new FakeSteamNetwork();
    const row: SteamBehaviour = STEAM_BEHAVIOUR[backend];
    expect(net.numbers(backend)).toEqual(
      Object.fromEntries(Object.entries(row).map(([k, f]) => [k, f.value])),
    );
    // And a peer of that backend reports the same limits.
    expect(net.createPeer({ backend }).limits).toEqual({
      maxUnreliableBytes: row.maxUnreliableBytes.value,
      maxReliableBytes: row.maxReliableBytes.value,
    });
    net.dispose();
  });

  it('every number of the table names its source', () => {
    for (const backend of STEAM_BACKENDS) {
      for (const [key, fact] of Object.entries(STEAM_BEHAVIOUR[backend] as SteamBehaviour)) {
        expect(['doc', 'gns', 'seen', 'issue', 'choice'], `${backend}.${key}`).toContain(fact.source.kind);
        expect(fact.source.ref.length, `${backend}.${key} cites where`).toBeGreaterThan(10);
      }
    }
  });
});
