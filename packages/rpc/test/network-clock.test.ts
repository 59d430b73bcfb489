// Endpoints built on a fake peer run on that network's clock unless told otherwise, so a test that
// forgets `clock: net.clock` on one side still runs on virtual time instead of hanging.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { connectToHost, createHost } from '../src/index.js';
import { protocol } from './helpers.js';

const PENDING = Symbol('pending');

describe('the network clock', () => {
  it('a host and a client on fake peers, given no clock, connect as virtual time advances', async () => {
    const net = new FakeSteamNetwork({ seed: 7, conditions: { latencyMs: 20 } });
    const [hostPeer, clientPeer] = [net.createPeer(), net.createPeer()];
    const host = createHost({ network: hostPeer, protocol, tickMs: 10 });
    const connecting = connectToHost({ network: clientPeer, protocol, host: hostPeer.localSteamId });
    await net.advance(500);
    // On the system clock nothing would have happened yet: 500 virtual ms are a few real µs.
    const client = await Promise.race([
      connecting,
      new Promise<typeof PENDING>((r) => setImmediate(r, PENDING)),
    ]);
    expect(client).not.toBe(PENDING);
    expect(host.peerIds).toEqual([clientPeer.localSteamId]);
    host.close();
    net.dispose();
  });

  it('an explicit clock still wins over the network clock', async () => {
    const net = new FakeSteamNetwork({ seed: 7 });
    const other = new FakeSteamNetwork({ seed: 8 });
    const [hostPeer, clientPeer] = [net.createPeer(), net.createPeer()];
    const host = createHost({ network: hostPeer, protocol, tickMs: 10, clock: other.clock });
    const connecting = connectToHost({
      network: clientPeer,
      protocol,
      host: hostPeer.localSteamId,
      timeoutMs: 300,
    });
    connecting.catch(() => undefined);
    await net.advance(1000);
    // The host ticks on `other`'s clock, which did not move: the client's hello is never answered.
    await expect(connecting).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(host.peerIds).toEqual([]);
    host.close();
    net.dispose();
    other.dispose();
  });
});
