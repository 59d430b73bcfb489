// A peer whose Steam send queue stays full forever (`limitExceeded` on every send): the host's flush
// must end, hold a bounded amount for it, shed its unreliable traffic, and in the end drop it with a
// typed outcome, while the other peers play on.
import { FakeSteamNetwork } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { type Client, connectToHost, createHost } from '../../src/index.js';
import { MAX_RETRY_BYTES } from '../../src/outbox.js';
import { failingSends } from '../../stress/lib/attacker.js';
import { protocol, type TestProtocol } from '../helpers.js';

describe("Steam's back-pressure that never ends", () => {
  it('update() ends, held bytes stay bounded, and the peer is dropped as timeout; the others play on', async () => {
    const net = new FakeSteamNetwork({ seed: 41 });
    const hostPeer = net.createPeer();
    let stuck: SteamId | null = null;
    let sendsThisUpdate = 0;
    const network = failingSends(hostPeer, (remote) => {
      // A flush that never ends would never return: break it off, loudly.
      if (++sendsThisUpdate > 100_000) throw new Error('the flush does not end');
      return remote === stuck ? { reason: 'limitExceeded' } : null;
    });
    // Updated by hand, as a game loop does.
    const host = createHost({ network, protocol, clock: net.clock });
    const errors: unknown[] = [];
    host.events.on('error', (e) => errors.push(e));
    const left: [SteamId, string, string][] = [];
    host.events.on('peerLeft', (p, reason, detail) => left.push([p, reason, detail]));
    const update = () => {
      sendsThisUpdate = 0;
      host.update();
    };
    const clients: Client<TestProtocol>[] = [];
    for (let i = 0; i < 2; i++) {
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        tickMs: 10,
        heartbeatTimeoutMs: 60_000,
      }).then((c) => clients.push(c));
    }
    for (let i = 0; i < 20 && clients.length < 2; i++) {
      await net.advance(16);
      update();
    }
    expect(clients).toHaveLength(2);
    const [victim, other] = clients as [Client<TestProtocol>, Client<TestProtocol>];
    const victimId = victim.network.localSteamId;
    const otherId = other.network.localSteamId;
    const chats: string[] = [];
    other.on('chat', (m) => chats.push(m.text));
    stuck = victimId;
    let maxRetryBytes = 0;
    for (let frame = 0; frame < 12 * 60 && left.length === 0; frame++) {
      const text = `frame ${frame} ${'x'.repeat(100)}`;
      if (host.isConnected(victimId)) host.sendTo(victimId, 'chat', { text });
      host.sendTo(otherId, 'chat', { text });
      host.broadcast('pos', { seq: frame });
      await net.advance(16);
      update();
      maxRetryBytes = Math.max(maxRetryBytes, host.debugState().retryBytes);
    }
    expect(errors).toEqual([]);
    expect(maxRetryBytes).toBeGreaterThan(0);
    expect(maxRetryBytes).toBeLessThanOrEqual(MAX_RETRY_BYTES);
    expect(left).toEqual([[victimId, 'timeout', 'send queue full']]);
    expect(host.stats(otherId)!.sendFailures).toBe(0);
    expect(host.debugState()).toMatchObject({ retryPackets: 0, retryBytes: 0 });
    await net.advance(100);
    expect(chats.length).toBeGreaterThan(600);
    expect(other.state).toBe('connected');
    net.dispose();
  });
});
