// Every call of the typed ISteamNetworkingSockets API (`session.sockets`), over the real koffi binding
// and the native fake, with the answers STEAM_API.md §15 documents.
import {
  type ConnectionStatusChange,
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

/** Two peers, `a` connected to `b`'s listen socket on port 0, every status change recorded. */
async function connectedPair() {
  group = peers(2);
  const p = group;
  const [a, b] = p.sessions as [SteamSession, SteamSession];
  const changes: [ConnectionStatusChange[], ConnectionStatusChange[]] = [[], []];
  a.sockets.on('connectionStatusChanged', (c) => changes[0].push(c));
  b.sockets.on('connectionStatusChanged', (c) => changes[1].push(c));
  const listen = b.sockets.createListenSocketP2P(0);
  const conn = a.sockets.connectP2P(b.localSteamId, 0);
  const incomingOf = () =>
    changes[1].find((c) => c.info.state === 'connecting' && c.info.listenSocket === listen);
  expect(await p.until(() => incomingOf() !== undefined)).toBe(true);
  const incoming = incomingOf()!.connection;
  expect(b.sockets.acceptConnection(incoming)).toBe('ok');
  const up = () => changes[0].some((c) => c.connection === conn && c.info.state === 'connected');
  expect(await p.until(up)).toBe(true);
  return { p, a, b, conn, incoming, listen, changes };
}

async function receiveAll(p: Peers, s: SteamSession, conn: NetConnection, count: number) {
  const got: ReturnType<SteamSession['sockets']['receiveMessages']> & object = [];
  await p.until(() => {
    got.push(...(s.sockets.receiveMessages(conn) ?? []));
    return got.length >= count;
  });
  return got;
}

describe('typed Sockets API over the native fake: connections', () => {
  it('connects, with the status changes of §15.4 on both sides', async () => {
    const { a, b, conn, incoming, listen, changes } = await connectedPair();
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
    const { a, b, conn, incoming } = await connectedPair();
    expect(b.sockets.acceptConnection(incoming)).toBe('invalidState');
    expect(a.sockets.acceptConnection(conn)).toBe('invalidParam');
    expect(a.sockets.acceptConnection(12345 as NetConnection)).toBe('invalidParam');
  });

  it('createListenSocketP2P refuses a port already listened on; closeListenSocket ends its connections', async () => {
    const { p, b, incoming, listen } = await connectedPair();
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
    const { p, a, b, conn, incoming, changes } = await connectedPair();
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
    const second = await connectedPair();
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
    const { p, a, b, conn, incoming } = await connectedPair();
    b.utils.setConfigValue('NagleTime', 20_000, { connection: incoming });
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const m of sent) expect(b.sockets.sendMessage(incoming, bytes(m), SendFlags.Reliable).ok).toBe(true);
    expect(b.sockets.closeConnection(incoming, 1000, 'done', true)).toBe(true);
    const got = await receiveAll(p, a, conn, sent.length);
    expect(got.map((m) => text(m.data))).toEqual(sent);
    expect(await p.until(() => a.sockets.getConnectionInfo(conn)?.state === 'closedByPeer')).toBe(true);
  });

  it('connection user data and names', async () => {
    const { p, a, b, conn, incoming } = await connectedPair();
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
    const { p, a, b, conn, incoming } = await connectedPair();
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
    const { p, a, b, conn, incoming } = await connectedPair();
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
    const { p, a, b, conn, incoming } = await connectedPair();
    a.utils.setConfigValue('NagleTime', 20_000, { connection: conn });
    expect(a.sockets.sendMessage(conn, bytes('held'), SendFlags.Reliable).ok).toBe(true);
    // Only b pumps: a's Nagle timer never runs, so only an explicit flush sends it.
    const bOnly = async (ms: number) => {
      const got = [];
      const end = performance.now() + ms;
      while (performance.now() < end) {
        got.push(...(b.sockets.receiveMessages(incoming) ?? []));
        await new Promise((r) => setTimeout(r, 1));
      }
      return got;
    };
    expect(await bOnly(40)).toEqual([]);
    expect(a.sockets.flushMessages(conn)).toBe('ok');
    expect((await bOnly(100)).map((m) => text(m.data))).toEqual(['held']);
    expect(a.sockets.flushMessages(0 as NetConnection)).toBe('invalidParam');
    void p;
  });

  it('lower-priority-number lanes go out first when a Nagle batch is sent', async () => {
    const { p, a, b, conn, incoming } = await connectedPair();
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
    const { a, conn } = await connectedPair();
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

describe('typed Sockets API over the native fake: status, poll groups, identity', () => {
  it('getRealTimeStatus: ping and quality once measured, lanes up to the configured count', async () => {
    const { p, a, conn } = await connectedPair();
    expect(await p.until(() => (a.sockets.getRealTimeStatus(conn)?.status.ping ?? -1) >= 0)).toBe(true);
    const { status, lanes } = a.sockets.getRealTimeStatus(conn)!;
    expect(status).toMatchObject({
      state: 'connected',
      qualityLocal: 1,
      pendingReliable: 0,
      sentUnackedReliable: 0,
    });
    expect(status.sendRateBytesPerSecond).toBe(262_144);
    expect(lanes).toEqual([]);
    expect(() => a.sockets.getRealTimeStatus(conn, 2)).toThrow(
      expect.objectContaining({ code: 'INVALID_LANE_COUNT' }),
    );
    a.sockets.configureConnectionLanes(conn, [{}, {}]);
    expect(a.sockets.getRealTimeStatus(conn, 2)!.lanes).toHaveLength(2);
    expect(a.sockets.getRealTimeStatus(0 as NetConnection)).toBeNull();
    expect(a.sockets.getDetailedConnectionStatus(conn)).toMatch(/^Connection #\d+ to steamid:/);
    expect(a.sockets.getDetailedConnectionStatus(0 as NetConnection)).toBeNull();
  });

  it('queued bytes show in the status while the peer does not acknowledge', async () => {
    const { p, a, b, conn } = await connectedPair();
    b.utils.setConfigValue('FakePacketLoss_Recv', 100);
    a.sockets.sendMessage(conn, new Uint8Array(5000), SendFlags.ReliableNoNagle);
    const { status } = a.sockets.getRealTimeStatus(conn)!;
    expect(status.pendingReliable + status.sentUnackedReliable).toBe(5000);
    b.utils.setConfigValue('FakePacketLoss_Recv', null);
    expect(await p.until(() => a.sockets.getRealTimeStatus(conn)!.status.sentUnackedReliable === 0)).toBe(
      true,
    );
  });

  it('poll groups: one receive reads every member; destroying one leaves members connected', async () => {
    group = peers(3);
    const p = group;
    const [host, c1, c2] = p.sessions as [SteamSession, SteamSession, SteamSession];
    host.sockets.createListenSocketP2P(0);
    const poll = host.sockets.createPollGroup();
    const incoming: NetConnection[] = [];
    host.sockets.on('connectionStatusChanged', (c) => {
      if (c.info.state === 'connecting' && c.info.listenSocket !== null) {
        expect(host.sockets.setConnectionPollGroup(c.connection, poll)).toBe(true);
        host.sockets.acceptConnection(c.connection);
        incoming.push(c.connection);
      }
    });
    const k1 = c1.sockets.connectP2P(host.localSteamId);
    const k2 = c2.sockets.connectP2P(host.localSteamId);
    expect(
      await p.until(
        () =>
          c1.sockets.getConnectionInfo(k1)?.state === 'connected' &&
          c2.sockets.getConnectionInfo(k2)?.state === 'connected',
      ),
    ).toBe(true);
    c1.sockets.sendMessage(k1, bytes('from 1'));
    c2.sockets.sendMessage(k2, bytes('from 2'));
    const got: string[] = [];
    await p.until(() => {
      for (const m of host.sockets.receiveMessagesOnPollGroup(poll) ?? [])
        got.push(`${m.remote === c1.localSteamId ? 1 : 2}:${text(m.data)}`);
      return got.length >= 2;
    });
    expect(got.sort()).toEqual(['1:from 1', '2:from 2']);
    expect(host.sockets.setConnectionPollGroup(incoming[0]!, null)).toBe(true);
    c1.sockets.sendMessage(k1, bytes('direct'));
    expect(await p.until(() => (host.sockets.receiveMessages(incoming[0]!) ?? []).length > 0)).toBe(true);
    expect(host.sockets.destroyPollGroup(poll)).toBe(true);
    expect(host.sockets.destroyPollGroup(poll)).toBe(false);
    expect(host.sockets.receiveMessagesOnPollGroup(poll)).toBeNull();
    expect(host.sockets.getConnectionInfo(incoming[1]!)!.state).toBe('connected');
    expect(host.sockets.setConnectionPollGroup(incoming[1]!, poll)).toBe(false);
  });

  it('createSocketPair gives two connected ends and no status changes', async () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    const changes: ConnectionStatusChange[] = [];
    s.sockets.on('connectionStatusChanged', (c) => changes.push(c));
    const [x, y] = s.sockets.createSocketPair();
    expect(s.sockets.getConnectionInfo(x)!.state).toBe('connected');
    expect(s.sockets.sendMessage(x, bytes('pair')).ok).toBe(true);
    const got = await receiveAll(group, s, y, 1);
    expect(got.map((m) => text(m.data))).toEqual(['pair']);
    expect(changes).toEqual([]);
  });

  it('getIdentity is the local SteamID; authentication goes attempting → current with an event', async () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    expect(s.sockets.getIdentity()).toBe(s.localSteamId);
    expect(s.sockets.getAuthenticationStatus().availability).toBe('neverTried');
    const seen: string[] = [];
    s.sockets.on('authenticationStatusChanged', (st) => seen.push(st.availability));
    expect(s.sockets.initAuthentication()).toBe('attempting');
    expect(await group.until(() => s.sockets.getAuthenticationStatus().availability === 'current')).toBe(
      true,
    );
    expect(await group.until(() => seen.includes('current'))).toBe(true);
    expect(seen[0]).toBe('attempting');
  });

  it('events come only from runCallbacks; after shutdown every call throws NOT_INITIALIZED', async () => {
    group = peers(2);
    const [a, b] = group.sessions as [SteamSession, SteamSession];
    const changes: ConnectionStatusChange[] = [];
    a.sockets.on('connectionStatusChanged', (c) => changes.push(c));
    b.sockets.createListenSocketP2P(0);
    a.sockets.connectP2P(b.localSteamId);
    expect(changes).toEqual([]);
    a.sockets.runCallbacks();
    expect(changes.map((c) => c.info.state)).toEqual(['connecting']);
    expect(() => a.sockets.runCallbacks()).not.toThrow();
    a.shutdown();
    expect(() => a.sockets.connectP2P(b.localSteamId)).toThrow(
      expect.objectContaining({ code: 'NOT_INITIALIZED' }),
    );
  });
});
