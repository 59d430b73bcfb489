import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import {
  type Client,
  ConnectTimeoutError,
  connectToHost,
  createHost,
  RpcArgumentError,
} from '../src/index.js';
import { protocol, type TestProtocol } from './helpers.js';

describe('kick cooldown', () => {
  it('a kicked peer is refused for kickCooldownMs, then may come back', async () => {
    const net = new FakeSteamNetwork({ seed: 5 });
    const hostPeer = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      tickMs: 10,
      kickCooldownMs: 5000,
    });
    const refused: string[] = [];
    host.events.on('peerRefused', (_p, reason) => refused.push(reason));
    const peer = net.createPeer();
    const connect = (timeoutMs: number) => {
      let result: Client<TestProtocol> | Error | undefined;
      connectToHost({
        network: peer,
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        tickMs: 10,
        timeoutMs,
      }).then(
        (c) => {
          result = c;
        },
        (e: Error) => {
          result = e;
        },
      );
      return () => result;
    };
    const first = connect(2000);
    await net.runUntil(() => first() !== undefined);
    expect(host.kick(peer.localSteamId, 'cheating')).toBe(true);
    await net.advance(1500);

    const again = connect(2000);
    await net.runUntil(() => again() !== undefined);
    expect(again()).toBeInstanceOf(ConnectTimeoutError);
    expect(refused).toContain('coolingDown');
    expect(host.isConnected(peer.localSteamId)).toBe(false);

    await net.advance(2000); // the 5 s cooldown is over
    const later = connect(2000);
    await net.runUntil(() => later() !== undefined);
    expect(later()).not.toBeInstanceOf(Error);
    expect(host.isConnected(peer.localSteamId)).toBe(true);
  });

  it('kick(peer, code, { cooldown: false }) removes without a cooldown: it may come straight back', async () => {
    const net = new FakeSteamNetwork({ seed: 6 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const refused: string[] = [];
    host.events.on('peerRefused', (_p, reason) => refused.push(reason));
    const left: string[] = [];
    host.events.on('peerLeft', (_p, reason, detail) => left.push(`${reason}:${detail}`));
    const peer = net.createPeer();
    const connect = async () => {
      const pending = connectToHost({
        network: peer,
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        tickMs: 10,
      });
      await net.advance(100);
      return pending;
    };
    const first = await connect();
    expect(host.kick(peer.localSteamId, 'moved', { cooldown: false })).toBe(true);
    await net.advance(200);
    expect(first.state).toBe('disconnected');
    const again = await connect();
    expect(again.state).toBe('connected');
    expect(left).toEqual(['kicked:moved']);
    expect(refused).toEqual([]);
    expect(() => host.kick(peer.localSteamId, 'x', { cooldown: 'no' as never })).toThrow(RpcArgumentError);
    expect(() => host.kick(peer.localSteamId, 42 as never)).toThrow(RpcArgumentError);
    expect(host.isConnected(peer.localSteamId)).toBe(true);
  });

  it('rejects a negative cooldown', () => {
    const net = new FakeSteamNetwork();
    expect(() => createHost({ network: net.createPeer(), protocol, kickCooldownMs: -1 })).toThrow(
      RpcArgumentError,
    );
  });
});

describe('refused peers', () => {
  it('a refused peer has its session closed, so what it floods is dropped at once, not held by Steam', async () => {
    const net = new FakeSteamNetwork({ seed: 6 });
    const hostPeer = net.createPeer();
    const stranger = net.createPeer();
    const refused: string[] = [];
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      tickMs: 10,
      acceptPeer: (id) => id !== stranger.localSteamId,
    });
    host.events.on('peerRefused', (_p, reason) => refused.push(reason));
    for (let i = 0; i < 200; i++) stranger.sendP2PPacket(hostPeer.localSteamId, new Uint8Array(1000), 2, 0);
    await net.advance(500);
    expect(refused[0]).toBe('notAccepted');
    // Nothing of it is held for the host: its session is gone and the packets were dropped.
    expect(hostPeer.getP2PSessionState(stranger.localSteamId)).toBeNull();
    expect(net.stats.dropped.sessionClosed + net.stats.discardedUnread).toBeGreaterThan(0);
    expect(net.stats.delivered).toBe(0);
  });
});
