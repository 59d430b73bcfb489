import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { connectToHost, createHost, forgeMessagePacket, ProtocolDefinitionError } from '../src/index.js';
import { protocol } from './helpers.js';

describe('forgeMessagePacket', () => {
  it('builds packets the host accepts when legal and rejects when a client impersonates the host', async () => {
    const net = new FakeSteamNetwork({ seed: 3 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const chats: unknown[] = [];
    const rejected: string[] = [];
    const left: string[] = [];
    host.on('chat', (m) => chats.push(m));
    host.events.on('rejected', (_p, reason, name) => rejected.push(`${reason}:${name}`));
    host.events.on('peerLeft', (_p, reason) => left.push(reason));
    const cheaterPeer = net.createPeer();
    let connected = false;
    void connectToHost({
      network: cheaterPeer,
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      tickMs: 10,
    }).then(() => {
      connected = true;
    });
    await net.runUntil(() => connected);

    const legal = forgeMessagePacket(protocol, 'chat', { text: 'hi' });
    cheaterPeer.sendP2PPacket(hostPeer.localSteamId, legal.data, legal.sendType, legal.channel);
    await net.advance(100);
    expect(chats).toEqual([{ text: 'hi' }]);

    for (let seq = 1; seq <= 6; seq++) {
      const forged = forgeMessagePacket(protocol, 'pos', { seq }, seq);
      cheaterPeer.sendP2PPacket(hostPeer.localSteamId, forged.data, forged.sendType, forged.channel);
    }
    await net.advance(200);
    expect(rejected[0]).toBe('wrongDirection:pos');
    expect(left).toEqual(['violations']);
  });

  it('refuses names that are not messages of the protocol', () => {
    expect(() => forgeMessagePacket(protocol, 'buy', {})).toThrow(ProtocolDefinitionError);
    expect(() => forgeMessagePacket(protocol, 'nope', {})).toThrow(ProtocolDefinitionError);
  });
});
