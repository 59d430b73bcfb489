/**
 * End to end: two Node processes, each with the real koffi binding over the native fake library,
 * exchanging packets over 127.0.0.1, for both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P2PSend, P2PSessionError } from '@steamwire/transport-steam';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ensureNativeFake } from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { describeNative } from './native.js';
import { PeerProcess, sleep, waitFor } from './peer-process.js';
import { removeTempDir } from './temp.js';

const CONNECT_TIMEOUT_MS = 1000;
const bytes = (...values: number[]) => Uint8Array.from(values);
const SEND_TYPES = [
  P2PSend.Unreliable,
  P2PSend.UnreliableNoDelay,
  P2PSend.Reliable,
  P2PSend.ReliableWithBuffering,
];

let libraryPath: string;
beforeAll(() => {
  libraryPath = ensureNativeFake();
});

describeNative.each(['legacy', 'messages'] as const)('two processes over the native fake (%s)', (backend) => {
  let peersDir: string;
  let a: PeerProcess;
  let b: PeerProcess;

  beforeEach(async () => {
    peersDir = mkdtempSync(join(tmpdir(), 'steamwire-2p-'));
    const common = {
      libraryPath,
      backend,
      peersDir,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      sessionRequestRepostMs: 300,
    };
    [a, b] = await Promise.all([
      PeerProcess.start({ ...common, steamId: freshSteamId() }),
      PeerProcess.start({ ...common, steamId: freshSteamId() }),
    ]);
  });
  afterEach(async () => {
    await Promise.all([a.stop(), b.stop()]);
    removeTempDir(peersDir);
  });

  /** A sends a first reliable packet, B accepts the request: an open session both ways. */
  async function connect(): Promise<void> {
    expect((await a.send(b.steamId, bytes(0xaa), P2PSend.Reliable, 0)).ok).toBe(true);
    await b.waitForEvent('sessionRequest', a.steamId);
    expect(await b.call('accept', a.steamId)).toBe(true);
    expect((await b.receive(1, 0)).map((p) => [...p.data])).toEqual([[0xaa]]);
    await waitFor('A sees an active session', 2000, async () =>
      (await a.state(b.steamId))?.connectionActive ? true : undefined,
    );
  }

  it('a session request arrives with the first packet, whose data is held until accept', async () => {
    await a.send(b.steamId, bytes(1, 2, 3), P2PSend.Reliable, 0);
    const request = await b.waitForEvent('sessionRequest', a.steamId);
    expect(request.remote).toBe(a.steamId);
    expect(await b.readAll(0)).toEqual([]);
    expect(await b.call('accept', a.steamId)).toBe(true);
    const [packet] = await b.receive(1, 0);
    expect([...packet!.data]).toEqual([1, 2, 3]);
    expect(packet!.remoteSteamId).toBe(a.steamId);
  });

  it('packets flow both ways on two channels with all four send types', async () => {
    await connect();
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const channel of [1, 2]) {
        for (const sendType of SEND_TYPES) {
          expect((await from.send(to.steamId, bytes(channel, sendType), sendType, channel)).ok).toBe(true);
        }
      }
      for (const channel of [1, 2]) {
        const got = await to.receive(4, channel);
        // Reading one channel never returns another channel's data.
        expect(got.map((p) => [...p.data]).sort()).toEqual(SEND_TYPES.map((t) => [channel, t]).sort());
        expect(got.every((p) => p.remoteSteamId === from.steamId)).toBe(true);
      }
    }
    // The side that started the session never got a request: its own send accepted it.
    expect(a.eventsNamed('sessionRequest', b.steamId)).toEqual([]);
  });

  it('reliable packets arrive exactly once and in order per channel', async () => {
    await connect();
    for (let i = 0; i < 200; i++)
      await a.send(
        b.steamId,
        bytes(i & 0xff, i >> 8),
        i % 2 ? P2PSend.Reliable : P2PSend.ReliableWithBuffering,
        3,
      );
    const got = await b.receive(200, 3);
    expect(got.map((p) => p.data[0]! | (p.data[1]! << 8))).toEqual([...Array(200).keys()]);
    await sleep(50);
    expect(await b.readAll(3)).toEqual([]);
  });

  it('an unreliable no-delay packet is dropped while the session is not established', async () => {
    const result = await a.send(b.steamId, bytes(7), P2PSend.UnreliableNoDelay, 0);
    if (backend === 'messages')
      expect(result).toEqual({ ok: false, failure: { reason: 'ignored', result: 41 } });
    else expect(result.ok).toBe(true); // ISteamNetworking reports it sent, then drops it
    await b.waitForEvent('sessionRequest', a.steamId);
    await b.call('accept', a.steamId);
    await sleep(100);
    expect(await b.readAll(0)).toEqual([]);
  });

  it('session state: connecting, then active over 127.0.0.1 with the remote port; null without a session', async () => {
    expect(await a.state(b.steamId)).toBeNull();
    await a.send(b.steamId, bytes(1), P2PSend.Reliable, 0);
    const connecting = await a.state(b.steamId);
    expect(connecting).toMatchObject({
      connectionActive: false,
      connecting: true,
      sessionError: P2PSessionError.None,
    });
    await b.waitForEvent('sessionRequest', a.steamId);
    await b.call('accept', a.steamId);
    const active = await waitFor('active', 2000, async () => {
      const s = await a.state(b.steamId);
      return s?.connectionActive ? s : undefined;
    });
    expect(active).toMatchObject({
      connecting: false,
      usingRelay: false,
      remoteIp: 0x7f000001,
      sessionError: 0,
    });
    expect(active.remotePort).toBeGreaterThan(0);
    expect(await b.state(a.steamId)).toMatchObject({ connectionActive: true, remoteIp: 0x7f000001 });
  });

  it('closing a channel drops its data; closing the last channel closes the session', async () => {
    await connect();
    expect(await b.call('closeChannel', a.steamId, 9)).toBe(false);
    await a.send(b.steamId, bytes(0), P2PSend.Reliable, 0);
    await a.send(b.steamId, bytes(1), P2PSend.Reliable, 1);
    await waitFor('both packets queued on B', 2000, async () =>
      (await b.call<number | null>('available', 1)) !== null &&
      (await b.call<number | null>('available', 0)) !== null
        ? true
        : undefined,
    );
    expect(await b.call('closeChannel', a.steamId, 1)).toBe(true);
    expect(await b.readAll(1)).toEqual([]);
    expect((await b.readAll(0)).map((p) => [...p.data])).toEqual([[0]]);
    expect(await b.state(a.steamId)).not.toBeNull();
    expect(await b.call('closeChannel', a.steamId, 0)).toBe(true);
    expect(await b.state(a.steamId)).toBeNull();
    expect(await b.call('close', a.steamId)).toBe(false);
    // New data from A is a new session request.
    await a.send(b.steamId, bytes(2), P2PSend.Reliable, 0);
    await b.waitForEvent('sessionRequest', a.steamId, 3000, 2);
  });

  it('closing a session drops its queued data and new data raises a new request', async () => {
    await connect();
    for (let i = 0; i < 3; i++) await a.send(b.steamId, bytes(i), P2PSend.Reliable, 0);
    await waitFor('data queued on B', 2000, async () =>
      (await b.call<number | null>('available', 0)) !== null ? true : undefined,
    );
    // Let A's other two packets land too: one still in flight after the close would rightly open a
    // new (pending) session on B, and the second close below would then find it.
    await sleep(300);
    expect(await b.call('close', a.steamId)).toBe(true);
    expect(await b.readAll(0)).toEqual([]);
    expect(await b.call('close', a.steamId)).toBe(false);
    await a.send(b.steamId, bytes(9), P2PSend.Reliable, 0);
    await b.waitForEvent('sessionRequest', a.steamId, 3000, 2);
    await b.call('accept', a.steamId);
    expect((await b.receive(1, 0)).map((p) => [...p.data])).toEqual([[9]]);
  });

  it('an unaccepted peer gets connect-fail (Timeout), its held data expires, and its next send asks again', async () => {
    await a.send(b.steamId, bytes(5), P2PSend.Reliable, 0);
    await b.waitForEvent('sessionRequest', a.steamId);
    const fail = await a.waitForEvent('sessionConnectFail', b.steamId, CONNECT_TIMEOUT_MS + 2000);
    expect(fail.error).toBe(P2PSessionError.Timeout);
    expect(await a.state(b.steamId)).toMatchObject({
      connectionActive: false,
      connecting: false,
      sessionError: P2PSessionError.Timeout,
    });
    // A new send is a new attempt: legacy re-posts the request, Messages opens a new connection.
    await sleep(200);
    const before = b.eventsNamed('sessionRequest', a.steamId).length;
    await a.send(b.steamId, bytes(6), P2PSend.Reliable, 0);
    await b.waitForEvent('sessionRequest', a.steamId, 3000, before + 1);
    // Held data of the unaccepted peer is gone once its time ran out; the new packet is not.
    await b.call('accept', a.steamId);
    expect((await b.receive(1, 0)).map((p) => [...p.data])).toEqual([[6]]);
  });

  it('connect-fail to an absent peer is posted once per session; after a close a new attempt fails again', async () => {
    const absent = freshSteamId();
    await a.send(absent, bytes(1), P2PSend.Reliable, 0);
    const first = await a.waitForEvent('sessionConnectFail', absent, CONNECT_TIMEOUT_MS + 2000);
    expect(first.error).toBe(P2PSessionError.Timeout);
    expect(await a.state(absent)).toMatchObject({
      connecting: false,
      sessionError: P2PSessionError.Timeout,
      bytesQueuedForSend: 0,
    });
    // A later send starts a new attempt; legacy posts the failure once per session, Messages once
    // per attempt.
    await a.send(absent, bytes(2), P2PSend.Reliable, 0);
    await sleep(CONNECT_TIMEOUT_MS + 300);
    const perSession = backend === 'legacy' ? 1 : 2;
    expect(a.eventsNamed('sessionConnectFail', absent)).toHaveLength(perSession);
    expect(await a.call('close', absent)).toBe(true);
    await a.send(absent, bytes(3), P2PSend.Reliable, 0);
    await a.waitForEvent('sessionConnectFail', absent, CONNECT_TIMEOUT_MS + 2000, perSession + 1);
  });

  it('oversize packets are rejected; the largest allowed ones arrive intact', async () => {
    await connect();
    const limits = await a.call<{ maxUnreliableBytes: number; maxReliableBytes: number }>('limits');
    expect(limits).toEqual({
      maxUnreliableBytes: 1200,
      maxReliableBytes: backend === 'legacy' ? 1024 * 1024 : 512 * 1024,
    });
    expect(await a.send(b.steamId, new Uint8Array(1201), P2PSend.Unreliable, 0)).toEqual({
      ok: false,
      failure: { reason: 'tooLarge' },
    });
    const tooBig = new Uint8Array(limits.maxReliableBytes + 1);
    expect(await a.send(b.steamId, tooBig, P2PSend.Reliable, 0)).toEqual({
      ok: false,
      failure: { reason: 'tooLarge' },
    });
    const biggest = new Uint8Array(limits.maxReliableBytes).map((_, i) => (i * 31) & 0xff);
    expect((await a.send(b.steamId, biggest, P2PSend.Reliable, 4)).ok).toBe(true);
    const [big] = await b.receive(1, 4, 5000);
    expect(big && Buffer.from(big.data).equals(Buffer.from(biggest))).toBe(true);
    // One at a time: a legacy 1 MiB packet fills the receiver's 1 MiB buffer for that peer.
    const full = new Uint8Array(1200).fill(7);
    expect((await a.send(b.steamId, full, P2PSend.Unreliable, 4)).ok).toBe(true);
    const [small] = await b.receive(1, 4, 5000);
    expect(small && Buffer.from(small.data).equals(Buffer.from(full))).toBe(true);
  });

  it('after shutdown every networking call throws NOT_INITIALIZED', async () => {
    await connect();
    expect(await a.call('shutdown')).toEqual({
      send: 'NOT_INITIALIZED',
      available: 'NOT_INITIALIZED',
      runCallbacks: 'NOT_INITIALIZED',
    });
  });
});
