// Handlers before the first message: what the host sends with its welcome (a "joined" line, the
// state of the match, a request to the new player) reaches the client's handlers, because
// `connectToHost({ setup })` registers them before the hello leaves.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it, vi } from 'vitest';
import { type Client, connectToHost, createHost, joinLobby } from '../src/index.js';
import { protocol, type TestProtocol } from './helpers.js';
import { lobbyWorld } from './lobby-helpers.js';

function world() {
  const net = new FakeSteamNetwork({ seed: 3, conditions: { latencyMs: 30, jitterMs: 10 } });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, tickMs: 10 });
  return { net, hostPeer, host };
}

describe('connectToHost({ setup })', () => {
  it('a message the host sends as the client joins reaches a handler registered in setup', async () => {
    const { net, hostPeer, host } = world();
    host.events.on('peerJoined', (peer) => host.sendTo(peer, 'chat', { text: 'welcome' }));
    const seen: string[] = [];
    const client = await net.run(
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        setup: (c) => {
          c.on('chat', (msg) => seen.push(msg.text));
        },
      }),
    );
    await net.advance(200);
    expect(seen).toEqual(['welcome']);
    expect(client.stats().unhandled).toBe(0);
    net.dispose();
  });

  it('a request the host makes as the client joins is answered by a handler registered in setup', async () => {
    const { net, hostPeer, host } = world();
    const answers: unknown[] = [];
    host.events.on('peerJoined', (peer) => {
      host.call(peer, 'ask', { q: 'name?' }).then(
        (a) => answers.push(a),
        (e: unknown) => answers.push(e),
      );
    });
    await net.run(
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        setup: (c) => {
          c.handle('ask', (req) => ({ a: `Ada, to ${req.q}` }));
        },
      }),
    );
    await net.advance(200);
    expect(answers).toEqual([{ a: 'Ada, to name?' }]);
    net.dispose();
  });

  it('runs once, before the hello leaves, with the very client connectToHost resolves to', async () => {
    const { net, hostPeer } = world();
    const peer = net.createPeer();
    const sends = vi.spyOn(peer, 'sendP2PPacket');
    let seen: Client<TestProtocol> | undefined;
    const setup = vi.fn((c: Client<TestProtocol>) => {
      seen = c;
      expect(c.state).toBe('connecting');
      expect(sends).not.toHaveBeenCalled();
    });
    const client = await net.run(
      connectToHost({ network: peer, protocol, host: hostPeer.localSteamId, setup }),
    );
    expect(setup).toHaveBeenCalledTimes(1);
    expect(seen).toBe(client);
    net.dispose();
  });

  it('a setup that throws rejects connectToHost with its error, and nothing reaches the host', async () => {
    const { net, hostPeer, host } = world();
    const peer = net.createPeer();
    const sends = vi.spyOn(peer, 'sendP2PPacket');
    const bug = new Error('bug in setup');
    const error = await net
      .run(
        connectToHost({
          network: peer,
          protocol,
          host: hostPeer.localSteamId,
          setup: () => {
            throw bug;
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBe(bug);
    expect(sends).not.toHaveBeenCalled();
    await net.advance(500);
    expect(host.debugState().peers).toBe(0);
    net.dispose();
  });

  it('works through joinLobby too', async () => {
    const lobby = await lobbyWorld(1);
    lobby.hosted.host.events.on('peerJoined', (peer) =>
      lobby.hosted.host.sendTo(peer, 'chat', { text: 'in the lobby' }),
    );
    const seen: string[] = [];
    const peer = lobby.friends[0]!;
    await lobby.net.run(
      joinLobby({
        network: peer,
        lobbies: peer.lobbies,
        protocol,
        lobbyId: lobby.lobbyId,
        setup: (c) => {
          c.on('chat', (msg) => seen.push(msg.text));
        },
      }),
    );
    await lobby.net.advance(200);
    expect(seen).toEqual(['in the lobby']);
    lobby.net.dispose();
  });
});
