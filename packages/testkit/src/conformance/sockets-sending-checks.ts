/**
 * Sockets conformance checks of sending and receiving (STEAM_API.md §15.7, §15.8, §15.10): message
 * numbers and send results, no-delay before the connection, batched sends across lanes, Nagle and
 * explicit flushes, lane priorities, lane configuration rules.
 * @packageDocumentation
 */
import { type NetConnection, SendFlags } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import { expectCode } from './sockets-connection-checks.js';
import type { SocketsCheck } from './sockets-stage.js';
import { textOf, utf8 } from './sockets-stage.js';

/** NagleTime's largest value (µs): long enough to tell a flush from the timer. */
const LONGEST_NAGLE_US = 20_000;

export const SOCKETS_SENDING_CHECKS: Readonly<Record<string, SocketsCheck>> = {
  'sockets-send-results': {
    title:
      'sendMessage numbers messages from 1 and answers Steam EResults; received messages say who and when',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      expect(a.sockets.sendMessage(conn, utf8('one'))).toEqual({ ok: true, messageNumber: 1n });
      expect(a.sockets.sendMessage(conn, utf8('two'), SendFlags.ReliableNoNagle)).toEqual({
        ok: true,
        messageNumber: 2n,
      });
      expect(a.sockets.sendMessage(conn, new Uint8Array(512 * 1024 + 1))).toMatchObject({
        ok: false,
        result: 'invalidParam',
      });
      expect(a.sockets.sendMessage(conn, utf8('x'), SendFlags.Reliable | SendFlags.NoDelay)).toMatchObject({
        ok: false,
        result: 'invalidParam',
      });
      expect(a.sockets.sendMessage(0 as NetConnection, utf8('x'))).toMatchObject({
        ok: false,
        result: 'invalidParam',
      });
      const got = await s.receive(1, incoming, 2);
      expect(got.map((m) => [textOf(m.data), m.messageNumber, m.reliable, m.remote])).toEqual([
        ['one', 1n, true, a.steamId],
        ['two', 2n, true, a.steamId],
      ]);
      expect(got[1]!.timeReceivedUs).toBeGreaterThan(30n * 86_400n * 1_000_000n);
      expect(got[1]!.timeReceivedUs).toBeLessThanOrEqual(b.utils.getLocalTimestamp());
      expect(b.sockets.receiveMessages(0 as NetConnection)).toBeNull();
      expect(b.sockets.receiveMessages(incoming)).toEqual([]);
    },
  },

  'sockets-no-delay-before-connected': {
    title: 'UnreliableNoDelay before the connection is up is ignored, and flushMessages says so too',
    peers: 2,
    async run(s) {
      const [a, b] = [s.peer(0), s.peer(1)];
      b.sockets.createListenSocketP2P(0);
      const conn = a.sockets.connectP2P(b.steamId);
      expect(a.sockets.sendMessage(conn, utf8('early'), SendFlags.UnreliableNoDelay)).toEqual({
        ok: false,
        result: 'ignored',
        code: 41,
      });
      expect(a.sockets.flushMessages(conn)).toBe('ignored');
    },
  },

  'sockets-send-messages': {
    title: 'sendMessages sends a batch in one call, with per-lane numbers, and each lane arrives as sent',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const a = s.peer(0);
      expect(a.sockets.configureConnectionLanes(conn, [{}, { priority: 1, weight: 3 }, { weight: 2 }])).toBe(
        'ok',
      );
      const results = a.sockets.sendMessages([
        { connection: conn, data: utf8('a0'), lane: 0 },
        { connection: conn, data: utf8('a1'), lane: 1 },
        { connection: conn, data: utf8('b0'), lane: 0 },
        { connection: conn, data: utf8('c2'), lane: 2, flags: SendFlags.UnreliableNoNagle },
        { connection: conn, data: utf8('bad'), lane: 3 },
        { connection: 0 as NetConnection, data: utf8('nobody') },
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
      const got = await s.receive(1, incoming, 5);
      expect(got.map((m) => [textOf(m.data), m.lane, m.messageNumber, m.reliable])).toEqual(
        expect.arrayContaining([
          ['a0', 0, 1n, true],
          ['a1', 1, 1n, true],
          ['b0', 0, 2n, true],
          ['c2', 2, 1n, false],
          ['', 1, 2n, true],
        ]),
      );
      expect(a.sockets.sendMessages([])).toEqual([]);
    },
  },

  'sockets-nagle-and-flush': {
    title:
      'a Reliable message waits for NagleTime, flushMessages sends it at once, and a bad handle is invalidParam',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const a = s.peer(0);
      const D = s.world.deliveryMs;
      a.utils.setConfigValue('NagleTime', LONGEST_NAGLE_US, { connection: conn });
      const start = s.elapsed;
      expect(a.sockets.sendMessage(conn, utf8('held'), SendFlags.Reliable).ok).toBe(true);
      await s.pass(Math.min(D, LONGEST_NAGLE_US / 1000 / 2));
      expect(s.peer(1).sockets.receiveMessages(incoming), 'Nagle holds it').toEqual([]);
      expect(a.sockets.flushMessages(conn)).toBe('ok');
      const got = await s.receive(1, incoming, 1, 2 * D);
      expect(got.map((m) => textOf(m.data))).toEqual(['held']);
      expect(s.elapsed - start, 'sooner than the Nagle timer would have let it').toBeLessThan(
        LONGEST_NAGLE_US / 1000 + D,
      );
      expect(a.sockets.flushMessages(0 as NetConnection)).toBe('invalidParam');
    },
  },

  'sockets-lane-priorities': {
    title: 'lower priority numbers go first when a Nagle batch is sent',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const a = s.peer(0);
      a.utils.setConfigValue('NagleTime', LONGEST_NAGLE_US, { connection: conn });
      expect(a.sockets.configureConnectionLanes(conn, [{ priority: 5 }, { priority: 1 }])).toBe('ok');
      a.sockets.sendMessages([
        { connection: conn, data: utf8('slow lane'), lane: 0, flags: SendFlags.Unreliable },
        { connection: conn, data: utf8('fast lane'), lane: 1, flags: SendFlags.Unreliable },
      ]);
      expect(a.sockets.flushMessages(conn)).toBe('ok');
      const got = await s.receive(1, incoming, 2);
      expect(got.map((m) => textOf(m.data))).toEqual(['fast lane', 'slow lane']);
    },
  },

  'sockets-configure-lanes': {
    title: 'configureConnectionLanes: never fewer, weights above 0, at most 255',
    peers: 2,
    async run(s) {
      const { conn } = await s.connected();
      const a = s.peer(0);
      expect(a.sockets.configureConnectionLanes(conn, [{}, {}, {}])).toBe('ok');
      expect(a.sockets.configureConnectionLanes(conn, [{}, {}])).toBe('invalidParam');
      expect(a.sockets.configureConnectionLanes(conn, [{}, {}, { weight: 0 }])).toBe('invalidParam');
      expect(a.sockets.configureConnectionLanes(0 as NetConnection, [{}])).toBe('noConnection');
      expectCode(() => a.sockets.configureConnectionLanes(conn, []), 'INVALID_ARGUMENT');
      expectCode(() => a.sockets.configureConnectionLanes(conn, new Array(256).fill({})), 'INVALID_ARGUMENT');
    },
  },

  'sockets-unreliable-upgrade': {
    title: 'an unreliable message over 16500 bytes is sent reliably; up to it, it stays unreliable',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const a = s.peer(0);
      a.sockets.sendMessage(conn, new Uint8Array(16_500), SendFlags.UnreliableNoNagle);
      a.sockets.sendMessage(conn, new Uint8Array(16_501), SendFlags.UnreliableNoNagle);
      const got = await s.receive(1, incoming, 2);
      expect(got.map((m) => [m.data.length, m.reliable]).sort(([x], [y]) => Number(x) - Number(y))).toEqual([
        [16_500, false],
        [16_501, true],
      ]);
    },
  },

  'sockets-receive-buffer': {
    title:
      'past RecvBufferMessages, unreliable messages are dropped and reliable ones wait at the sender until read',
    peers: 2,
    async run(s) {
      const { conn, incoming } = await s.connected();
      const [a, b] = [s.peer(0), s.peer(1)];
      expect(b.utils.setConfigValue('RecvBufferMessages', 10, { connection: incoming })).toBe(true);
      for (let i = 0; i < 15; i++) a.sockets.sendMessage(conn, utf8(`u${i}`), SendFlags.UnreliableNoNagle);
      await s.pass(3 * s.world.deliveryMs);
      // Unreliable messages may arrive in any order: the first ten to arrive are kept, each once.
      const kept = new Set(b.sockets.receiveMessages(incoming, 100)!.map((m) => textOf(m.data)));
      expect(kept.size).toBe(10);
      for (const m of kept) expect(m).toMatch(/^u(1[0-4]|[0-9])$/);
      for (let i = 0; i < 15; i++) a.sockets.sendMessage(conn, utf8(`r${i}`), SendFlags.ReliableNoNagle);
      await s.pass(3 * s.world.deliveryMs);
      expect(b.sockets.receiveMessages(incoming, 100)!.length, 'ten fit').toBe(10);
      expect(a.sockets.getRealTimeStatus(conn)!.status.sentUnackedReliable, 'five wait at the sender').toBe(
        5 * 'r10'.length,
      );
      const rest = await s.receive(1, incoming, 5, 5000);
      expect(rest.map((m) => textOf(m.data))).toEqual(['r10', 'r11', 'r12', 'r13', 'r14']);
    },
  },
};
