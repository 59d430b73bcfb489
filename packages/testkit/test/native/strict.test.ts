/**
 * The native fake's strict mode (STEAMWIRE_FAKE_STRICT=1, on in every test of the binding): each
 * mistake Valve's library punishes aborts the process with a message naming it. Each mistake runs
 * in a child process (native/tools/misuse.c); without strict mode the same calls are refused and
 * the process carries on, which is what the fake does for code that is not under test. Every
 * ISteamNetworkingSockets/Utils method the binding calls is checked one by one.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUIRED_SYMBOLS } from '@steamwire/transport-steam/steam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNativeTool } from '../../scripts/build-native.mjs';
import { ensureNativeFake } from '../../src/native/index.js';

let libraryPath: string;
let misuse: string;
let scratch: string;
beforeAll(() => {
  libraryPath = ensureNativeFake();
  // Built here on Linux/macOS; a Windows run uses the misuse.exe the Linux side cross-built.
  misuse = buildNativeTool('misuse').path;
  scratch = mkdtempSync(join(tmpdir(), 'steamwire-strict-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** abort() as the OS reports it: SIGABRT on Linux/macOS; exit code 3 from the C runtime on Windows. */
function aborted(run: SpawnSyncReturns<string>): boolean {
  return process.platform === 'win32' ? run.status === 3 && run.signal === null : run.signal === 'SIGABRT';
}

function commit(mistake: string, strict: boolean) {
  return spawnSync(misuse, [libraryPath, mistake], {
    encoding: 'utf8',
    env: {
      ...process.env,
      STEAMWIRE_FAKE_STRICT: strict ? '1' : '0',
      STEAMWIRE_FAKE_PEERS: join(scratch, 'peers'),
      STEAMWIRE_FAKE_CONNECT_TIMEOUT_MS: '1',
      STEAMWIRE_FAKE_INIT_RESULT: '',
      STEAMWIRE_FAKE_STEAMID: '',
      STEAMWIRE_FAKE_CLOCK_FILE: '',
    },
  });
}

const MISTAKES: [string, RegExp][] = [
  ['null-self', /SteamAPI_ISteamNetworking_SendP2PPacket called with a NULL interface pointer as self/],
  ['foreign-self', /SteamAPI_ISteamNetworking_SendP2PPacket called with 0x[0-9a-f]+ as self, which is not/],
  ['before-init', /SteamAPI_ISteamNetworking_SendP2PPacket called before SteamAPI_InitFlat succeeded/],
  [
    'after-shutdown',
    /SteamAPI_ISteamNetworking_SendP2PPacket called before SteamAPI_InitFlat succeeded or after SteamAPI_Shutdown/,
  ],
  [
    'next-callback-twice',
    /SteamAPI_ManualDispatch_GetNextCallback called again before SteamAPI_ManualDispatch_FreeLastCallback/,
  ],
  ['release-twice', /SteamNetworkingMessage_t 0x[0-9a-f]+ released twice/],
  [
    'use-after-release',
    /SteamAPI_SteamNetworkingIdentity_GetSteamID64 used SteamNetworkingMessage_t 0x[0-9a-f]+ after it was released/,
  ],
  [
    'null-config-struct',
    /SteamAPI_SteamNetworkingConfigValue_t_SetInt32 called with a NULL SteamNetworkingConfigValue_t/,
  ],
  ['sockets-release-twice', /SteamNetworkingMessage_t 0x[0-9a-f]+ released twice/],
  ['allocated-release-twice', /SteamNetworkingMessage_t 0x[0-9a-f]+ released twice/],
  [
    'sent-message-reused',
    /SteamAPI_ISteamNetworkingSockets_SendMessages used SteamNetworkingMessage_t 0x[0-9a-f]+ after it was released/,
  ],
];

/** Every ISteamNetworkingSockets/Utils method the binding calls with an interface pointer as `self`. */
const SOCKETS_METHODS = [...REQUIRED_SYMBOLS.sockets, ...REQUIRED_SYMBOLS.utils].filter((name) =>
  /^SteamAPI_ISteamNetworking(Sockets|Utils)_/.test(name),
);

/** How each bad `self` is reported. */
const BAD_SELF: [string, (name: string) => RegExp][] = [
  ['null', (name) => new RegExp(`${name} called with a NULL interface pointer as self`)],
  ['foreign', (name) => new RegExp(`${name} called with 0x[0-9a-f]+ as self, which is not`)],
  ['before-init', (name) => new RegExp(`${name} called before SteamAPI_InitFlat succeeded`)],
  [
    'after-shutdown',
    (name) => new RegExp(`${name} called before SteamAPI_InitFlat succeeded or after SteamAPI_Shutdown`),
  ],
];

describe('native fake strict mode', () => {
  it.each(MISTAKES)('aborts on %s with a message naming it', (mistake, message) => {
    const run = commit(mistake, true);
    expect(aborted(run), `${mistake} aborts: ${run.status} ${run.signal} ${run.stdout}${run.stderr}`).toBe(
      true,
    );
    expect(run.stderr).toMatch(/\[steamwire fake, strict\]/);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).not.toMatch(/survived/);
  });

  it.each(SOCKETS_METHODS)(
    'aborts when %s gets a NULL or foreign self, or comes before init or after shutdown',
    (name) => {
      expect(SOCKETS_METHODS.length).toBeGreaterThan(30);
      for (const [how, message] of BAD_SELF) {
        const run = commit(`call:${name}:${how}`, true);
        expect(
          aborted(run),
          `${name} ${how} aborts: ${run.status} ${run.signal} ${run.stdout}${run.stderr}`,
        ).toBe(true);
        expect(run.stderr).toMatch(message(name));
      }
    },
  );

  // Releasing twice or using a released message is undefined behaviour without strict mode: only
  // the refusals are shown to pass quietly.
  it.each([...MISTAKES.slice(0, 5).map(([m]) => m), 'null-config-struct'])(
    'without strict mode, %s is refused and the process goes on',
    (mistake) => {
      const run = commit(mistake, false);
      expect(run.status, run.stderr).toBe(0);
      expect(run.signal).toBeNull();
      expect(run.stdout).toMatch(/survived/);
    },
  );

  it('is on in these tests: the harness sets STEAMWIRE_FAKE_STRICT for every fake it starts', () => {
    expect(process.env.STEAMWIRE_FAKE_STRICT).toBe('1');
  });
});
