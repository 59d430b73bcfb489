// The binding's typed Sockets and Utils APIs after `shutdown()`: every call throws NOT_INITIALIZED,
// so nothing reaches Steam's dead interfaces (the rest of their behaviour is the Sockets conformance
// suite, sockets-conformance.test.ts).
import type { SteamSession } from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes, type Peers, peers } from './sockets-helpers.js';

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

describe('typed Sockets/Utils APIs after shutdown', () => {
  it('every Sockets call throws NOT_INITIALIZED after shutdown, on the API object taken before it', () => {
    group = peers(2);
    const [a, b] = group.sessions as [SteamSession, SteamSession];
    const sockets = a.sockets;
    const conn = sockets.connectP2P(b.localSteamId);
    a.shutdown();
    const notInitialized = expect.objectContaining({ code: 'NOT_INITIALIZED' });
    expect(() => sockets.connectP2P(b.localSteamId)).toThrow(notInitialized);
    expect(() => sockets.sendMessage(conn, bytes('x'))).toThrow(notInitialized);
    expect(() => sockets.runCallbacks()).toThrow(notInitialized);
  });

  it('every Utils call throws NOT_INITIALIZED after shutdown', () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    const utils = s.utils;
    s.shutdown();
    const notInitialized = expect.objectContaining({ code: 'NOT_INITIALIZED' });
    expect(() => utils.getLocalTimestamp()).toThrow(notInitialized);
    expect(() => utils.setConfigValue('NagleTime', 1)).toThrow(notInitialized);
    expect(() => utils.runCallbacks()).toThrow(notInitialized);
  });
});
