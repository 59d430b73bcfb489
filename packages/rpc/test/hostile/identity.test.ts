// Class 1, identity reset: an attacker who says hello again (or goodbye, then hello) must not get a
// fresh set of limits. Enforcement belongs to the SteamID for `enforcementMemoryMs`.
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { RpcArgumentError } from '../../src/index.js';
import { idOf, protocol, reliablePacket, varint } from '../helpers.js';
import { attackSetup } from './attack-setup.js';

const fp = protocol.fingerprint;
/** A chat frame whose body is not msgpack at all (0xc1 is never used). */
const undecodable = reliablePacket([idOf('chat'), [0xc1]]);

describe('identity reset: enforcement belongs to the SteamID, not the session', () => {
  it('hellos between undecodable frames do not reset the count: the 5th kicks, and the kick holds', async () => {
    const t = await attackSetup({ maxJoinsPerMinute: 1000 });
    for (let round = 0; round < 40; round++) {
      t.raw.hello(fp);
      await t.step();
      t.raw.send(undecodable, 0);
      await t.step();
    }
    expect(t.count('decodeFailed')).toBe(5);
    expect(t.left.filter(([, reason]) => reason === 'violations')).toHaveLength(1);
    expect(t.host.isConnected(t.raw.id)).toBe(false);
    expect(t.refused.map(([, reason]) => reason)).toContain('coolingDown');
  });

  it('hellos do not refill the rate budget: one budget however many sessions', async () => {
    const t = await attackSetup({
      rateLimits: { messagesPerSecond: 100, burstSeconds: 1 },
      violationPolicy: () => false,
      maxJoinsPerMinute: 1000,
    });
    const chats: unknown[] = [];
    t.host.on('chat', (m) => chats.push(m));
    const burst = reliablePacket(
      ...Array.from(
        { length: 60 },
        () => [idOf('chat'), Array.from(pack({ text: 'x' }))] as [number, number[]],
      ),
    );
    for (let round = 0; round < 10; round++) {
      t.raw.hello(fp);
      await t.step(10);
      t.raw.send(burst, 0);
      await t.step(10);
    }
    // 100 of burst, plus 200 ms × 100/s of refill.
    expect(chats.length).toBeLessThanOrEqual(120);
    expect(t.count('rateLimited')).toBeGreaterThan(0);
  });

  it('hellos do not reset the bound on requests in flight', async () => {
    const t = await attackSetup({
      maxConcurrentRequests: 4,
      violationPolicy: () => false,
      maxJoinsPerMinute: 1000,
    });
    let handled = 0;
    t.host.handle('buy', () => {
      handled++;
      return new Promise(() => {}); // never answers: each call holds a slot
    });
    let callId = 0;
    for (let round = 0; round < 10; round++) {
      t.raw.hello(fp);
      await t.step();
      for (let i = 0; i < 10; i++)
        t.raw.send(reliablePacket([idOf('buy'), [...varint(callId++), ...pack({ item: 'slow' })]]), 0);
      await t.step();
    }
    expect(handled).toBe(4);
    expect(t.host.debugState().inflightRequests).toBe(4);
    expect(t.count('tooManyRequests')).toBeGreaterThan(0);
  });

  it('a hello/goodbye loop joins a few times a minute, not hundreds (each join is shown to every player)', async () => {
    const t = await attackSetup();
    for (let round = 0; round < 50; round++) {
      t.raw.hello(fp);
      await t.step();
      t.raw.bye();
      await t.step();
    }
    // The first join, then at most the default 6 a minute (the loop took 2 s).
    expect(t.joined.length).toBeLessThanOrEqual(7);
    expect(t.refused.map(([, reason]) => reason)).toContain('tooManyJoins');
  });

  it('is forgotten enforcementMemoryMs after the last session ended, not before', async () => {
    const t = await attackSetup({ enforcementMemoryMs: 5000, maxJoinsPerMinute: 1000 });
    for (let i = 0; i < 4; i++) t.raw.send(undecodable, 0);
    await t.step();
    t.raw.bye();
    await t.step(1000);
    // Within the window: the same count, so one more frame kicks.
    t.raw.hello(fp);
    await t.step();
    t.raw.send(undecodable, 0);
    await t.step();
    expect(t.left.map(([, reason]) => reason)).toEqual(['left', 'violations']);

    const u = await attackSetup({ enforcementMemoryMs: 5000, kickCooldownMs: 0, maxJoinsPerMinute: 1000 });
    for (let i = 0; i < 4; i++) u.raw.send(undecodable, 0);
    await u.step();
    u.raw.bye();
    await u.step(6000);
    u.raw.hello(fp);
    await u.step();
    for (let i = 0; i < 4; i++) u.raw.send(undecodable, 0);
    await u.step();
    expect(u.host.isConnected(u.raw.id)).toBe(true);
    expect(u.left.map(([, reason]) => reason)).toEqual(['left']);
  });

  it('the memory window and the join rate are validated', async () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60000', {}]) {
      await expect(attackSetup({ enforcementMemoryMs: bad as number })).rejects.toThrow(RpcArgumentError);
    }
    for (const bad of [0, -1, 1.5, Number.NaN, '6', null]) {
      await expect(attackSetup({ maxJoinsPerMinute: bad as number })).rejects.toThrow(RpcArgumentError);
    }
  });
});
