// The README's "Declaring a protocol" code, verbatim, so the typecheck compiles it; then it runs.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { connectToHost, createHost, defineProtocol, message, request, typed } from '../src/index.js';

interface Input {
  seq: number;
  dx: number;
  dy: number;
}
interface BuyReq {
  item: string;
}
interface BuyRes {
  ok: boolean;
  gold: number;
}

const snapshotSchema = z.object({
  tick: z.number(),
  players: z.array(z.object({ x: z.number(), y: z.number() })),
});
const chatSchema = z.object({ text: z.string().max(200) });

export const protocol = defineProtocol({
  // Type-only payload, direction checked by the compiler (typed<T>() keeps `from` literal).
  input: message(typed<Input>(), { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  // Any Standard Schema (zod, valibot, arktype…): validated on receipt, type inferred.
  snapshot: message(snapshotSchema, { from: 'host', channel: 2, send: 'unreliable', ordering: 'latest' }),
  chat: message(chatSchema, { from: 'any', channel: 0, send: 'reliable' }),
  // Requests: request and response types, and a default timeout.
  buy: request(typed<BuyReq>(), typed<BuyRes>(), { from: 'client', channel: 0, timeoutMs: 5000 }),
});

export async function play(
  hostNetwork: Parameters<typeof createHost>[0]['network'],
  clientNetwork: typeof hostNetwork,
) {
  const lobby = new Set([clientNetwork.localSteamId]);
  const host = createHost({ network: hostNetwork, protocol, acceptPeer: (id) => lobby.has(id), tickMs: 16 });
  host.on('input', (msg, peer) => {
    // msg: Input — only from a peer that completed the handshake, on channel 1, from a client.
    host.broadcast('snapshot', { tick: msg.seq, players: [{ x: msg.dx, y: msg.dy }] }, { except: peer });
  });
  host.handle('buy', async (req) => ({ ok: req.item === 'sword', gold: 10 }));

  const client = await connectToHost({
    network: clientNetwork,
    protocol,
    host: hostNetwork.localSteamId,
    tickMs: 16,
  });
  client.on('snapshot', (snap) => console.log(snap.tick, snap.players.length));
  client.send('input', { seq: 1, dx: 0, dy: 1 });
  const res = await client.call('buy', { item: 'sword' }, { signal: AbortSignal.timeout(2000) }); // res: BuyRes
  return res.gold;
}

it('the README example runs end to end (real time, small latency)', async () => {
  const net = new FakeSteamNetwork({ seed: 1, realTime: true, conditions: { latencyMs: 1 } });
  try {
    expect(await play(net.createPeer(), net.createPeer())).toBe(10);
  } finally {
    net.dispose();
  }
});

it('the README block is the code above, verbatim', async () => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const self = await readFile(new URL(import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const body = block.split('\n').slice(2).join('\n').trim();
  expect(self).toContain(body);
});
