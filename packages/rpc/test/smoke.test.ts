import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

describe('smoke', () => {
  it('connects and exchanges a message', async () => {
    const { net, host, clients } = await world(1);
    const got: unknown[] = [];
    host.on('chat', (m) => got.push(m));
    clients[0]!.send('chat', { text: 'hi' });
    await net.runUntil(() => got.length === 1);
    expect(got).toEqual([{ text: 'hi' }]);
  });
});
