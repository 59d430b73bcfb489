/**
 * The conformance suite: one set of vitest tests that every `P2PNetworking` implementation must
 * pass (the in-memory fake, the koffi binding over the native fake library, any future backend),
 * covering Steam's behaviour as DESIGN.md lists it. Written only against {@link ConformanceWorld},
 * waiting in multiples of the harness's own timing fields, so it runs on virtual and real time.
 *
 * ```ts
 * // test/conformance.test.ts
 * import { conformanceSuite, fakeNetworkHarness } from '@steamwire/testkit/conformance';
 * conformanceSuite(fakeNetworkHarness());
 * ```
 * @packageDocumentation
 */
import {
  P2P_MAX_RELIABLE_BYTES,
  P2P_MAX_UNRELIABLE_BYTES,
  type P2PNetworking,
  P2PSend,
  P2PSessionError,
} from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { UnknownBehaviourError } from '../errors.js';
import { CONFORMANCE_BEHAVIOURS, type ConformanceBehaviour } from './behaviours.js';
import type { ConformanceHarness } from './harness.js';
import { bytes, Stage, text } from './stage.js';

export { CONFORMANCE_BEHAVIOURS, type ConformanceBehaviour } from './behaviours.js';
export { type FakeNetworkHarnessOptions, fakeNetworkHarness } from './fake-harness.js';
export type * from './harness.js';
export { bytes, type RecordedEvent, Stage, text } from './stage.js';

interface Check {
  /** Peers the world needs. */
  readonly peers: number;
  readonly run: (s: Stage) => Promise<void>;
}

/** Asserts that `fn` throws the transport's InvalidArgumentError (matched by its stable code). */
function expectInvalidArgument(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an InvalidArgumentError').toMatchObject({ code: 'INVALID_ARGUMENT' });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
  );
}

const timing = (s: Stage) => {
  const w = s.world;
  return {
    D: w.deliveryMs,
    T: w.connectTimeoutMs,
    R: w.sessionRequestRepostMs,
    H: w.unacceptedDropMs ?? w.connectTimeoutMs,
  };
};

/** Longest wait for a connect-fail that should come after `T`. */
const failWindow = (s: Stage) => {
  const { D, T } = timing(s);
  return Math.ceil(T * 1.5) + 10 * D;
};

const checks: Record<ConformanceBehaviour, Check> = {
  'session-request': {
    peers: 3,
    async run(s) {
      const { D, R } = timing(s);
      const [a, b, c] = [s.id(0), s.id(1), s.id(2)];
      for (let i = 0; i < 3; i++) {
        s.peer(1).sendP2PPacket(a, bytes(`b${i}`), P2PSend.Reliable);
        s.peer(2).sendP2PPacket(a, bytes(`c${i}`), P2PSend.Reliable);
      }
      const requested = () =>
        s.eventsOf(0, 'sessionRequest', b).length > 0 && s.eventsOf(0, 'sessionRequest', c).length > 0;
      expect(await s.until(requested, 20 * D, D), 'a session request from each new peer').toBe(true);
      // Three packets arrived together: one request per peer, not one per packet.
      expect(s.eventsOf(0, 'sessionRequest', b)).toHaveLength(1);
      expect(s.eventsOf(0, 'sessionRequest', c)).toHaveLength(1);
      // b keeps sending, unaccepted: the request comes again.
      const end = s.elapsed + 3 * R;
      while (s.elapsed < end) {
        s.peer(1).sendP2PPacket(a, bytes('still here'), P2PSend.Reliable);
        await s.pass(Math.max(D, Math.floor(R / 2)), D);
      }
      expect(s.eventsOf(0, 'sessionRequest', b).length).toBeGreaterThanOrEqual(2);
      expect(s.peer(0).getAvailableP2PPacketSize(0)).toBeNull();
    },
  },

  'held-until-accept': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      for (let i = 0; i < 3; i++) s.peer(1).sendP2PPacket(a, bytes(`m${i}`), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(0, 'sessionRequest', b).length > 0, 20 * D, D)).toBe(true);
      await s.pass(3 * D);
      expect(s.peer(0).getAvailableP2PPacketSize(0)).toBeNull();
      expect(s.peer(0).readP2PPacket(1200, 0)).toBeNull();
      expect(s.peer(0).acceptP2PSessionWithUser(b)).toBe(true);
      const got = await s.receive(0, 3, 20 * D);
      expect(got.map((p) => text(p.data))).toEqual(['m0', 'm1', 'm2']);
      for (const p of got) expect(p.remoteSteamId).toBe(b);
    },
  },

  'send-accepts-implicitly': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      s.peer(1).sendP2PPacket(a, bytes('from b'), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(0, 'sessionRequest', b).length > 0, 20 * D, D)).toBe(true);
      // a answers by sending, without calling acceptP2PSessionWithUser.
      expect(s.peer(0).sendP2PPacket(b, bytes('from a'), P2PSend.Reliable)).toBe(true);
      expect((await s.receive(0, 1, 20 * D)).map((p) => text(p.data))).toEqual(['from b']);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['from a']);
      expect(s.eventsOf(1, 'sessionRequest', a)).toHaveLength(0);
    },
  },

  'unaccepted-dropped': {
    peers: 2,
    async run(s) {
      const { D, H } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      s.peer(1).sendP2PPacket(a, bytes('too late'), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(0, 'sessionRequest', b).length > 0, 20 * D, D)).toBe(true);
      await s.pass(Math.ceil(H * 1.25) + 2 * D, s.stepFor(H));
      expect(s.peer(0).acceptP2PSessionWithUser(b)).toBe(true);
      await s.pass(3 * D);
      expect(s.drain(0)).toEqual([]);
    },
  },

  'reliable-in-order': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      const n = 60;
      for (let i = 0; i < n; i++) {
        const type = i % 3 === 0 ? P2PSend.ReliableWithBuffering : P2PSend.Reliable;
        expect(s.peer(0).sendP2PPacket(b, bytes(`0:${i}`), type, 0)).toBe(true);
        expect(s.peer(0).sendP2PPacket(b, bytes(`1:${i}`), type, 1)).toBe(true);
      }
      const on0 = await s.receive(1, n, 40 * D, 0);
      const on1 = await s.receive(1, n, 40 * D, 1);
      const expected = (ch: number) => Array.from({ length: n }, (_, i) => `${ch}:${i}`);
      expect(on0.map((p) => text(p.data))).toEqual(expected(0));
      expect(on1.map((p) => text(p.data))).toEqual(expected(1));
      await s.pass(3 * D);
      expect(s.drain(1, 0)).toEqual([]);
      expect(s.drain(1, 1)).toEqual([]);
    },
  },

  'channels-independent': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      s.peer(0).sendP2PPacket(b, bytes('zero'), P2PSend.Reliable, 0);
      s.peer(0).sendP2PPacket(b, bytes('one'), P2PSend.Reliable, 1);
      s.peer(0).sendP2PPacket(b, bytes('seven'), P2PSend.Reliable, 7);
      const peer = s.peer(1);
      const ready = () => [0, 1, 7].every((ch) => peer.getAvailableP2PPacketSize(ch) !== null);
      expect(await s.until(ready, 20 * D, D)).toBe(true);
      expect(peer.getAvailableP2PPacketSize(1)).toBe(3);
      expect(peer.getAvailableP2PPacketSize(3)).toBeNull();
      expect(peer.readP2PPacket(100, 3)).toBeNull();
      expect(text(peer.readP2PPacket(100, 1)!.data)).toBe('one');
      expect(text(peer.readP2PPacket(100, 7)!.data)).toBe('seven');
      expect(text(peer.readP2PPacket(100, 0)!.data)).toBe('zero');
      for (const ch of [0, 1, 7]) expect(peer.readP2PPacket(100, ch)).toBeNull();
    },
  },

  'unreliable-delivery': {
    peers: 3,
    async run(s) {
      const { D } = timing(s);
      const [a, b, c] = [s.id(0), s.id(1), s.id(2)];
      expect(await s.connect(1, 0)).toBe(true);
      expect(await s.connect(2, 0)).toBe(true);
      const sent = new Set<string>();
      for (let i = 0; i < 20; i++) {
        for (const [index, tag] of [
          [1, 'b'],
          [2, 'c'],
        ] as const) {
          const body = `${tag}${i}:${'x'.repeat(i * 10)}`;
          sent.add(body);
          expect(s.peer(index).sendP2PPacket(a, bytes(body), P2PSend.Unreliable, 2)).toBe(true);
        }
      }
      const got = await s.receive(0, sent.size, 40 * D, 2);
      for (const p of got) {
        const body = text(p.data);
        expect(sent.has(body), `"${body.slice(0, 20)}" was sent`).toBe(true);
        expect(p.remoteSteamId).toBe(body.startsWith('b') ? b : c);
      }
      expect(new Set(got.map((p) => text(p.data)))).toEqual(sent);
    },
  },

  'unreliable-size-limit': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      const limit = s.peer(0).limits.maxUnreliableBytes;
      expect(limit, 'ISteamNetworking allows 1200 bytes unreliable').toBeLessThanOrEqual(
        P2P_MAX_UNRELIABLE_BYTES,
      );
      const over = new Uint8Array(limit + 1);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.Unreliable)).toBe(false);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.UnreliableNoDelay)).toBe(false);
      const max = new Uint8Array(limit).fill(7);
      expect(s.peer(0).sendP2PPacket(b, max, P2PSend.Unreliable)).toBe(true);
      const got = await s.receive(1, 1, 20 * D);
      expect(got).toHaveLength(1);
      expect(sameBytes(got[0]!.data, max)).toBe(true);
      await s.pass(2 * D);
      expect(s.drain(1)).toEqual([]);
    },
  },

  'reliable-size-limit': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      const limit = s.peer(0).limits.maxReliableBytes;
      expect(limit, 'no backend allows more than 1 MiB reliable').toBeLessThanOrEqual(P2P_MAX_RELIABLE_BYTES);
      const over = new Uint8Array(limit + 1);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.Reliable)).toBe(false);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.ReliableWithBuffering)).toBe(false);
      const max = new Uint8Array(limit);
      for (let i = 0; i < max.length; i++) max[i] = (i * 31 + (i >> 8)) & 0xff;
      expect(s.peer(0).sendP2PPacket(b, max, P2PSend.Reliable)).toBe(true);
      const got = await s.receive(1, 1, 40 * D);
      expect(got).toHaveLength(1);
      expect(got[0]!.data.length).toBe(limit);
      expect(sameBytes(got[0]!.data, max), 'the largest payload arrives intact').toBe(true);
    },
  },

  'send-failure-reason': {
    peers: 2,
    async run(s) {
      const b = s.id(1);
      const peer = s.peer(0);
      expect(await s.connect(0, 1)).toBe(true);
      expect(
        peer.sendP2PPacket(b, new Uint8Array(peer.limits.maxUnreliableBytes + 1), P2PSend.Unreliable),
      ).toBe(false);
      expect(peer.lastSendFailure?.reason).toBe('tooLarge');
      expect(peer.sendP2PPacket(b, bytes('ok'), P2PSend.Reliable)).toBe(true);
      expect(peer.lastSendFailure).toBeNull();
      expect(peer.sendP2PPacket(b, new Uint8Array(peer.limits.maxReliableBytes + 1), P2PSend.Reliable)).toBe(
        false,
      );
      expect(peer.lastSendFailure?.reason).toBe('tooLarge');
      expect(peer.sendP2PPacket(0n, bytes('nobody'), P2PSend.Reliable)).toBe(false);
      expect(peer.lastSendFailure?.reason).toBe('invalidSteamId');
    },
  },

  'invalid-steam-id': {
    peers: 2,
    async run(s) {
      const peer = s.peer(0);
      // zero, negative, over 64 bits, and an individual account with account id 0.
      for (const bad of [0n, -1n, 1n << 64n, 76561197960265728n]) {
        expect(peer.sendP2PPacket(bad, bytes('x'), P2PSend.Reliable), `send to ${bad}`).toBe(false);
        expect(peer.acceptP2PSessionWithUser(bad), `accept ${bad}`).toBe(false);
        expect(peer.getP2PSessionState(bad), `state of ${bad}`).toBeNull();
        expect(peer.closeP2PSessionWithUser(bad), `close ${bad}`).toBe(false);
        expect(peer.closeP2PChannelWithUser(bad, 0), `close channel with ${bad}`).toBe(false);
      }
    },
  },

  'accept-without-request': {
    peers: 2,
    async run(s) {
      expect(s.peer(0).acceptP2PSessionWithUser(s.id(1))).toBe(true);
      expect(s.peer(0).acceptP2PSessionWithUser(s.world.absentPeerId)).toBe(true);
    },
  },

  'connect-fail-timeout': {
    peers: 1,
    async run(s) {
      const { T } = timing(s);
      const absent = s.world.absentPeerId;
      expect(s.peer(0).sendP2PPacket(absent, bytes('anyone?'), P2PSend.Reliable)).toBe(true);
      await s.pass(Math.floor(T / 2), s.stepFor(T));
      expect(s.eventsOf(0, 'sessionConnectFail'), 'no connect-fail before half the timeout').toHaveLength(0);
      expect(await s.until(() => s.eventsOf(0, 'sessionConnectFail').length > 0, failWindow(s))).toBe(true);
      const fails = s.eventsOf(0, 'sessionConnectFail');
      expect(fails).toHaveLength(1);
      expect(fails[0]).toMatchObject({ remote: absent, error: P2PSessionError.Timeout });
      const state = s.peer(0).getP2PSessionState(absent);
      if (state !== null) {
        expect(state.connectionActive).toBe(false);
        expect(state.sessionError).toBe(P2PSessionError.Timeout);
      }
    },
  },

  'connect-fail-unaccepted': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      expect(s.peer(0).sendP2PPacket(b, bytes('accept me'), P2PSend.Reliable)).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > 0, 20 * D, D)).toBe(true);
      expect(await s.until(() => s.eventsOf(0, 'sessionConnectFail', b).length > 0, failWindow(s))).toBe(
        true,
      );
      expect(s.eventsOf(0, 'sessionConnectFail', b)[0]).toMatchObject({ error: P2PSessionError.Timeout });
      expect(s.peer(1).getAvailableP2PPacketSize(0)).toBeNull();
    },
  },

  'connect-fail-once': {
    peers: 1,
    async run(s) {
      const { T } = timing(s);
      const absent = s.world.absentPeerId;
      const peer = s.peer(0);
      const fails = () => s.eventsOf(0, 'sessionConnectFail', absent).length;
      peer.sendP2PPacket(absent, bytes('first'), P2PSend.Reliable);
      expect(await s.until(() => fails() > 0, failWindow(s))).toBe(true);
      // Still sending into the failed session: no second callback.
      const end = s.elapsed + Math.ceil(T * 1.5);
      while (s.elapsed < end) {
        peer.sendP2PPacket(absent, bytes('again'), P2PSend.Reliable);
        await s.pass(Math.ceil(T / 8), s.stepFor(T));
      }
      expect(fails(), 'connect-fail is posted once per session').toBe(1);
      peer.closeP2PSessionWithUser(absent);
      peer.sendP2PPacket(absent, bytes('after close'), P2PSend.Reliable);
      expect(await s.until(() => fails() > 1, failWindow(s)), 'a new session fails again').toBe(true);
      expect(fails()).toBe(2);
    },
  },

  'send-after-fail': {
    peers: 2,
    async run(s) {
      const { D, H } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      const start = s.elapsed;
      expect(s.peer(0).sendP2PPacket(b, bytes('old'), P2PSend.Reliable)).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > 0, 20 * D, D)).toBe(true);
      expect(await s.until(() => s.eventsOf(0, 'sessionConnectFail', b).length > 0, failWindow(s))).toBe(
        true,
      );
      // Let b's hold on 'old' run out as well, so only a resend could deliver it.
      const holdOver = start + Math.ceil(H * 1.25) + 2 * D - s.elapsed;
      if (holdOver > 0) await s.pass(holdOver, s.stepFor(H));
      s.autoAccept(1, a);
      expect(s.peer(0).sendP2PPacket(b, bytes('new'), P2PSend.Reliable)).toBe(true);
      const state = s.peer(0).getP2PSessionState(b);
      expect(state, 'the new send opened a session').not.toBeNull();
      expect(state!.connecting || state!.connectionActive, 'a new attempt is under way').toBe(true);
      const got = await s.receive(1, 1, 20 * D);
      await s.pass(3 * D);
      got.push(...s.drain(1));
      expect(got.map((p) => text(p.data))).toEqual(['new']);
    },
  },

  'close-session': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      expect(await s.connect(0, 1)).toBe(true);
      s.manualAccept(1, a);
      for (let i = 0; i < 3; i++) s.peer(0).sendP2PPacket(b, bytes(`q${i}`), P2PSend.Reliable);
      expect(await s.until(() => s.peer(1).getAvailableP2PPacketSize(0) !== null, 20 * D, D)).toBe(true);
      await s.pass(3 * D);
      expect(s.peer(1).closeP2PSessionWithUser(a)).toBe(true);
      expect(s.peer(1).getAvailableP2PPacketSize(0)).toBeNull();
      expect(s.peer(1).readP2PPacket(1200, 0)).toBeNull();
      expect(s.peer(1).getP2PSessionState(a)).toBeNull();
      const before = s.eventsOf(1, 'sessionRequest', a).length;
      s.peer(0).sendP2PPacket(b, bytes('again'), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > before, 20 * D, D)).toBe(true);
      expect(s.peer(1).getAvailableP2PPacketSize(0)).toBeNull();
      expect(s.peer(1).acceptP2PSessionWithUser(a)).toBe(true);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['again']);
    },
  },

  'close-returns-false': {
    peers: 2,
    async run(s) {
      const b = s.id(1);
      expect(s.peer(0).closeP2PSessionWithUser(b)).toBe(false);
      expect(s.peer(0).closeP2PChannelWithUser(b, 0)).toBe(false);
      expect(s.peer(0).closeP2PSessionWithUser(s.world.absentPeerId)).toBe(false);
      expect(await s.connect(0, 1)).toBe(true);
      expect(s.peer(0).closeP2PChannelWithUser(b, 5)).toBe(false);
      expect(s.peer(0).getP2PSessionState(b)).not.toBeNull();
    },
  },

  'close-last-channel': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      expect(await s.connect(0, 1, 0)).toBe(true);
      s.peer(0).sendP2PPacket(b, bytes('on 1'), P2PSend.Reliable, 1);
      expect(await s.receive(1, 1, 20 * D, 1)).toHaveLength(1);
      s.manualAccept(1, a);
      expect(s.peer(1).closeP2PChannelWithUser(a, 1)).toBe(true);
      expect(s.peer(1).getP2PSessionState(a), 'channel 0 is still open').not.toBeNull();
      expect(s.peer(1).closeP2PChannelWithUser(a, 0)).toBe(true);
      expect(s.peer(1).getP2PSessionState(a), 'the last channel closed the session').toBeNull();
      const before = s.eventsOf(1, 'sessionRequest', a).length;
      s.peer(0).sendP2PPacket(b, bytes('after'), P2PSend.Reliable, 0);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > before, 20 * D, D)).toBe(true);
    },
  },

  'session-state': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      const absent = s.world.absentPeerId;
      expect(s.peer(0).getP2PSessionState(b)).toBeNull();
      expect(s.peer(0).getP2PSessionState(absent)).toBeNull();
      s.peer(0).sendP2PPacket(absent, bytes('x'), P2PSend.Reliable);
      const pending = s.peer(0).getP2PSessionState(absent);
      expect(pending).not.toBeNull();
      expect(pending).toMatchObject({ connectionActive: false, connecting: true });
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(3 * D);
      const mine = s.peer(0).getP2PSessionState(b)!;
      expect(mine).toMatchObject({
        connectionActive: true,
        connecting: false,
        sessionError: P2PSessionError.None,
      });
      expect(mine.bytesQueuedForSend).toBe(0);
      expect(mine.packetsQueuedForSend).toBe(0);
      const theirs = s.peer(1).getP2PSessionState(a)!;
      expect(theirs).toMatchObject({ connectionActive: true, sessionError: P2PSessionError.None });
      for (const state of [pending!, mine, theirs]) {
        for (const field of [
          'bytesQueuedForSend',
          'packetsQueuedForSend',
          'remoteIp',
          'remotePort',
        ] as const) {
          expect(Number.isInteger(state[field]) && state[field] >= 0, `${field} is a count`).toBe(true);
        }
        expect(typeof state.usingRelay).toBe('boolean');
      }
    },
  },

  'read-truncates': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      expect(await s.connect(0, 1)).toBe(true);
      s.peer(0).sendP2PPacket(b, bytes('0123456789'), P2PSend.Reliable);
      s.peer(0).sendP2PPacket(b, bytes('next'), P2PSend.Reliable);
      expect(await s.until(() => s.peer(1).getAvailableP2PPacketSize(0) === 10, 20 * D, D)).toBe(true);
      const first = s.peer(1).readP2PPacket(4, 0);
      expect(first).not.toBeNull();
      expect(text(first!.data)).toBe('0123');
      expect(first!.remoteSteamId).toBe(a);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['next']);
    },
  },

  'empty-packet': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      expect(await s.connect(0, 1)).toBe(true);
      expect(s.peer(0).sendP2PPacket(b, new Uint8Array(0), P2PSend.Reliable)).toBe(true);
      s.peer(0).sendP2PPacket(b, bytes('after'), P2PSend.Reliable);
      expect(await s.until(() => s.peer(1).getAvailableP2PPacketSize(0) !== null, 20 * D, D)).toBe(true);
      // "One waiting of size 0" is not "none waiting": a loop that stops at 0 would stall here.
      expect(s.peer(1).getAvailableP2PPacketSize(0)).toBe(0);
      const empty = s.peer(1).readP2PPacket(0, 0);
      expect(empty).not.toBeNull();
      expect(empty!.data.length).toBe(0);
      expect(empty!.remoteSteamId).toBe(a);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['after']);
    },
  },

  'read-never-blocks': {
    peers: 1,
    async run(s) {
      const peer = s.peer(0);
      expect(peer.getAvailableP2PPacketSize(0)).toBeNull();
      expect(peer.getAvailableP2PPacketSize()).toBeNull();
      expect(peer.readP2PPacket(1200, 0)).toBeNull();
      expect(peer.readP2PPacket(1200)).toBeNull();
      expect(peer.getAvailableP2PPacketSize(9)).toBeNull();
      expect(peer.readP2PPacket(1200, 9)).toBeNull();
    },
  },

  'no-delay-before-connected': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      s.peer(0).sendP2PPacket(b, bytes('early'), P2PSend.UnreliableNoDelay, 0);
      await s.pass(3 * D);
      s.autoAccept(1, a);
      s.peer(0).sendP2PPacket(b, bytes('hello'), P2PSend.Reliable, 0);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['hello']);
      const connected = () => s.peer(0).getP2PSessionState(b)?.connectionActive === true;
      expect(await s.until(connected, 20 * D, D)).toBe(true);
      expect(s.peer(0).sendP2PPacket(b, bytes('late'), P2PSend.UnreliableNoDelay, 0)).toBe(true);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['late']);
      await s.pass(2 * D);
      expect(s.drain(1)).toEqual([]);
    },
  },

  'events-only-from-run-callbacks': {
    peers: 2,
    async run(s) {
      const { D, T } = timing(s);
      const [a, b] = [s.id(0), s.id(1)];
      s.peer(1).sendP2PPacket(a, bytes('hi'), P2PSend.Reliable);
      s.peer(1).sendP2PPacket(s.world.absentPeerId, bytes('anyone?'), P2PSend.Reliable);
      expect(s.events).toHaveLength(0);
      // Time passes, but nobody runs callbacks: nothing fires.
      await s.world.advance(Math.ceil(T * 1.5) + 10 * D);
      expect(s.events).toHaveLength(0);
      s.peer(0).runCallbacks();
      expect(s.eventsOf(0, 'sessionRequest', b)).toHaveLength(1);
      expect(s.eventsOf(1, 'sessionConnectFail')).toHaveLength(0);
      s.peer(1).runCallbacks();
      expect(s.eventsOf(1, 'sessionConnectFail', s.world.absentPeerId)).toHaveLength(1);
    },
  },

  'send-to-self': {
    peers: 1,
    async run(s) {
      const { D } = timing(s);
      const a = s.id(0);
      s.autoAccept(0, a);
      expect(s.peer(0).sendP2PPacket(a, bytes('me'), P2PSend.Reliable, 0)).toBe(true);
      const got = await s.receive(0, 1, 20 * D);
      expect(got.map((p) => text(p.data))).toEqual(['me']);
      expect(got[0]!.remoteSteamId).toBe(a);
    },
  },

  'send-copies-data': {
    peers: 2,
    async run(s) {
      const { D } = timing(s);
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      const buffer = bytes('original');
      s.peer(0).sendP2PPacket(b, buffer, P2PSend.Reliable);
      buffer.fill(0x78);
      // A view into a larger buffer: only the view is sent, and changing the buffer later changes nothing.
      const backing = bytes('[view]');
      const view = backing.subarray(1, 5);
      s.peer(0).sendP2PPacket(b, view, P2PSend.Reliable);
      backing.fill(0x78);
      expect((await s.receive(1, 2, 20 * D)).map((p) => text(p.data))).toEqual(['original', 'view']);
    },
  },

  'argument-validation': {
    peers: 2,
    async run(s) {
      const b = s.id(1);
      const peer: P2PNetworking = s.peer(0);
      const ok = bytes('x');
      expectInvalidArgument(() => peer.sendP2PPacket(b, ok, P2PSend.Reliable, -1));
      expectInvalidArgument(() => peer.sendP2PPacket(b, ok, P2PSend.Reliable, 1.5));
      expectInvalidArgument(() => peer.sendP2PPacket(b, ok, P2PSend.Reliable, 2 ** 31));
      expectInvalidArgument(() => peer.sendP2PPacket(b, ok, 4 as P2PSend));
      expectInvalidArgument(() => peer.sendP2PPacket(b, ok, -1 as P2PSend));
      expectInvalidArgument(() =>
        peer.sendP2PPacket(b, [1, 2, 3] as unknown as Uint8Array, P2PSend.Reliable),
      );
      expectInvalidArgument(() => peer.sendP2PPacket(b, 'text' as unknown as Uint8Array, P2PSend.Reliable));
      expectInvalidArgument(() => peer.readP2PPacket(-1, 0));
      expectInvalidArgument(() => peer.readP2PPacket(1.5, 0));
      expectInvalidArgument(() => peer.readP2PPacket(10, -1));
      expectInvalidArgument(() => peer.getAvailableP2PPacketSize(-1));
      expectInvalidArgument(() => peer.closeP2PChannelWithUser(b, -1));
      expectInvalidArgument(() => peer.allowP2PPacketRelay('yes' as unknown as boolean));
    },
  },

  'relay-setting': {
    peers: 2,
    async run(s) {
      expect(s.peer(0).allowP2PPacketRelay(false)).toBe(true);
      expect(s.peer(0).allowP2PPacketRelay(true)).toBe(true);
      expect(s.peer(1).allowP2PPacketRelay(false)).toBe(true);
      expect(await s.connect(0, 1)).toBe(true);
      expect(await s.connect(1, 0)).toBe(true);
    },
  },
};

/**
 * Declares the conformance tests for one implementation, inside a `describe` named after it.
 * Behaviours the harness lists in `unsupported` are declared as skipped, with the reason in the title.
 * @throws UnknownBehaviourError when `unsupported` names an id the suite does not know.
 */
export function conformanceSuite(harness: ConformanceHarness): void {
  const known = Object.keys(CONFORMANCE_BEHAVIOURS) as ConformanceBehaviour[];
  const unsupported = harness.unsupported ?? {};
  for (const id of Object.keys(unsupported)) {
    if (!(id in CONFORMANCE_BEHAVIOURS)) throw new UnknownBehaviourError(id, known);
  }
  const timeout = harness.testTimeoutMs ?? 5000;
  describe(`P2PNetworking conformance: ${harness.name}`, () => {
    for (const id of known) {
      const title = CONFORMANCE_BEHAVIOURS[id];
      const reason = unsupported[id];
      if (reason !== undefined) {
        // A harness declares a behaviour its backend cannot have, with the reason: the suite shows
        // it as skipped with that reason instead of passing silently. (No harness here uses it.)
        it.skip(`${title} [${id}] (unsupported: ${reason})`, () => {});
        continue;
      }
      const check = checks[id];
      it(
        `${title} [${id}]`,
        async () => {
          const world = await harness.setup({ peers: check.peers });
          try {
            await check.run(new Stage(world));
          } finally {
            await world.teardown();
          }
        },
        timeout,
      );
    }
  });
}
