// The in-memory fake's Sockets beyond the two conformance suites: the sockets backend's failure
// detail, its connections kept out of the typed API's events, the network's conditions (partitions,
// loss, removed peers) acting on Sockets connections, and the network's overrides of Steam's numbers.
import {
  type ConnectionStatusChange,
  type NetConnection,
  P2PSend,
  type P2PSessionFailDetail,
  SendFlags,
} from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { FakeSteamNetwork } from '../../src/index.js';
import { dec, enc, play, readAll, world } from './helpers.js';

/** Two peers with a typed Sockets connection a → b (b accepts every request on port 0). */
async function typedPair(net: FakeSteamNetwork) {
  const [a, b] = [net.createPeer(), net.createPeer()];
  b.sockets.createListenSocketP2P(0);
  let incoming = 0 as NetConnection;
  b.sockets.on('connectionStatusChanged', (c) => {
    if (c.info.state !== 'connecting' || c.info.listenSocket === null) return;
    incoming = c.connection;
    b.sockets.acceptConnection(c.connection);
  });
  const conn = a.sockets.connectP2P(b.localSteamId);
  await net.runUntil(() => {
    a.runCallbacks();
    b.runCallbacks();
    return a.sockets.getConnectionInfo(conn)?.state === 'connected';
  });
  return { a, b, conn, incoming };
}

describe('FakeSteamNetwork sockets backend', () => {
  it("a peer that never answers fails after TimeoutInitial with Steam's end reason in the detail", async () => {
    const net = new FakeSteamNetwork({ backend: 'sockets' });
    const a = net.createPeer();
    const fails: [bigint, number, P2PSessionFailDetail | undefined][] = [];
    a.on('sessionConnectFail', (remote, error, detail) => fails.push([remote, error, detail]));
    const absent = net.unusedSteamId();
    expect(a.sendP2PPacket(absent, enc('anyone?'), P2PSend.Reliable)).toBe(true);
    await play(net, 9_990);
    expect(fails).toEqual([]);
    await play(net, 20);
    expect(fails).toEqual([
      [
        absent,
        4,
        { endReason: 5003, endReasonName: 'Misc_Timeout', debug: 'Timed out attempting to connect' },
      ],
    ]);
    net.dispose();
  });

  it("its own connections never show up in the peer's typed Sockets events, which may listen on another port", async () => {
    const { net, peers } = world(2, { backend: 'sockets' });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    const seen: ConnectionStatusChange[] = [];
    a.sockets.on('connectionStatusChanged', (c) => seen.push(c));
    b.sockets.on('connectionStatusChanged', (c) => seen.push(c));
    a.sendP2PPacket(b.localSteamId, enc('over the backend'), P2PSend.Reliable);
    await play(net, 50);
    expect(readAll(b).map((p) => p.text)).toEqual(['over the backend']);
    expect(seen, 'the backend on port 0 is invisible').toEqual([]);
    b.sockets.createListenSocketP2P(9);
    a.sockets.connectP2P(b.localSteamId, 9);
    await play(net, 50);
    expect(seen.map((c) => c.info.state)).toContain('connecting');
    net.dispose();
  });

  it("the network's connect timeout applies through Steam's own TimeoutInitial", async () => {
    const net = new FakeSteamNetwork({ backend: 'sockets', connectTimeoutMs: 3000 });
    const a = net.createPeer();
    expect(a.utils.getConfigValue('TimeoutInitial')).toEqual({ value: 3000, inherited: false });
    expect(net.numbers('sockets').connectTimeoutMs).toBe(3000);
    let failedAt = -1;
    a.on('sessionConnectFail', () => {
      failedAt = net.clock.now();
    });
    const start = net.clock.now();
    a.sendP2PPacket(net.unusedSteamId(), enc('x'), P2PSend.Reliable);
    await play(net, 3_100, 5);
    expect(failedAt - start).toBeGreaterThanOrEqual(3000);
    expect(failedAt - start).toBeLessThanOrEqual(3010);
    net.dispose();
  });
});

describe('FakeSteamNetwork conditions on typed Sockets connections', () => {
  it('a partition ends a connection TimeoutConnected after the first unanswered packet', async () => {
    const net = new FakeSteamNetwork();
    const { a, b, conn } = await typedPair(net);
    net.partition([a.localSteamId], [b.localSteamId]);
    const start = net.clock.now();
    a.sockets.sendMessage(conn, enc('into the void'), SendFlags.ReliableNoNagle);
    await net.runUntil(
      () => {
        a.runCallbacks();
        return a.sockets.getConnectionInfo(conn)?.state === 'problemDetectedLocally';
      },
      { timeoutMs: 20_000, stepMs: 5 },
    );
    // The first unanswered packet may be a keepalive sent a round trip (10 ms) before the message.
    expect(net.clock.now() - start).toBeGreaterThanOrEqual(9_990);
    expect(net.clock.now() - start).toBeLessThanOrEqual(10_010);
    expect(a.sockets.getConnectionInfo(conn)).toMatchObject({ endReason: 5003, endDebug: 'Timed out' });
    net.dispose();
  });

  it('reliable messages all arrive, in order and once, over a link that loses a fifth of everything', async () => {
    const net = new FakeSteamNetwork({ seed: 7, conditions: { loss: 0.2, latencyMs: 20, jitterMs: 10 } });
    const { a, b, conn, incoming } = await typedPair(net);
    for (let i = 0; i < 200; i++) a.sockets.sendMessage(conn, enc(`m${i}`), SendFlags.ReliableNoNagle);
    const got: string[] = [];
    await net.runUntil(
      () => {
        for (const m of b.sockets.receiveMessages(incoming, 100) ?? []) got.push(dec(m.data));
        return got.length >= 200;
      },
      { timeoutMs: 30_000 },
    );
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    net.dispose();
  });

  it("a removed peer's connections vanish without a word: the other end times out", async () => {
    const net = new FakeSteamNetwork();
    const { a, b, conn } = await typedPair(net);
    net.removePeer(b.localSteamId);
    a.sockets.sendMessage(conn, enc('hello?'), SendFlags.ReliableNoNagle);
    await play(net, 9_000);
    expect(a.sockets.getConnectionInfo(conn)?.state).toBe('connected');
    await play(net, 1_100);
    expect(a.sockets.getConnectionInfo(conn)?.state).toBe('problemDetectedLocally');
    net.dispose();
  });
});
