// Regression tests for the bugs the hostile runs found, one per fix (see docs/RELIABILITY.md).
import { FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { ConnectionRefusedError, connectToHost, createHost, type RejectReason } from '../../src/index.js';
import { CONTROL, drainRaw, helloPacket } from '../../stress/lib/audit.js';
import { hostileProtocol } from '../../stress/lib/protocol.js';

/** A host on a fake network, and a raw peer that completed the handshake by hand. */
async function hostWithRawPeer() {
  const net = new FakeSteamNetwork({ seed: 3 });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol: hostileProtocol, clock: net.clock, tickMs: 10 });
  const raw = net.createPeer();
  raw.sendP2PPacket(
    hostPeer.localSteamId,
    helloPacket(hostileProtocol.fingerprint),
    P2PSend.Reliable,
    CONTROL,
  );
  await net.runUntil(() => host.isConnected(raw.localSteamId));
  const rejected: RejectReason[] = [];
  host.events.on('rejected', (_peer, reason) => rejected.push(reason));
  return { net, hostPeer, host, raw, rejected };
}

describe('regressions found by the hostile runs', () => {
  it('an empty packet does not block its channel for every other peer', async () => {
    const t = await hostWithRawPeer();
    const client = connectToHost({
      network: t.net.createPeer(),
      protocol: hostileProtocol,
      host: t.hostPeer.localSteamId,
      clock: t.net.clock,
      tickMs: 10,
    });
    await t.net.advance(100);
    const honest = await client;
    const chats: number[] = [];
    t.host.on('chat', (m) => chats.push(m.seq));
    // Steam reports "nothing waiting" and "an empty packet waiting" both as size 0.
    t.raw.sendP2PPacket(t.hostPeer.localSteamId, new Uint8Array(0), P2PSend.Reliable, 0);
    await t.net.advance(50);
    for (let seq = 0; seq < 5; seq++) honest.send('chat', { seq, text: 'still here' });
    await t.net.advance(200);
    expect(chats).toEqual([0, 1, 2, 3, 4]);
    expect(t.rejected).toContain('malformed');
  });

  it('a goodbye before the welcome rejects connectToHost instead of leaving it pending', async () => {
    const net = new FakeSteamNetwork({ seed: 4 });
    const rawHost = net.createPeer();
    rawHost.on('sessionRequest', (id) => rawHost.acceptP2PSessionWithUser(id));
    let outcome: unknown = 'pending';
    void connectToHost({
      network: net.createPeer(),
      protocol: hostileProtocol,
      host: rawHost.localSteamId,
      clock: net.clock,
    }).then(
      () => {
        outcome = 'connected';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    await net.advance(50);
    drainRaw(rawHost, (from, channel, data) => {
      // Answer the hello with a goodbye: "kicked", before any welcome.
      if (channel === CONTROL && data[0] === 0x10)
        rawHost.sendP2PPacket(
          from,
          Uint8Array.from([0x15, 6, ...new TextEncoder().encode('kicked'), 0]),
          P2PSend.Reliable,
          CONTROL,
        );
    });
    await net.advance(200);
    expect(outcome).toBeInstanceOf(ConnectionRefusedError);
    expect((outcome as ConnectionRefusedError).reason).toBe('kicked');
  });

  it('a declared fragment total reserves budget but buffers only the bytes that arrived', async () => {
    const t = await hostWithRawPeer();
    // FragmentFirst, total = 4 MiB (varint 80 80 80 02), one byte of data; then the same again.
    const first = Uint8Array.from([0x02, 0x80, 0x80, 0x80, 0x02, 0x01]);
    for (let i = 0; i < 200; i++) t.raw.sendP2PPacket(t.hostPeer.localSteamId, first, P2PSend.Reliable, 4);
    await t.net.advance(50);
    const state = t.host.debugState();
    expect(state.reassemblyBytes).toBe(4 * 1024 * 1024);
    expect(state.reassemblyBufferedBytes).toBeLessThanOrEqual(16);
    expect(t.host.isConnected(t.raw.localSteamId)).toBe(true);
  });

  it('a response arriving after its call timed out is not held against an honest peer', async () => {
    const net = new FakeSteamNetwork({ seed: 5, conditions: { latencyMs: 20 } });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol: hostileProtocol, clock: net.clock, tickMs: 10 });
    // Slow answers: the call times out first, the response comes later.
    host.handle(
      'buy',
      (req) =>
        new Promise((resolve) => net.clock.setTimeout(() => resolve({ ok: true, gold: req.qty }), 300)),
    );
    const strict = { violationPolicy: () => true }; // any rejection at all would make the client leave
    const pending = connectToHost({
      network: net.createPeer(),
      protocol: hostileProtocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      tickMs: 10,
      ...strict,
    });
    await net.advance(100);
    const client = await pending;
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++)
      client
        .call('buy', { item: 'slow', qty: 1 }, { timeoutMs: 100 })
        .catch((e: { code?: string }) => outcomes.push(e.code ?? '?'));
    await net.advance(1000);
    expect(outcomes).toEqual(['REQUEST_TIMEOUT', 'REQUEST_TIMEOUT', 'REQUEST_TIMEOUT']);
    expect(client.state).toBe('connected');
    expect(client.stats().lateResponses).toBe(3);
    expect(client.stats().rejected.unexpectedResponse).toBe(0);
  });
});
