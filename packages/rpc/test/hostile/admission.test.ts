// Class 4, admission: half-open sessions (opened, never a hello) are bounded by count and age, and
// the oldest silent one makes room for a newcomer, so churning ids cannot lock honest players out.
import { FakeSteamNetwork } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { type Client, connectToHost, createHost } from '../../src/index.js';
import { RawPeer } from '../../stress/lib/attacker.js';
import { protocol, type TestProtocol } from '../helpers.js';

describe('admission: half-open sessions cannot lock players out', () => {
  it('130 ids that never say hello, and more every 100 ms: three honest joins still get in', async () => {
    const net = new FakeSteamNetwork({ seed: 12 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10, maxPeers: 64 });
    const refused = new Map<string, number>();
    host.events.on('peerRefused', (_p, reason) => refused.set(reason, (refused.get(reason) ?? 0) + 1));
    // Open a session with a ping (a control packet that is not a hello), then never speak again.
    const halfOpen = () => new RawPeer(net, hostPeer.localSteamId).ping();
    for (let i = 0; i < 130; i++) halfOpen();
    await net.advance(50);
    expect(host.debugState().handshaking).toBeLessThanOrEqual(128);

    const joined: Client<TestProtocol>[] = [];
    const failed: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        tickMs: 10,
      }).then(
        (c) => joined.push(c),
        (e: unknown) => failed.push(e),
      );
    }
    for (let t = 0; t < 150 && joined.length + failed.length < 3; t++) {
      for (let i = 0; i < 10; i++) halfOpen();
      await net.advance(100);
    }
    expect(failed).toEqual([]);
    expect(joined).toHaveLength(3);
    expect(joined.every((c) => c.state === 'connected')).toBe(true);
    expect(refused.get('evicted') ?? 0).toBeGreaterThan(0);
    // Bounded all along, and by age: none is left waiting long after the churn stops.
    expect(host.debugState().handshaking).toBeLessThanOrEqual(128);
    await net.advance(3500);
    expect(host.debugState().handshaking).toBe(0);
    net.dispose();
  });

  it('a peer that opened a session and says nothing is dropped after 3 s, not after the whole handshake timeout', async () => {
    const net = new FakeSteamNetwork({ seed: 13 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const refused: [SteamId, string][] = [];
    host.events.on('peerRefused', (p, reason) => refused.push([p, reason]));
    const raw = new RawPeer(net, hostPeer.localSteamId);
    raw.ping();
    await net.advance(2900);
    expect(host.debugState().handshaking).toBe(1);
    await net.advance(300);
    expect(host.debugState().handshaking).toBe(0);
    expect(refused).toEqual([[raw.id, 'handshakeTimeout']]);
    net.dispose();
  });

  it('when every pending peer has said hello (authenticating), a newcomer is refused, not let in', async () => {
    const net = new FakeSteamNetwork({ seed: 14 });
    const hostPeer = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      tickMs: 10,
      maxPendingPeers: 2,
      authenticate: () => new Promise<boolean>(() => {}), // never decides
    });
    const refused: string[] = [];
    host.events.on('peerRefused', (_p, reason) => refused.push(reason));
    for (let i = 0; i < 3; i++) {
      new RawPeer(net, hostPeer.localSteamId).hello(protocol.fingerprint);
      await net.advance(50);
    }
    expect(host.debugState().handshaking).toBe(2);
    expect(refused).toEqual(['full']);
    net.dispose();
  });
});
