/**
 * Conformance checks of data: reliable order, channels, unreliable delivery, reads (truncation, empty
 * packets, never blocking), no-delay sends before the connection, the `ReliableWithBuffering`
 * coalescing delay, sends to oneself, copying, and argument validation.
 * @packageDocumentation
 */
import { type P2PNetworking, P2PSend } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { ConformanceBehaviour } from '../behaviours.js';
import { bytes, text } from '../stage.js';
import { type Check, expectAround, expectInvalidArgument } from './check.js';

export const dataChecks = {
  'reliable-in-order': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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

  'read-truncates': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
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

  'empty-packet': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
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

  'no-delay-before-connected': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const [a, b] = [s.id(0), s.id(1)];
      s.autoAccept(1, a);
      const early = s.peer(0).sendP2PPacket(b, bytes('early'), P2PSend.UnreliableNoDelay, 0);
      if (s.steam.noDelayBeforeConnected === 'ignored') {
        expect(early, 'the send reports the drop').toBe(false);
        expect(s.peer(0).lastSendFailure).toEqual({ reason: 'ignored', result: 41 });
      } else {
        expect(early, 'the send reports success, then Steam drops the packet').toBe(true);
        expect(s.peer(0).lastSendFailure).toBeNull();
      }
      // The send still starts connecting: b hears of a (and accepts), but 'early' itself is gone.
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > 0, 20 * D, D)).toBe(true);
      await s.pass(3 * D);
      expect(s.drain(1), 'the early packet was dropped').toEqual([]);
      s.peer(0).sendP2PPacket(b, bytes('hello'), P2PSend.Reliable, 0);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['hello']);
      const connected = () => s.peer(0).getP2PSessionState(b)?.connectionActive === true;
      expect(await s.until(connected, 20 * D, D)).toBe(true);
      expect(s.peer(0).sendP2PPacket(b, bytes('late'), P2PSend.UnreliableNoDelay, 0)).toBe(true);
      expect(s.peer(0).lastSendFailure).toBeNull();
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['late']);
      await s.pass(2 * D);
      expect(s.drain(1)).toEqual([]);
    },
  },

  'buffering-delay': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const delay = s.steam.bufferingDelayMs;
      const flush = s.steam.bufferingFlushBytes;
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D);
      // Alone, buffered data waits for the delay, then goes out.
      let start = s.elapsed;
      s.peer(0).sendP2PPacket(b, bytes('buffered'), P2PSend.ReliableWithBuffering);
      await s.passTo(start + delay - 1, 1);
      expect(s.drain(1), 'still buffered just before the delay').toEqual([]);
      let arrived = -1;
      await s.until(
        () => {
          if (s.peer(1).getAvailableP2PPacketSize(0) !== null) arrived = s.elapsed;
          return arrived >= 0;
        },
        delay + 4 * D,
        1,
      );
      expect(s.drain(1).map((p) => text(p.data))).toEqual(['buffered']);
      expectAround('buffered data', arrived - start, delay, 0, D + 1);
      // A plain reliable send flushes what was buffered before it, in order.
      start = s.elapsed;
      s.peer(0).sendP2PPacket(b, bytes('first'), P2PSend.ReliableWithBuffering);
      s.peer(0).sendP2PPacket(b, bytes('flush'), P2PSend.Reliable);
      const flushed = await s.receive(1, 2, Math.min(delay, D) + D, 0);
      expect(
        flushed.map((p) => text(p.data)),
        'flushed by the reliable send',
      ).toEqual(['first', 'flush']);
      expect(s.elapsed - start).toBeLessThanOrEqual(D + Math.min(delay, D));
      // A full MTU of buffered data goes out at once.
      start = s.elapsed;
      const n = Math.ceil(flush / 100);
      for (let i = 0; i < n; i++)
        s.peer(0).sendP2PPacket(b, bytes(`${i}`.padEnd(100, '.')), P2PSend.ReliableWithBuffering);
      const full = await s.receive(1, n, Math.min(delay, D) + D, 0);
      expect(full, `${n * 100} buffered bytes (≥ ${flush}) go out without waiting`).toHaveLength(n);
    },
  },

  'send-to-self': {
    peers: 1,
    async run(s) {
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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
} satisfies Partial<Record<ConformanceBehaviour, Check>>;
