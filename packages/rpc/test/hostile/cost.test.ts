// Class 2, cost is not bytes: valid msgpack that is cheap to send and dear to decode. The pre-scan
// bounds what one message may cost (declared per entry, per protocol, or by default), and each peer's
// work per update() is bounded, so one peer can never stall a tick.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  connectToHost,
  createHost,
  DEFAULT_DECODE_LIMITS,
  defineProtocol,
  MessageTooComplexError,
  message,
  ProtocolDefinitionError,
  typed,
} from '../../src/index.js';
import { VALIDATE_WORK_FACTOR } from '../../src/payload.js';
import {
  emptyMapsBomb,
  emptyMapsInData,
  manyKeysBomb,
  RawPeer,
  wholeFrame,
  wideStringBomb,
} from '../../stress/lib/attacker.js';
import { CONTROL, helloBytes, idOf, protocol } from '../helpers.js';
import { attackSetup } from './attack-setup.js';

describe('cost is not bytes: decode work is bounded per message', () => {
  it('a 4 MiB message of 4 M empty maps is refused by the pre-scan, never decoded', async () => {
    const t = await attackSetup({ violationPolicy: () => false });
    const seen: unknown[] = [];
    t.host.on('blob', (m) => seen.push(m));
    t.raw.fragmented(wholeFrame(idOf('blob'), emptyMapsInData(4 * 1024 * 1024 - 64)), 4);
    await t.step(300);
    expect(seen).toEqual([]);
    expect(t.rejected.map(([, reason, name]) => [reason, name])).toEqual([['tooComplex', 'blob']]);
  });

  it('a map of 150 000 keys, and a 4 MiB string of two-byte characters, are refused the same way', async () => {
    const t = await attackSetup({ violationPolicy: () => false });
    const seen: unknown[] = [];
    t.host.on('blob', (m) => seen.push(m));
    // (One at a time: the sender's own Steam send buffer holds 4 MiB.)
    t.raw.fragmented(wholeFrame(idOf('blob'), manyKeysBomb(150_000)), 4);
    await t.step(300);
    t.raw.fragmented(wholeFrame(idOf('blob'), wideStringBomb(2 * 1024 * 1024 - 16)), 4);
    await t.step(300);
    expect(seen).toEqual([]);
    expect(t.count('tooComplex')).toBe(2);
  });

  it('the default policy kicks after 5 such messages, not 50', async () => {
    const t = await attackSetup();
    for (let i = 0; i < 10; i++) t.raw.frame(idOf('blob'), emptyMapsBomb(20_000), 4);
    await t.step(300);
    expect(t.count('tooComplex')).toBe(5);
    expect(t.left.map(([, reason]) => reason)).toEqual(['violations']);
  });

  it('limits are declared per entry and per protocol, checked at definition, and kept by the sender too', async () => {
    const p = defineProtocol(
      {
        small: message(typed<number[]>(), {
          from: 'client',
          channel: 0,
          send: 'reliable',
          limits: { maxElements: 10 },
        }),
        wide: message(typed<number[]>(), { from: 'client', channel: 0, send: 'reliable' }),
      },
      { limits: { maxElements: 100, maxDepth: 4 } },
    );
    expect(p.entry('small')!.limits).toEqual({ ...DEFAULT_DECODE_LIMITS, maxElements: 10, maxDepth: 4 });
    expect(p.entry('wide')!.limits).toEqual({ ...DEFAULT_DECODE_LIMITS, maxElements: 100, maxDepth: 4 });
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', 2 ** 40]) {
      expect(() =>
        defineProtocol({
          m: message(typed<number>(), {
            from: 'client',
            channel: 0,
            send: 'reliable',
            limits: { maxElements: bad as number },
          }),
        }),
      ).toThrow(ProtocolDefinitionError);
      expect(() => defineProtocol({}, { limits: { maxDepth: bad as number } })).toThrow(
        ProtocolDefinitionError,
      );
    }
    expect(() => defineProtocol({}, { limits: { maxDepth: 65 } })).toThrow(ProtocolDefinitionError);
    expect(() => defineProtocol({}, { limits: { maxKeys: 3 } as never })).toThrow(/not a decode limit/);

    const net = new FakeSteamNetwork({ seed: 3 });
    const hostPeer = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol: p,
      clock: net.clock,
      tickMs: 10,
      violationPolicy: () => false,
    });
    const got: number[][] = [];
    host.on('small', (m) => got.push(m));
    const rejected: string[] = [];
    host.events.on('rejected', (_p, reason, name) => rejected.push(`${reason}:${name}`));
    const pending = connectToHost({
      network: net.createPeer(),
      protocol: p,
      host: hostPeer.localSteamId,
      clock: net.clock,
      tickMs: 10,
    });
    await net.advance(100);
    const client = await pending;
    client.send('small', [1, 2, 3]);
    expect(() =>
      client.send(
        'small',
        Array.from({ length: 20 }, (_, i) => i),
      ),
    ).toThrow(MessageTooComplexError);
    // A raw peer running the same protocol, without the sender's check:
    const raw = new RawPeer(net, hostPeer.localSteamId);
    raw.send(helloBytes(p.fingerprint), CONTROL);
    await net.advance(50);
    raw.forge(
      p,
      'small',
      Array.from({ length: 20 }, (_, i) => i),
    );
    raw.forge(p, 'wide', [[[[[1]]]]]);
    await net.advance(100);
    expect(got).toEqual([[1, 2, 3]]);
    expect(rejected.sort()).toEqual(['tooComplex:small', 'tooComplex:wide']);
    net.dispose();
  });
});

describe("cost is not bytes: one peer's work per update() is bounded", () => {
  it('a burst of expensive but valid messages is spread over updates, in order, none lost', async () => {
    const net = new FakeSteamNetwork({ seed: 4 });
    const hostPeer = net.createPeer();
    // Updated by hand, as a game loop does, so each update's deliveries can be counted.
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      violationPolicy: () => false,
      workPerUpdate: 10_000,
    });
    const raw = new RawPeer(net, hostPeer.localSteamId);
    raw.send(helloBytes(protocol.fingerprint), CONTROL);
    for (let i = 0; i < 10 && !host.isConnected(raw.id); i++) {
      await net.advance(10);
      host.update();
    }
    expect(host.isConnected(raw.id)).toBe(true);
    const order: number[] = [];
    host.on('blob', (m) => order.push((m as unknown as { n: number }).n));
    // 100 messages of 4 000 elements each (within the default limits), in one burst.
    const heavy = (n: number) => pack({ n, data: Array.from({ length: 3996 }, () => null) });
    for (let n = 0; n < 100; n++) raw.frame(idOf('blob'), heavy(n), 4);
    await net.advance(20);
    const perUpdate: number[] = [];
    for (let i = 0; i < 200 && order.length < 100; i++) {
      const before = order.length;
      host.update();
      perUpdate.push(order.length - before);
      await net.advance(1);
    }
    expect(order).toEqual(Array.from({ length: 100 }, (_, n) => n));
    // 10 000 units an update, about 4 000 a message: never more than 3 in one update.
    expect(Math.max(...perUpdate)).toBeLessThanOrEqual(3);
    expect(perUpdate.length).toBeGreaterThanOrEqual(33);
    expect(host.debugState().deferredPackets).toBe(0);
    net.dispose();
  });

  it('validating counts too: a burst of small valid messages that a schema checks is spread over updates', async () => {
    const net = new FakeSteamNetwork({ seed: 6 });
    const hostPeer = net.createPeer();
    // Only the work budget bounds this peer: rate limits far above the burst, a policy that never kicks.
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      violationPolicy: () => false,
      rateLimits: { messagesPerSecond: 1e9, bytesPerSecond: 1e12 },
    });
    const raw = new RawPeer(net, hostPeer.localSteamId);
    raw.send(helloBytes(protocol.fingerprint), CONTROL);
    for (let i = 0; i < 10 && !host.isConnected(raw.id); i++) {
      await net.advance(10);
      host.update();
    }
    const texts: string[] = [];
    host.on('chat', (m) => texts.push(m.text));
    // 2 000 chats (zod-validated) in one burst: cheap to decode, each costs its schema's run too.
    for (let n = 0; n < 2000; n++) raw.frame(idOf('chat'), pack({ text: `m${n}` }), 0);
    await net.advance(20);
    const perUpdate: number[] = [];
    for (let i = 0; i < 100 && texts.length < 2000; i++) {
      const before = texts.length;
      host.update();
      perUpdate.push(texts.length - before);
      await net.advance(1);
    }
    expect(texts).toEqual(Array.from({ length: 2000 }, (_, n) => `m${n}`));
    // Decoding alone (a few units a chat) would let ~1 400 through one update; validation is counted.
    expect(Math.max(...perUpdate)).toBeLessThanOrEqual(10_000 / VALIDATE_WORK_FACTOR / 4);
    expect(perUpdate.length).toBeGreaterThanOrEqual(5);
    net.dispose();
  });

  it('a peer that keeps sending more work than it may cost is bounded, then rejected and kicked', async () => {
    const t = await attackSetup({ rateLimits: { messagesPerSecond: 1e9, bytesPerSecond: 1e12 } });
    // Each frame is 8 000 elements: about one an update, while the peer sends far more.
    const bomb = emptyMapsBomb(8000);
    let maxDeferred = 0;
    for (let round = 0; round < 60 && t.left.length === 0; round++) {
      for (let i = 0; i < 100; i++) t.raw.frame(idOf('blob'), bomb, 4);
      await t.step(20);
      maxDeferred = Math.max(maxDeferred, t.host.debugState().deferredBytes);
    }
    expect(maxDeferred).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(t.count('rateLimited')).toBeGreaterThan(0);
    expect(t.left.map(([, reason]) => reason)).toEqual(['violations']);
  });

  it('a schema-validated message is also bounded before its schema runs', async () => {
    const p = defineProtocol({
      chat: message(z.object({ text: z.string() }), { from: 'client', channel: 0, send: 'reliable' }),
    });
    const net = new FakeSteamNetwork({ seed: 5 });
    const hostPeer = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol: p,
      clock: net.clock,
      tickMs: 10,
      violationPolicy: () => false,
    });
    const rejected: string[] = [];
    host.events.on('rejected', (_p, reason) => rejected.push(reason));
    const raw = new RawPeer(net, hostPeer.localSteamId);
    raw.send(helloBytes(p.fingerprint), CONTROL);
    await net.advance(50);
    raw.frame(p.entry('chat')!.id, emptyMapsBomb(100_000), 0);
    await net.advance(50);
    expect(rejected).toEqual(['tooComplex']);
    net.dispose();
  });
});
