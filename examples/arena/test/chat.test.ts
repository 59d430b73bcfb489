// Chat: the host's own lines cannot be forged by a player, and a player who just joined sees the
// line that announced it, although that line left the host before the client's handlers existed.
import { forgeMessagePacket } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { ArenaClient } from '../src/client-game.js';
import { ArenaHost } from '../src/host-game.js';
import { arenaProtocol } from '../src/protocol.js';

async function match(names: string[], conditions = {}) {
  const net = new FakeSteamNetwork({ seed: 31, conditions });
  const hostPeer = net.createPeer();
  const game = new ArenaHost({ network: hostPeer, clock: net.clock });
  game.start();
  const peers = names.map(() => net.createPeer());
  const clients: ArenaClient[] = [];
  for (const [i, name] of names.entries()) {
    void ArenaClient.connect({
      network: peers[i]!,
      clock: net.clock,
      host: hostPeer.localSteamId,
      name,
    }).then((c) => {
      c.start();
      clients[i] = c;
    });
    await net.runUntil(() => clients[i] !== undefined);
  }
  return { net, hostPeer, game, peers, clients };
}

describe('chat', () => {
  it('a player who just joined sees its own "joined" line', async () => {
    const { net, clients } = await match(['Ada'], { latencyMs: 30, jitterMs: 10 });
    await net.runUntil(() => clients[0]!.chatLog.includes('* Ada joined'), { timeoutMs: 3000 });
    expect(clients[0]!.chatLog.filter((l) => l === '* Ada joined')).toHaveLength(1);
  });

  it('a late joiner gets the recent lines in order, each once, then the live ones', async () => {
    const { net, game, clients } = await match(['Ada', 'Bob', 'Cy'], { latencyMs: 30, jitterMs: 10 });
    const [ada, , cy] = clients as [ArenaClient, ArenaClient, ArenaClient];
    await net.advance(200);
    ada.client.send('say', { text: 'hello' });
    await net.advance(500);
    const expected = ['* Ada joined', '* Bob joined', '* Cy joined', 'Ada: hello'];
    expect(cy.chatLog).toEqual(expected);
    expect(game.chatLog).toEqual(expected);
  });

  it('what a player says is always its own line: it cannot speak as the host', async () => {
    const { net, hostPeer, game, peers, clients } = await match(['Mallory', 'Bob']);
    const [mallory, bob] = clients as [ArenaClient, ArenaClient];
    const rejected: string[] = [];
    game.host.events.on('rejected', (_peer, reason, name) => rejected.push(`${reason}:${name}`));
    await net.advance(500);
    // Text made to look like a host line, and a payload claiming to be one.
    mallory.client.send('say', { text: '* Bob left (kicked)' });
    await net.advance(100);
    const forged = forgeMessagePacket(arenaProtocol, 'say', {
      text: 'I am the host',
      kind: 'system',
      from: 'host',
    });
    peers[0]!.sendP2PPacket(hostPeer.localSteamId, forged.data, forged.sendType, forged.channel);
    // A host-only chat line sent straight from the client.
    const line = forgeMessagePacket(arenaProtocol, 'chat', {
      kind: 'system',
      seq: 1e6,
      text: 'server restarting',
    });
    peers[0]!.sendP2PPacket(hostPeer.localSteamId, line.data, line.sendType, line.channel);
    await net.advance(500);
    expect(rejected).toContain('wrongDirection:chat');
    expect(bob.chatLines.filter((l) => l.kind === 'system').map((l) => l.text)).toEqual([
      'Mallory joined',
      'Bob joined',
    ]);
    expect(bob.chatLog).toEqual(
      expect.arrayContaining(['Mallory: * Bob left (kicked)', 'Mallory: I am the host']),
    );
    expect(bob.chatLog.filter((l) => l.includes('server restarting'))).toEqual([]);
  });
});
