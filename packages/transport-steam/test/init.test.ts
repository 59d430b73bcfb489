// initSteam against the scriptable stub library: every failure is a typed error with Valve's words,
// "already initialised" is per library file, and nothing is called through a NULL or dead interface.

import { resolve } from 'node:path';
import {
  InvalidArgumentError,
  initSteam,
  NullInterfaceError,
  SteamInitError,
  SteamNotInitializedError,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { describeNative } from './helpers/native.js';
import { notALibrary, stubCopy } from './helpers/stub.js';

const sessions: SteamSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.shutdown();
});
function init(...args: Parameters<typeof initSteam>): SteamSession {
  const s = initSteam(...args);
  sessions.push(s);
  return s;
}
function initError(fn: () => unknown): SteamInitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SteamInitError);
    return err as SteamInitError;
  }
  throw new Error('expected a SteamInitError');
}

describe('initSteam: arguments and locating', () => {
  it('rejects malformed options with InvalidArgumentError before touching any library', () => {
    expect(() => initSteam({ appId: -1 })).toThrow(InvalidArgumentError);
    expect(() => initSteam({ appId: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => initSteam({ backend: 'sockets-v2' as never })).toThrow(InvalidArgumentError);
    expect(() => initSteam({ libraryPath: '' })).toThrow(InvalidArgumentError);
    expect(() => initSteam({ backend: 'sockets', socketsVirtualPort: -1 })).toThrow(InvalidArgumentError);
    expect(() => initSteam({ backend: 'sockets', socketsVirtualPort: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('LIBRARY_NOT_FOUND lists every path tried, in the message and in `tried`', () => {
    // Absolute on every platform (on Windows, `/definitely/...` is on the current drive).
    const missing = resolve('/definitely/not/here/libsteam_api.so');
    const err = initError(() => initSteam({ libraryPath: missing }));
    expect(err.code).toBe('LIBRARY_NOT_FOUND');
    expect(err.tried).toEqual([missing]);
    expect(err.message).toContain(missing);
  });

  it('LIBRARY_LOAD_FAILED for a file that is not a loadable library', () => {
    const err = initError(() => initSteam({ libraryPath: notALibrary() }));
    expect(err.code).toBe('LIBRARY_LOAD_FAILED');
    expect(err.libraryPath).not.toBeNull();
  });
});

describeNative('initSteam over the stub library', () => {
  it('initialises, reports the local SteamID and library, and defaults to the legacy backend', () => {
    const stub = stubCopy();
    stub.setLocalId(76561198000000001n);
    const s = init({ libraryPath: stub.path });
    expect(s.backend).toBe('legacy');
    expect(s.localSteamId).toBe(76561198000000001n);
    expect(s.networking.localSteamId).toBe(76561198000000001n);
    expect(s.libraryPath).toBe(stub.path);
  });

  it('sets SteamAppId and SteamGameId from appId', () => {
    const stub = stubCopy();
    init({ libraryPath: stub.path, appId: 480 });
    expect(process.env.SteamAppId).toBe('480');
    expect(process.env.SteamGameId).toBe('480');
  });

  it('ALREADY_INITIALIZED for the same library file while a session is alive; fine again after shutdown', () => {
    const stub = stubCopy();
    const s = init({ libraryPath: stub.path });
    expect(initError(() => initSteam({ libraryPath: stub.path })).code).toBe('ALREADY_INITIALIZED');
    s.shutdown();
    const again = init({ libraryPath: stub.path, backend: 'messages' });
    expect(again.backend).toBe('messages');
  });

  it('initialises several library files side by side (independent peers in one process)', () => {
    const a = stubCopy();
    const b = stubCopy();
    a.setLocalId(76561198000000001n);
    b.setLocalId(76561198000000002n);
    const sa = init({ libraryPath: a.path });
    const sb = init({ libraryPath: b.path, backend: 'messages' });
    expect([sa.localSteamId, sb.localSteamId]).toEqual([76561198000000001n, 76561198000000002n]);
    sa.shutdown();
    expect(sb.networking.getAvailableP2PPacketSize()).toBeNull();
  });

  it.each([
    [2, 'No Steam client', true, 'STEAM_NOT_RUNNING'],
    [1, "Failed to load module '~/.steam/sdk64/steamclient.so'", false, 'STEAM_NOT_INSTALLED'],
    // What Valve's steam_api64.dll says on a Windows machine without Steam.
    [1, 'Could not determine Steam client install directory.', false, 'STEAM_NOT_INSTALLED'],
    [1, 'Something else', false, 'STEAM_NOT_RUNNING'],
    [1, 'Generic failure', true, 'INIT_FAILED'],
    [3, 'Client out of date', true, 'VERSION_MISMATCH'],
    [42, 'Unknown', true, 'INIT_FAILED'],
  ] as const)(
    "InitFlat result %i (%s, running=%s) is %s, carrying Valve's result and message",
    (rc, msg, running, code) => {
      const stub = stubCopy();
      stub.setInit(rc, msg, running);
      const err = initError(() => initSteam({ libraryPath: stub.path }));
      expect(err.code).toBe(code);
      expect(err.steamResult).toBe(rc);
      expect(err.steamMessage).toBe(msg);
      expect(err.message).toContain(msg);
      // A failed init leaves nothing alive: a retry fails the same way instead of ALREADY_INITIALIZED.
      expect(initError(() => initSteam({ libraryPath: stub.path })).code).toBe(code);
    },
  );

  it('SYMBOL_MISSING names the symbols an older SDK lacks', () => {
    const stub = stubCopy('no-messages');
    const err = initError(() => initSteam({ libraryPath: stub.path, backend: 'messages' }));
    expect(err.code).toBe('SYMBOL_MISSING');
    expect(err.missingSymbols).toContain('SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel');
    expect(err.message).toMatch(/too old/);
    expect(err.message).toContain('SteamAPI_SteamNetworkingMessage_t_Release');
    // The legacy backend of the same library still works.
    expect(init({ libraryPath: stub.path }).backend).toBe('legacy');
  });

  it.each([
    ['user', [true, false, false], 'legacy', 'SteamAPI_SteamUser_v023'],
    ['networking', [false, true, false], 'legacy', 'SteamAPI_SteamNetworking_v006'],
    ['messages', [false, false, true], 'messages', 'SteamAPI_SteamNetworkingMessages_SteamAPI_v002'],
  ] as const)(
    'a NULL %s interface is a NullInterfaceError, and Steam is shut down again',
    (_, nulls, backend, accessor) => {
      const stub = stubCopy();
      stub.setNullInterfaces(nulls[0], nulls[1], nulls[2]);
      let caught: unknown;
      try {
        initSteam({ libraryPath: stub.path, backend });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(NullInterfaceError);
      expect((caught as NullInterfaceError).code).toBe('NULL_INTERFACE');
      expect((caught as NullInterfaceError).accessor).toBe(accessor);
      expect(stub.count('shutdowns')).toBe(1);
      // (The stub aborts the process if a method is ever called with a bad `self`.)
    },
  );

  it.each(['legacy', 'messages'] as const)(
    'after shutdown every %s networking call throws NOT_INITIALIZED and reaches no native code',
    (backend) => {
      const stub = stubCopy();
      const s = initSteam({ libraryPath: stub.path, backend });
      const n = s.networking;
      s.shutdown();
      s.shutdown(); // harmless twice
      expect(stub.count('shutdowns')).toBe(1);
      const callsBefore = stub.count('calls');
      const id = 76561198000000002n;
      const calls: Array<[string, () => unknown]> = [
        ['sendP2PPacket', () => n.sendP2PPacket(id, new Uint8Array(1), 0)],
        ['getAvailableP2PPacketSize', () => n.getAvailableP2PPacketSize()],
        ['readP2PPacket', () => n.readP2PPacket(10)],
        ['acceptP2PSessionWithUser', () => n.acceptP2PSessionWithUser(id)],
        ['allowP2PPacketRelay', () => n.allowP2PPacketRelay(true)],
        ['closeP2PChannelWithUser', () => n.closeP2PChannelWithUser(id, 0)],
        ['closeP2PSessionWithUser', () => n.closeP2PSessionWithUser(id)],
        ['getP2PSessionState', () => n.getP2PSessionState(id)],
        ['runCallbacks', () => n.runCallbacks()],
      ];
      for (const [method, call] of calls) {
        let caught: unknown;
        try {
          call();
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(SteamNotInitializedError);
        expect((caught as SteamNotInitializedError).code).toBe('NOT_INITIALIZED');
        expect((caught as SteamNotInitializedError).method).toBe(method);
      }
      expect(stub.count('calls')).toBe(callsBefore);
    },
  );
});
