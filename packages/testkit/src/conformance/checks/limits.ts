/**
 * Conformance checks of Steam's limits: exact packet sizes, send failures and their reasons, and the
 * receive buffer a receiver keeps per remote (unreliable floods dropped past it, reliable data held
 * back at the sender until read, the sender's send buffer refusing more), with held data of an
 * unaccepted peer bounded the same way.
 * @packageDocumentation
 */
import { P2PSend } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { ConformanceBehaviour } from '../behaviours.js';
import { bytes, type Stage } from '../stage.js';
import { type Check, sameBytes, tagged, tagOf } from './check.js';

/**
 * The flood channel of the receive-buffer checks: nobody reads it until the check says so. Below 7,
 * so the Sockets backend carries it on a lane of its own without a channel header: every packet is
 * exactly the size Steam's numbers are about.
 */
const FLOOD = 6;

/** Peer 0 sends `count` unreliable packets of `size` bytes to peer 1 on {@link FLOOD}, in bursts. */
async function unreliableFlood(s: Stage, count: number, size: number): Promise<void> {
  const to = s.id(1);
  // Bursts of 50 keep a real socket's receive buffer from dropping what Steam itself would keep.
  for (let i = 0; i < count; i++) {
    expect(s.peer(0).sendP2PPacket(to, tagged(i, size), P2PSend.Unreliable, FLOOD), `send ${i}`).toBe(true);
    if (i % 50 === 49) await s.pass(s.world.deliveryMs);
  }
  await s.pass(3 * s.world.deliveryMs);
}

export const limitChecks = {
  'unreliable-size-limit': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D); // the hello is acknowledged: the send buffer is empty
      const limit = s.steam.maxUnreliableBytes;
      expect(s.peer(0).limits.maxUnreliableBytes, "the limit the peer reports is Steam's").toBe(limit);
      const over = new Uint8Array(limit + 1);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.Unreliable)).toBe(false);
      expect(s.peer(0).lastSendFailure?.reason).toBe('tooLarge');
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
      const D = s.world.deliveryMs;
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D); // the hello is acknowledged: the send buffer is empty
      const limit = s.steam.maxReliableBytes;
      expect(s.peer(0).limits.maxReliableBytes, "the limit the peer reports is Steam's").toBe(limit);
      const over = new Uint8Array(limit + 1);
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.Reliable)).toBe(false);
      expect(s.peer(0).lastSendFailure?.reason).toBe('tooLarge');
      expect(s.peer(0).sendP2PPacket(b, over, P2PSend.ReliableWithBuffering)).toBe(false);
      const max = tagged(1, limit);
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
      expect(peer.lastSendFailure).toEqual({ reason: 'tooLarge' });
      expect(peer.sendP2PPacket(b, bytes('ok'), P2PSend.Reliable)).toBe(true);
      expect(peer.lastSendFailure).toBeNull();
      expect(peer.sendP2PPacket(b, new Uint8Array(peer.limits.maxReliableBytes + 1), P2PSend.Reliable)).toBe(
        false,
      );
      expect(peer.lastSendFailure).toEqual({ reason: 'tooLarge' });
      expect(peer.sendP2PPacket(0n, bytes('nobody'), P2PSend.Reliable)).toBe(false);
      expect(peer.lastSendFailure).toEqual({ reason: 'invalidSteamId' });
    },
  },

  'receive-buffer-unreliable': {
    peers: 2,
    async run(s) {
      const { recvBufferMessages: messages, recvBufferBytes: budget } = s.steam;
      expect(await s.connect(0, 1)).toBe(true);
      // Small packets: the message limit binds.
      await unreliableFlood(s, messages + 200, 100);
      const small = s.drain(1, FLOOD);
      expect(small.length, 'held up to the message limit, the rest dropped').toBe(messages);
      expect(new Set(small.map((p) => tagOf(p.data))).size, 'each one once').toBe(messages);
      // The largest packets that stay unreliable (Steam sends bigger ones reliably): the byte limit binds.
      const size = Math.min(s.steam.maxUnreliableBytes, s.steam.unreliableAsReliableAboveBytes ?? Infinity);
      const fit = Math.min(messages, Math.floor(budget / size));
      await unreliableFlood(s, fit + 100, size);
      const big = s.drain(1, FLOOD);
      expect(big.length, `${fit} × ${size} bytes fit in ${budget}`).toBe(fit);
      expect(big.reduce((n, p) => n + p.data.length, 0)).toBeLessThanOrEqual(budget);
      // Read, the buffer takes packets again.
      await unreliableFlood(s, 10, 100);
      expect(s.drain(1, FLOOD)).toHaveLength(10);
    },
  },

  'receive-buffer-reliable': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const { recvBufferMessages, recvBufferBytes, sendBufferBytes, sendBufferResult } = s.steam;
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D); // the hello is acknowledged: the send buffer is empty
      const size = s.steam.maxReliableBytes;
      const fit = Math.min(recvBufferMessages, Math.floor(recvBufferBytes / size));
      const waiting = Math.floor(sendBufferBytes / size);
      let accepted = 0;
      for (; accepted < fit + waiting + 2; accepted++) {
        if (!s.peer(0).sendP2PPacket(b, tagged(accepted, size), P2PSend.Reliable, FLOOD)) break;
        await s.pass(2 * D);
      }
      expect(accepted, `${fit} held by the receiver + ${waiting} in the sender's buffer`).toBe(fit + waiting);
      const failure = s.peer(0).lastSendFailure;
      expect(failure).toEqual(
        sendBufferResult === null
          ? { reason: 'limitExceeded' }
          : { reason: 'limitExceeded', result: sendBufferResult },
      );
      await s.pass(10 * D);
      const held = s.drain(1, FLOOD);
      expect(
        held.map((p) => tagOf(p.data)),
        'the receiver holds only what fits',
      ).toEqual(Array.from({ length: fit }, (_, i) => i));
      // Reading makes room: the rest arrives, in order, exactly once.
      const got = [...held, ...(await s.receive(1, accepted - fit, 10_000, FLOOD))];
      expect(got.map((p) => tagOf(p.data))).toEqual(Array.from({ length: accepted }, (_, i) => i));
      for (const p of got) expect(sameBytes(p.data, tagged(tagOf(p.data), size))).toBe(true);
      await s.pass(5 * D);
      expect(s.drain(1, FLOOD)).toEqual([]);
      expect(s.peer(0).sendP2PPacket(b, tagged(accepted, size), P2PSend.Reliable, FLOOD), 'room again').toBe(
        true,
      );
    },
  },

  'receive-buffer-unaccepted': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const messages = s.steam.recvBufferMessages;
      const a = s.id(0);
      // Peer 0 floods peer 1, which has not accepted it (yet).
      await unreliableFlood(s, messages + 200, 100);
      expect(s.eventsOf(1, 'sessionRequest', a).length).toBeGreaterThanOrEqual(1);
      expect(s.peer(1).getAvailableP2PPacketSize(FLOOD)).toBeNull();
      expect(s.peer(1).acceptP2PSessionWithUser(a)).toBe(true);
      await s.pass(3 * D);
      const held = s.drain(1, FLOOD);
      expect(held.length, 'an unaccepted peer is held to the message limit too').toBe(messages);
    },
  },
} satisfies Partial<Record<ConformanceBehaviour, Check>>;
