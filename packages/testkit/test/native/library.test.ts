/**
 * The native fake library itself: where it is built, the symbols it exports, its struct layouts (checked
 * against STEAM_API.md §4 by a C probe that loads it), and its guards against a NULL `self`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUIRED_SYMBOLS } from '@steamwire/transport-steam/steam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildNativeTool } from '../../scripts/build-native.mjs';
import { ensureNativeFake, nativeFakeLibraryPath } from '../../src/native/index.js';
import { exportedSymbols } from './exports.js';
import { describeNative } from './native.js';
import { removeTempDir } from './temp.js';

let libraryPath: string;
let probePath: string;
let scratch: string;
beforeAll(() => {
  libraryPath = ensureNativeFake();
  // On Windows it was cross-built with the library (`npm run test:windows`); up to date, so not rebuilt.
  probePath = buildNativeTool('probe').path;
  scratch = mkdtempSync(join(tmpdir(), 'steamwire-lib-'));
});
afterAll(() => removeTempDir(scratch));

function probe(command: string): Record<string, unknown> {
  const run = spawnSync(probePath, [libraryPath, command], {
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

describeNative('the native fake library', () => {
  it('is built at the documented path, and not rebuilt when it is newer than its sources', () => {
    expect(libraryPath).toBe(nativeFakeLibraryPath());
    const before = statSync(libraryPath).mtimeMs;
    ensureNativeFake();
    expect(statSync(libraryPath).mtimeMs).toBe(before);
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

  it('lays out every shared struct as Valve does on this platform (STEAM_API.md §4: pack 8 on Windows, else 4)', () => {
    // The only difference between the two pack rules in this set: CallbackMsg_t's tail padding.
    const callbackMsgSize = process.platform === 'win32' ? 24 : 20;
    expect(probe('layout')).toEqual({
      CallbackMsg_t: {
        size: callbackMsgSize,
        m_hSteamUser: 0,
        m_iCallback: 4,
        m_pubParam: 8,
        m_cubParam: 16,
      },
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
