// The native fake's ISteamNetworkingSockets/Utils themselves, below the binding: struct layouts for both
// pack rules (tools built with each rule, their asserts included), Steam's function-pointer callback route
// (config 201 + ISteamNetworkingSockets::RunCallbacks), the SteamNetworkingConfigValue_t writers, the
// refusal of a NULL `self`, and SendMessages taking ownership of every message it is given.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { type NetConnection, REQUIRED_SYMBOLS, type SteamSession } from '@steamwire/transport-steam/steam';
import type * as KoffiModule from 'koffi';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNativeTool } from '../../scripts/build-native.mjs';
import { bytes, type Peers, peers } from './sockets-helpers.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof KoffiModule;

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

function lib(session: SteamSession) {
  return koffi.load(session.libraryPath);
}

/** The §15 layouts STEAM_API.md §15.5 measured, for one pack rule (only the 1221 callback differs). */
function expectedLayout(large: boolean) {
  return {
    pack: large ? 8 : 4,
    SteamNetConnectionStatusChangedCallback_t: large
      ? { size: 712, m_hConn: 0, m_info: 8, m_eOldState: 704 }
      : { size: 704, m_hConn: 0, m_info: 4, m_eOldState: 700 },
    SteamNetConnectionRealTimeLaneStatus_t: {
      size: 64,
      m_cbPendingUnreliable: 0,
      m_cbPendingReliable: 4,
      m_cbSentUnackedReliable: 8,
      m_usecQueueTime: 16,
    },
    SteamNetworkingConfigValue_t: { size: 16, m_eValue: 0, m_eDataType: 4, m_val: 8 },
    SteamRelayNetworkStatus_t: {
      size: 272,
      m_eAvail: 0,
      m_bPingMeasurementInProgress: 4,
      m_eAvailNetworkConfig: 8,
      m_eAvailAnyRelay: 12,
      m_debugMsg: 16,
    },
    SteamNetAuthenticationStatus_t: { size: 260, m_eAvail: 0, m_debugMsg: 4 },
  };
}

/** The layout `tools/sockets_layout.c` reports when built with one pack rule (building it runs that rule's asserts). */
function toolLayout(name: 'sockets_layout_small' | 'sockets_layout_large'): unknown {
  const run = spawnSync(buildNativeTool(name).path, { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('the native fake: ISteamNetworkingSockets/Utils below the binding', () => {
  it('lays out the §15 structs as Valve does on this platform (STEAM_API.md §15.5)', () => {
    group = peers(1);
    const layout = JSON.parse(lib(group.sessions[0]!).func('const char *steamwire_fake_sockets_layout()')());
    expect(layout).toEqual(expectedLayout(process.platform === 'win32'));
  });

  it.each([
    ['Linux/macOS (pack 4)', 'sockets_layout_small', false],
    ['Windows (pack 8)', 'sockets_layout_large', true],
  ] as const)(
    'its declarations compile to the measured layout, asserts included, for %s',
    (_rule, tool, large) => {
      expect(toolLayout(tool)).toEqual(expectedLayout(large));
    },
  );

  it('exports every symbol the Sockets backend and the typed APIs bind', () => {
    group = peers(1);
    const l = lib(group.sessions[0]!);
    for (const name of [...REQUIRED_SYMBOLS.sockets, ...REQUIRED_SYMBOLS.utils]) {
      expect(() => l.func(`void ${name}()`), name).not.toThrow();
    }
  });

  it('refuses a NULL self on every Sockets/Utils method it is given one, and counts it', () => {
    // Strict mode would abort at the first NULL self (strict.test.ts shows it); here the lenient fake counts.
    group = peers(1, { strict: false });
    const l = lib(group.sessions[0]!);
    const bad = l.func('uint64_t steamwire_fake_bad_self_calls()');
    const before = Number(bad());
    const connect = l.func(
      'uint32_t SteamAPI_ISteamNetworkingSockets_ConnectP2P(void *self, const void *id, int port, int n, const void *o)',
    );
    const listen = l.func(
      'uint32_t SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(void *self, int port, int n, const void *o)',
    );
    const alloc = l.func('void *SteamAPI_ISteamNetworkingUtils_AllocateMessage(void *self, int cb)');
    const recv = l.func(
      'int SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(void *self, uint32_t g, void *out, int max)',
    );
    const identity = new Uint8Array(136);
    identity.set([16, 0, 0, 0, 8]);
    expect(connect(null, identity, 0, 0, null)).toBe(0);
    expect(listen(null, 0, 0, null)).toBe(0);
    expect(alloc(null, 10)).toBeNull();
    expect(recv(null, 1, new BigUint64Array(4), 4)).toBe(-1);
    expect(Number(bad()) - before).toBe(4);
  });

  it('delivers 1221 to a function pointer from ISteamNetworkingSockets::RunCallbacks when config 201 is set', async () => {
    group = peers(2);
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    const l = lib(a);
    const sockets = l.func('void *SteamAPI_SteamNetworkingSockets_SteamAPI_v012()')();
    const utils = l.func('void *SteamAPI_SteamNetworkingUtils_SteamAPI_v004()')();
    const proto = koffi.proto(`void SwStatusFn${Math.floor(Math.random() * 1e9)}(void *info)`);
    const setGlobal = l.func(
      `bool SteamAPI_ISteamNetworkingUtils_SetGlobalCallback_SteamNetConnectionStatusChanged(void *self, ${koffi.pointer(proto).name} fn)`,
    );
    const run = l.func('void SteamAPI_ISteamNetworkingSockets_RunCallbacks(void *self)');
    const viaPointer: number[] = [];
    // m_info.m_eState: m_info starts at 4 (Linux) or 8 (Windows), as the library reports.
    const infoAt = JSON.parse(l.func('const char *steamwire_fake_sockets_layout()')())
      .SteamNetConnectionStatusChangedCallback_t.m_info as number;
    const fn = koffi.register((info: unknown) => {
      viaPointer.push(koffi.decode(info, infoAt + 176, 'int32_t') as number);
    }, koffi.pointer(proto));
    const viaQueue: string[] = [];
    a.sockets.on('connectionStatusChanged', (c) => viaQueue.push(c.info.state));
    try {
      expect(setGlobal(utils, fn)).toBe(true);
      b.sockets.createListenSocketP2P(0);
      a.sockets.connectP2P(b.localSteamId);
      a.sockets.runCallbacks();
      expect(viaQueue).toEqual([]);
      expect(viaPointer).toEqual([]);
      run(sockets);
      expect(viaPointer).toEqual([1]);
      expect(setGlobal(utils, null)).toBe(true);
      a.sockets.connectP2P(b.localSteamId, 9);
      a.sockets.runCallbacks();
      expect(viaQueue).toEqual(['connecting']);
    } finally {
      koffi.unregister(fn);
    }
  });

  it('the SteamNetworkingConfigValue_t writers work before init; SetString writes type 5 as the 1.62 binary does', () => {
    group = peers(1);
    const l = lib(group.sessions[0]!);
    const opt = new Uint8Array(16);
    const v = new DataView(opt.buffer);
    l.func('void SteamAPI_SteamNetworkingConfigValue_t_SetInt32(void *self, int id, int32_t v)')(
      opt,
      24,
      1234,
    );
    expect([v.getInt32(0, true), v.getInt32(4, true), v.getInt32(8, true)]).toEqual([24, 1, 1234]);
    l.func('void SteamAPI_SteamNetworkingConfigValue_t_SetInt64(void *self, int id, int64_t v)')(
      opt,
      40,
      -5n,
    );
    expect([v.getInt32(4, true), v.getBigInt64(8, true)]).toEqual([2, -5n]);
    l.func('void SteamAPI_SteamNetworkingConfigValue_t_SetFloat(void *self, int id, float v)')(opt, 2, 2.5);
    expect([v.getInt32(4, true), v.getFloat32(8, true)]).toEqual([3, 2.5]);
    l.func('void SteamAPI_SteamNetworkingConfigValue_t_SetString(void *self, int id, const char *v)')(
      opt,
      103,
      'x',
    );
    expect(v.getInt32(4, true)).toBe(5);
    l.func('void SteamAPI_SteamNetworkingConfigValue_t_SetPtr(void *self, int id, void *v)')(opt, 201, null);
    expect(v.getInt32(4, true)).toBe(5);
  });

  it('SendMessages takes every message, sent or refused, and answers each with its number or -EResult', async () => {
    group = peers(2);
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    b.sockets.createListenSocketP2P(0);
    let incoming = 0 as NetConnection;
    b.sockets.on('connectionStatusChanged', (c) => {
      if (c.info.listenSocket !== null && c.info.state === 'connecting') {
        incoming = c.connection;
        b.sockets.acceptConnection(c.connection);
      }
    });
    const conn = a.sockets.connectP2P(b.localSteamId);
    expect(await p.until(() => a.sockets.getConnectionInfo(conn)?.state === 'connected')).toBe(true);
    const l = lib(a);
    const utils = l.func('void *SteamAPI_SteamNetworkingUtils_SteamAPI_v004()')();
    const sockets = l.func('void *SteamAPI_SteamNetworkingSockets_SteamAPI_v012()')();
    const alloc = l.func('void *SteamAPI_ISteamNetworkingUtils_AllocateMessage(void *self, int cb)');
    const send = l.func(
      'void SteamAPI_ISteamNetworkingSockets_SendMessages(void *self, int n, void **msgs, _Out_ int64_t *out)',
    );
    const good = alloc(utils, 3);
    const refused = alloc(utils, 3);
    const empty = alloc(utils, 0);
    expect(good).not.toBeNull();
    // AllocateMessage(0) leaves the buffer to the caller; the others point at a separate buffer.
    expect(koffi.decode(empty, 'void *')).toBeNull();
    expect(koffi.decode(good, 'void *')).not.toBeNull();
    koffi.encode(koffi.decode(good, 'void *'), 'uint8_t', bytes('hey'), 3);
    koffi.encode(good, 12, 'uint32_t', conn);
    koffi.encode(good, 196, 'int32_t', 9);
    koffi.encode(refused, 12, 'uint32_t', 0xdead);
    koffi.encode(empty, 12, 'uint32_t', conn);
    koffi.encode(empty, 196, 'int32_t', 9);
    const out = new BigInt64Array(3);
    send(sockets, 3, [good, refused, empty], out);
    expect(Array.from(out)).toEqual([1n, -8n, 2n]);
    const got = await (async () => {
      const all: string[] = [];
      await p.until(() => {
        for (const m of b.sockets.receiveMessages(incoming) ?? []) all.push(new TextDecoder().decode(m.data));
        return all.length >= 2;
      });
      return all;
    })();
    expect(got).toEqual(['hey', '']);
  });

  it('holds at most 256 incoming connections nobody accepted: a peer cannot pile them up', async () => {
    group = peers(2);
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    const listen = b.sockets.createListenSocketP2P(0);
    const incoming = new Set<number>();
    b.sockets.on('connectionStatusChanged', (c) => {
      if (c.info.listenSocket === listen && c.info.state === 'connecting') incoming.add(c.connection);
    });
    for (let i = 0; i < 300; i++) a.sockets.connectP2P(b.localSteamId);
    await p.pass(100);
    expect(incoming.size).toBe(256);
  });
});
