import {
  InvalidSteamIdError,
  LEGACY_P2P_LIMITS,
  P2PSend,
  P2PSessionError,
  type SteamId,
} from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import {
  DuplicatePeerError,
  FakeSteamNetwork,
  InvalidLinkConditionsError,
  NetworkDisposedError,
  UnknownPeerError,
  VirtualClock,
} from '../../src/index.js';
import { connect, dec, enc, play, readAll, world } from './helpers.js';

const MiB = 1024 * 1024;

/** Advances 1 ms at a time and records when each packet for `peer` became readable. */
async function arrivalTimes(
  net: FakeSteamNetwork,
  read: () => string[],
  untilMs: number,
): Promise<{ at: number; text: string }[]> {
  const start = net.clock.now();
  const out: { at: number; text: string }[] = [];
  while (net.clock.now() - start < untilMs) {
    await net.advance(1);
    for (const text of read()) out.push({ at: net.clock.now() - start, text });
  }
  return out;
}

describe('FakeSteamNetwork: peers', () => {
  it('hands out distinct, valid individual SteamID64s and takes chosen ones', () => {
    const net = new FakeSteamNetwork();
    const a = net.createPeer();
    const b = net.createPeer();
    expect(a.localSteamId).not.toBe(b.localSteamId);
    expect(a.limits).toEqual(LEGACY_P2P_LIMITS);
    for (const id of [a.localSteamId, b.localSteamId]) expect(id >> 32n).toBe(0x01100001n);
    const chosen = net.createPeer(76561197960287930n);
    expect(chosen.localSteamId).toBe(76561197960287930n);
    expect(net.getPeer(76561197960287930n)).toBe(chosen);
    expect(net.peers).toEqual([a, b, chosen]);
    expect(() => net.createPeer(76561197960287930n)).toThrow(DuplicatePeerError);
    expect(() => net.createPeer(5n)).toThrow(InvalidSteamIdError);
    const unused = net.unusedSteamId();
    for (let i = 0; i < 5; i++) expect(net.createPeer().localSteamId).not.toBe(unused);
    net.dispose();
  });

  it('refuses out-of-range options with typed errors', () => {
    expect(() => new FakeSteamNetwork({ connectTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new FakeSteamNetwork({ sessionRequestRepostMs: -5 })).toThrow(
      expect.objectContaining({ argument: 'sessionRequestRepostMs' }),
    );
    expect(() => new FakeSteamNetwork({ maxQueuedBytesPerPeer: 1000 })).toThrow(
      expect.objectContaining({ argument: 'maxQueuedBytesPerPeer' }),
    );
    expect(() => new FakeSteamNetwork({ conditions: { loss: 2 } })).toThrow(InvalidLinkConditionsError);
    expect(() => new FakeSteamNetwork({ clock: new VirtualClock(), realTime: false })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new FakeSteamNetwork({ seed: 0.5 })).toThrow(expect.objectContaining({ argument: 'seed' }));
  });

  it('runs on a clock it is given', async () => {
    const clock = new VirtualClock(500);
    const net = new FakeSteamNetwork({ clock });
    expect(net.clock).toBe(clock);
    await net.advance(10);
    expect(clock.now()).toBe(510);
    net.dispose();
  });

  it('throws UnknownPeerError for a peer it does not have', () => {
    const net = new FakeSteamNetwork();
    expect(() => net.setOnline(76561197960287930n, false)).toThrow(UnknownPeerError);
    expect(() => net.removePeer(76561197960287930n)).toThrow(UnknownPeerError);
    net.dispose();
  });

  it('after dispose: no timer left, and using it throws NetworkDisposedError', () => {
    const { net, peers } = world(2);
    const [a, b] = peers as [ReturnType<typeof net.createPeer>, ReturnType<typeof net.createPeer>];
    a.sendP2PPacket(b.localSteamId, enc('x'), P2PSend.Reliable);
    const clock = net.clock as VirtualClock;
    expect(clock.pendingTimers).toBeGreaterThan(0);
    net.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(() => net.createPeer()).toThrow(NetworkDisposedError);
    expect(() => a.sendP2PPacket(b.localSteamId, enc('x'), P2PSend.Reliable)).toThrow(NetworkDisposedError);
    expect(() => a.runCallbacks()).not.toThrow();
    net.dispose(); // twice is fine
  });
});

describe('FakeSteamNetwork: link conditions', () => {
  it('makes a packet readable after the link latency, not before', async () => {
    const { net, peers } = world(2, { conditions: { latencyMs: 100 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    a.sendP2PPacket(b.localSteamId, enc('ping'), P2PSend.Unreliable);
    await net.advance(99);
    expect(b.getAvailableP2PPacketSize(0)).toBeNull();
    await net.advance(1);
    expect(readAll(b)).toEqual([{ from: a.localSteamId, text: 'ping' }]);
    net.dispose();
  });

  it('spreads arrivals over latency + [0, jitter]', async () => {
    const { net, peers } = world(2, { conditions: { latencyMs: 50, jitterMs: 20 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    for (let i = 0; i < 200; i++) a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Unreliable);
    const times = await arrivalTimes(net, () => readAll(b).map((p) => p.text), 80);
    expect(times).toHaveLength(200);
    for (const { at } of times) expect(at >= 50 && at <= 71).toBe(true);
    expect(new Set(times.map((t) => t.at)).size).toBeGreaterThan(10);
    net.dispose();
  });

  it('loses unreliable packets at about the loss rate and counts them', async () => {
    const { net, peers } = world(2, { conditions: { loss: 0.3 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    const before = net.stats;
    // In rounds of 500, read in between: the receive buffer holds 1000 packets per sender.
    let got = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 500; i++) a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Unreliable);
      await net.advance(100);
      got += readAll(b).length;
    }
    expect(got).toBeGreaterThan(2000 * 0.62);
    expect(got).toBeLessThan(2000 * 0.78);
    const after = net.stats;
    expect(after.dropped.loss - before.dropped.loss).toBe(2000 - got);
    net.dispose();
  });

  it('delivers every reliable packet in order on a lossy link, the losses showing as extra delay', async () => {
    const { net, peers } = world(2, { conditions: { latencyMs: 20, loss: 0.3 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    for (let i = 0; i < 200; i++) a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Reliable, 3);
    const times = await arrivalTimes(net, () => readAll(b, 3).map((p) => p.text), 1000);
    expect(times.map((t) => t.text)).toEqual(Array.from({ length: 200 }, (_, i) => `${i}`));
    expect(times.at(-1)!.at).toBeGreaterThan(60); // at least one retransmission (each adds ~40 ms)
    expect(net.stats.retransmitted).toBeGreaterThan(0);
    net.dispose();
  });

  it('duplicates unreliable packets but never reliable ones', async () => {
    const { net, peers } = world(2, { conditions: { duplicate: 1 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    for (let i = 0; i < 10; i++) {
      a.sendP2PPacket(b.localSteamId, enc(`u${i}`), P2PSend.Unreliable, 1);
      a.sendP2PPacket(b.localSteamId, enc(`r${i}`), P2PSend.Reliable, 2);
    }
    await net.advance(50);
    const unreliable = readAll(b, 1).map((p) => p.text);
    expect(unreliable).toHaveLength(20);
    expect(new Set(unreliable).size).toBe(10);
    expect(readAll(b, 2).map((p) => p.text)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(net.stats.duplicated).toBe(10);
    net.dispose();
  });

  it('reorders unreliable packets but keeps reliable ones in order', async () => {
    const { net, peers } = world(2, { conditions: { latencyMs: 20, reorder: 0.5 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    for (let i = 0; i < 50; i++) {
      a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Unreliable, 1);
      a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Reliable, 2);
      await net.advance(1);
    }
    await net.advance(200);
    const unreliable = readAll(b, 1).map((p) => Number(p.text));
    expect(unreliable).toHaveLength(50);
    expect(unreliable).not.toEqual([...unreliable].sort((x, y) => x - y));
    expect(readAll(b, 2).map((p) => Number(p.text))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    net.dispose();
  });

  it('applies per-link overrides one way or both ways', async () => {
    const { net, peers } = world(3);
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];
    net.setLinkConditions(a.localSteamId, b.localSteamId, { latencyMs: 200 }, { bothWays: false });
    net.setLinkConditions(a.localSteamId, c.localSteamId, { latencyMs: 70 });
    expect(net.linkConditions(a.localSteamId, b.localSteamId).latencyMs).toBe(200);
    expect(net.linkConditions(b.localSteamId, a.localSteamId).latencyMs).toBe(5);
    expect(net.linkConditions(c.localSteamId, a.localSteamId).latencyMs).toBe(70);
    await connect(net, b, a);
    a.sendP2PPacket(b.localSteamId, enc('slow'), P2PSend.Reliable);
    b.sendP2PPacket(a.localSteamId, enc('fast'), P2PSend.Reliable);
    await net.advance(10);
    expect(readAll(a).map((p) => p.text)).toEqual(['fast']);
    await net.advance(185);
    expect(readAll(b)).toEqual([]);
    await net.advance(5);
    expect(readAll(b).map((p) => p.text)).toEqual(['slow']);
    net.setLinkConditions(a.localSteamId, b.localSteamId, null, { bothWays: false });
    expect(net.linkConditions(a.localSteamId, b.localSteamId).latencyMs).toBe(5);
    expect(() => net.setLinkConditions(a.localSteamId, b.localSteamId, { jitterMs: -1 })).toThrow(
      InvalidLinkConditionsError,
    );
    net.dispose();
  });

  it('changes network-wide conditions for traffic sent afterwards', async () => {
    const { net, peers } = world(2);
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    net.setConditions({ latencyMs: 300 });
    expect(net.conditions.latencyMs).toBe(300);
    a.sendP2PPacket(b.localSteamId, enc('late'), P2PSend.Reliable);
    await net.advance(299);
    expect(readAll(b)).toEqual([]);
    await net.advance(1);
    expect(readAll(b).map((p) => p.text)).toEqual(['late']);
    net.dispose();
  });
});

describe('FakeSteamNetwork: bandwidth cap and session state', () => {
  it('queues bytes sent faster than the cap, reports them, and drains at the cap', async () => {
    const { net, peers } = world(2, { conditions: { bandwidthBytesPerSec: 10_000 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    await net.advance(1000); // let the hello's own budget pass
    for (let i = 0; i < 50; i++)
      a.sendP2PPacket(b.localSteamId, new Uint8Array(1000).fill(i), P2PSend.Reliable);
    const s0 = a.getP2PSessionState(b.localSteamId)!;
    expect(s0.bytesQueuedForSend).toBe(50_000);
    expect(s0.packetsQueuedForSend).toBe(50);
    await net.advance(1000);
    const s1 = a.getP2PSessionState(b.localSteamId)!;
    expect(s1.bytesQueuedForSend).toBeGreaterThanOrEqual(38_000);
    expect(s1.bytesQueuedForSend).toBeLessThanOrEqual(40_000);
    const delivered = readAll(b).length;
    expect(delivered).toBeGreaterThanOrEqual(9);
    expect(delivered).toBeLessThanOrEqual(11);
    await net.advance(4100);
    expect(readAll(b)).toHaveLength(50 - delivered);
    expect(a.getP2PSessionState(b.localSteamId)).toMatchObject({
      bytesQueuedForSend: 0,
      packetsQueuedForSend: 0,
    });
    net.dispose();
  });

  it('reports 127.0.0.1 and a port per peer when direct', async () => {
    const { net, peers } = world(3);
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    await connect(net, a, c);
    const toB = a.getP2PSessionState(b.localSteamId)!;
    const toC = a.getP2PSessionState(c.localSteamId)!;
    expect(toB).toMatchObject({ connectionActive: true, usingRelay: false, remoteIp: 0x7f000001 });
    expect(toB.remotePort).toBeGreaterThan(0);
    expect(toC.remotePort).toBeGreaterThan(0);
    expect(toB.remotePort).not.toBe(toC.remotePort);
    net.dispose();
  });

  it('uses the relay on a relay-only link when allowed (no IP), and times out when forbidden', async () => {
    const { net, peers } = world(3);
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];
    net.setLinkConditions(a.localSteamId, b.localSteamId, { relayOnly: true, relayLatencyMs: 30 });
    net.setLinkConditions(a.localSteamId, c.localSteamId, { relayOnly: true });
    await connect(net, a, b);
    expect(a.getP2PSessionState(b.localSteamId)).toMatchObject({
      connectionActive: true,
      usingRelay: true,
      remoteIp: 0,
      remotePort: 0,
    });
    // Relay latency adds to the link latency.
    a.sendP2PPacket(b.localSteamId, enc('via relay'), P2PSend.Reliable);
    await net.advance(34);
    expect(readAll(b)).toEqual([]);
    await net.advance(1);
    expect(readAll(b).map((p) => p.text)).toEqual(['via relay']);

    // Forbidding the relay affects new sessions only: a-b keeps working, a-c cannot connect.
    const fails: [SteamId, number][] = [];
    a.on('sessionConnectFail', (id, error) => fails.push([id, error]));
    a.allowP2PPacketRelay(false);
    a.sendP2PPacket(b.localSteamId, enc('still relayed'), P2PSend.Reliable);
    a.sendP2PPacket(c.localSteamId, enc('blocked'), P2PSend.Reliable);
    await play(net, 21_000, 500);
    expect(readAll(b).map((p) => p.text)).toEqual(['still relayed']);
    expect(readAll(c)).toEqual([]);
    expect(fails).toEqual([[c.localSteamId, P2PSessionError.Timeout]]);
    net.dispose();
  });

  it('refuses sends past the per-peer queue cap with limitExceeded', async () => {
    const net = new FakeSteamNetwork();
    const a = net.createPeer();
    const absent = net.unusedSteamId();
    const mib = new Uint8Array(MiB);
    for (let i = 0; i < 4; i++) expect(a.sendP2PPacket(absent, mib, P2PSend.Reliable)).toBe(true);
    expect(a.getP2PSessionState(absent)).toMatchObject({
      bytesQueuedForSend: 4 * MiB,
      packetsQueuedForSend: 4,
    });
    expect(a.sendP2PPacket(absent, new Uint8Array(1), P2PSend.Reliable)).toBe(false);
    expect(a.lastSendFailure).toEqual({ reason: 'limitExceeded' });
    expect(net.stats.rejected.limitExceeded).toBe(1);
    // The failed session drops its queue, and sending works again.
    await net.advance(20_000);
    expect(net.stats.dropped.connectFailed).toBe(4);
    expect(a.sendP2PPacket(absent, new Uint8Array(1), P2PSend.Reliable)).toBe(true);
    expect(a.getP2PSessionState(absent)).toMatchObject({
      connecting: true,
      sessionError: P2PSessionError.Timeout,
    });
    net.dispose();
  });
});

describe('FakeSteamNetwork: partitions, offline and removed peers', () => {
  it('holds traffic across a short partition and delivers it after heal', async () => {
    const { net, peers } = world(3);
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    await connect(net, c, b);
    net.partition([a.localSteamId], [b.localSteamId, 76561197960287930n]);
    a.sendP2PPacket(b.localSteamId, enc('reliable'), P2PSend.Reliable);
    a.sendP2PPacket(b.localSteamId, enc('unreliable'), P2PSend.Unreliable);
    c.sendP2PPacket(b.localSteamId, enc('from c'), P2PSend.Reliable);
    await play(net, 2000, 50);
    expect(readAll(b).map((p) => p.text)).toEqual(['from c']);
    net.heal();
    await play(net, 200, 10);
    // The reliable packet was retransmitted until it got through; the unreliable one was lost.
    expect(readAll(b)).toEqual([{ from: a.localSteamId, text: 'reliable' }]);
    expect(net.stats.dropped.unreachable).toBe(1);
    net.dispose();
  });

  it('fails a session with Timeout when a partition outlasts the connect timeout', async () => {
    const { net, peers } = world(2, { connectTimeoutMs: 5000 });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    const fails: SteamId[] = [];
    a.on('sessionConnectFail', (id) => fails.push(id));
    net.partition([a.localSteamId], [b.localSteamId]);
    a.sendP2PPacket(b.localSteamId, enc('never'), P2PSend.Reliable);
    await play(net, 4900, 100);
    expect(fails).toEqual([]);
    expect(a.getP2PSessionState(b.localSteamId)).toMatchObject({ connecting: true, packetsQueuedForSend: 1 });
    await play(net, 200, 100);
    expect(fails).toEqual([b.localSteamId]);
    expect(a.getP2PSessionState(b.localSteamId)).toMatchObject({
      connecting: false,
      packetsQueuedForSend: 0,
    });
    net.heal();
    await play(net, 1000, 100);
    expect(readAll(b)).toEqual([]); // the queued packet was dropped with the failed session
    net.dispose();
  });

  it('makes an offline peer vanish both ways, and recover if it comes back in time', async () => {
    const { net, peers } = world(2);
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    await connect(net, b, a);
    net.setOnline(b.localSteamId, false);
    expect(net.isOnline(b.localSteamId)).toBe(false);
    a.sendP2PPacket(b.localSteamId, enc('lost'), P2PSend.Unreliable);
    a.sendP2PPacket(b.localSteamId, enc('kept'), P2PSend.Reliable);
    b.sendP2PPacket(a.localSteamId, enc('from the void'), P2PSend.Unreliable);
    await play(net, 3000, 100);
    expect(readAll(b)).toEqual([]);
    expect(readAll(a)).toEqual([]);
    net.setOnline(b.localSteamId, true);
    await play(net, 200, 10);
    expect(readAll(b).map((p) => p.text)).toEqual(['kept']);
    expect(net.stats.dropped.unreachable).toBe(2);
    net.dispose();
  });

  it('raises connect-fail on the other side when a peer stays offline past the timeout', async () => {
    const { net, peers } = world(2, { connectTimeoutMs: 3000 });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    const fails: SteamId[] = [];
    a.on('sessionConnectFail', (id) => fails.push(id));
    net.setOnline(b.localSteamId, false);
    a.sendP2PPacket(b.localSteamId, enc('anyone?'), P2PSend.Reliable);
    await play(net, 3500, 100);
    expect(fails).toEqual([b.localSteamId]);
    expect(a.getP2PSessionState(b.localSteamId)).toMatchObject({
      connectionActive: false,
      sessionError: P2PSessionError.Timeout,
    });
    net.dispose();
  });

  it('keeps an idle connected session alive while both peers are reachable', async () => {
    const { net, peers } = world(2, { connectTimeoutMs: 1000, conditions: { loss: 0.5 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    const fails: SteamId[] = [];
    a.on('sessionConnectFail', (id) => fails.push(id));
    // Unreliable packets that may all be lost: the session must not be declared dead for it.
    for (let i = 0; i < 5; i++) a.sendP2PPacket(b.localSteamId, enc('maybe'), P2PSend.Unreliable);
    await play(net, 5000, 100);
    expect(fails).toEqual([]);
    expect(a.getP2PSessionState(b.localSteamId)?.connectionActive).toBe(true);
    net.dispose();
  });

  it('removes a peer for good; others time out, and its SteamID can come back as a new peer', async () => {
    const { net, peers } = world(2, { connectTimeoutMs: 2000 });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    const bId = b.localSteamId;
    await connect(net, a, b);
    const fails: SteamId[] = [];
    a.on('sessionConnectFail', (id) => fails.push(id));
    net.removePeer(bId);
    expect(net.getPeer(bId)).toBeUndefined();
    a.sendP2PPacket(bId, enc('hello?'), P2PSend.Reliable);
    await play(net, 2500, 100);
    expect(fails).toEqual([bId]);
    // The same user restarts the game: a new peer, no session, so a's next packet is a request.
    const again = net.createPeer(bId);
    const requests: SteamId[] = [];
    again.on('sessionRequest', (id) => requests.push(id));
    a.sendP2PPacket(bId, enc('welcome back'), P2PSend.Reliable);
    await play(net, 100, 10);
    expect(requests).toEqual([a.localSteamId]);
    again.acceptP2PSessionWithUser(a.localSteamId);
    expect(readAll(again).map((p) => p.text)).toEqual(['welcome back']);
    net.dispose();
  });
});

describe('FakeSteamNetwork: Steam session rules', () => {
  it('re-posts the session request every sessionRequestRepostMs while the peer keeps sending', async () => {
    const net = new FakeSteamNetwork({ sessionRequestRepostMs: 300 });
    const a = net.createPeer();
    const b = net.createPeer();
    const requests: number[] = [];
    a.on('sessionRequest', () => requests.push(net.clock.now()));
    for (let t = 0; t < 1000; t += 50) {
      b.sendP2PPacket(a.localSteamId, enc('knock'), P2PSend.Reliable);
      await net.advance(50);
      a.runCallbacks();
    }
    // Arrivals at 5, 55, 105, …; requests at the first arrival 300 ms or more after the last one.
    expect(requests).toEqual([50, 350, 650, 950]);
    net.dispose();
  });

  it('counts held packets that expire unaccepted, and no-delay packets dropped before connecting', async () => {
    const net = new FakeSteamNetwork({ unacceptedDropMs: 1000 });
    const a = net.createPeer();
    const b = net.createPeer();
    b.sendP2PPacket(a.localSteamId, enc('1'), P2PSend.Reliable);
    b.sendP2PPacket(a.localSteamId, enc('2'), P2PSend.Unreliable);
    expect(b.sendP2PPacket(a.localSteamId, enc('3'), P2PSend.UnreliableNoDelay)).toBe(true);
    await net.advance(1004);
    expect(net.stats.dropped.unacceptedTimeout).toBe(0);
    await net.advance(1);
    expect(net.stats.dropped).toMatchObject({ unacceptedTimeout: 2, notConnected: 1 });
    a.acceptP2PSessionWithUser(b.localSteamId);
    expect(readAll(a)).toEqual([]);
    net.dispose();
  });

  it('closing one channel drops only that channel; the session stays', async () => {
    const { net, peers } = world(2);
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    a.sendP2PPacket(b.localSteamId, enc('keep'), P2PSend.Reliable, 0);
    a.sendP2PPacket(b.localSteamId, enc('drop'), P2PSend.Reliable, 1);
    await net.advance(20);
    expect(b.closeP2PChannelWithUser(a.localSteamId, 1)).toBe(true);
    expect(b.closeP2PChannelWithUser(a.localSteamId, 1)).toBe(false);
    expect(readAll(b, 1)).toEqual([]);
    expect(readAll(b, 0).map((p) => p.text)).toEqual(['keep']);
    expect(b.getP2PSessionState(a.localSteamId)?.connectionActive).toBe(true);
    expect(net.stats.discardedUnread).toBe(1);
    net.dispose();
  });

  it('closing a session on the sender drops what it had not yet delivered', async () => {
    const { net, peers } = world(2, { conditions: { latencyMs: 100 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    a.sendP2PPacket(b.localSteamId, enc('in flight'), P2PSend.Reliable);
    a.sendP2PPacket(b.localSteamId, enc('in flight too'), P2PSend.Unreliable);
    await net.advance(50);
    expect(a.closeP2PSessionWithUser(b.localSteamId)).toBe(true);
    expect(a.getP2PSessionState(b.localSteamId)).toBeNull();
    await play(net, 300, 10);
    expect(readAll(b)).toEqual([]);
    expect(net.stats.dropped.sessionClosed).toBe(2);
    net.dispose();
  });

  it('fires events only from runCallbacks, never inside a send', async () => {
    const net = new FakeSteamNetwork({ connectTimeoutMs: 100 });
    const a = net.createPeer();
    const b = net.createPeer();
    const log: string[] = [];
    a.on('sessionRequest', () => log.push('request'));
    b.on('sessionConnectFail', () => log.push('fail'));
    b.sendP2PPacket(a.localSteamId, enc('x'), P2PSend.Reliable);
    await net.advance(500);
    // By now a has a pending request and b's unanswered session has failed, yet nothing fired.
    a.sendP2PPacket(b.localSteamId, enc('y'), P2PSend.Reliable);
    b.sendP2PPacket(a.localSteamId, enc('z'), P2PSend.Reliable);
    expect(log).toEqual([]);
    a.runCallbacks();
    expect(log).toEqual(['request']);
    b.runCallbacks();
    expect(log).toEqual(['request', 'fail']);
    b.runCallbacks();
    expect(log).toEqual(['request', 'fail']);
    net.dispose();
  });

  it('keeps every count consistent: sent + duplicated = delivered + dropped once traffic settles', async () => {
    const { net, peers } = world(3, { seed: 3, conditions: { loss: 0.2, duplicate: 0.2, jitterMs: 30 } });
    for (let i = 0; i < 300; i++) {
      const from = peers[i % 3]!;
      const to = peers[(i + 1) % 3]!;
      from.sendP2PPacket(to.localSteamId, enc(`${i}`), (i % 4) as P2PSend, i % 2);
      if (i % 10 === 0) await play(net, 20, 10);
    }
    await play(net, 2000, 50);
    const s = net.stats;
    const dropped = Object.values(s.dropped).reduce((x, y) => x + y, 0);
    expect(s.sent + s.duplicated).toBe(s.delivered + dropped);
    expect(s.bytesDelivered).toBeGreaterThan(0);
    net.dispose();
  });
});

describe('FakeSteamNetwork: determinism', () => {
  async function trace(seed: number): Promise<string[]> {
    const { net, peers } = world(3, {
      seed,
      conditions: { latencyMs: 30, jitterMs: 25, loss: 0.2, duplicate: 0.1, reorder: 0.2 },
    });
    const out: string[] = [];
    for (let tick = 0; tick < 60; tick++) {
      for (const [i, from] of peers.entries()) {
        const to = peers[(i + 1) % 3]!;
        from.sendP2PPacket(to.localSteamId, enc(`${i}:${tick}`), (tick % 4) as P2PSend, tick % 3);
      }
      await net.advance(7);
      for (const peer of peers) {
        peer.runCallbacks();
        for (const ch of [0, 1, 2]) {
          for (const p of readAll(peer, ch)) out.push(`${net.clock.now()} ${ch} ${p.from} ${p.text}`);
        }
      }
    }
    net.dispose();
    return out;
  }

  it('gives the same delivery trace for the same seed, and another for another seed', async () => {
    const first = await trace(11);
    expect(first.length).toBeGreaterThan(50);
    expect(await trace(11)).toEqual(first);
    expect(await trace(12)).not.toEqual(first);
  });
});

describe('FakeSteamNetwork: copies', () => {
  it('gives each reader its own bytes, even for duplicated packets', async () => {
    const { net, peers } = world(2, { conditions: { duplicate: 1 } });
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    await connect(net, a, b);
    a.sendP2PPacket(b.localSteamId, enc('twin'), P2PSend.Unreliable);
    await net.advance(20);
    const first = b.readP2PPacket(100)!;
    first.data.fill(0);
    expect(dec(b.readP2PPacket(100)!.data)).toBe('twin');
    net.dispose();
  });
});
