// The hot-path shortcuts of the send and receive pipelines behave exactly like the plain path:
// a broadcast packet shared by every peer, frames queued after it, per-peer sequence numbers, and
// decoding from a scratch copy (small payloads) or in place (large ones).
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

describe('broadcast batching', () => {
  it('a broadcast followed by sendTo and another broadcast reaches each peer in order', async () => {
    const { net, host, clients } = await world(3);
    const got = clients.map(() => [] as number[]);
    clients.forEach((c, i) => {
      c.on('tick', (m) => got[i]!.push(m.n));
    });
    const first = clients[0]!.network.localSteamId;
    const packetsBefore = clients[0]!.stats().channels[2]!.packetsIn;
    host.broadcast('tick', { n: 1 });
    host.sendTo(first, 'tick', { n: 2 });
    host.broadcast('tick', { n: 3 });
    host.broadcast('tick', { n: 4 }, { except: first });
    await net.advance(50);
    expect(got[0]).toEqual([1, 2, 3]);
    expect(got[1]).toEqual([1, 3, 4]);
    expect(got[2]).toEqual([1, 3, 4]);
    // Still one packet per flush for the peer whose queue took extra frames.
    expect(clients[0]!.stats().channels[2]!.packetsIn - packetsBefore).toBe(1);
  });

  it('every peer gets its own sequence numbers on a shared broadcast packet', async () => {
    const { net, host, clients } = await world(3);
    const got = clients.map(() => [] as number[]);
    clients.forEach((c, i) => {
      c.on('pos', (m) => got[i]!.push(m.seq));
    });
    const first = clients[0]!.network.localSteamId;
    for (let frame = 0; frame < 20; frame++) {
      // Extra packets to one peer only, so the peers' sequence counters drift apart.
      if (frame % 3 === 0) {
        host.sendTo(first, 'tick', { n: frame });
        host.flush();
      }
      host.broadcast('pos', { seq: frame });
      await net.advance(20);
    }
    for (let i = 0; i < clients.length; i++) {
      expect(got[i]).toEqual(Array.from({ length: 20 }, (_, f) => f));
      const stats = clients[i]!.stats();
      expect(stats.stale).toBe(0);
      expect(stats.loss).toBe(0);
      expect(stats.rejected.malformed).toBe(0);
    }
  });

  it('a reliable broadcast larger than the decode scratch buffer arrives intact', async () => {
    const { net, host, clients } = await world(2);
    const data = new Uint8Array(70_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const got = clients.map(() => [] as Uint8Array[]);
    clients.forEach((c, i) => {
      c.on('blob', (m) => got[i]!.push(m.data));
    });
    host.broadcast('blob', { data });
    host.broadcast('blob', { data: data.subarray(0, 10) });
    await net.advance(100);
    for (const list of got) {
      expect(list).toHaveLength(2);
      // Compared as bytes: a deep equal of 70 000 elements is needlessly slow.
      expect(Buffer.compare(list[0]!, data)).toBe(0);
      expect(list[1]).toEqual(data.subarray(0, 10));
    }
  });

  it('decodes every message of a full batch to what was sent, late frames included', async () => {
    const { net, host, clients } = await world(1);
    const seen: { seq: number; dx: number; dy: number }[] = [];
    host.on('input', (m) => seen.push(m));
    const sent = Array.from({ length: 300 }, (_, i) => ({ seq: i, dx: i % 7, dy: -(i + 1) / 4 }));
    for (const m of sent) clients[0]!.send('input', m);
    await net.advance(50);
    expect(seen).toEqual(sent);
  });
});
