// Class 5, the client trusts its host: a client enforces what a host enforces (declared send type and
// size on receipt, cost bounds, the rate of control traffic), and connectToHost resolves only with a
// connected client, or rejects.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { type Client, connectToHost, HostViolationsError } from '../../src/index.js';
import { emptyMapsBomb, Kind } from '../../stress/lib/attacker.js';
import {
  CONTROL,
  idOf,
  protocol,
  reliablePacket,
  type TestProtocol,
  unreliablePacket,
  varint,
} from '../helpers.js';

/** A client connecting to a raw "host" that the test drives by hand. */
async function rawHostSetup() {
  const net = new FakeSteamNetwork({ seed: 21 });
  const rawHost = net.createPeer();
  rawHost.on('sessionRequest', (id) => rawHost.acceptP2PSessionWithUser(id));
  const clientPeer = net.createPeer();
  let outcome: Client<TestProtocol> | Error | undefined;
  connectToHost({
    network: clientPeer,
    protocol,
    host: rawHost.localSteamId,
    clock: net.clock,
    tickMs: 10,
  }).then(
    (c) => {
      outcome = c;
    },
    (e: Error) => {
      outcome = e;
    },
  );
  await net.advance(30);
  rawHost.runCallbacks();
  const clientId: SteamId = clientPeer.localSteamId;
  const send = (data: Uint8Array, channel: number, sendType: P2PSend = P2PSend.Reliable) =>
    rawHost.sendP2PPacket(clientId, data, sendType, channel);
  const welcome = () => send(Uint8Array.of(Kind.Welcome), CONTROL);
  return { net, rawHost, clientId, send, welcome, outcome: () => outcome };
}

/** Connects the client to the raw host, with `rejected` reasons collected. */
async function connected() {
  const t = await rawHostSetup();
  t.welcome();
  await t.net.advance(30);
  const client = t.outcome() as Client<TestProtocol>;
  expect(client.state).toBe('connected');
  const rejected: string[] = [];
  client.events.on('rejected', (_p, reason) => rejected.push(reason));
  return { ...t, client, rejected };
}

describe('the client enforces what the host enforces', () => {
  it('connectToHost never resolves with a client that data ahead of the welcome already made leave', async () => {
    const t = await rawHostSetup();
    for (let i = 0; i < 5; i++) t.send(Uint8Array.of(0x09, 1, 2), 0); // malformed: unknown packet kind
    await t.net.advance(30); // held as early data...
    t.welcome(); // ...and judged once welcomed
    await t.net.advance(30);
    const outcome = t.outcome();
    // Not a client (already disconnected, every later call throwing), but the reason why.
    expect((outcome as { state?: string }).state).toBeUndefined();
    expect(outcome).toBeInstanceOf(HostViolationsError);
    t.net.dispose();
  });

  it('a 1 MB message declared unreliable, sent reliably under an unreliable header, is refused', async () => {
    const t = await connected();
    const seen: unknown[] = [];
    t.client.on('pos', (m) => seen.push(m));
    // One frame, as a peer running the protocol writes it, under an unreliable header (seq 1).
    const body = pack({ seq: 1, pad: 'x'.repeat(1_000_000) });
    const huge = new Uint8Array(2 + varint(idOf('pos') * 2).length + body.length);
    huge.set([0x80, 1, ...varint(idOf('pos') * 2)]);
    huge.set(body, huge.length - body.length);
    t.send(huge, 2, P2PSend.Reliable);
    t.send(unreliablePacket(2, [idOf('pos'), Array.from(pack({ seq: 2 }))]), 2, P2PSend.Unreliable);
    await t.net.advance(50);
    expect(seen).toEqual([{ seq: 2 }]);
    expect(t.rejected).toEqual(['tooLarge']);
    t.net.dispose();
  });

  it('a CPU bomb from the host is refused by the pre-scan', async () => {
    const t = await connected();
    const seen: unknown[] = [];
    t.client.on('blob', (m) => seen.push(m));
    t.send(reliablePacket([idOf('blob'), Array.from(emptyMapsBomb(100_000))]), 4);
    await t.net.advance(50);
    expect(seen).toEqual([]);
    expect(t.rejected).toEqual(['tooComplex']);
    t.net.dispose();
  });

  it('a ping flood from the host is rejected past the control budget, and the client leaves', async () => {
    const t = await connected();
    const ping = new Uint8Array(9);
    ping[0] = Kind.Ping;
    for (let i = 0; i < 50 && t.client.state === 'connected'; i++) {
      for (let j = 0; j < 100; j++) t.send(ping, CONTROL, P2PSend.Unreliable);
      await t.net.advance(10);
    }
    expect(t.rejected).toContain('rateLimited');
    expect(t.client.state).toBe('disconnected');
    t.net.dispose();
  });
});
