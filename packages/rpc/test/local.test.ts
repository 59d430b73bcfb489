import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { createHost, MessageTooLargeError } from '../src/index.js';
import { protocol } from './helpers.js';

describe('the host’s local client', () => {
  it('talks to the host without packets, through the same handlers and validation', async () => {
    const net = new FakeSteamNetwork({ seed: 5 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const joined: unknown[] = [];
    host.events.on('peerJoined', (p) => joined.push(p));
    const local = host.localClient;
    expect(host.localClient).toBe(local);
    expect(local.state).toBe('connected');
    expect(joined).toEqual([hostPeer.localSteamId]);

    const atHost: unknown[] = [];
    const atLocal: unknown[] = [];
    host.on('chat', (m, peer) => atHost.push([m, peer]));
    host.on('input', (m) => atHost.push(m));
    local.on('chat', (m) => atLocal.push(m));
    host.handle('buy', (req) => ({ ok: true, gold: req.item.length }));
    const rejected: unknown[] = [];
    host.events.on('rejected', (_p, reason, name) => rejected.push([reason, name]));

    local.send('chat', { text: 'from the host player' });
    local.send('input', { seq: 1, dx: 1, dy: 0 });
    // Validation applies to the local player too.
    local.send('chat', { text: 'x'.repeat(500) });
    host.broadcast('chat', { text: 'to everyone' });
    const res = local.call('buy', { item: 'abc' });
    await net.advance(50);
    expect(await res).toEqual({ ok: true, gold: 3 });
    expect(atHost).toEqual([
      [{ text: 'from the host player' }, hostPeer.localSteamId],
      { seq: 1, dx: 1, dy: 0 },
    ]);
    expect(atLocal).toEqual([{ text: 'to everyone' }]);
    expect(rejected).toEqual([['invalid', 'chat']]);
    expect(() => local.send('bigUnreliable', { data: new Uint8Array(2000) })).toThrow(MessageTooLargeError);
    // No packet went through the network for any of it.
    expect(hostPeer.getP2PSessionState(hostPeer.localSteamId)).toBeNull();
  });

  it('leaves and can be kicked like a remote client', async () => {
    const net = new FakeSteamNetwork({ seed: 5 });
    const host = createHost({ network: net.createPeer(), protocol, clock: net.clock, tickMs: 10 });
    const left: unknown[] = [];
    host.events.on('peerLeft', (_p, reason, detail) => left.push([reason, detail]));
    const local = host.localClient;
    const disc: unknown[] = [];
    local.events.on('disconnected', (reason, detail) => disc.push([reason, detail]));
    host.kick(local.hostId, 'afk');
    expect(left).toEqual([['kicked', 'afk']]);
    expect(disc).toEqual([['kicked', 'afk']]);
    const again = host.localClient;
    expect(again).not.toBe(local);
    again.disconnect();
    expect(left[1]).toEqual(['left', '']);
  });
});
