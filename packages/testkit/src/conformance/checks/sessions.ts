/**
 * Conformance checks of sessions: requests and their re-post interval, accepting (explicitly or by
 * sending), how long an unaccepted peer's data stays acceptable, closing, state, invalid ids, relay.
 * @packageDocumentation
 */
import { P2PSend, P2PSessionError } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { ConformanceBehaviour } from '../behaviours.js';
import { bytes, text } from '../stage.js';
import { type Check, expectAround } from './check.js';

export const sessionChecks = {
  'session-request': {
    peers: 3,
    async run(s) {
      const D = s.world.deliveryMs;
      const [a, b, c] = [s.id(0), s.id(1), s.id(2)];
      for (let i = 0; i < 3; i++) {
        s.peer(1).sendP2PPacket(a, bytes(`b${i}`), P2PSend.Reliable);
        s.peer(2).sendP2PPacket(a, bytes(`c${i}`), P2PSend.Reliable);
      }
      const requested = () =>
        s.eventsOf(0, 'sessionRequest', b).length > 0 && s.eventsOf(0, 'sessionRequest', c).length > 0;
      expect(await s.until(requested, 20 * D, D), 'a session request from each new peer').toBe(true);
      await s.pass(3 * D);
      // Three packets arrived together: one request per peer, not one per packet.
      expect(s.eventsOf(0, 'sessionRequest', b)).toHaveLength(1);
      expect(s.eventsOf(0, 'sessionRequest', c)).toHaveLength(1);
      expect(s.peer(0).getAvailableP2PPacketSize(0)).toBeNull();
    },
  },

  'session-request-repost': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const R = s.steam.sessionRequestRepostMs;
      const a = s.id(0);
      const b = s.id(1);
      // b keeps sending, a never accepts: the request must come again every R, no sooner.
      const period = Math.max(D, Math.floor(R / 4));
      const end = s.elapsed + Math.ceil(2.5 * R) + period + 4 * D;
      for (let i = 0; s.elapsed < end; i++) {
        s.peer(1).sendP2PPacket(a, bytes(`still here ${i}`), P2PSend.Reliable);
        await s.pass(period, D);
      }
      const at = s.eventsOf(0, 'sessionRequest', b).map((e) => e.at);
      expect(at.length, `requests at ${at.join(', ')} ms`).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < at.length; i++) {
        expectAround(`re-post ${i}`, at[i]! - at[i - 1]!, R, D, period + 3 * D);
      }
      expect(s.peer(0).getAvailableP2PPacketSize(0)).toBeNull();
    },
  },

  'held-until-accept': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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

  'unaccepted-hold': {
    peers: 3,
    async run(s) {
      const D = s.world.deliveryMs;
      const H = s.steam.unacceptedHoldMs;
      const [a, b, c] = [s.id(0), s.id(1), s.id(2)];
      const start = s.elapsed;
      s.peer(1).sendP2PPacket(a, bytes('in time'), P2PSend.Reliable);
      s.peer(2).sendP2PPacket(a, bytes('too late'), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(0, 'sessionRequest').length >= 2, 20 * D, D)).toBe(true);
      await s.passTo(start + H - 3 * D, s.stepFor(H));
      expect(s.peer(0).getAvailableP2PPacketSize(0), 'nothing readable before accept').toBeNull();
      expect(s.peer(0).acceptP2PSessionWithUser(b)).toBe(true);
      const early = await s.receive(0, 1, 20 * D);
      expect(
        early.map((p) => text(p.data)),
        'accepted just before the hold time',
      ).toEqual(['in time']);
      await s.passTo(start + H + 3 * D, D);
      expect(s.peer(0).acceptP2PSessionWithUser(c)).toBe(true);
      await s.pass(5 * D);
      expect(s.drain(0), 'accepted just after the hold time').toEqual([]);
    },
  },

  'accept-without-request': {
    peers: 2,
    async run(s) {
      expect(s.peer(0).acceptP2PSessionWithUser(s.id(1))).toBe(true);
      expect(s.peer(0).acceptP2PSessionWithUser(s.world.absentPeerId)).toBe(true);
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

  'close-session': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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
      const D = s.world.deliveryMs;
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
} satisfies Partial<Record<ConformanceBehaviour, Check>>;
