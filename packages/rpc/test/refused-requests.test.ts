// A request refused on receipt is answered at once: the caller gets RequestRejectedError with the
// same reason the `rejected` event names, instead of waiting out its timeout. Still counted as before,
// and no peer can use the answers to make a host send more than it receives.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createHost,
  defineProtocol,
  RejectReasons,
  RemoteError,
  RequestRejectedError,
  request,
  typed,
} from '../src/index.js';
import { createTestMatch } from '../src/testing.js';
import { CONTROL, helloBytes, idOf, protocol, reliablePacket, unreliablePacket, varint } from './helpers.js';

/** How long a refused call may take: a round trip and a tick or two, far below any timeout. */
const AT_ONCE_MS = 200;

async function refusal(call: Promise<unknown>, net: FakeSteamNetwork) {
  const started = net.clock.now();
  const error = await net.run(call, { limitMs: AT_ONCE_MS }).catch((e: unknown) => e);
  return { error: error as RequestRejectedError, tookMs: net.clock.now() - started };
}

describe('a request refused on receipt is answered at once', () => {
  it('when its payload fails the host’s schema: RequestRejectedError(invalid), counted and emitted as before', async () => {
    const { net, host, clients, dispose } = await createTestMatch({
      protocol,
      clients: 1,
      conditions: { latencyMs: 40 },
    });
    const [client] = clients;
    const rejected: unknown[] = [];
    host.events.on('rejected', (_peer, reason, name) => rejected.push([reason, name]));
    host.handle('buy', () => ({ ok: true, gold: 1 }));
    const { error, tookMs } = await refusal(client.call('buy', { item: 42 } as never), net);
    expect(error).toBeInstanceOf(RequestRejectedError);
    expect(error).toMatchObject({
      code: 'REQUEST_REJECTED',
      requestName: 'buy',
      reason: 'invalid',
      by: 'host',
    });
    expect(error.message).toContain("'buy'");
    expect(error.message).toContain('schema');
    expect(tookMs).toBeLessThan(AT_ONCE_MS);
    expect(rejected).toEqual([['invalid', 'buy']]);
    expect(host.stats(client.network.localSteamId)!.rejected.invalid).toBe(1);
    // The session goes on: a valid call right after is answered.
    expect(await net.run(client.call('buy', { item: 'sword' }))).toEqual({ ok: true, gold: 1 });
    dispose();
  });

  it('beyond the concurrent requests a host handles for one peer: RequestRejectedError(tooManyRequests)', async () => {
    const { net, host, clients, dispose } = await createTestMatch({
      protocol,
      clients: 1,
      host: { maxConcurrentRequests: 1 },
    });
    host.handle('buy', () => new Promise(() => {}));
    const first = clients[0].call('buy', { item: 'a' });
    first.catch(() => undefined);
    const { error } = await refusal(clients[0].call('buy', { item: 'b' }), net);
    expect(error).toMatchObject({ reason: 'tooManyRequests', requestName: 'buy' });
    expect(error).not.toBeInstanceOf(RemoteError);
    dispose();
  });

  it('over the host’s rate limit: RequestRejectedError(rateLimited), as many as the budget answers', async () => {
    const { net, host, clients, dispose } = await createTestMatch({
      protocol,
      clients: 1,
      host: { rateLimits: { messagesPerSecond: 5, burstSeconds: 1 }, violationPolicy: () => false },
    });
    host.handle('buy', () => ({ ok: true, gold: 1 }));
    // A budget of 5 messages: 5 calls pass, 3 are refused and answered.
    const calls = Array.from({ length: 8 }, (_, i) => clients[0].call('buy', { item: String(i) }));
    const settled = await net.run(Promise.allSettled(calls), { limitMs: AT_ONCE_MS });
    expect(settled.map((s) => s.status)).toEqual([
      ...Array(5).fill('fulfilled'),
      ...Array(3).fill('rejected'),
    ]);
    for (const s of settled.slice(5)) {
      expect((s as PromiseRejectedResult).reason).toMatchObject({
        code: 'REQUEST_REJECTED',
        reason: 'rateLimited',
      });
    }
    // Answers come out of a budget of the same size: past it, a refused call waits out its timeout.
    await net.advance(2000);
    const flood = Array.from({ length: 20 }, (_, i) =>
      clients[0].call('buy', { item: String(i) }, { timeoutMs: 1000 }),
    );
    const outcomes = await net.run(Promise.allSettled(flood));
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code,
    );
    expect(codes.filter((c) => c === 'REQUEST_REJECTED').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'REQUEST_TIMEOUT').length).toBeGreaterThan(0);
    dispose();
  });

  it('larger than the host takes: RequestRejectedError(tooLarge)', async () => {
    const { net, clients, host, dispose } = await createTestMatch({
      protocol,
      clients: 1,
      host: { maxMessageBytes: 64 },
    });
    host.handle('buy', () => ({ ok: true, gold: 1 }));
    const { error } = await refusal(clients[0].call('buy', { item: 'x'.repeat(200) }), net);
    expect(error).toMatchObject({ reason: 'tooLarge', requestName: 'buy' });
    dispose();
  });

  it('host to client too: a client refuses what fails its schema, and the host hears it at once', async () => {
    const quiz = defineProtocol({
      quiz: request(z.object({ q: z.string().max(10) }), typed<{ a: string }>(), {
        from: 'host',
        channel: 0,
      }),
    });
    const { net, host, clients, dispose } = await createTestMatch({ protocol: quiz, clients: 1 });
    clients[0].handle('quiz', (req) => ({ a: req.q }));
    const peer = clients[0].network.localSteamId;
    const { error } = await refusal(host.call(peer, 'quiz', { q: 'far too long a question' }), net);
    expect(error).toMatchObject({ reason: 'invalid', requestName: 'quiz', by: 'client' });
    expect(await net.run(host.call(peer, 'quiz', { q: 'ok?' }))).toEqual({ a: 'ok?' });
    dispose();
  });
});

/** A host and a bare peer that completed the handshake by hand and sends raw request frames. */
async function rawCaller() {
  const net = new FakeSteamNetwork({ seed: 5 });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, tickMs: 10, violationPolicy: () => false });
  host.handle('buy', () => ({ ok: true, gold: 1 }));
  const raw = net.createPeer();
  raw.sendP2PPacket(hostPeer.localSteamId, helloBytes(protocol.fingerprint), P2PSend.Reliable, CONTROL);
  await net.runUntil(() => host.isConnected(raw.localSteamId));
  const send = (data: Uint8Array, channel: number, type = P2PSend.Reliable) =>
    raw.sendP2PPacket(hostPeer.localSteamId, data, type, channel);
  /** The error answers (frame id 1) the host sent on channel 0, as [call id, reason]. */
  const answers = () => {
    const out: [number, string][] = [];
    for (;;) {
      const size = raw.getAvailableP2PPacketSize(0);
      if (size === null) return out;
      const { data } = raw.readP2PPacket(size, 0)!;
      let pos = 1;
      while (pos < data.length) {
        const tag = data[pos++]!;
        let end = data.length;
        if (tag & 1) {
          const len = data[pos++]!;
          end = pos + len;
        }
        if (tag >> 1 === 1) out.push([data[pos]!, RejectReasons[data[pos + 1]!]!]);
        pos = end;
      }
    }
  };
  return { net, host, raw, hostPeer, send, answers };
}

/** A request frame for `name` with call id `callId` and a msgpack body. */
const requestFrame = (name: string, callId: number, body: number[]): [number, number[]] => [
  idOf(name),
  [...varint(callId), ...body],
];

describe('answers to forged requests', () => {
  it('name the reason: wrong direction, wrong channel, wrong send type, undecodable payload', async () => {
    const t = await rawCaller();
    const ok = Array.from(pack({ item: 'x' }));
    t.send(reliablePacket(requestFrame('ask', 1, Array.from(pack({ q: 'x' })))), 0); // host-only request
    t.send(reliablePacket(requestFrame('buy', 2, ok)), 3); // declared on channel 0
    t.send(unreliablePacket(0, requestFrame('buy', 3, ok)), 0); // declared reliable
    t.send(reliablePacket(requestFrame('buy', 4, [0xc1])), 0); // not msgpack
    t.send(reliablePacket(requestFrame('buy', 5, ok)), 0); // fine
    await t.net.advance(100);
    // Each on the request's declared channel, in the order the host read them (channel by channel).
    expect(t.answers().sort(([a], [b]) => a - b)).toEqual([
      [1, 'wrongDirection'],
      [2, 'wrongChannel'],
      [3, 'wrongSendType'],
      [4, 'decodeFailed'],
    ]);
    t.net.dispose();
  });

  it('never make the host send more than it received, however a peer floods', async () => {
    const t = await rawCaller();
    const id = t.raw.localSteamId;
    // 600 packets of 20 tiny invalid requests each: 12 000 refusals asked for, far past the
    // host's 2 000 messages/s with a 2 s burst.
    for (let p = 0; p < 600; p++) {
      const frames = Array.from({ length: 20 }, (_, i) => requestFrame('buy', (p * 20 + i) % 100, [0x01]));
      t.send(reliablePacket(...frames), 0);
    }
    await t.net.advance(500);
    const stats = t.host.stats(id)!;
    const answered = t.answers();
    expect(stats.rejected.invalid + stats.rejected.rateLimited).toBe(12_000);
    // One answer per refusal within the peer's own message budget, none beyond it.
    expect(answered.length).toBeLessThanOrEqual(2 * 2000 + 2000);
    expect(answered.length).toBeGreaterThan(0);
    expect(stats.channels[0]!.bytesOut).toBeLessThanOrEqual(stats.channels[0]!.bytesIn);
    t.net.dispose();
  });
});
