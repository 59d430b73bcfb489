/**
 * The native fake's lobby part below the binding: the call-result contract of
 * SteamAPI_ManualDispatch_GetAPICallResult, guards against a NULL `self`, and a lobby directory file
 * that is garbage (another program, a peer killed mid-write): read as empty, never a crash, and
 * repaired by the next change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLobbyId, LobbyType } from '@steamwire/transport-steam';
import type { SteamSession } from '@steamwire/transport-steam/steam';
import type * as KoffiModule from 'koffi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  copyNativeFake,
  createNativeFakePeer,
  ensureNativeFake,
  nativeFakeControls,
} from '../../src/native/index.js';
import { freshSteamId } from './ids.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof KoffiModule;

let dir: string;
let sessions: SteamSession[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'steamwire-lobby-native-'));
  sessions = [];
});
afterEach(() => {
  for (const s of sessions) s.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function peer(
  name: string,
  strict = true,
): { session: SteamSession; lib: KoffiModule.LibraryHandle; libraryPath: string } {
  const libraryPath = copyNativeFake(join(dir, name), ensureNativeFake());
  const session = createNativeFakePeer({
    libraryPath,
    peersDir: join(dir, 'peers'),
    steamId: freshSteamId(),
    strict,
  });
  sessions.push(session);
  return { session, lib: koffi.load(libraryPath), libraryPath };
}

describe('the native fake below the binding', () => {
  it('GetAPICallResult: exact id and size, copied once; a wrong id or a small buffer copies nothing', () => {
    const { lib } = peer('a');
    const matchmaking = lib.func('void *SteamAPI_SteamMatchmaking_v009()');
    const create = lib.func('uint64_t SteamAPI_ISteamMatchmaking_CreateLobby(void *self, int type, int max)');
    const result = lib.func(
      'bool SteamAPI_ManualDispatch_GetAPICallResult(int32_t pipe, uint64_t call, void *out, int size, int expected, _Out_ bool *failed)',
    );
    const pipe = lib.func('int32_t SteamAPI_GetHSteamPipe()')() as number;
    const handle = BigInt(create(matchmaking(), LobbyType.Public, 4));
    expect(handle).not.toBe(0n);
    const out = new Uint8Array(12);
    const failed = [false];
    expect(result(pipe, handle, out, 12, 504, failed)).toBe(false);
    expect(failed[0]).toBe(true);
    expect(result(pipe, handle, out, 8, 513, failed)).toBe(false);
    expect(result(pipe, handle, out, 12, 513, failed)).toBe(true);
    expect(failed[0]).toBe(false);
    const view = new DataView(out.buffer);
    expect(view.getInt32(0, true)).toBe(1);
    expect(isLobbyId(view.getBigUint64(4, true))).toBe(true);
    expect(result(pipe, handle, out, 12, 513, failed)).toBe(false);
    expect(result(pipe, 12345n, out, 12, 513, failed)).toBe(false);
    expect(failed[0]).toBe(true);
  });

  it('every lobby and friends method refuses a NULL self (returns 0/false) and counts it', () => {
    // Not strict: strict mode aborts on a NULL self, which is what the other tests want.
    const { lib } = peer('a', false);
    const bad = lib.func('uint64_t steamwire_fake_bad_self_calls()');
    const before = BigInt(bad());
    const calls = [
      lib.func('uint64_t SteamAPI_ISteamMatchmaking_CreateLobby(void *self, int type, int max)')(null, 2, 4),
      lib.func('uint64_t SteamAPI_ISteamMatchmaking_JoinLobby(void *self, uint64_t lobby)')(null, 1n),
      lib.func('uint64_t SteamAPI_ISteamMatchmaking_RequestLobbyList(void *self)')(null),
      lib.func(
        'bool SteamAPI_ISteamMatchmaking_SetLobbyData(void *self, uint64_t l, const char *k, const char *v)',
      )(null, 1n, 'k', 'v'),
      lib.func('int SteamAPI_ISteamMatchmaking_GetNumLobbyMembers(void *self, uint64_t l)')(null, 1n),
      lib.func('bool SteamAPI_ISteamFriends_SetRichPresence(void *self, const char *k, const char *v)')(
        null,
        'k',
        'v',
      ),
      lib.func('int SteamAPI_ISteamUtils_GetAPICallFailureReason(void *self, uint64_t call)')(null, 1n),
      lib.func('int SteamAPI_ISteamApps_GetLaunchCommandLine(void *self, void *out, int size)')(
        null,
        null,
        0,
      ),
    ];
    expect(calls.map((v) => (typeof v === 'bigint' ? Number(v) : v))).toEqual([
      0,
      0,
      0,
      false,
      0,
      false,
      -1,
      0,
    ]);
    expect(BigInt(bad()) - before).toBe(8n);
  });

  it('a garbage directory file reads as empty, crashes nobody, and the next change repairs it', async () => {
    const a = peer('a').session;
    const { session: b, libraryPath: bPath } = peer('b');
    const counters = nativeFakeControls(bPath);
    const pump = () => {
      a.runCallbacks();
      b.runCallbacks();
    };
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      p.finally(() => (done = true)).catch(() => {});
      for (let i = 0; i < 200 && !done; i++) {
        pump();
        await new Promise((r) => setTimeout(r, 2));
      }
      return p;
    };
    const first = await settle(a.lobbies.createLobby(LobbyType.Public, 4));
    expect(await settle(b.lobbies.requestLobbyList())).toEqual([first]);
    expect(counters.lobbyCounters()).toMatchObject({ corrupt: 0, writeErrors: 0 });
    // A header that claims four billion users, then random bytes.
    const junk = Buffer.alloc(4096, 0xa5);
    junk.writeUInt32LE(0x314c5753, 0);
    junk.writeUInt32LE(1, 4);
    junk.writeBigUInt64LE(1n << 40n, 8);
    junk.writeUInt32LE(0xffffffff, 28);
    writeFileSync(join(dir, 'peers', 'lobbies'), junk);
    expect(await settle(b.lobbies.requestLobbyList())).toEqual([]);
    writeFileSync(join(dir, 'peers', 'lobbies'), 'not a directory at all');
    expect(await settle(b.lobbies.requestLobbyList())).toEqual([]);
    // Each unreadable read is counted, never silent.
    expect(counters.lobbyCounters().corrupt).toBeGreaterThanOrEqual(2);
    const second = await settle(a.lobbies.createLobby(LobbyType.Public, 4));
    expect(second).not.toBe(first);
    expect(await settle(b.lobbies.requestLobbyList())).toEqual([second]);
  });
});
