// Every call of the typed ISteamNetworkingSockets API (`session.sockets`), over the real koffi binding
// and the native fake, with the answers STEAM_API.md §15 documents.
import {
  type ConnectionStatusChange,
  type NetConnection,
  SendFlags,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes, connectedPair, type Peers, peers, receiveAll, text } from './sockets-helpers.js';

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

/** Two fresh peers, connected (see connectedPair). */
async function pair() {
  group = peers(2);
  return connectedPair(group);
}

describe('typed Sockets API over the native fake: connections', () => {
  it('connects, with the status changes of §15.4 on both sides', async () => {
    const { a, b, conn, incoming, listen, changes } = await pair();
    const first = changes[0].find((c) => c.connection === conn)!;
    expect(first).toMatchObject({ oldState: 'none', info: { state: 'connecting', listenSocket: null } });
    expect(first.info.remote).toBe(b.localSteamId);
    const request = changes[1].find((c) => c.connection === incoming)!;
    expect(request.info).toMatchObject({ state: 'connecting', listenSocket: listen, remote: a.localSteamId });
    expect(
      changes[1].some(
        (c) => c.connection === incoming && c.oldState === 'connecting' && c.info.state === 'connected',
      ),
    ).toBe(true);
    const info = a.sockets.getConnectionInfo(conn)!;
    expect(info).toMatchObject({
      state: 'connected',
      remote: b.localSteamId,
      endReason: 0,
      endReasonName: null,
    });
    expect(info.remoteAddress?.ip).toBe('127.0.0.1');
    expect(info.flags.fast).toBe(true);
    expect(info.description).toContain(String(b.localSteamId));
    expect(a.sockets.getConnectionInfo(0 as NetConnection)).toBeNull();
  });

  it('acceptConnection answers Steam EResults: invalidState twice, invalidParam for your own or a bad handle', async () => {
    const { a, b, conn, incoming } = await pair();
    expect(b.sockets.acceptConnection(incoming)).toBe('invalidState');
    expect(a.sockets.acceptConnection(conn)).toBe('invalidParam');
    expect(a.sockets.acceptConnection(12345 as NetConnection)).toBe('invalidParam');
  });

  it('createListenSocketP2P refuses a port already listened on; closeListenSocket ends its connections', async () => {
    const { p, b, incoming, listen } = await pair();
    expect(() => b.sockets.createListenSocketP2P(0)).toThrow(
      expect.objectContaining({ code: 'CREATE_LISTEN_SOCKET_FAILED' }),
    );
    const other = b.sockets.createListenSocketP2P(7, { TimeoutInitial: 2500 });
    expect(b.utils.getConfigValue('TimeoutInitial', { listenSocket: other })).toEqual({
      value: 2500,
      inherited: false,
    });
    expect(b.sockets.closeListenSocket(listen)).toBe(true);
    expect(b.sockets.closeListenSocket(listen)).toBe(false);
    expect(b.sockets.getConnectionInfo(incoming)).toBeNull();
    expect(b.sockets.closeListenSocket(other)).toBe(true);
    void p;
  });

  it('connectP2P to yourself needs a listen socket (else CONNECT_FAILED), then is a pipe you must accept', async () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    expect(() => s.sockets.connectP2P(s.localSteamId, 3)).toThrow(
      expect.objectContaining({ code: 'CONNECT_FAILED' }),
    );
    const changes: ConnectionStatusChange[] = [];
    s.sockets.on('connectionStatusChanged', (c) => changes.push(c));
    const listen = s.sockets.createListenSocketP2P(3);
    const client = s.sockets.connectP2P(s.localSteamId, 3);
    expect(await group.until(() => changes.length >= 2)).toBe(true);
    const server = changes.find((c) => c.info.listenSocket === listen)!.connection;
    expect(s.sockets.acceptConnection(server)).toBe('ok');
    expect(
      await group.until(() => changes.some((c) => c.connection === client && c.info.state === 'connected')),
    ).toBe(true);
    expect(s.sockets.getConnectionInfo(client)!.flags).toMatchObject({
      loopbackBuffers: true,
      unencrypted: true,
    });
    expect(s.sockets.sendMessage(client, bytes('to me')).ok).toBe(true);
    const got = await receiveAll(group, s, server, 1);
    expect(got.map((m) => text(m.data))).toEqual(['to me']);
  });

  it('closeConnection: the peer sees closedByPeer with the reason and words; the handle dies; odd reasons become 1999', async () => {
    const { p, a, b, conn, incoming, changes } = await pair();
    expect(b.sockets.closeConnection(incoming, 1234, 'bye now')).toBe(true);
    expect(b.sockets.closeConnection(incoming)).toBe(false);
    b.sockets.runCallbacks();
    expect(changes[1].some((c) => c.connection === incoming && c.info.state === 'none')).toBe(true);
    expect(await p.until(() => a.sockets.getConnectionInfo(conn)?.state === 'closedByPeer')).toBe(true);
    expect(a.sockets.getConnectionInfo(conn)).toMatchObject({
      endReason: 1234,
      endReasonName: 'App',
      endDebug: 'bye now',
    });
    const closed = changes[0].find((c) => c.connection === conn && c.info.state === 'closedByPeer')!;
    expect(closed.info.endReason).toBe(1234);
    expect(a.sockets.sendMessage(conn, bytes('late'))).toEqual({
      ok: false,
      result: 'noConnection',
      code: 3,
    });
    expect(a.sockets.closeConnection(conn)).toBe(true);

    const first = group;
    const second = await pair();
    first?.close();
    second.b.sockets.closeConnection(second.incoming, 4000, 'ignored');
    expect(
      await second.p.until(() => second.a.sockets.getConnectionInfo(second.conn)?.state === 'closedByPeer'),
    ).toBe(true);
    expect(second.a.sockets.getConnectionInfo(second.conn)).toMatchObject({
      endReason: 1999,
      endDebug: 'Invalid numeric reason code',
    });
  });

  it('closeConnection with linger still delivers what was queued', async () => {
    const { p, a, b, conn, incoming } = await pair();
    b.utils.setConfigValue('NagleTime', 20_000, { connection: incoming });
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const m of sent) expect(b.sockets.sendMessage(incoming, bytes(m), SendFlags.Reliable).ok).toBe(true);
    expect(b.sockets.closeConnection(incoming, 1000, 'done', true)).toBe(true);
    const got = await receiveAll(p, a, conn, sent.length);
    expect(got.map((m) => text(m.data))).toEqual(sent);
    expect(await p.until(() => a.sockets.getConnectionInfo(conn)?.state === 'closedByPeer')).toBe(true);
  });

  it('connection user data and names', async () => {
    const { p, a, b, conn, incoming } = await pair();
    expect(a.sockets.getConnectionUserData(conn)).toBe(-1n);
    expect(a.sockets.setConnectionUserData(conn, 0x7fff_ffff_ffffn)).toBe(true);
    expect(a.sockets.getConnectionUserData(conn)).toBe(0x7fff_ffff_ffffn);
    expect(a.sockets.setConnectionUserData(0 as NetConnection, 1n)).toBe(false);
    expect(a.sockets.getConnectionUserData(0 as NetConnection)).toBe(-1n);
    expect(() => a.sockets.setConnectionUserData(conn, 1n << 64n)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    a.sockets.setConnectionName(conn, 'to the host');
    expect(a.sockets.getConnectionName(conn)).toBe('to the host');
    expect(a.sockets.getConnectionName(0 as NetConnection)).toBeNull();
    b.sockets.sendMessage(incoming, bytes('x'));
    const [m] = await receiveAll(p, a, conn, 1);
    expect(m!.connectionUserData).toBe(0x7fff_ffff_ffffn);
  });
});

describe('typed Sockets API over the native fake: sending and receiving', () => {
  it('sendMessage numbers messages from 1 and answers Steam EResults', async () => {
    const { p, a, b, conn, incoming } = await pair();
    expect(a.sockets.sendMessage(conn, bytes('one'))).toEqual({ ok: true, messageNumber: 1n });
    expect(a.sockets.sendMessage(conn, bytes('two'), SendFlags.ReliableNoNagle)).toEqual({
      ok: true,
      messageNumber: 2n,
    });
    expect(a.sockets.sendMessage(conn, new Uint8Array(512 * 1024 + 1))).toMatchObject({
      ok: false,
      result: 'invalidParam',
    });
    expect(a.sockets.sendMessage(conn, bytes('x'), SendFlags.Reliable | SendFlags.NoDelay)).toMatchObject({
      ok: false,
      result: 'invalidParam',
    });
    expect(a.sockets.sendMessage(0 as NetConnection, bytes('x'))).toMatchObject({
      ok: false,
      result: 'invalidParam',
    });
    const got = await receiveAll(p, b, incoming, 2);
    expect(got.map((m) => [text(m.data), m.messageNumber, m.reliable, m.remote])).toEqual([
      ['one', 1n, true, a.localSteamId],
      ['two', 2n, true, a.localSteamId],
    ]);
    expect(got[1]!.timeReceivedUs).toBeGreaterThan(30n * 86_400n * 1_000_000n);
    expect(b.sockets.receiveMessages(0 as NetConnection)).toBeNull();
    expect(b.sockets.receiveMessages(incoming)).toEqual([]);
  });

  it('UnreliableNoDelay before the connection is up is ignored', async () => {
    group = peers(2);
    const [a, b] = group.sessions as [SteamSession, SteamSession];
    b.sockets.createListenSocketP2P(0);
    const conn = a.sockets.connectP2P(b.localSteamId);
    expect(a.sockets.sendMessage(conn, bytes('early'), SendFlags.UnreliableNoDelay)).toEqual({
      ok: false,
      result: 'ignored',
      code: 41,
    });
    expect(a.sockets.flushMessages(conn)).toBe('ignored');
  });

  it('sendMessages sends a batch in one call, per-lane numbers, lanes arriving as sent', async () => {
    const { p, a, b, conn, incoming } = await pair();
    expect(a.sockets.configureConnectionLanes(conn, [{}, { priority: 1, weight: 3 }, { weight: 2 }])).toBe(
      'ok',
    );
    const results = a.sockets.sendMessages([
      { connection: conn, data: bytes('a0'), lane: 0 },
      { connection: conn, data: bytes('a1'), lane: 1 },
      { connection: conn, data: bytes('b0'), lane: 0 },
      { connection: conn, data: bytes('c2'), lane: 2, flags: SendFlags.UnreliableNoNagle },
      { connection: conn, data: bytes('bad'), lane: 3 },
      { connection: 0 as NetConnection, data: bytes('nobody') },
      { connection: conn, data: new Uint8Array(0), lane: 1 },
    ]);
    expect(results).toEqual([
      { ok: true, messageNumber: 1n },
      { ok: true, messageNumber: 1n },
      { ok: true, messageNumber: 2n },
      { ok: true, messageNumber: 1n },
      { ok: false, result: 'invalidParam', code: 8 },
      { ok: false, result: 'invalidParam', code: 8 },
      { ok: true, messageNumber: 2n },
    ]);
    const got = await receiveAll(p, b, incoming, 5);
    const seen = got.map((m) => [text(m.data), m.lane, m.messageNumber, m.reliable]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['a0', 0, 1n, true],
        ['a1', 1, 1n, true],
        ['b0', 0, 2n, true],
        ['c2', 2, 1n, false],
        ['', 1, 2n, true],
      ]),
    );
    expect(a.sockets.sendMessages([])).toEqual([]);
  });

  it('flushMessages sends what Nagle holds now', async () => {
    const { p, a, b, conn, incoming } = await pair();
    a.utils.setConfigValue('NagleTime', 20_000, { connection: conn });
    expect(a.sockets.sendMessage(conn, bytes('held'), SendFlags.Reliable).ok).toBe(true);
    // Only b pumps: a's Nagle timer never runs, so only an explicit flush sends it.
    const bOnly = async (ms: number) => {
      const got: ReturnType<typeof b.sockets.receiveMessages> & object = [];
      await p.until(
        () => {
          got.push(...(b.sockets.receiveMessages(incoming) ?? []));
          return false;
        },
        ms,
        [b],
      );
      return got;
    };
    expect(await bOnly(40)).toEqual([]);
    expect(a.sockets.flushMessages(conn)).toBe('ok');
    expect((await bOnly(100)).map((m) => text(m.data))).toEqual(['held']);
    expect(a.sockets.flushMessages(0 as NetConnection)).toBe('invalidParam');
  });

  it('lower-priority-number lanes go out first when a Nagle batch is sent', async () => {
    const { p, a, b, conn, incoming } = await pair();
    a.utils.setConfigValue('NagleTime', 20_000, { connection: conn });
    expect(a.sockets.configureConnectionLanes(conn, [{ priority: 5 }, { priority: 1 }])).toBe('ok');
    a.sockets.sendMessages([
      { connection: conn, data: bytes('slow lane'), lane: 0, flags: SendFlags.Unreliable },
      { connection: conn, data: bytes('fast lane'), lane: 1, flags: SendFlags.Unreliable },
    ]);
    expect(a.sockets.flushMessages(conn)).toBe('ok');
    const got = await receiveAll(p, b, incoming, 2);
    expect(got.map((m) => text(m.data))).toEqual(['fast lane', 'slow lane']);
  });

  it('configureConnectionLanes: never fewer, weights above 0, at most 255', async () => {
    const { a, conn } = await pair();
    expect(a.sockets.configureConnectionLanes(conn, [{}, {}, {}])).toBe('ok');
    expect(a.sockets.configureConnectionLanes(conn, [{}, {}])).toBe('invalidParam');
    expect(a.sockets.configureConnectionLanes(conn, [{}, {}, { weight: 0 }])).toBe('invalidParam');
    expect(a.sockets.configureConnectionLanes(0 as NetConnection, [{}])).toBe('noConnection');
    expect(() => a.sockets.configureConnectionLanes(conn, [])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => a.sockets.configureConnectionLanes(conn, new Array(256).fill({}))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
