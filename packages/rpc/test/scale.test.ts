import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

describe('one host, eight clients, 5 % loss, 80 ms latency', () => {
  it('delivers every reliable message in order, answers every call, and streams inputs', async () => {
    const { net, host, clients } = await world(8, {
      conditions: { latencyMs: 80, jitterMs: 20, loss: 0.05 },
      seed: 11,
    });
    expect(host.peerIds).toHaveLength(8);
    const chats = new Map<bigint, number[]>();
    let inputs = 0;
    host.on('chat', (m, peer) => {
      const list = chats.get(peer) ?? [];
      list.push(Number(m.text));
      chats.set(peer, list);
    });
    host.on('input', () => inputs++);
    host.handle('buy', async (req) => ({ ok: true, gold: Number(req.item) }));
    const atClients = clients.map(() => [] as number[]);
    clients.forEach((c, i) => {
      c.on('log', (m) => atClients[i]!.push(m.n));
    });
    const responses: number[] = [];
    for (let frame = 0; frame < 120; frame++) {
      clients.forEach((c, i) => {
        c.send('input', { seq: frame, dx: 1, dy: 0 });
        if (frame % 4 === 0) c.send('chat', { text: String(frame) });
        if (frame % 30 === 0) void c.call('buy', { item: String(i) }).then((r) => responses.push(r.gold));
      });
      host.broadcast('log', { n: frame });
      await net.advance(16);
    }
    await net.runUntil(() => responses.length === 32 && atClients.every((l) => l.length === 120), {
      timeoutMs: 20_000,
    });
    for (const c of clients) {
      expect(chats.get(c.network.localSteamId)).toEqual(Array.from({ length: 30 }, (_, i) => i * 4));
    }
    for (const list of atClients) expect(list).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(responses.sort((a, b) => a - b)).toEqual([
      0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7,
    ]);
    // Unreliable inputs: most arrive, some are lost (roughly the link's 5 %).
    expect(inputs).toBeGreaterThan(8 * 120 * 0.85);
    expect(inputs).toBeLessThan(8 * 120);
    for (const c of clients) {
      const s = host.stats(c.network.localSteamId)!;
      expect(s.rttMs).toBeGreaterThan(150);
      expect(s.rejected.malformed).toBe(0);
    }
  });
});
