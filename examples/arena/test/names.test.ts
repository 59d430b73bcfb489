// Names: each player's is unique, and none can pass for the host's own voice.
import { ConnectionRefusedError, connectToHost } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { ArenaClient, describeJoinFailure } from '../src/client-game.js';
import { ArenaHost } from '../src/host-game.js';
import { ArenaNameError, nameProblem, uniqueName } from '../src/names.js';
import { arenaProtocol } from '../src/protocol.js';

function hostOnFakeNetwork() {
  const net = new FakeSteamNetwork({ seed: 21 });
  const hostPeer = net.createPeer();
  const game = new ArenaHost({ network: hostPeer, clock: net.clock });
  game.start();
  return { net, game };
}

/** Connects one arena client after the other, so the host sees them in this order. */
async function join(net: FakeSteamNetwork, game: ArenaHost, names: string[]): Promise<ArenaClient[]> {
  const clients: ArenaClient[] = [];
  for (const name of names) {
    const pending = ArenaClient.connect({
      network: net.createPeer(),
      clock: net.clock,
      host: game.steamId,
      name,
    });
    let client: ArenaClient | undefined;
    void pending.then((c) => {
      client = c;
    });
    await net.runUntil(() => client !== undefined);
    client!.start();
    clients.push(client!);
  }
  return clients;
}

describe('player names', () => {
  it('two players asking for the same name (in any case) get distinct ones: Ada, Ada (2), ada (3)', async () => {
    const { net, game } = hostOnFakeNetwork();
    const [a, b, c] = (await join(net, game, ['Ada', 'Ada', 'ada'])) as [
      ArenaClient,
      ArenaClient,
      ArenaClient,
    ];
    expect([a, b, c].map((x) => game.nameOf(x.steamId))).toEqual(['Ada', 'Ada (2)', 'ada (3)']);
    await net.advance(500);
    // Everyone draws the names the host gave, and each client knows its own.
    const seen = new Map(a.buffer.latest()!.players.map((p) => [p.id, p.name]));
    expect(seen.get(b.steamId.toString())).toBe('Ada (2)');
    expect(c.shownName).toBe('ada (3)');
    // When Ada leaves, her name is free again.
    a.stop();
    await net.advance(500);
    const [again] = await join(net, game, ['Ada']);
    expect(game.nameOf(again!.steamId)).toBe('Ada');
  });

  it.each([
    ['host'],
    ['HOST'],
    ['System'],
    ['server'],
    [''],
    ['   '],
    [' Ada'],
    ['Ada\u001b[2J'],
    ['Ada\n* Bob'],
    ['Ev\u202eil'],
    ['* Ada'],
    ['Ada (2)'],
    ['a name far too long for the board'],
  ])('the host refuses the name %j even from a client that skips the local check', async (name) => {
    const { net, game } = hostOnFakeNetwork();
    let outcome: unknown;
    connectToHost({
      network: net.createPeer(),
      protocol: arenaProtocol,
      host: game.steamId,
      clock: net.clock,
      auth: { name },
    }).then(
      () => {
        outcome = 'joined';
      },
      (e) => {
        outcome = e;
      },
    );
    await net.runUntil(() => outcome !== undefined, { timeoutMs: 5000 });
    expect(outcome).toBeInstanceOf(ConnectionRefusedError);
    expect((outcome as ConnectionRefusedError).reason).toBe('authFailed');
    expect(game.world.players.size).toBe(0);
    // An honest client says why before it even connects.
    expect(nameProblem(name)).toEqual(expect.any(String));
    await expect(
      ArenaClient.connect({ network: net.createPeer(), clock: net.clock, host: game.steamId, name }),
    ).rejects.toMatchObject({ code: 'ARENA_BAD_NAME' });
  });

  it('accepts ordinary names in any script', () => {
    for (const name of ['Ada', 'Zoë', 'Ли', '花子', 'x_y-z.9', "O'Neil", 'Hostess', 'A B'])
      expect(nameProblem(name)).toBeUndefined();
    expect(uniqueName('Ada', ['ada', 'Ada (2)'])).toBe('Ada (3)');
    expect(describeJoinFailure(new ArenaNameError('host', nameProblem('host')!))).toBe(
      'the name "host" cannot be used: "host" is kept for the host\'s own messages',
    );
  });
});
