/**
 * The native fake library itself: its build, the symbols it exports, its struct layouts (checked
 * against STEAM_API.md §4 by a C probe that dlopens it), and its guards against a NULL `self`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIRED_SYMBOLS } from '@steamwire/transport-steam/steam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC, nativeBuildDir } from '../../scripts/build-native.mjs';
import { ensureNativeFake, nativeFakeLibraryPath } from '../../src/native/index.js';

const TOOLS = fileURLToPath(new URL('../../native/tools/', import.meta.url));
const PROBE = join(nativeBuildDir, 'probe');
const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build-native.mjs', import.meta.url));

function withEnvCC<T>(cc: string, fn: () => T): T {
  const saved = process.env.CC;
  process.env.CC = cc;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.CC;
    else process.env.CC = saved;
  }
}

let libraryPath: string;
let scratch: string;
beforeAll(() => {
  libraryPath = ensureNativeFake();
  compileC({ sources: [join(TOOLS, 'probe.c')], output: PROBE, libs: ['-ldl'] });
  scratch = mkdtempSync(join(tmpdir(), 'steamwire-lib-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function probe(command: string): Record<string, unknown> {
  const run = spawnSync(PROBE, [libraryPath, command], {
    encoding: 'utf8',
    // Strict mode off: the null-self probe shows the fake's lenient answers (strict.test.ts the aborts).
    env: {
      ...process.env,
      STEAMWIRE_FAKE_PEERS: join(scratch, 'peers'),
      STEAMWIRE_FAKE_INIT_RESULT: '',
      STEAMWIRE_FAKE_STRICT: '0',
    },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

function exportedSymbols(path: string): string[] {
  const run = spawnSync('nm', ['-D', '--defined-only', path], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[2])
    .filter((name): name is string => name !== undefined && name !== '');
}

describe('the native fake library', () => {
  it('is built at the documented path, and not rebuilt when it is newer than its sources', () => {
    expect(libraryPath).toBe(nativeFakeLibraryPath());
    const before = statSync(libraryPath).mtimeMs;
    ensureNativeFake();
    expect(statSync(libraryPath).mtimeMs).toBe(before);
  });

  it('compiles only when the output is older than an input (the rule the build uses)', () => {
    // On a scratch program, so the shared library other test files load is never rebuilt under them.
    const source = join(scratch, 'tiny.c');
    const output = join(scratch, 'tiny');
    writeFileSync(source, 'int main(void) { return 0; }\n');
    expect(compileC({ sources: [source], output })).toBe(true);
    expect(compileC({ sources: [source], output })).toBe(false);
    const later = new Date(statSync(output).mtimeMs + 5_000);
    utimesSync(source, later, later);
    expect(compileC({ sources: [source], output })).toBe(true);
  });

  it('fails with a clear message when there is no C compiler', () => {
    const run = spawnSync(process.execPath, [BUILD_SCRIPT], {
      encoding: 'utf8',
      env: { ...process.env, CC: 'no-such-compiler-steamwire' },
    });
    // Up to date: nothing to compile, so no compiler is needed and the build succeeds.
    expect(run.status).toBe(0);
    expect(() =>
      withEnvCC('no-such-compiler-steamwire', () =>
        compileC({ sources: [join(scratch, 'tiny.c')], output: join(scratch, 'never') }),
      ),
    ).toThrow(/No C compiler found: "no-such-compiler-steamwire" is not on PATH/);
  });

  it('exports every symbol the binding binds, and otherwise only SteamAPI_* and steamwire_fake_* names', () => {
    const symbols = exportedSymbols(libraryPath);
    for (const name of Object.values(REQUIRED_SYMBOLS).flat()) {
      expect(symbols).toContain(name);
    }
    for (const name of [
      'SteamAPI_RestartAppIfNecessary',
      'SteamAPI_SteamNetworkingIdentity_SetSteamID64',
      'SteamAPI_SteamNetworkingIdentity_GetSteamID64',
    ]) {
      expect(symbols).toContain(name);
    }
    // Internal helpers stay hidden, so copies loaded in one process can never bind to each other.
    expect(symbols.filter((s) => !/^(SteamAPI_|steamwire_fake_)/.test(s))).toEqual([]);
  });

  it('lays out every shared struct as Valve does on Linux x86-64 (STEAM_API.md §4)', () => {
    expect(probe('layout')).toEqual({
      CallbackMsg_t: { size: 20, m_hSteamUser: 0, m_iCallback: 4, m_pubParam: 8, m_cubParam: 16 },
      P2PSessionState_t: {
        size: 20,
        m_bConnectionActive: 0,
        m_bConnecting: 1,
        m_eP2PSessionError: 2,
        m_bUsingRelay: 3,
        m_nBytesQueuedForSend: 4,
        m_nPacketsQueuedForSend: 8,
        m_nRemoteIP: 12,
        m_nRemotePort: 16,
      },
      P2PSessionRequest_t: { size: 8, m_steamIDRemote: 0 },
      P2PSessionConnectFail_t: { size: 9, m_steamIDRemote: 0, m_eP2PSessionError: 8 },
      SteamNetworkingIdentity: { size: 136, m_eType: 0, m_cbSize: 4, m_steamID64: 8 },
      SteamNetworkingIPAddr: { size: 18, m_port: 16 },
      SteamNetworkingMessagesSessionRequest_t: { size: 136, m_identityRemote: 0 },
      SteamNetworkingMessagesSessionFailed_t: { size: 696, m_info: 0 },
      SteamNetConnectionInfo_t: {
        size: 696,
        m_identityRemote: 0,
        m_nUserData: 136,
        m_hListenSocket: 144,
        m_addrRemote: 148,
        m_idPOPRemote: 168,
        m_idPOPRelay: 172,
        m_eState: 176,
        m_eEndReason: 180,
        m_szEndDebug: 184,
        m_szConnectionDescription: 312,
        m_nFlags: 440,
      },
      SteamNetConnectionRealTimeStatus_t: {
        size: 120,
        m_eState: 0,
        m_nPing: 4,
        m_cbPendingUnreliable: 36,
        m_cbPendingReliable: 40,
        m_cbSentUnackedReliable: 44,
        m_usecQueueTime: 48,
      },
      SteamNetworkingMessage_t: {
        size: 216,
        m_pData: 0,
        m_cbSize: 8,
        m_conn: 12,
        m_identityPeer: 16,
        m_nConnUserData: 152,
        m_usecTimeReceived: 160,
        m_nMessageNumber: 168,
        m_pfnFreeData: 176,
        m_pfnRelease: 184,
        m_nChannel: 192,
        m_nFlags: 196,
        m_nUserData: 200,
        m_idxLane: 208,
      },
    });
  });

  it('returns NULL interfaces before init and after shutdown, as Valve does', () => {
    expect(probe('accessors')).toEqual({
      beforeInit: { user: false, networking: false, messages: false, pipe: 0 },
      afterInit: { user: true, networking: true, messages: true, pipe: 1 },
      afterShutdown: { user: false, networking: false, messages: false, pipe: 0 },
    });
  });

  it('refuses methods called with a NULL self (false/0, cleared out-parameters) and counts them', () => {
    // 15 methods, before and after init: Valve's library would crash on each.
    expect(probe('null-self')).toEqual({ calls: 32, nonzeroResults: 0, badSelfCalls: 30 });
  });
});
