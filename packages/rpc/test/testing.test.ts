// `@steamwire/rpc/testing`: createTestMatch builds the network, a host and connected clients in one
// call, every side updating itself on the virtual clock, so a game's test only lets time pass.
import { ConnectionRefusedError } from '@steamwire/rpc';
import { createTestMatch, TEST_MATCH_TICK_MS } from '@steamwire/rpc/testing';
import { describe, expect, it } from 'vitest';
import { protocol } from './helpers.js';

describe('createTestMatch', () => {
  it('gives a host and N connected clients, in join order, that talk as time passes', async () => {
    const match = await createTestMatch({
      protocol,
      clients: 3,
      conditions: { latencyMs: 40, jitterMs: 10, loss: 0.02 },
      host: { acceptPeer: () => true },
    });
    const { net, host, clients } = match;
    expect(clients).toHaveLength(3);
    expect(clients.map((c) => c.state)).toEqual(['connected', 'connected', 'connected']);
    expect(host.peerIds).toEqual(clients.map((c) => c.network.localSteamId));
    expect(net.conditions).toMatchObject({ latencyMs: 40, jitterMs: 10, loss: 0.02 });
    host.handle('buy', (req, peer) => ({ ok: req.item === 'sword', gold: Number(peer % 100n) }));
    const answer = await net.run(clients[1]!.call('buy', { item: 'sword' }));
    expect(answer).toEqual({ ok: true, gold: Number(clients[1]!.network.localSteamId % 100n) });
    // Nobody updates by hand: the ticks run on the virtual clock.
    const heard: string[] = [];
    clients[2]!.on('chat', (m) => heard.push(m.text));
    host.broadcast('chat', { text: 'hi' });
    await net.advance(TEST_MATCH_TICK_MS + 200);
    expect(heard).toEqual(['hi']);
    match.dispose();
  });

  it('passes options per client index, and connects late joiners with connect()', async () => {
    const names = new Map<bigint, unknown>();
    const match = await createTestMatch({
      protocol,
      clients: 2,
      host: {
        authenticate: (peer, auth) => {
          names.set(peer, (auth as { name: string }).name);
          return true;
        },
      },
      client: (i) => ({ auth: { name: ['Ada', 'Bob', 'Cy'][i] } }),
    });
    const cy = await match.connect();
    const dee = await match.connect({ auth: { name: 'Dee' } });
    expect(match.clients).toEqual([match.clients[0], match.clients[1], cy, dee]);
    expect(match.clients.map((c) => names.get(c.network.localSteamId))).toEqual(['Ada', 'Bob', 'Cy', 'Dee']);
    match.dispose();
  });

  it('runs each client’s setup before its hello, so it hears what the host sends on joining', async () => {
    const heard: string[] = [];
    const match = await createTestMatch({ protocol, clients: 0 });
    match.host.events.on('peerJoined', (peer) => match.host.sendTo(peer, 'chat', { text: 'welcome' }));
    await match.connect({ setup: (c) => c.on('chat', (m) => heard.push(m.text)) });
    await match.net.advance(100);
    expect(heard).toEqual(['welcome']);
    match.dispose();
  });

  it('dispose closes the clients, the host and the network', async () => {
    const match = await createTestMatch({ protocol, clients: 2 });
    match.dispose();
    match.dispose();
    expect(match.host.debugState().closed).toBe(true);
    expect(match.clients.map((c) => c.state)).toEqual(['disconnected', 'disconnected']);
    expect(() => match.net.createPeer()).toThrow(expect.objectContaining({ code: 'NETWORK_DISPOSED' }));
  });

  it('rejects with the connect error when a client is refused, and with RpcArgumentError for a bad count', async () => {
    await expect(createTestMatch({ protocol, clients: 2, host: { maxPeers: 1 } })).rejects.toBeInstanceOf(
      ConnectionRefusedError,
    );
    await expect(createTestMatch({ protocol, clients: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'clients',
    });
  });
});
