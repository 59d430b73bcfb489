/**
 * Sockets conformance checks of status, poll groups and identity (STEAM_API.md §15.2, §15.9, §15.10,
 * §15.11): the real-time status and its lanes, queued bytes while the peer does not acknowledge, poll
 * groups, socket pairs, the identity, and certificate availability.
 * @packageDocumentation
 */
import { type NetConnection, SendFlags } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { expectCode } from './sockets-connection-checks.js';
import type { SocketsCheck } from './sockets-stage.js';
import { textOf, utf8 } from './sockets-stage.js';

export const SOCKETS_STATUS_CHECKS: Readonly<Record<string, SocketsCheck>> = {
  'sockets-real-time-status': {
    title:
      'getRealTimeStatus: ping and quality once measured, lanes up to the configured count; the detailed status',
    peers: 2,
    async run(s) {
      const { conn } = await s.connected();
      const a = s.peer(0);
      expect(await s.until(() => (a.sockets.getRealTimeStatus(conn)?.status.ping ?? -1) >= 0)).toBe(true);
      const { status, lanes } = a.sockets.getRealTimeStatus(conn)!;
      expect(status).toMatchObject({
        state: 'connected',
        qualityLocal: 1,
        pendingReliable: 0,
        sentUnackedReliable: 0,
      });
      expect(status.ping).toBeLessThanOrEqual(2 * s.world.deliveryMs);
      expect(status.sendRateBytesPerSecond).toBe(262_144);
      expect(lanes).toEqual([]);
      expectCode(() => a.sockets.getRealTimeStatus(conn, 2), 'INVALID_LANE_COUNT');
      a.sockets.configureConnectionLanes(conn, [{}, {}]);
      expect(a.sockets.getRealTimeStatus(conn, 2)!.lanes).toHaveLength(2);
      expect(a.sockets.getRealTimeStatus(0 as NetConnection)).toBeNull();
      expect(a.sockets.getDetailedConnectionStatus(conn)).toMatch(/^Connection #\d+ to steamid:\d+/);
      expect(a.sockets.getDetailedConnectionStatus(0 as NetConnection)).toBeNull();
    },
  },

  'sockets-queued-bytes': {
    title: 'bytes wait in the status while the peer does not acknowledge, and leave once it does',
    peers: 2,
    async run(s) {
      const { conn } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      b.utils.setConfigValue('FakePacketLoss_Recv', 100);
      a.sockets.sendMessage(conn, new Uint8Array(5000), SendFlags.ReliableNoNagle);
      const { status } = a.sockets.getRealTimeStatus(conn)!;
      expect(status.pendingReliable + status.sentUnackedReliable).toBe(5000);
      await s.pass(3 * s.world.deliveryMs);
      expect(a.sockets.getRealTimeStatus(conn)!.status.sentUnackedReliable, 'nothing got through').toBe(5000);
      b.utils.setConfigValue('FakePacketLoss_Recv', null);
      expect(
        await s.until(() => a.sockets.getRealTimeStatus(conn)!.status.sentUnackedReliable === 0, 5000),
      ).toBe(true);
    },
  },

  'sockets-poll-groups': {
    title: 'poll groups: one receive reads every member; destroying one leaves members connected',
    peers: 3,
    async run(s) {
      const [host, c1, c2] = [s.peer(0), s.peer(1), s.peer(2)];
      host.sockets.createListenSocketP2P(0);
      const poll = host.sockets.createPollGroup();
      const incoming = new Map<bigint | null, NetConnection>();
      host.sockets.on('connectionStatusChanged', (c) => {
        if (c.info.state === 'connecting' && c.info.listenSocket !== null) {
          expect(host.sockets.setConnectionPollGroup(c.connection, poll)).toBe(true);
          host.sockets.acceptConnection(c.connection);
          incoming.set(c.info.remote, c.connection);
        }
      });
      const k1 = c1.sockets.connectP2P(host.steamId);
      const k2 = c2.sockets.connectP2P(host.steamId);
      const up = () =>
        c1.sockets.getConnectionInfo(k1)?.state === 'connected' &&
        c2.sockets.getConnectionInfo(k2)?.state === 'connected';
      expect(await s.until(up)).toBe(true);
      c1.sockets.sendMessage(k1, utf8('from 1'));
      c2.sockets.sendMessage(k2, utf8('from 2'));
      const got: string[] = [];
      await s.until(() => {
        for (const m of host.sockets.receiveMessagesOnPollGroup(poll) ?? [])
          got.push(`${m.remote === c1.steamId ? 1 : 2}:${textOf(m.data)}`);
        return got.length >= 2;
      });
      expect(got.sort()).toEqual(['1:from 1', '2:from 2']);
      const [from1, from2] = [incoming.get(c1.steamId)!, incoming.get(c2.steamId)!];
      expect(host.sockets.setConnectionPollGroup(from1, null)).toBe(true);
      c1.sockets.sendMessage(k1, utf8('direct'));
      expect(await s.until(() => (host.sockets.receiveMessages(from1) ?? []).length > 0)).toBe(true);
      expect(host.sockets.destroyPollGroup(poll)).toBe(true);
      expect(host.sockets.destroyPollGroup(poll)).toBe(false);
      expect(host.sockets.receiveMessagesOnPollGroup(poll)).toBeNull();
      expect(host.sockets.getConnectionInfo(from2)!.state).toBe('connected');
      expect(host.sockets.setConnectionPollGroup(from2, poll)).toBe(false);
    },
  },

  'sockets-poll-group-moves-queued': {
    title: 'messages already queued on a connection follow it into a poll group, in order',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      for (const m of ['one', 'two', 'three'])
        a.sockets.sendMessage(conn, utf8(m), SendFlags.ReliableNoNagle);
      await s.pass(3 * s.world.deliveryMs);
      const poll = b.sockets.createPollGroup();
      expect(b.sockets.setConnectionPollGroup(incoming, poll)).toBe(true);
      expect(b.sockets.receiveMessagesOnPollGroup(poll)!.map((m) => textOf(m.data))).toEqual([
        'one',
        'two',
        'three',
      ]);
      expect(b.sockets.receiveMessages(incoming)).toEqual([]);
    },
  },

  'sockets-socket-pair': {
    title: 'createSocketPair gives two connected ends and no status changes',
    peers: 1,
    async run(s) {
      const me = s.peer(0);
      const [x, y] = me.sockets.createSocketPair();
      expect(me.sockets.getConnectionInfo(x)!.state).toBe('connected');
      expect(me.sockets.sendMessage(x, utf8('pair')).ok).toBe(true);
      const got = await s.receive(0, y, 1);
      expect(got.map((m) => textOf(m.data))).toEqual(['pair']);
      expect(s.changes(0)).toEqual([]);
    },
  },

  'sockets-identity-and-auth': {
    title:
      'getIdentity is the local SteamID; authentication goes neverTried → attempting → current, with events',
    peers: 1,
    async run(s) {
      const me = s.peer(0);
      expect(me.sockets.getIdentity()).toBe(me.steamId);
      expect(me.sockets.getAuthenticationStatus().availability).toBe('neverTried');
      expect(me.sockets.initAuthentication()).toBe('attempting');
      expect(await s.until(() => me.sockets.getAuthenticationStatus().availability === 'current')).toBe(true);
      const seen = () =>
        s.events.filter((e) => e.name === 'authenticationStatusChanged').map((e) => e.payload.availability);
      expect(await s.until(() => seen().includes('current'))).toBe(true);
      expect(seen()).toEqual(['attempting', 'current']);
      expect(me.sockets.getAuthenticationStatus().debugMessage).not.toBe('');
    },
  },
};
