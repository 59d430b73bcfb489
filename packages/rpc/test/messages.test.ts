import { describe, expect, it } from 'vitest';
import { DisconnectedError, RpcArgumentError } from '../src/index.js';
import { world } from './helpers.js';

describe('messages', () => {
  it('round-trip on every send type, both directions', async () => {
    const { net, host, clients } = await world(1);
    const c = clients[0]!;
    const atHost: unknown[] = [];
    const atClient: unknown[] = [];
    host.on('input', (m, peer) => atHost.push(['input', m, peer]));
    host.on('chat', (m) => atHost.push(['chat', m]));
    host.on('log', (m) => atHost.push(['log', m]));
    c.on('pos', (m) => atClient.push(['pos', m]));
    c.on('chat', (m) => atClient.push(['chat', m]));
    c.on('log', (m) => atClient.push(['log', m]));
    c.send('input', { seq: 1, dx: 0.5, dy: -1 });
    c.send('chat', { text: 'hello' });
    c.send('log', { n: 7 });
    host.sendTo(c.network.localSteamId, 'pos', { seq: 1 });
    host.broadcast('chat', { text: 'welcome' });
    host.broadcast('log', { n: 8 });
    await net.runUntil(() => atHost.length === 3 && atClient.length === 3);
    expect(atHost).toContainEqual(['input', { seq: 1, dx: 0.5, dy: -1 }, c.network.localSteamId]);
    expect(atHost).toContainEqual(['chat', { text: 'hello' }]);
    expect(atHost).toContainEqual(['log', { n: 7 }]);
    expect(atClient).toContainEqual(['pos', { seq: 1 }]);
    expect(atClient).toContainEqual(['chat', { text: 'welcome' }]);
    expect(atClient).toContainEqual(['log', { n: 8 }]);
  });

  it('keep order per reliable channel under jitter and loss, batching many per packet', async () => {
    const { net, host, clients } = await world(1, { conditions: { latencyMs: 30, jitterMs: 25, loss: 0.1 } });
    const got: number[] = [];
    host.on('log', (m) => got.push(m.n));
    for (let i = 0; i < 500; i++) {
      clients[0]!.send('log', { n: i });
      if (i % 50 === 49) await net.advance(7);
    }
    await net.runUntil(() => got.length === 500, { timeoutMs: 20_000 });
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const stats = host.stats(clients[0]!.network.localSteamId)!;
    expect(stats.messages.log!.messagesIn).toBe(500);
    // 500 messages in a handful of packets: batching works.
    expect(stats.channels[3]!.packetsIn).toBeLessThan(50);
  });

  it('latest-wins drops unreliable messages older than one already handled', async () => {
    const { net, host, clients } = await world(1, {
      conditions: { latencyMs: 20, jitterMs: 60, reorder: 0.5, duplicate: 0.2 },
    });
    const c = clients[0]!;
    const latest: number[] = [];
    const all: number[] = [];
    c.on('pos', (m) => latest.push(m.seq));
    c.on('tick', (m) => all.push(m.n));
    for (let i = 0; i < 200; i++) {
      host.broadcast('pos', { seq: i });
      host.broadcast('tick', { n: i });
      await net.advance(10);
    }
    await net.advance(500);
    for (let i = 1; i < latest.length; i++) expect(latest[i]!).toBeGreaterThan(latest[i - 1]!);
    // Without latest-wins, the same conditions do deliver out of order.
    expect(all.some((n, i) => i > 0 && n < all[i - 1]!)).toBe(true);
    expect(c.stats().stale).toBeGreaterThan(0);
  });

  it('broadcast skips `except`, and reaches every other client', async () => {
    const { net, host, clients } = await world(3);
    const got = clients.map(() => [] as string[]);
    clients.forEach((c, i) => {
      c.on('chat', (m) => got[i]!.push(m.text));
    });
    host.broadcast('chat', { text: 'x' }, { except: clients[1]!.network.localSteamId });
    await net.advance(200);
    expect(got).toEqual([['x'], [], ['x']]);
  });

  it('counts messages that have no handler instead of failing', async () => {
    const { net, host, clients } = await world(1);
    clients[0]!.send('chat', { text: 'nobody listens' });
    await net.advance(200);
    expect(host.stats(clients[0]!.network.localSteamId)!.unhandled).toBe(1);
  });

  it('refuses unknown names, wrong directions and disconnected peers with typed errors', async () => {
    const { host, clients } = await world(1);
    expect(() => clients[0]!.send('nope' as 'chat', { text: '' })).toThrow(RpcArgumentError);
    expect(() => clients[0]!.send('pos' as 'chat', { text: '' })).toThrow(RpcArgumentError);
    expect(() => host.on('pos' as 'chat', () => {})).toThrow(RpcArgumentError);
    expect(() => host.sendTo(123n, 'chat', { text: '' })).toThrow(DisconnectedError);
  });

  it('catches a throwing handler, emits it as error, and keeps dispatching', async () => {
    const { net, host, clients } = await world(1);
    const errors: unknown[] = [];
    const got: string[] = [];
    host.events.on('error', (e) => errors.push(e));
    host.on('chat', (m) => {
      if (m.text === 'boom') throw new Error('handler bug');
      got.push(m.text);
    });
    clients[0]!.send('chat', { text: 'boom' });
    clients[0]!.send('chat', { text: 'after' });
    await net.advance(200);
    expect(errors).toHaveLength(1);
    expect(got).toEqual(['after']);
  });

  it('off() and the returned unsubscribe stop a handler', async () => {
    const { net, host, clients } = await world(1);
    const got: string[] = [];
    const h = (m: { text: string }) => got.push(m.text);
    const unsubscribe = host.on('chat', h);
    clients[0]!.send('chat', { text: 'a' });
    await net.advance(100);
    unsubscribe();
    clients[0]!.send('chat', { text: 'b' });
    await net.advance(100);
    expect(got).toEqual(['a']);
  });
});
