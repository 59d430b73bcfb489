// Every call of the typed ISteamNetworkingUtils API (`session.utils`) over the real koffi binding and
// the native fake: relay access, the local clock, configuration values at every scope (with Steam's
// conversion, clamping and inheritance rules), and Steam's fake loss and lag acting on traffic.
import {
  CONFIG_VALUES,
  type NetConnection,
  SendFlags,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes, type Peers, peers, text } from './sockets-helpers.js';

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

function one(): SteamSession {
  group = peers(1);
  return group.sessions[0]!;
}

/** Two peers with a connection a → b accepted, by the typed Sockets API. */
async function connected() {
  group = peers(2);
  const p = group;
  const [a, b] = p.sessions as [SteamSession, SteamSession];
  let incoming = 0 as NetConnection;
  b.sockets.on('connectionStatusChanged', (c) => {
    if (c.info.state === 'connecting' && c.info.listenSocket !== null) {
      incoming = c.connection;
      b.sockets.acceptConnection(c.connection);
    }
  });
  const listen = b.sockets.createListenSocketP2P(0);
  const conn = a.sockets.connectP2P(b.localSteamId);
  expect(await p.until(() => a.sockets.getConnectionInfo(conn)?.state === 'connected')).toBe(true);
  return { p, a, b, conn, incoming, listen };
}

describe('typed Utils API over the native fake', () => {
  it('relay network access: neverTried, then attempting, then current, with events', async () => {
    const s = one();
    expect(s.utils.getRelayNetworkStatus()).toMatchObject({
      availability: 'neverTried',
      pingMeasurementInProgress: false,
    });
    const seen: string[] = [];
    s.utils.on('relayNetworkStatusChanged', (st) => seen.push(st.availability));
    s.utils.initRelayNetworkAccess();
    expect(s.utils.getRelayNetworkStatus()).toMatchObject({
      availability: 'attempting',
      pingMeasurementInProgress: true,
    });
    expect(await group!.until(() => s.utils.getRelayNetworkStatus().availability === 'current')).toBe(true);
    expect(await group!.until(() => seen.includes('current'))).toBe(true);
    expect(seen).toEqual(['attempting', 'current']);
    expect(s.utils.getRelayNetworkStatus()).toMatchObject({ networkConfig: 'current', anyRelay: 'current' });
    expect(s.utils.getRelayNetworkStatus().debugMessage).not.toBe('');
  });

  it('getLocalTimestamp counts µs from at least 30 days and never goes back', async () => {
    const s = one();
    const t0 = s.utils.getLocalTimestamp();
    expect(t0).toBeGreaterThanOrEqual(30n * 86_400n * 1_000_000n);
    await group!.pass(5);
    expect(s.utils.getLocalTimestamp() - t0).toBe(5_000n);
  });

  it('global values: defaults are inherited, a set value is read back, null restores the default, ranges clamp', () => {
    const s = one();
    expect(s.utils.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 0, inherited: true });
    expect(s.utils.getConfigValue('TimeoutInitial')).toEqual({ value: 10_000, inherited: true });
    expect(s.utils.getConfigValue('SendBufferSize')).toEqual({ value: 512 * 1024, inherited: true });
    expect(s.utils.getConfigValue('ConnectionUserData')).toEqual({ value: -1n, inherited: true });
    expect(s.utils.setConfigValue('FakePacketLoss_Send', 12.5)).toBe(true);
    expect(s.utils.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 12.5, inherited: false });
    expect(s.utils.setConfigValue('FakePacketLoss_Send', 150)).toBe(true);
    expect(s.utils.getConfigValue('FakePacketLoss_Send')!.value).toBe(100);
    expect(s.utils.setConfigValue('FakePacketLoss_Send', null)).toBe(true);
    expect(s.utils.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 0, inherited: true });
    expect(s.utils.setConfigValue('FakePacketLag_Send', 250)).toBe(true);
    expect(s.utils.getConfigValue('FakePacketLag_Send')!.value).toBe(250);
    expect(s.utils.setConfigValue('P2P_STUN_ServerList', 'stun.example:3478')).toBe(true);
    expect(s.utils.getConfigValue('P2P_STUN_ServerList')).toEqual({
      value: 'stun.example:3478',
      inherited: false,
    });
    expect(s.utils.getConfigValue('P2P_TURN_ServerList')).toEqual({ value: '', inherited: true });
    // MTU_DataSize is read-only: what fits in a packet after Steam's headers.
    expect(s.utils.setConfigValue('MTU_DataSize', 900)).toBe(false);
    expect(s.utils.getConfigValue('MTU_DataSize')!.value).toBe(1200);
  });

  it('scopes: the interface, a listen socket and a connection each inherit from the one above', async () => {
    const { a, b, conn, incoming, listen } = await connected();
    expect(a.utils.setConfigValue('TimeoutConnected', 4000, 'interface')).toBe(true);
    expect(a.utils.getConfigValue('TimeoutConnected', 'interface')).toEqual({
      value: 4000,
      inherited: false,
    });
    expect(a.utils.getConfigValue('TimeoutConnected', { connection: conn })).toEqual({
      value: 4000,
      inherited: true,
    });
    expect(a.utils.setConfigValue('TimeoutConnected', 6000, { connection: conn })).toBe(true);
    expect(a.utils.getConfigValue('TimeoutConnected', { connection: conn })).toEqual({
      value: 6000,
      inherited: false,
    });
    expect(a.utils.setConfigValue('TimeoutConnected', null, { connection: conn })).toBe(true);
    expect(a.utils.getConfigValue('TimeoutConnected', { connection: conn })!.value).toBe(4000);
    expect(b.utils.setConfigValue('NagleTime', 777, { listenSocket: listen })).toBe(true);
    expect(b.utils.getConfigValue('NagleTime', { connection: incoming })).toEqual({
      value: 777,
      inherited: true,
    });
    // The user data value and the connection's user data are one thing.
    expect(a.utils.setConfigValue('ConnectionUserData', 99n, { connection: conn })).toBe(true);
    expect(a.sockets.getConnectionUserData(conn)).toBe(99n);
    // A global-only value cannot live on a connection, and a dead handle is no scope.
    expect(a.utils.setConfigValue('FakePacketLag_Send', 10, { connection: conn })).toBe(false);
    expect(a.utils.getConfigValue('FakePacketLag_Send', { connection: conn })).toBeNull();
    expect(a.utils.setConfigValue('NagleTime', 1, { connection: 0 as NetConnection })).toBe(false);
    expect(a.utils.getConfigValue('NagleTime', { connection: 0 as NetConnection })).toBeNull();
  });

  it('checks JS types before Steam sees them, and names only the values it can set', () => {
    const s = one();
    const u = s.utils as unknown as { setConfigValue(n: string, v: unknown, sc?: unknown): boolean };
    expect(() => u.setConfigValue('TimeoutInitial', 1.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => u.setConfigValue('ConnectionUserData', 5)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => u.setConfigValue('P2P_STUN_ServerList', 'a\0b')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => u.setConfigValue('Callback_ConnectionStatusChanged', 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => u.setConfigValue('NoSuchValue', 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => u.setConfigValue('NagleTime', 1, 'everywhere')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it("getConfigValueInfo gives Steam's name, type and scope, by name or number", () => {
    const s = one();
    expect(s.utils.getConfigValueInfo('FakePacketLoss_Send')).toEqual({
      id: 2,
      name: 'FakePacketLoss_Send',
      dataType: 'float',
      scope: 'global',
    });
    expect(s.utils.getConfigValueInfo(40)).toEqual({
      id: 40,
      name: 'ConnectionUserData',
      dataType: 'int64',
      scope: 'connection',
    });
    expect(s.utils.getConfigValueInfo('Callback_ConnectionStatusChanged')).toMatchObject({ dataType: 'ptr' });
    expect(s.utils.getConfigValueInfo(9999)).toBeNull();
    // Every value the seam names is one the library knows, with the same type and scope.
    for (const [name, def] of Object.entries(CONFIG_VALUES)) {
      expect(s.utils.getConfigValueInfo(def.id), name).toEqual({
        id: def.id,
        name,
        dataType: def.type,
        scope: def.scope,
      });
    }
  });

  it('Steam fake loss: with 100% send loss nothing arrives; reliable data comes once it is lifted', async () => {
    const { p, a, b, conn, incoming } = await connected();
    a.utils.setConfigValue('FakePacketLoss_Send', 100);
    a.sockets.sendMessage(conn, bytes('lost'), SendFlags.UnreliableNoNagle);
    a.sockets.sendMessage(conn, bytes('kept'), SendFlags.ReliableNoNagle);
    await p.pass(60);
    expect(b.sockets.receiveMessages(incoming)).toEqual([]);
    a.utils.setConfigValue('FakePacketLoss_Send', 0);
    const got: string[] = [];
    expect(
      await p.until(() => {
        for (const m of b.sockets.receiveMessages(incoming) ?? []) got.push(text(m.data));
        return got.length > 0;
      }),
    ).toBe(true);
    expect(got).toEqual(['kept']);
  });

  it('Steam fake lag: nothing arrives before the lag, and the ping shows it', async () => {
    const { p, a, b, conn, incoming } = await connected();
    a.utils.setConfigValue('FakePacketLag_Send', 150);
    const sentAt = p.now();
    a.sockets.sendMessage(conn, bytes('late'), SendFlags.ReliableNoNagle);
    let arrivedAt = 0;
    expect(
      await p.until(() => {
        if ((b.sockets.receiveMessages(incoming) ?? []).length > 0) arrivedAt = p.now();
        return arrivedAt > 0;
      }, 5000),
    ).toBe(true);
    expect(arrivedAt - sentAt).toBeGreaterThanOrEqual(140);
    expect(await p.until(() => (a.sockets.getRealTimeStatus(conn)?.status.ping ?? 0) >= 140, 5000)).toBe(
      true,
    );
  });

  it('every call throws NOT_INITIALIZED after shutdown', () => {
    const s = one();
    const utils = s.utils;
    s.shutdown();
    expect(() => utils.getLocalTimestamp()).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    expect(() => utils.setConfigValue('NagleTime', 1)).toThrow(
      expect.objectContaining({ code: 'NOT_INITIALIZED' }),
    );
  });
});
