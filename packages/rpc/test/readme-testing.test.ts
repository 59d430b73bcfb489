// The "Testing your own game" snippet of the root README (and "Testing your game" of the rpc README),
// verbatim below its imports, so the typecheck compiles it and vitest runs it.

import { expect, it } from 'vitest';
import { type Client, defineProtocol, message, request, typed } from '../src/index.js';
import { createTestMatch } from '../src/testing.js';

type Move = { ok: true } | { ok: false; reason: 'taken' | 'not your turn' };

const protocol = defineProtocol({
  move: request(typed<{ cell: number }>(), typed<Move>(), { from: 'client', channel: 0 }),
  board: message(typed<{ cells: string }>(), { from: 'host', channel: 0, send: 'reliable' }),
});

it('answers moves at once, shows everyone the board, and drops a player who pulls the cable', async () => {
  const seen = new Map<Client<typeof protocol>, string>();
  const { net, host, clients, dispose } = await createTestMatch({
    protocol,
    clients: 2,
    conditions: { latencyMs: 40, jitterMs: 10, loss: 0.02 },
    // Handlers registered in setup exist before the host can send anything.
    client: { setup: (c) => c.on('board', ({ cells }) => seen.set(c, cells)) },
  });
  const [ada, bob] = clients;
  const cells = Array<string>(9).fill('.');
  let turn = ada.network.localSteamId;
  host.handle('move', ({ cell }, player) => {
    if (player !== turn) return { ok: false, reason: 'not your turn' };
    if (cells[cell] !== '.') return { ok: false, reason: 'taken' };
    cells[cell] = player === ada.network.localSteamId ? 'X' : 'O';
    turn = player === ada.network.localSteamId ? bob.network.localSteamId : ada.network.localSteamId;
    host.broadcast('board', { cells: cells.join('') });
    return { ok: true };
  });

  // net.run lets virtual time pass until the answer is in.
  expect(await net.run(ada.call('move', { cell: 4 }))).toEqual({ ok: true });
  expect(await net.run(ada.call('move', { cell: 0 }))).toEqual({ ok: false, reason: 'not your turn' });
  expect(await net.run(bob.call('move', { cell: 4 }))).toEqual({ ok: false, reason: 'taken' });
  await net.advance(500);
  expect([seen.get(ada), seen.get(bob)]).toEqual(['....X....', '....X....']);

  net.setOnline(bob.network.localSteamId, false); // pull the cable
  await net.advance(12_000); // past the heartbeat timeout, instantly
  expect(host.peerIds).toEqual([ada.network.localSteamId]);
  dispose();
});

it('the READMEs show the code above, verbatim', async () => {
  const { readFile } = await import('node:fs/promises');
  const self = await readFile(new URL(import.meta.url), 'utf8');
  const ours = self.slice(self.indexOf('\ntype Move'), self.indexOf("\nit('the READMEs")).trim();
  for (const [file, heading] of [
    ['../../../README.md', 'Testing your own game'],
    ['../README.md', 'Testing your game'],
  ] as const) {
    const readme = await readFile(new URL(file, import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf(heading));
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const imports = block.split('\n').filter((line) => line.startsWith('import '));
    expect(imports, file).toEqual([
      "import { type Client, defineProtocol, message, request, typed } from '@steamwire/rpc';",
      "import { createTestMatch } from '@steamwire/rpc/testing';",
      "import { expect, it } from 'vitest';",
    ]);
    expect(block.slice(block.indexOf('\ntype Move')).trim(), file).toBe(ours);
  }
});
