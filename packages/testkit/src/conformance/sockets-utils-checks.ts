/**
 * Sockets conformance checks of the Utils API (STEAM_API.md §15.11, §15.12): relay access, the local
 * clock, configuration values at every scope with Steam's clamping and inheritance, the JS type
 * checks, value info, and Steam's fake loss and lag acting on traffic.
 * @packageDocumentation
 */
import { CONFIG_VALUES, type NetConnection, SendFlags } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { expectCode } from './sockets-connection-checks.js';
import type { SocketsCheck } from './sockets-stage.js';
import { textOf, utf8 } from './sockets-stage.js';
import { STEAM_BEHAVIOUR } from './steam-behaviour.js';

const steam = STEAM_BEHAVIOUR.sockets;

export const SOCKETS_UTILS_CHECKS: Readonly<Record<string, SocketsCheck>> = {
  'utils-relay-access': {
    title: 'relay network access: neverTried, then attempting, then current, with events',
    peers: 1,
    async run(s) {
      const me = s.peer(0);
      expect(me.utils.getRelayNetworkStatus()).toMatchObject({
        availability: 'neverTried',
        pingMeasurementInProgress: false,
      });
      me.utils.initRelayNetworkAccess();
      expect(me.utils.getRelayNetworkStatus()).toMatchObject({
        availability: 'attempting',
        pingMeasurementInProgress: true,
      });
      expect(await s.until(() => me.utils.getRelayNetworkStatus().availability === 'current')).toBe(true);
      const seen = () =>
        s.events.filter((e) => e.name === 'relayNetworkStatusChanged').map((e) => e.payload.availability);
      expect(await s.until(() => seen().includes('current'))).toBe(true);
      expect(seen()).toEqual(['attempting', 'current']);
      expect(me.utils.getRelayNetworkStatus()).toMatchObject({
        networkConfig: 'current',
        anyRelay: 'current',
      });
      expect(me.utils.getRelayNetworkStatus().debugMessage).not.toBe('');
    },
  },

  'utils-local-timestamp': {
    title: "getLocalTimestamp counts µs of the world's time from at least 30 days, and never goes back",
    peers: 1,
    async run(s) {
      const me = s.peer(0);
      const t0 = me.utils.getLocalTimestamp();
      expect(t0).toBeGreaterThanOrEqual(30n * 86_400n * 1_000_000n);
      await s.pass(5);
      expect(me.utils.getLocalTimestamp() - t0).toBe(5_000n);
    },
  },

  'utils-config-global': {
    title:
      "global values: Steam's defaults are inherited, a set value is read back, null restores the default, ranges clamp",
    peers: 1,
    async run(s) {
      const u = s.peer(0).utils;
      expect(u.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 0, inherited: true });
      expect(u.getConfigValue('TimeoutInitial')).toEqual({
        value: steam.connectTimeoutMs.value,
        inherited: true,
      });
      expect(u.getConfigValue('TimeoutConnected')).toEqual({
        value: steam.connectionLostTimeoutMs.value,
        inherited: true,
      });
      expect(u.getConfigValue('NagleTime')).toEqual({
        value: steam.bufferingDelayMs.value * 1000,
        inherited: true,
      });
      expect(u.getConfigValue('SendBufferSize')).toEqual({
        value: steam.sendBufferBytes.value,
        inherited: true,
      });
      expect(u.getConfigValue('RecvBufferSize')).toEqual({
        value: steam.recvBufferBytes.value,
        inherited: true,
      });
      expect(u.getConfigValue('RecvBufferMessages')).toEqual({
        value: steam.recvBufferMessages.value,
        inherited: true,
      });
      expect(u.getConfigValue('ConnectionUserData')).toEqual({ value: -1n, inherited: true });
      expect(u.setConfigValue('FakePacketLoss_Send', 12.5)).toBe(true);
      expect(u.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 12.5, inherited: false });
      expect(u.setConfigValue('FakePacketLoss_Send', 150)).toBe(true);
      expect(u.getConfigValue('FakePacketLoss_Send')!.value).toBe(100);
      expect(u.setConfigValue('FakePacketLoss_Send', null)).toBe(true);
      expect(u.getConfigValue('FakePacketLoss_Send')).toEqual({ value: 0, inherited: true });
      expect(u.setConfigValue('FakePacketLag_Send', 250)).toBe(true);
      expect(u.getConfigValue('FakePacketLag_Send')!.value).toBe(250);
      expect(u.setConfigValue('P2P_STUN_ServerList', 'stun.example:3478')).toBe(true);
      expect(u.getConfigValue('P2P_STUN_ServerList')).toEqual({
        value: 'stun.example:3478',
        inherited: false,
      });
      expect(u.getConfigValue('P2P_TURN_ServerList')).toEqual({ value: '', inherited: true });
      // MTU_DataSize is read-only: what fits in a packet after Steam's headers.
      expect(u.setConfigValue('MTU_DataSize', 900)).toBe(false);
      expect(u.getConfigValue('MTU_DataSize')!.value).toBe(1200);
    },
  },

  'utils-config-scopes': {
    title: 'scopes: the interface, a listen socket and a connection each inherit from the one above',
    peers: 2,
    async run(s) {
      const { conn, incoming, listen } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
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
    },
  },

  'utils-argument-checks': {
    title: 'JS types are checked before Steam sees them, and only values the API can set are named',
    peers: 1,
    async run(s) {
      const u = s.peer(0).utils as unknown as {
        setConfigValue(n: string, v: unknown, sc?: unknown): boolean;
      };
      expectCode(() => u.setConfigValue('TimeoutInitial', 1.5), 'INVALID_ARGUMENT');
      expectCode(() => u.setConfigValue('ConnectionUserData', 5), 'INVALID_ARGUMENT');
      expectCode(() => u.setConfigValue('P2P_STUN_ServerList', 'a\0b'), 'INVALID_ARGUMENT');
      expectCode(() => u.setConfigValue('Callback_ConnectionStatusChanged', 1), 'INVALID_ARGUMENT');
      expectCode(() => u.setConfigValue('NoSuchValue', 1), 'INVALID_ARGUMENT');
      expectCode(() => u.setConfigValue('NagleTime', 1, 'everywhere'), 'INVALID_ARGUMENT');
      const sockets = s.peer(0).sockets as unknown as Record<string, (...args: unknown[]) => unknown>;
      expectCode(() => sockets.sendMessage!(1.5, utf8('x')), 'INVALID_ARGUMENT');
      expectCode(() => sockets.sendMessage!(1, 'text'), 'INVALID_ARGUMENT');
      expectCode(() => sockets.connectP2P!(0n), 'INVALID_STEAM_ID');
      expectCode(() => sockets.createListenSocketP2P!(-1), 'INVALID_ARGUMENT');
      expectCode(() => sockets.receiveMessages!(1, 0), 'INVALID_ARGUMENT');
    },
  },

  'utils-config-value-info': {
    title: "getConfigValueInfo gives Steam's name, type and scope, by name or number, for every value",
    peers: 1,
    async run(s) {
      const u = s.peer(0).utils;
      expect(u.getConfigValueInfo('FakePacketLoss_Send')).toEqual({
        id: 2,
        name: 'FakePacketLoss_Send',
        dataType: 'float',
        scope: 'global',
      });
      expect(u.getConfigValueInfo(40)).toEqual({
        id: 40,
        name: 'ConnectionUserData',
        dataType: 'int64',
        scope: 'connection',
      });
      expect(u.getConfigValueInfo('Callback_ConnectionStatusChanged')).toMatchObject({ dataType: 'ptr' });
      expect(u.getConfigValueInfo(9999)).toBeNull();
      for (const [name, def] of Object.entries(CONFIG_VALUES)) {
        expect(u.getConfigValueInfo(def.id), name).toEqual({
          id: def.id,
          name,
          dataType: def.type,
          scope: def.scope,
        });
      }
    },
  },

  'utils-fake-loss': {
    title: "Steam's fake loss: with 100% send loss nothing arrives; reliable data comes once it is lifted",
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      a.utils.setConfigValue('FakePacketLoss_Send', 100);
      a.sockets.sendMessage(conn, utf8('lost'), SendFlags.UnreliableNoNagle);
      a.sockets.sendMessage(conn, utf8('kept'), SendFlags.ReliableNoNagle);
      await s.pass(60);
      expect(b.sockets.receiveMessages(incoming)).toEqual([]);
      a.utils.setConfigValue('FakePacketLoss_Send', 0);
      const got: string[] = [];
      expect(
        await s.until(() => {
          for (const m of b.sockets.receiveMessages(incoming) ?? []) got.push(textOf(m.data));
          return got.length > 0;
        }, 5000),
      ).toBe(true);
      expect(got).toEqual(['kept']);
    },
  },

  'utils-fake-lag': {
    title: "Steam's fake lag: nothing arrives before the lag, and the ping shows it",
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      a.utils.setConfigValue('FakePacketLag_Send', 150);
      const sentAt = s.elapsed;
      a.sockets.sendMessage(conn, utf8('late'), SendFlags.ReliableNoNagle);
      let arrivedAt = -1;
      expect(
        await s.until(() => {
          if ((b.sockets.receiveMessages(incoming) ?? []).length > 0) arrivedAt = s.elapsed;
          return arrivedAt >= 0;
        }, 5000),
      ).toBe(true);
      expect(arrivedAt - sentAt).toBeGreaterThanOrEqual(150);
      expect(arrivedAt - sentAt).toBeLessThanOrEqual(150 + 2 * s.world.deliveryMs);
      expect(await s.until(() => (a.sockets.getRealTimeStatus(conn)?.status.ping ?? 0) >= 150, 5000)).toBe(
        true,
      );
    },
  },
};
