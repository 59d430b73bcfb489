/**
 * Sockets conformance checks of connections (STEAM_API.md §15.4, §15.6, §15.14): the status changes of
 * a connect on both sides, accept's answers, listen sockets, connecting to yourself, closing with a
 * reason (and with linger), user data and names.
 * @packageDocumentation
 */
import { type ConnectionStatusChange, type NetConnection, SendFlags } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { SocketsCheck } from './sockets-stage.js';
import { textOf, utf8 } from './sockets-stage.js';

/** Asserts that `fn` throws a Steamwire error with `code`. */
export function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ${code} error`).toMatchObject({ code });
}

export const SOCKETS_CONNECTION_CHECKS: Readonly<Record<string, SocketsCheck>> = {
  'sockets-connect': {
    title: 'connects, with the status changes of §15.4 on both sides and the connection info Steam gives',
    peers: 2,
    async run(s) {
      const { conn, incoming, listen } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      const first = s.changes(0, conn)[0]!;
      expect(first).toMatchObject({ oldState: 'none', info: { state: 'connecting', listenSocket: null } });
      expect(first.info.remote).toBe(b.steamId);
      const request = s.changes(1, incoming)[0]!;
      expect(request.info).toMatchObject({ state: 'connecting', listenSocket: listen, remote: a.steamId });
      expect(await s.until(() => s.changes(1, incoming).some((c) => c.info.state === 'connected'))).toBe(
        true,
      );
      expect(s.changes(1, incoming).find((c) => c.info.state === 'connected')!.oldState).toBe('connecting');
      const info = a.sockets.getConnectionInfo(conn)!;
      expect(info).toMatchObject({
        state: 'connected',
        remote: b.steamId,
        endReason: 0,
        endReasonName: null,
      });
      expect(info.remoteAddress?.ip).toBe('127.0.0.1');
      expect(info.flags.fast).toBe(true);
      expect(info.description).toContain(String(b.steamId));
      expect(a.sockets.getConnectionInfo(0 as NetConnection)).toBeNull();
    },
  },

  'sockets-accept-results': {
    title:
      'acceptConnection answers Steam EResults: invalidState twice, invalidParam for your own or a bad handle',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      expect(s.peer(1).sockets.acceptConnection(incoming)).toBe('invalidState');
      expect(s.peer(0).sockets.acceptConnection(conn)).toBe('invalidParam');
      expect(s.peer(0).sockets.acceptConnection(12345 as NetConnection)).toBe('invalidParam');
    },
  },

  'sockets-listen-sockets': {
    title: 'createListenSocketP2P refuses a port already listened on; closeListenSocket ends its connections',
    peers: 2,
    async run(s) {
      const { incoming, listen } = await s.connected();
      const b = s.peer(1);
      expectCode(() => b.sockets.createListenSocketP2P(0), 'CREATE_LISTEN_SOCKET_FAILED');
      const other = b.sockets.createListenSocketP2P(7, { TimeoutInitial: 2500 });
      expect(b.utils.getConfigValue('TimeoutInitial', { listenSocket: other })).toEqual({
        value: 2500,
        inherited: false,
      });
      expect(b.sockets.closeListenSocket(listen)).toBe(true);
      expect(b.sockets.closeListenSocket(listen)).toBe(false);
      expect(b.sockets.getConnectionInfo(incoming)).toBeNull();
      expect(b.sockets.closeListenSocket(other)).toBe(true);
    },
  },

  'sockets-connect-to-self': {
    title:
      'connectP2P to yourself needs a listen socket (else CONNECT_FAILED), then is a pipe you must accept',
    peers: 1,
    async run(s) {
      const me = s.peer(0);
      expectCode(() => me.sockets.connectP2P(me.steamId, 3), 'CONNECT_FAILED');
      const listen = me.sockets.createListenSocketP2P(3);
      const client = me.sockets.connectP2P(me.steamId, 3);
      expect(await s.until(() => s.changes(0).length >= 2)).toBe(true);
      const server = s.changes(0).find((c) => c.info.listenSocket === listen)!.connection;
      expect(me.sockets.acceptConnection(server)).toBe('ok');
      expect(await s.until(() => s.changes(0, client).some((c) => c.info.state === 'connected'))).toBe(true);
      expect(me.sockets.getConnectionInfo(client)!.flags).toMatchObject({
        loopbackBuffers: true,
        unencrypted: true,
      });
      expect(me.sockets.sendMessage(client, utf8('to me')).ok).toBe(true);
      const got = await s.receive(0, server, 1);
      expect(got.map((m) => textOf(m.data))).toEqual(['to me']);
    },
  },

  'sockets-close': {
    title:
      'closeConnection: the peer sees closedByPeer with the reason and words; the handle dies; odd reasons become 1999',
    peers: 3,
    async run(s) {
      const { conn, incoming } = await s.connected(0, 1);
      const [a, b] = [s.peer(0), s.peer(1)];
      expect(b.sockets.closeConnection(incoming, 1234, 'bye now')).toBe(true);
      expect(b.sockets.closeConnection(incoming)).toBe(false);
      expect(await s.until(() => s.changes(1, incoming).some((c) => c.info.state === 'none'))).toBe(true);
      expect(await s.until(() => a.sockets.getConnectionInfo(conn)?.state === 'closedByPeer')).toBe(true);
      expect(a.sockets.getConnectionInfo(conn)).toMatchObject({
        endReason: 1234,
        endReasonName: 'App',
        endDebug: 'bye now',
      });
      const closed = s.changes(0, conn).find((c) => c.info.state === 'closedByPeer')!;
      expect(closed.info.endReason).toBe(1234);
      expect(a.sockets.sendMessage(conn, utf8('late'))).toEqual({
        ok: false,
        result: 'noConnection',
        code: 3,
      });
      expect(a.sockets.closeConnection(conn)).toBe(true);
      // A system reason is not the app's to give: it becomes 1999 with Steam's words.
      const second = await s.connected(2, 1);
      b.sockets.closeConnection(second.incoming, 4000, 'ignored');
      expect(
        await s.until(() => s.peer(2).sockets.getConnectionInfo(second.conn)?.state === 'closedByPeer'),
      ).toBe(true);
      expect(s.peer(2).sockets.getConnectionInfo(second.conn)).toMatchObject({
        endReason: 1999,
        endDebug: 'Invalid numeric reason code',
      });
    },
  },

  'sockets-close-linger': {
    title: 'closeConnection with linger still delivers what was queued, then the peer sees it closed',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      b.utils.setConfigValue('NagleTime', 20_000, { connection: incoming });
      const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
      for (const m of sent)
        expect(b.sockets.sendMessage(incoming, utf8(m), SendFlags.Reliable).ok).toBe(true);
      expect(b.sockets.closeConnection(incoming, 1000, 'done', true)).toBe(true);
      expect(b.sockets.getConnectionInfo(incoming), 'the handle is dead at once').toBeNull();
      const got = await s.receive(0, conn, sent.length);
      expect(got.map((m) => textOf(m.data))).toEqual(sent);
      expect(await s.until(() => a.sockets.getConnectionInfo(conn)?.state === 'closedByPeer')).toBe(true);
    },
  },

  'sockets-user-data-and-names': {
    title: 'connection user data (-1 until set, on every message) and names',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      expect(a.sockets.getConnectionUserData(conn)).toBe(-1n);
      expect(a.sockets.setConnectionUserData(conn, 0x7fff_ffff_ffffn)).toBe(true);
      expect(a.sockets.getConnectionUserData(conn)).toBe(0x7fff_ffff_ffffn);
      expect(a.sockets.setConnectionUserData(0 as NetConnection, 1n)).toBe(false);
      expect(a.sockets.getConnectionUserData(0 as NetConnection)).toBe(-1n);
      expectCode(() => a.sockets.setConnectionUserData(conn, 1n << 64n), 'INVALID_ARGUMENT');
      a.sockets.setConnectionName(conn, 'to the host');
      expect(a.sockets.getConnectionName(conn)).toBe('to the host');
      expect(a.sockets.getConnectionName(0 as NetConnection)).toBeNull();
      b.sockets.sendMessage(incoming, utf8('x'));
      const [m] = await s.receive(0, conn, 1);
      expect(m!.connectionUserData).toBe(0x7fff_ffff_ffffn);
    },
  },

  'sockets-events-from-run-callbacks': {
    title: 'status changes come only from runCallbacks, never inside the call that caused them',
    peers: 2,
    async run(s) {
      const [a, b] = [s.peer(0), s.peer(1)];
      const seen: ConnectionStatusChange[] = [];
      a.sockets.on('connectionStatusChanged', (c) => seen.push(c));
      b.sockets.createListenSocketP2P(0);
      a.sockets.connectP2P(b.steamId);
      expect(seen).toEqual([]);
      s.runCallbacks([0]);
      expect(seen.map((c) => c.info.state)).toEqual(['connecting']);
    },
  },
};
