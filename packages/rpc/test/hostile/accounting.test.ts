// Class 3, unaccounted traffic: every packet a peer sends is counted against it (control packets,
// empty packets and tiny fragments included), and what a peer can make the host hold — in rpc and in
// Steam's buffers as the fakes model them — is bounded.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { Kind, RawPeer } from '../../stress/lib/attacker.js';
import { CONTROL, protocol } from '../helpers.js';
import { attackSetup } from './attack-setup.js';

describe('unaccounted traffic: every packet counts against its sender', () => {
  it('a ping flood is rejected past the control budget, mostly unanswered, and kicked', async () => {
    const t = await attackSetup();
    const pongsBefore = t.raw.count(Kind.Pong);
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 100; j++) t.raw.ping();
      await t.step(10);
      if (t.left.length > 0) break;
    }
    expect(t.count('rateLimited')).toBeGreaterThan(0);
    expect(t.left.map(([, reason]) => reason)).toEqual(['violations']);
    // The budget is 30 a second with 2 s of burst: about 60 pongs, not 10 000.
    expect(t.raw.count(Kind.Pong) - pongsBefore).toBeLessThanOrEqual(70);
  });

  it('empty and unknown control packets are counted and rejected (and keep nobody alive)', async () => {
    const t = await attackSetup({ violationPolicy: () => false });
    for (let i = 0; i < 5; i++) t.raw.send(new Uint8Array(0), CONTROL);
    t.raw.send(Uint8Array.of(0x7e, 1, 2), CONTROL);
    t.raw.send(Uint8Array.of(Kind.Ping, 1), CONTROL); // a ping is 9 bytes
    await t.step(50);
    expect(t.count('malformed')).toBe(7);
    const stats = t.host.stats(t.raw.id)!;
    expect(stats.channels[CONTROL]!.packetsIn).toBeGreaterThanOrEqual(8); // the hello and the seven
  });

  it('a flood of 1-byte fragments costs messages from the budget: rejected and kicked', async () => {
    const t = await attackSetup();
    // A first fragment declaring 4 MiB, then continuations of one byte each: every one is valid.
    t.raw.send(Uint8Array.of(0x02, 0x80, 0x80, 0x80, 0x02, 0x01), 4);
    for (let round = 0; round < 20 && t.left.length === 0; round++) {
      for (let i = 0; i < 500; i++) t.raw.send(Uint8Array.of(0x03, 0x01), 4);
      await t.step(20);
    }
    expect(t.count('rateLimited')).toBeGreaterThan(0);
    expect(t.left.map(([, reason]) => reason)).toEqual(['violations']);
  });

  it('control traffic shows in stats, like data', async () => {
    const t = await attackSetup();
    for (let i = 0; i < 30; i++) await t.step(100); // heartbeats both ways
    const control = t.host.stats(t.raw.id)!.channels[CONTROL]!;
    expect(control.packetsIn).toBeGreaterThan(1);
    expect(control.bytesIn).toBeGreaterThan(0);
  });

  it('a peer that is gone is still counted: goodbye, then a burst of hellos, is bounded by its budget', async () => {
    const t = await attackSetup({ maxJoinsPerMinute: 1000 });
    t.raw.bye();
    await t.step();
    for (let i = 0; i < 200; i++) t.raw.hello(protocol.fingerprint);
    await t.step(50);
    // One join at most comes of it; the rest are counted against the SteamID.
    expect(t.joined.length).toBeLessThanOrEqual(2);
    expect(t.count('rateLimited')).toBeGreaterThan(100);
  });
});

describe('unaccounted traffic: what a peer can make the host hold is bounded', () => {
  it('400 × 1 MiB on a channel the protocol never reads: Steam holds at most its 1 MiB buffer, and drops it with the peer', async () => {
    for (const backend of ['legacy', 'messages'] as const) {
      const net = new FakeSteamNetwork({ seed: 9, backend });
      const hostPeer = net.createPeer();
      const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
      const left: string[] = [];
      host.events.on('peerLeft', (_p, reason) => left.push(reason));
      const raw = new RawPeer(net, hostPeer.localSteamId);
      raw.hello(protocol.fingerprint);
      await net.runUntil(() => host.isConnected(raw.id));
      const mib = new Uint8Array(backend === 'legacy' ? 1024 * 1024 : 512 * 1024);
      let held = 0;
      for (let i = 0; i < 400; i++) {
        raw.send(mib, 9);
        if (i % 20 === 0) {
          await net.advance(10);
          raw.drain();
        }
        held = Math.max(held, net.heldFrom(hostPeer.localSteamId, raw.id).bytes);
      }
      expect(held).toBeLessThanOrEqual(1024 * 1024);
      // Its buffer full of junk, nothing else of it gets through: it falls silent and is dropped. What
      // its Steam still resends lands in a new, unaccepted session: held, bounded the same, and
      // dropped by Steam in turn; the host itself keeps nothing of it.
      for (let i = 0; i < 40; i++) {
        await net.advance(1000);
        held = Math.max(held, net.heldFrom(hostPeer.localSteamId, raw.id).bytes);
      }
      expect(left).toEqual(['timeout']);
      expect(held).toBeLessThanOrEqual(1024 * 1024);
      expect(host.debugState()).toMatchObject({ connected: 0, deferredBytes: 0, reassemblyBufferedBytes: 0 });
      net.dispose();
    }
  });
});
