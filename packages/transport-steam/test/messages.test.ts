// The ISteamNetworkingMessages backend over the scriptable stub: flags, identities built by hand,
// EResult → boolean + reason, batched receive with exactly-once Release, loopback to self, events.

import {
  initSteam,
  MESSAGES_P2P_LIMITS,
  type P2PNetworking,
  P2PSend,
  P2PSessionError,
  RECEIVE_BATCH,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { nativeScratch } from '../src/slab.js';
import { describeNative } from './helpers/native.js';
import { initMessagesWithDecodePath } from './helpers/receive-path.js';
import { koffi, type StubControl, stubCopy } from './helpers/stub.js';

const ME = 76561198000000001n;
const PEER = 76561198000000002n;

function identity(id: bigint, type = 16): Uint8Array {
  const b = new Uint8Array(136);
  const v = new DataView(b.buffer);
  v.setInt32(0, type, true);
  v.setInt32(4, 8, true);
  v.setBigUint64(8, id, true);
  return b;
}
function sessionFailed(id: bigint, endReason: number): Uint8Array {
  const b = new Uint8Array(696);
  b.set(identity(id), 0);
  new DataView(b.buffer).setInt32(180, endReason, true);
  return b;
}

// Every test runs over the three receive paths: the one initSteam takes (views of Steam's heap), native
// scratch memory and integer-only memcpy (where views cannot be made), and the koffi.decode fallback
// used where the C runtime cannot be reached either.
describeNative.each(['native views', 'native scratch', 'koffi.decode'] as const)(
  'messages backend over the stub library, receive path: %s',
  (receivePath) => {
    let stub: StubControl;
    let session: Pick<SteamSession, 'networking' | 'shutdown'>;
    let net: P2PNetworking;
    beforeEach(() => {
      stub = stubCopy();
      stub.setLocalId(ME);
      session =
        receivePath === 'native views'
          ? initSteam({ libraryPath: stub.path, backend: 'messages' })
          : initMessagesWithDecodePath(stub.path, receivePath === 'native scratch');
      net = session.networking;
    });
    afterEach(() => session.shutdown());

    it('takes the receive path under test', () => {
      // initSteam must get the fast path on every supported platform, Windows included.
      if (receivePath === 'native scratch') expect(nativeScratch(koffi)).not.toBeNull();
      stub.inject(PEER, 0, new Uint8Array([1, 2, 3]));
      expect(net.readP2PPacket(3)).toEqual({ data: new Uint8Array([1, 2, 3]), remoteSteamId: PEER });
      // Native calls besides Steam's own for one more message: through views none, or one when the
      // message lands in a heap region not viewed yet (where malloc puts it varies from run to run);
      // a memcpy of head and payload through the scratch; two decodes otherwise.
      const helperCalls = (net as unknown as { nativeHelperCalls: number }).nativeHelperCalls;
      stub.inject(PEER, 0, new Uint8Array([4, 5]));
      expect(net.readP2PPacket(2)).toEqual({ data: new Uint8Array([4, 5]), remoteSteamId: PEER });
      const more = (net as unknown as { nativeHelperCalls: number }).nativeHelperCalls - helperCalls;
      if (receivePath === 'native views') expect(more).toBeLessThanOrEqual(1);
      else expect(more).toBe(2);
    });

    it('receives packets larger than a slab (16 KiB) intact, in order with small ones', () => {
      const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
      stub.inject(PEER, 0, new Uint8Array([1]));
      stub.inject(PEER, 0, big);
      stub.inject(PEER, 0, new Uint8Array([2]));
      expect(net.readP2PPacket(1)?.data).toEqual(new Uint8Array([1]));
      expect(net.getAvailableP2PPacketSize()).toBe(100_000);
      expect(net.readP2PPacket(100_000)?.data).toEqual(big);
      expect(net.readP2PPacket(1)?.data).toEqual(new Uint8Array([2]));
      expect(stub.count('releases')).toBe(3);
    });

    it('reports its limits: the 1200 B MTU for unreliable, 512 KiB for reliable', () => {
      expect(net.limits).toEqual({ maxUnreliableBytes: 1200, maxReliableBytes: 512 * 1024 });
      expect(net.limits).toBe(MESSAGES_P2P_LIMITS);
      expect(net.sendP2PPacket(PEER, new Uint8Array(512 * 1024 + 1), P2PSend.Reliable)).toBe(false);
      expect(net.lastSendFailure).toEqual({ reason: 'tooLarge' });
      expect(net.sendP2PPacket(PEER, new Uint8Array(1201), P2PSend.UnreliableNoDelay)).toBe(false);
      expect(net.sendP2PPacket(PEER, new Uint8Array(512 * 1024), P2PSend.Reliable)).toBe(true);
    });

    it.each([
      [P2PSend.Unreliable, 1 | 32],
      [P2PSend.UnreliableNoDelay, 5 | 32],
      [P2PSend.Reliable, 9 | 32],
      [P2PSend.ReliableWithBuffering, 8 | 32],
    ])('send type %i goes out with flags %i (incl. AutoRestartBrokenSession)', (sendType, flags) => {
      expect(net.sendP2PPacket(PEER, new Uint8Array(10), sendType, 3)).toBe(true);
      expect([stub.last('type'), stub.last('channel'), stub.last('size')]).toEqual([flags, 3, 10]);
    });

    it('builds the 136-byte SteamNetworkingIdentity by hand: type 16, size 8, SteamID64 at 8', () => {
      net.sendP2PPacket(76561198123456789n, new Uint8Array(1), P2PSend.Reliable);
      expect(stub.lastIdentity()).toEqual(identity(76561198123456789n));
    });

    it.each([
      [3, 'noConnection'],
      [35, 'noConnection'],
      [25, 'limitExceeded'],
      [41, 'ignored'],
      [19, 'invalidSteamId'],
      [2, 'failed'],
    ] as const)('a send with EResult %i is false with reason %s', (result, reason) => {
      stub.setResults(true, result, 3, 0);
      expect(net.sendP2PPacket(PEER, new Uint8Array(1), P2PSend.Reliable)).toBe(false);
      expect(net.lastSendFailure).toEqual({ reason, result });
      stub.setResults(true, 1, 3, 0);
      expect(net.sendP2PPacket(PEER, new Uint8Array(1), P2PSend.Reliable)).toBe(true);
      expect(net.lastSendFailure).toBeNull();
    });

    it('receives in batches: 64 messages cost one ReceiveMessagesOnChannel call, each released exactly once', () => {
      for (let i = 0; i < 100; i++) stub.inject(PEER, 2, new Uint8Array([i, i]));
      const got: number[] = [];
      for (
        let size = net.getAvailableP2PPacketSize(2);
        size !== null;
        size = net.getAvailableP2PPacketSize(2)
      ) {
        const p = net.readP2PPacket(size, 2)!;
        expect(p.remoteSteamId).toBe(PEER);
        got.push(p.data[0]!);
      }
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(RECEIVE_BATCH).toBe(64);
      // 64 + 36 + one empty poll at the end.
      expect(stub.count('receiveCalls')).toBe(3);
      expect(stub.count('releases')).toBe(100);
    });

    it('drops (and still releases) messages from a non-SteamID identity', () => {
      stub.inject(0n, 0, new Uint8Array([1]));
      stub.inject(PEER, 0, new Uint8Array([2]));
      expect(net.readP2PPacket(1)).toEqual({ data: new Uint8Array([2]), remoteSteamId: PEER });
      expect(net.readP2PPacket(1)).toBeNull();
      expect(stub.count('releases')).toBe(2);
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

    it('keeps channels apart and truncates like the legacy API', () => {
      stub.inject(PEER, 0, new Uint8Array([1, 2, 3, 4]));
      stub.inject(PEER, 1, new Uint8Array([9]));
      expect(net.readP2PPacket(10, 2)).toBeNull();
      expect(net.readP2PPacket(10, 1)?.data).toEqual(new Uint8Array([9]));
      expect(net.readP2PPacket(2, 0)?.data).toEqual(new Uint8Array([1, 2]));
      expect(net.getAvailableP2PPacketSize(0)).toBeNull();
      expect(stub.count('releases')).toBe(2);
    });

    it('returns copies: bytes survive the native message being released', () => {
      stub.inject(PEER, 0, new Uint8Array([7, 7, 7]));
      stub.inject(PEER, 0, new Uint8Array([8, 8, 8]));
      const a = net.readP2PPacket(3)!;
      const b = net.readP2PPacket(3)!;
      expect([a.data, b.data]).toEqual([new Uint8Array([7, 7, 7]), new Uint8Array([8, 8, 8])]);
    });

    it('closing a session drops what was already queued from that peer', () => {
      const OTHER = 76561198000000003n;
      stub.inject(PEER, 0, new Uint8Array([1]));
      stub.inject(OTHER, 0, new Uint8Array([2]));
      stub.inject(PEER, 0, new Uint8Array([3]));
      expect(net.getAvailableP2PPacketSize()).toBe(1); // pulls all three into the queue
      expect(net.closeP2PSessionWithUser(PEER)).toBe(true);
      expect(stub.lastId()).toBe(PEER);
      expect(net.readP2PPacket(1)?.remoteSteamId).toBe(OTHER);
      expect(net.readP2PPacket(1)).toBeNull();
    });

    it("closing a channel drops only that channel's queued data from that peer", () => {
      stub.inject(PEER, 0, new Uint8Array([1]));
      stub.inject(PEER, 1, new Uint8Array([2]));
      net.getAvailableP2PPacketSize(0);
      net.getAvailableP2PPacketSize(1);
      expect(net.closeP2PChannelWithUser(PEER, 0)).toBe(true);
      expect(stub.last('channel')).toBe(0);
      expect(net.readP2PPacket(1, 0)).toBeNull();
      expect(net.readP2PPacket(1, 1)?.data).toEqual(new Uint8Array([2]));
    });

    it('sends to itself through a local loopback (documented), per channel, with a session state', () => {
      const calls = stub.count('calls');
      expect(net.getP2PSessionState(ME)).toBeNull();
      expect(net.sendP2PPacket(ME, new Uint8Array([5, 6]), P2PSend.Reliable, 4)).toBe(true);
      expect(net.getAvailableP2PPacketSize(0)).toBeNull();
      expect(net.readP2PPacket(2, 4)).toEqual({ data: new Uint8Array([5, 6]), remoteSteamId: ME });
      expect(net.getP2PSessionState(ME)?.connectionActive).toBe(true);
      expect(net.closeP2PSessionWithUser(ME)).toBe(true);
      expect(net.closeP2PSessionWithUser(ME)).toBe(false);
      // Only the empty poll of channel 0 reached native code.
      expect(stub.count('calls') - calls).toBe(1);
    });

    it('copies loopback data at send time', () => {
      const data = new Uint8Array([1, 2]);
      net.sendP2PPacket(ME, data, P2PSend.Reliable);
      data[0] = 99;
      expect(net.readP2PPacket(2)?.data).toEqual(new Uint8Array([1, 2]));
    });

    it('accept is true for any valid id, false for an invalid one', () => {
      stub.setResults(false, 1, 3, 0);
      expect(net.acceptP2PSessionWithUser(PEER)).toBe(true);
      expect(stub.lastId()).toBe(PEER);
      expect(net.acceptP2PSessionWithUser(0n)).toBe(false);
    });

    it('maps GetSessionConnectionInfo + real-time status to P2PSessionState', () => {
      expect(net.getP2PSessionState(PEER)).toEqual({
        connectionActive: true,
        connecting: false,
        sessionError: P2PSessionError.None,
        usingRelay: true,
        bytesQueuedForSend: 123,
        packetsQueuedForSend: 0,
        remoteIp: (10 << 24) | 7,
        remotePort: 27015,
      });
      stub.setResults(true, 1, 1, 0);
      expect(net.getP2PSessionState(PEER)).toMatchObject({ connectionActive: false, connecting: true });
      stub.setResults(true, 1, 5, 4001);
      expect(net.getP2PSessionState(PEER)?.sessionError).toBe(P2PSessionError.Timeout);
      stub.setResults(true, 1, 5, 3005);
      expect(net.getP2PSessionState(PEER)?.sessionError).toBe(P2PSessionError.NoRightsToApp);
      stub.setResults(true, 1, 0, 0);
      expect(net.getP2PSessionState(PEER)).toBeNull();
    });

    it('turns callbacks 1251/1252 into the same events, skipping non-SteamID identities and legacy ids', () => {
      const requests: bigint[] = [];
      const fails: Array<[bigint, number]> = [];
      net.on('sessionRequest', (id) => requests.push(id));
      net.on('sessionConnectFail', (id, e) => fails.push([id, e]));
      stub.pushCallback(1251, identity(PEER));
      stub.pushCallback(1251, identity(PEER, 1)); // an IP-address identity
      stub.pushCallback(1202, new Uint8Array(8)); // a legacy callback: not this backend's
      stub.pushCallback(1252, sessionFailed(PEER, 4001));
      stub.pushCallback(1252, sessionFailed(PEER, 3005));
      stub.pushCallback(1252, new Uint8Array(100)); // truncated
      net.runCallbacks();
      expect(requests).toEqual([PEER]);
      expect(fails).toEqual([
        [PEER, P2PSessionError.Timeout],
        [PEER, P2PSessionError.NoRightsToApp],
      ]);
      expect(stub.count('frees')).toBe(6);
    });

    it('allowP2PPacketRelay is accepted (a global setting for this API) and checked', () => {
      expect(net.allowP2PPacketRelay(false)).toBe(true);
      expect(() => net.allowP2PPacketRelay('no' as never)).toThrow(/boolean/);
    });
  },
);
