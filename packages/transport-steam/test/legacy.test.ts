// The legacy ISteamNetworking backend over the scriptable stub: arguments checked before native code,
// Steam's answers passed through, the receive path truncating like Steam, callbacks decoded and freed.

import {
  InvalidArgumentError,
  initSteam,
  type P2PNetworking,
  P2PSend,
  P2PSessionError,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeNative } from './helpers/native.js';
import { type StubControl, stubCopy } from './helpers/stub.js';

const ME = 76561198000000001n;
const PEER = 76561198000000002n;

function sessionRequest(id: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, id, true);
  return b;
}
function connectFail(id: bigint, error: number): Uint8Array {
  const b = new Uint8Array(9);
  new DataView(b.buffer).setBigUint64(0, id, true);
  b[8] = error;
  return b;
}

describeNative('legacy backend over the stub library', () => {
  let stub: StubControl;
  let session: SteamSession;
  let net: P2PNetworking;
  beforeEach(() => {
    stub = stubCopy();
    stub.setLocalId(ME);
    session = initSteam({ libraryPath: stub.path, backend: 'legacy' });
    net = session.networking;
  });
  afterEach(() => session.shutdown());

  it('reports the legacy limits: 1200 B unreliable, 1 MiB reliable', () => {
    expect(net.limits).toEqual({ maxUnreliableBytes: 1200, maxReliableBytes: 1024 * 1024 });
  });

  it('passes id, size, send type and channel through to SendP2PPacket', () => {
    expect(net.sendP2PPacket(PEER, new Uint8Array(100), P2PSend.ReliableWithBuffering, 5)).toBe(true);
    expect([stub.lastId(), stub.last('size'), stub.last('type'), stub.last('channel')]).toEqual([
      PEER,
      100,
      3,
      5,
    ]);
    expect(net.lastSendFailure).toBeNull();
  });

  it('sends a view of a larger buffer from its own offset', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(net.sendP2PPacket(ME, backing.subarray(2, 5), P2PSend.Reliable)).toBe(true);
    expect(net.readP2PPacket(10)?.data).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses oversize packets before calling Steam, with reason tooLarge', () => {
    const calls = stub.count('calls');
    expect(net.sendP2PPacket(PEER, new Uint8Array(1201), P2PSend.Unreliable)).toBe(false);
    expect(net.lastSendFailure).toEqual({ reason: 'tooLarge' });
    expect(net.sendP2PPacket(PEER, new Uint8Array(1024 * 1024 + 1), P2PSend.Reliable)).toBe(false);
    expect(stub.count('calls')).toBe(calls);
    expect(net.sendP2PPacket(PEER, new Uint8Array(1200), P2PSend.UnreliableNoDelay)).toBe(true);
    expect(net.sendP2PPacket(PEER, new Uint8Array(1024 * 1024), P2PSend.Reliable)).toBe(true);
  });

  it('returns false for an invalid SteamID (reason invalidSteamId) and throws for a non-bigint', () => {
    expect(net.sendP2PPacket(0n, new Uint8Array(1), P2PSend.Reliable)).toBe(false);
    expect(net.lastSendFailure).toEqual({ reason: 'invalidSteamId' });
    expect(net.acceptP2PSessionWithUser(1n)).toBe(false);
    expect(net.closeP2PSessionWithUser(-5n)).toBe(false);
    expect(net.closeP2PChannelWithUser(0n, 1)).toBe(false);
    expect(net.getP2PSessionState(0n)).toBeNull();
    expect(() => net.sendP2PPacket(12345 as never, new Uint8Array(1), 0)).toThrow(InvalidArgumentError);
    expect(() => net.acceptP2PSessionWithUser('76561198000000002' as never)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['a negative channel', () => net.sendP2PPacket(PEER, new Uint8Array(1), 0, -1)],
    ['a fractional channel', () => net.getAvailableP2PPacketSize(1.5)],
    ['a channel above int32', () => net.readP2PPacket(10, 2 ** 31)],
    ['send type 4', () => net.sendP2PPacket(PEER, new Uint8Array(1), 4 as P2PSend)],
    ['a string as data', () => net.sendP2PPacket(PEER, 'hi' as never, 0)],
    ['a negative read size', () => net.readP2PPacket(-1)],
    ['NaN as read size', () => net.readP2PPacket(Number.NaN)],
    ['a non-boolean relay flag', () => net.allowP2PPacketRelay(1 as never)],
  ])('rejects %s with InvalidArgumentError', (_, call) => {
    expect(call).toThrow(InvalidArgumentError);
  });

  it('reads packets per channel, with sender and exact bytes, and null when nothing waits', () => {
    stub.inject(PEER, 1, new Uint8Array([1, 2, 3]));
    stub.inject(PEER, 0, new Uint8Array([4]));
    expect(net.getAvailableP2PPacketSize(2)).toBeNull();
    expect(net.readP2PPacket(100, 2)).toBeNull();
    expect(net.getAvailableP2PPacketSize(1)).toBe(3);
    expect(net.readP2PPacket(3, 1)).toEqual({ data: new Uint8Array([1, 2, 3]), remoteSteamId: PEER });
    expect(net.getAvailableP2PPacketSize(1)).toBeNull();
    expect(net.readP2PPacket(1)).toEqual({ data: new Uint8Array([4]), remoteSteamId: PEER });
  });

  it('keeps every returned packet intact across many reads (packets share receive slabs)', () => {
    const kept: Uint8Array[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++)
        stub.inject(PEER, 0, new Uint8Array(1000 + i).fill((round * 50 + i) & 0xff));
      for (
        let size = net.getAvailableP2PPacketSize();
        size !== null;
        size = net.getAvailableP2PPacketSize()
      ) {
        kept.push(net.readP2PPacket(size)!.data);
      }
    }
    expect(kept).toHaveLength(200);
    kept.forEach((data, n) => {
      expect(data.byteLength).toBe(1000 + (n % 50));
      expect(data.every((b) => b === (n & 0xff))).toBe(true);
    });
  });

  it('truncates a packet read with a smaller size, as Steam does', () => {
    stub.inject(PEER, 0, new Uint8Array([1, 2, 3, 4, 5]));
    expect(net.readP2PPacket(2)?.data).toEqual(new Uint8Array([1, 2]));
    expect(net.getAvailableP2PPacketSize()).toBeNull();
  });

  it('returns bytes that stay valid after later reads reuse the receive buffer', () => {
    stub.inject(PEER, 0, new Uint8Array([1, 1, 1]));
    stub.inject(PEER, 0, new Uint8Array([2, 2, 2]));
    const first = net.readP2PPacket(3)!;
    const second = net.readP2PPacket(3)!;
    expect(first.data).toEqual(new Uint8Array([1, 1, 1]));
    expect(second.data).toEqual(new Uint8Array([2, 2, 2]));
  });

  it('grows the receive buffer for a large reliable packet', () => {
    const big = new Uint8Array(300_000).map((_, i) => i & 0xff);
    stub.inject(PEER, 0, big);
    const size = net.getAvailableP2PPacketSize();
    expect(size).toBe(300_000);
    const data = net.readP2PPacket(size ?? 0)!.data;
    expect(Buffer.compare(data, big)).toBe(0);
  });

  it('costs at most 2 FFI calls per received packet (available + read)', () => {
    for (let i = 0; i < 10; i++) stub.inject(PEER, 0, new Uint8Array([i]));
    const before = stub.count('calls');
    let n = 0;
    for (let size = net.getAvailableP2PPacketSize(); size !== null; size = net.getAvailableP2PPacketSize()) {
      net.readP2PPacket(size);
      n++;
    }
    expect(n).toBe(10);
    expect(stub.count('calls') - before).toBe(2 * 10 + 1);
  });

  it('decodes P2PSessionState_t field by field', () => {
    expect(net.getP2PSessionState(PEER)).toEqual({
      connectionActive: true,
      connecting: false,
      sessionError: P2PSessionError.Timeout,
      usingRelay: true,
      bytesQueuedForSend: 1234,
      packetsQueuedForSend: 5,
      remoteIp: 0x7f000001,
      remotePort: 27015,
    });
    stub.setResults(false, 1, 3, 0);
    expect(net.getP2PSessionState(PEER)).toBeNull();
  });

  it("passes accept/close/relay through and returns Steam's answer", () => {
    expect(net.acceptP2PSessionWithUser(PEER)).toBe(true);
    expect(stub.lastId()).toBe(PEER);
    expect(net.closeP2PChannelWithUser(PEER, 7)).toBe(true);
    expect(stub.last('channel')).toBe(7);
    stub.setResults(false, 1, 3, 0);
    expect(net.closeP2PSessionWithUser(PEER)).toBe(false);
    expect(net.sendP2PPacket(PEER, new Uint8Array(1), P2PSend.Reliable)).toBe(false);
    // Size and id were checked before the call: Steam's remaining reason for false is a full queue.
    expect(net.lastSendFailure).toEqual({ reason: 'limitExceeded' });
    expect(net.allowP2PPacketRelay(false)).toBe(true);
    expect(stub.last('type')).toBe(0);
  });

  it('turns callbacks 1202/1203 into events, skips others and short payloads, and frees every one', () => {
    const requests: bigint[] = [];
    const fails: Array<[bigint, number]> = [];
    net.on('sessionRequest', (id) => requests.push(id));
    net.on('sessionConnectFail', (id, e) => fails.push([id, e]));
    stub.pushCallback(1202, sessionRequest(PEER));
    stub.pushCallback(304, new Uint8Array(12)); // PersonaStateChange_t: not ours
    stub.pushCallback(1203, connectFail(PEER, 4));
    stub.pushCallback(1251, new Uint8Array(136)); // a Messages callback: not this backend's
    stub.pushCallback(1203, new Uint8Array(4)); // too short to be a P2PSessionConnectFail_t
    stub.pushCallback(1202, sessionRequest(0xffffffffffffffffn)); // above 2^53: must stay exact
    net.runCallbacks();
    expect(requests).toEqual([PEER, 0xffffffffffffffffn]);
    expect(fails).toEqual([[PEER, 4]]);
    expect(stub.count('frees')).toBe(6);
    expect(stub.pendingCallbacks()).toBe(0);
  });

  it('frees every callback even when a listener throws, then rethrows after draining', () => {
    const seen: bigint[] = [];
    net.on('sessionRequest', (id) => {
      seen.push(id);
      if (id === PEER) throw new Error('listener bug');
    });
    stub.pushCallback(1202, sessionRequest(PEER));
    stub.pushCallback(1202, sessionRequest(ME));
    expect(() => net.runCallbacks()).toThrow('listener bug');
    expect(seen).toEqual([PEER, ME]);
    expect(stub.count('frees')).toBe(2);
    stub.pushCallback(1202, sessionRequest(PEER));
    stub.pushCallback(1202, sessionRequest(PEER));
    expect(() => net.runCallbacks()).toThrow(AggregateError);
    expect(stub.count('frees')).toBe(4);
    expect(stub.pendingCallbacks()).toBe(0);
  });
});
