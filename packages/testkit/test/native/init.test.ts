/**
 * Init through the real binding over the native fake: every failure STEAMWIRE_FAKE_INIT_RESULT can
 * force maps to the binding's typed SteamInitError code and keeps the library's own message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initSteam, SteamInitError, type SteamInitErrorCode } from '@steamwire/transport-steam/steam';
import { afterAll, assert, beforeAll, expect, it } from 'vitest';
import {
  copyNativeFake,
  createNativeFakePeer,
  ensureNativeFake,
  type NativeFakePeerOptions,
  nativeFakeEnv,
  withEnv,
} from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { describeNative } from './native.js';
import { removeTempDir } from './temp.js';

let dir: string;
let libraryPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steamwire-init-'));
  libraryPath = copyNativeFake(join(dir, 'lib'), ensureNativeFake());
});
afterAll(() => removeTempDir(dir));

function initError(options: NativeFakePeerOptions): SteamInitError {
  try {
    createNativeFakePeer({ libraryPath, peersDir: join(dir, 'peers'), ...options }).shutdown();
  } catch (err) {
    expect(err).toBeInstanceOf(SteamInitError);
    return err as SteamInitError;
  }
  throw new Error('init unexpectedly succeeded');
}

describeNative('initSteam over the native fake', () => {
  it.each<[string, NativeFakePeerOptions, SteamInitErrorCode, number, RegExp]>([
    ['generic failure while Steam runs', { initResult: 1 }, 'INIT_FAILED', 1, /steamclient\.so/],
    [
      'generic failure without Steam: its client library is missing',
      { initResult: 1, steamRunning: false },
      'STEAM_NOT_INSTALLED',
      1,
      /steamclient\.so/,
    ],
    ['no Steam client', { initResult: 2 }, 'STEAM_NOT_RUNNING', 2, /Steam is probably not running/],
    ['client older than the library', { initResult: 3 }, 'VERSION_MISMATCH', 3, /out of date/],
  ])('%s → %s', (_, options, code, steamResult, message) => {
    const err = initError(options);
    expect(err.code).toBe(code);
    expect(err.steamResult).toBe(steamResult);
    expect(err.steamMessage).toMatch(message);
    expect(err.message).toContain(err.steamMessage!);
  });

  it('an invalid STEAMWIRE_FAKE_STEAMID fails init with the reason', () => {
    const env = { ...nativeFakeEnv({ peersDir: join(dir, 'peers') }), STEAMWIRE_FAKE_STEAMID: '12' };
    let err: unknown;
    try {
      withEnv(env, () => initSteam({ libraryPath })).shutdown();
    } catch (caught) {
      err = caught;
    }
    expect(err).toBeInstanceOf(SteamInitError);
    assert(err instanceof SteamInitError);
    expect(err.code).toBe('INIT_FAILED');
    expect(err.steamMessage).toMatch(/STEAMWIRE_FAKE_STEAMID/);
  });

  it('after a failed init the same library initialises normally, with the id from the environment', () => {
    initError({ initResult: 2 });
    const steamId = freshSteamId();
    const session = createNativeFakePeer({ libraryPath, peersDir: join(dir, 'peers'), steamId });
    try {
      expect(session.localSteamId).toBe(steamId);
      expect(session.networking.localSteamId).toBe(steamId);
      // "Already initialised" is per library file.
      expect(() => createNativeFakePeer({ libraryPath, peersDir: join(dir, 'peers') })).toThrow(
        expect.objectContaining({ code: 'ALREADY_INITIALIZED' }),
      );
    } finally {
      session.shutdown();
    }
    // After shutdown the same file is a new peer, reading the environment again.
    const other = freshSteamId();
    const again = createNativeFakePeer({
      libraryPath,
      peersDir: join(dir, 'peers'),
      steamId: other,
      backend: 'messages',
    });
    expect(again.localSteamId).toBe(other);
    again.shutdown();
  });
});
