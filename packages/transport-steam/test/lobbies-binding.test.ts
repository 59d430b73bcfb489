// The session's lobby and friends services over the scriptable stub, which has no lobby API: they are
// bound on first use only (networking works without them), a library that lacks them is a typed
// SYMBOL_MISSING error, and after shutdown they throw like every other call.
import { initSteam, SteamInitError, type SteamSession } from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { stubCopy } from './helpers/stub.js';

let session: SteamSession | undefined;
afterEach(() => session?.shutdown());

describe('session.lobbies and session.friends', () => {
  it('are bound on first use: a library without the lobby API still gives networking', () => {
    const stub = stubCopy();
    session = initSteam({ libraryPath: stub.path });
    expect(session.networking.localSteamId).toBe(76561197960287930n);
    let err: unknown;
    try {
      void session.lobbies;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SteamInitError);
    expect(err).toMatchObject({ code: 'SYMBOL_MISSING' });
    expect((err as SteamInitError).missingSymbols).toContain('SteamAPI_SteamMatchmaking_v009');
    expect((err as SteamInitError).missingSymbols).toContain('SteamAPI_ISteamUtils_GetAPICallFailureReason');
    expect(() => session!.friends).toThrow(SteamInitError);
    // The pump is the same one: runCallbacks on the session drives the networking's callbacks.
    stub.pushCallback(1202, new Uint8Array(new BigUint64Array([76561197960287931n]).buffer));
    const requests: bigint[] = [];
    session.networking.on('sessionRequest', (id) => requests.push(id));
    session.runCallbacks();
    expect(requests).toEqual([76561197960287931n]);
  });

  it('throw NOT_INITIALIZED after shutdown', () => {
    session = initSteam({ libraryPath: stubCopy().path });
    session.shutdown();
    expect(() => session!.lobbies).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    expect(() => session!.friends).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
  });
});
