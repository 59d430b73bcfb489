import { describe, expect, it } from 'vitest';
import { MessageTooLargeError } from '../src/index.js';
import { world } from './helpers.js';

describe('oversize messages', () => {
  it('throw MessageTooLargeError at the call site for an unreliable message above one packet', async () => {
    const { host, clients } = await world(1);
    const c = clients[0]!;
    let error: unknown;
    try {
      c.send('bigUnreliable', { data: new Uint8Array(1300) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect((error as MessageTooLargeError).limit).toBe(1200);
    expect((error as MessageTooLargeError).messageName).toBe('bigUnreliable');
    expect(() => host.broadcast('bigUnreliable', { data: new Uint8Array(5000) })).toThrow(
      MessageTooLargeError,
    );
    // Just under the limit still goes.
    expect(() => c.send('bigUnreliable', { data: new Uint8Array(1150) })).not.toThrow();
  });

  it('split a reliable message above 1 MiB into fragments and reassemble it, in order with the rest', async () => {
    const { net, host, clients } = await world(1, {
      conditions: { latencyMs: 20, jitterMs: 10, loss: 0.05 },
    });
    const c = clients[0]!;
    const got: Uint8Array[] = [];
    host.on('blob', (m) => got.push(m.data));
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
    c.send('blob', { data: new Uint8Array([1]) });
    c.send('blob', { data: big });
    c.send('blob', { data: new Uint8Array([2]) });
    await net.runUntil(() => got.length === 3, { timeoutMs: 20_000 });
    expect(got[0]).toEqual(new Uint8Array([1]));
    expect(got[1]!.length).toBe(big.length);
    expect(Buffer.from(got[1]!).equals(Buffer.from(big))).toBe(true);
    expect(got[2]).toEqual(new Uint8Array([2]));
  });

  it('refuse a reliable message above maxMessageBytes at the call site', async () => {
    const { clients } = await world(1, { client: { maxMessageBytes: 64 * 1024 } });
    expect(() => clients[0]!.send('blob', { data: new Uint8Array(65 * 1024) })).toThrow(MessageTooLargeError);
  });

  it('reject a call whose request is too large without leaving it pending', async () => {
    const { clients } = await world(1, { client: { maxMessageBytes: 1000 } });
    await expect(clients[0]!.call('buy', { item: 'x'.repeat(2000) })).rejects.toBeInstanceOf(
      MessageTooLargeError,
    );
  });
});
