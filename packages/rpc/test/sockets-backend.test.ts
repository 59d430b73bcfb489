// rpc over the Sockets backend, whose packets may be as large as 512 KiB either way: unreliable
// messages still share a packet only up to Steam's MTU-sized unreliable limit (losing one datagram of
// a larger packet would lose every message in it), a larger unreliable message goes alone, and each
// flush hands the batched packets to Steam at once.

import { FakeSteamNetwork } from '@steamwire/testkit';
import type { P2PNetworking, P2PSend, SteamId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { connectToHost, createHost } from '../src/index.js';
import { protocol } from './helpers.js';

/** `network`, with every packet it sends recorded and a `flushP2PPackets` that counts its calls. */
function spy(network: P2PNetworking) {
  const sent: { size: number; channel: number }[] = [];
  const counts = { flushes: 0 };
  const wrapped = new Proxy(network, {
    get(target, prop) {
      if (prop === 'sendP2PPacket') {
        return (remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number) => {
          sent.push({ size: data.length, channel: channel ?? 0 });
          return target.sendP2PPacket(remote, data, sendType, channel);
        };
      }
      if (prop === 'flushP2PPackets') return () => counts.flushes++;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { network: wrapped, sent, counts };
}

async function match() {
  const net = new FakeSteamNetwork({ seed: 3, backend: 'sockets' });
  const hostPeer = net.createPeer();
  const watched = spy(hostPeer);
  const host = createHost({ network: watched.network, protocol, tickMs: 10 });
  let client: Awaited<ReturnType<typeof connectToHost<typeof protocol>>> | undefined;
  void connectToHost({ network: net.createPeer(), protocol, host: hostPeer.localSteamId, tickMs: 10 }).then(
    (c) => {
      client = c;
    },
  );
  await net.runUntil(() => client !== undefined, { timeoutMs: 10_000 });
  return { net, host, client: client!, ...watched };
}

describe('rpc over the Sockets backend', () => {
  it('the backend allows large unreliable packets (the premise of these tests)', () => {
    const net = new FakeSteamNetwork({ seed: 1, backend: 'sockets' });
    expect(net.createPeer().limits.maxUnreliableBytes).toBeGreaterThan(100_000);
  });

  it('batches unreliable messages into packets of at most 1200 bytes, and delivers them all', async () => {
    const { net, host, client, sent } = await match();
    const got: number[] = [];
    client.on('bigUnreliable', (m) => got.push(m.data[0]!));
    sent.length = 0;
    for (let i = 0; i < 30; i++) host.broadcast('bigUnreliable', { data: new Uint8Array(100).fill(i) });
    host.flush();
    const onChannel = sent.filter((p) => p.channel === 5);
    expect(onChannel.length).toBeGreaterThanOrEqual(3);
    for (const p of onChannel) expect(p.size).toBeLessThanOrEqual(1200);
    await net.advance(100);
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('an unreliable message larger than 1200 bytes goes alone, in one packet, and arrives', async () => {
    const { net, host, client, sent } = await match();
    const got: number[] = [];
    client.on('bigUnreliable', (m) => got.push(m.data.length));
    sent.length = 0;
    host.broadcast('bigUnreliable', { data: new Uint8Array(50) });
    host.broadcast('bigUnreliable', { data: new Uint8Array(5000) });
    host.broadcast('bigUnreliable', { data: new Uint8Array(50) });
    host.flush();
    const sizes = sent.filter((p) => p.channel === 5).map((p) => p.size);
    expect(sizes).toHaveLength(3);
    expect(sizes[1]).toBeGreaterThan(5000);
    await net.advance(100);
    expect(got).toEqual([50, 5000, 50]);
  });

  it('reliable messages still share packets beyond 1200 bytes', async () => {
    const { net, host, client, sent } = await match();
    let got = 0;
    client.on('blob', () => got++);
    sent.length = 0;
    for (let i = 0; i < 20; i++) host.broadcast('blob', { data: new Uint8Array(500) });
    host.flush();
    const onChannel = sent.filter((p) => p.channel === 4);
    expect(onChannel).toHaveLength(1);
    expect(onChannel[0]!.size).toBeGreaterThan(10_000);
    await net.advance(100);
    expect(got).toBe(20);
  });

  it('every flush hands the batched packets to a batching backend at once', async () => {
    const { host, counts } = await match();
    const before = counts.flushes;
    host.broadcast('tick', { n: 1 });
    host.flush();
    expect(counts.flushes).toBe(before + 1);
    host.update();
    expect(counts.flushes).toBe(before + 2);
  });
});
