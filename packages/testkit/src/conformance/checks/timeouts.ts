/**
 * Conformance checks of time: the connect and connection-lost timeouts (connect-fail), how often
 * connect-fail is posted, what a later send does after a failure, the idle timeout, and that events
 * only ever fire from `runCallbacks`. Each waits for Steam's number of the world's backend and no
 * other, within the world's delivery time.
 * @packageDocumentation
 */
import { P2PSend, P2PSessionError } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { ConformanceBehaviour } from '../behaviours.js';
import { bytes, type Stage, text } from '../stage.js';
import { type Check, expectAround } from './check.js';

/** Lets time pass until peer `index` has `count` connect-fails about `remote`; returns when they came. */
async function failsBy(
  s: Stage,
  index: number,
  remote: bigint,
  count: number,
  maxMs: number,
): Promise<number[]> {
  const fails = () => s.eventsOf(index, 'sessionConnectFail', remote);
  await s.until(() => fails().length >= count, maxMs, s.world.deliveryMs);
  return fails().map((e) => e.at);
}

export const timeoutChecks = {
  'connect-fail-timeout': {
    peers: 1,
    async run(s) {
      const D = s.world.deliveryMs;
      const T = s.steam.connectTimeoutMs;
      const absent = s.world.absentPeerId;
      const start = s.elapsed;
      expect(s.peer(0).sendP2PPacket(absent, bytes('anyone?'), P2PSend.Reliable)).toBe(true);
      await s.passTo(start + T - 2 * D, s.stepFor(T));
      expect(s.eventsOf(0, 'sessionConnectFail'), 'no connect-fail before the timeout').toHaveLength(0);
      const at = await failsBy(s, 0, absent, 1, 4 * D);
      expect(at, 'connect-fail at the timeout').toHaveLength(1);
      expectAround('connect-fail', at[0]! - start, T, 2 * D, 2 * D);
      expect(s.eventsOf(0, 'sessionConnectFail')[0]).toMatchObject({ error: P2PSessionError.Timeout });
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
      const D = s.world.deliveryMs;
      const T = s.steam.connectTimeoutMs;
      const [a, b] = [s.id(0), s.id(1)];
      const start = s.elapsed;
      expect(s.peer(0).sendP2PPacket(b, bytes('accept me'), P2PSend.Reliable)).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > 0, 20 * D, D)).toBe(true);
      await s.passTo(start + T - 2 * D, s.stepFor(T));
      expect(s.eventsOf(0, 'sessionConnectFail', b), 'no connect-fail before the timeout').toHaveLength(0);
      const at = await failsBy(s, 0, b, 1, 4 * D);
      expect(at).toHaveLength(1);
      expectAround('connect-fail', at[0]! - start, T, 2 * D, 2 * D);
      expect(s.eventsOf(0, 'sessionConnectFail', b)[0]).toMatchObject({ error: P2PSessionError.Timeout });
      expect(s.peer(1).getAvailableP2PPacketSize(0)).toBeNull();
    },
  },

  'connect-fail-once': {
    peers: 1,
    async run(s) {
      const D = s.world.deliveryMs;
      const T = s.steam.connectTimeoutMs;
      const absent = s.world.absentPeerId;
      const peer = s.peer(0);
      const fails = () => s.eventsOf(0, 'sessionConnectFail', absent);
      peer.sendP2PPacket(absent, bytes('first'), P2PSend.Reliable);
      expect((await failsBy(s, 0, absent, 1, T + 4 * D)).length).toBe(1);
      // Still sending into the failed session for more than two more timeouts.
      const end = s.elapsed + Math.ceil(2.5 * T);
      while (s.elapsed < end) {
        peer.sendP2PPacket(absent, bytes('again'), P2PSend.Reliable);
        await s.pass(Math.ceil(T / 8), D);
      }
      await s.pass(T + 4 * D); // the attempt of the last send runs out
      if (s.steam.connectFailOncePerSession) {
        expect(fails(), 'connect-fail is posted once per session').toHaveLength(1);
      } else {
        // Every later send starts a new attempt, and each attempt fails on its own.
        const at = fails().map((e) => e.at);
        expect(at.length, `connect-fails at ${at.join(', ')} ms`).toBeGreaterThanOrEqual(3);
        for (let i = 1; i < at.length; i++) {
          expectAround(`attempt ${i + 1}`, at[i]! - at[i - 1]!, T, 2 * D, Math.ceil(T / 8) + 3 * D);
        }
      }
      const settled = fails().length;
      peer.closeP2PSessionWithUser(absent);
      peer.sendP2PPacket(absent, bytes('after close'), P2PSend.Reliable);
      const after = await failsBy(s, 0, absent, settled + 1, T + 4 * D);
      expect(after.length, 'a closed and reopened session fails again').toBe(settled + 1);
    },
  },

  'connection-lost-timeout': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const L = s.steam.connectionLostTimeoutMs;
      const b = s.id(1);
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D);
      await s.removePeer(1);
      const start = s.elapsed;
      expect(s.peer(0).sendP2PPacket(b, bytes('are you there?'), P2PSend.Reliable)).toBe(true);
      await s.passTo(start + L - 2 * D, s.stepFor(L));
      expect(s.eventsOf(0, 'sessionConnectFail', b), 'no connect-fail before the timeout').toHaveLength(0);
      const at = await failsBy(s, 0, b, 1, 4 * D);
      expect(at, 'connect-fail once the connection is lost').toHaveLength(1);
      expectAround('connect-fail', at[0]! - start, L, 2 * D, 2 * D);
      expect(s.eventsOf(0, 'sessionConnectFail', b)[0]).toMatchObject({ error: P2PSessionError.Timeout });
      expect(s.peer(0).getP2PSessionState(b)?.connectionActive ?? false).toBe(false);
    },
  },

  'send-after-fail': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const H = s.steam.unacceptedHoldMs;
      const T = s.steam.connectTimeoutMs;
      const [a, b] = [s.id(0), s.id(1)];
      const start = s.elapsed;
      expect(s.peer(0).sendP2PPacket(b, bytes('old'), P2PSend.Reliable)).toBe(true);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > 0, 20 * D, D)).toBe(true);
      expect((await failsBy(s, 0, b, 1, T + 4 * D)).length).toBe(1);
      // Let b's hold on 'old' run out as well, so only a resend could deliver it.
      await s.passTo(start + Math.max(H, T) + 4 * D, s.stepFor(H));
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

  'idle-timeout': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const idle = s.steam.idleTimeoutMs;
      const [a, b] = [s.id(0), s.id(1)];
      expect(await s.connect(0, 1)).toBe(true);
      await s.pass(2 * D);
      const start = s.elapsed;
      const quiet = idle ?? 200_000;
      await s.passTo(start + quiet - 4 * D, s.stepFor(quiet));
      expect(s.peer(0).getP2PSessionState(b)?.connectionActive, 'still open before the idle timeout').toBe(
        true,
      );
      expect(s.peer(1).getP2PSessionState(a)?.connectionActive).toBe(true);
      await s.passTo(start + quiet + 4 * D, D);
      expect(
        s.events.filter((e) => e.type === 'sessionConnectFail'),
        'no callback for an idle close',
      ).toEqual([]);
      const requests = s.eventsOf(1, 'sessionRequest', a).length;
      s.manualAccept(1, a);
      if (idle === null) {
        expect(s.peer(0).getP2PSessionState(b)?.connectionActive, 'no idle timeout').toBe(true);
        expect(s.peer(1).getP2PSessionState(a)?.connectionActive).toBe(true);
        s.peer(0).sendP2PPacket(b, bytes('still here'), P2PSend.Reliable);
        expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['still here']);
        expect(s.eventsOf(1, 'sessionRequest', a), 'the session never closed').toHaveLength(requests);
        return;
      }
      expect(s.peer(0).getP2PSessionState(b), 'closed silently on the sender').toBeNull();
      expect(s.peer(1).getP2PSessionState(a), 'closed silently on the receiver').toBeNull();
      s.peer(0).sendP2PPacket(b, bytes('again'), P2PSend.Reliable);
      expect(await s.until(() => s.eventsOf(1, 'sessionRequest', a).length > requests, 20 * D, D)).toBe(true);
      expect(s.peer(1).acceptP2PSessionWithUser(a)).toBe(true);
      expect((await s.receive(1, 1, 20 * D)).map((p) => text(p.data))).toEqual(['again']);
    },
  },

  'events-only-from-run-callbacks': {
    peers: 2,
    async run(s) {
      const D = s.world.deliveryMs;
      const T = s.steam.connectTimeoutMs;
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
} satisfies Partial<Record<ConformanceBehaviour, Check>>;
