import { FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend, type SteamId } from '@steamwire/transport-steam';
import fc from 'fast-check';
import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { type Client, connectToHost, createHost, type HostOptions, type RejectReason } from '../src/index.js';
import {
  CONTROL,
  chatSchema,
  helloBytes,
  idOf,
  protocol,
  reliablePacket,
  type TestProtocol,
  unreliablePacket,
  varint,
} from './helpers.js';

const bytes = (v: unknown) => Array.from(pack(v));

/** A host, plus a bare fake peer that completed the handshake by hand and now sends raw bytes. */
async function rawClient(hostOptions: Partial<HostOptions<TestProtocol>> = {}) {
  const net = new FakeSteamNetwork({ seed: 7 });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10, ...hostOptions });
  const raw = net.createPeer();
  const rejected: [SteamId, RejectReason, string | undefined][] = [];
  const left: unknown[] = [];
  const errors: unknown[] = [];
  const chats: unknown[] = [];
  host.events.on('rejected', (p, r, n) => rejected.push([p, r, n]));
  host.events.on('peerLeft', (p, r) => left.push([p, r]));
  host.events.on('error', (e) => errors.push(e));
  host.on('chat', (m) => chats.push(m));
  const send = (data: Uint8Array, channel: number, sendType: P2PSend = P2PSend.Reliable) =>
    raw.sendP2PPacket(hostPeer.localSteamId, data, sendType, channel);
  const handshake = async () => {
    send(helloBytes(protocol.fingerprint), CONTROL);
    await net.runUntil(() => host.isConnected(raw.localSteamId));
  };
  return { net, host, hostPeer, raw, rejected, left, errors, chats, send, handshake };
}

const reasons = (r: [SteamId, RejectReason, string | undefined][]) =>
  r.map(([, reason, name]) => [reason, name]);

describe('enforcement on the host', () => {
  it('drops data from a peer before its handshake completed', async () => {
    const t = await rawClient();
    t.send(reliablePacket([idOf('chat'), bytes({ text: 'sneaky' })]), 0);
    await t.net.advance(200);
    expect(t.chats).toEqual([]);
    expect(reasons(t.rejected)).toEqual([['notConnected', undefined]]);
    await t.handshake();
    t.send(reliablePacket([idOf('chat'), bytes({ text: 'ok' })]), 0);
    await t.net.advance(200);
    expect(t.chats).toEqual([{ text: 'ok' }]);
  });

  it('rejects broken framing: unknown packet kind, truncated varint, frame past the end', async () => {
    const t = await rawClient({ violationPolicy: () => false });
    await t.handshake();
    t.send(Uint8Array.from([0x09, 1, 2]), 0);
    t.send(Uint8Array.from([0x00, 0x85]), 0);
    t.send(Uint8Array.from([0x00, ...varint(idOf('chat') * 2 + 1), 50, 1, 2]), 0);
    t.send(Uint8Array.from([0x80]), 1, P2PSend.Unreliable);
    await t.net.advance(200);
    expect(reasons(t.rejected)).toEqual([
      ['malformed', undefined],
      ['malformed', undefined],
      ['malformed', undefined],
      ['malformed', undefined],
    ]);
  });

  it('rejects unknown ids, wrong direction, wrong channel, wrong send type and schema failures', async () => {
    const t = await rawClient({ violationPolicy: () => false });
    await t.handshake();
    t.send(reliablePacket([300, bytes(1)]), 0);
    t.send(unreliablePacket(0, [idOf('pos'), bytes({ seq: 1 })]), 2, P2PSend.Unreliable);
    t.send(reliablePacket([idOf('chat'), bytes({ text: 'wrong channel' })]), 3);
    t.send(unreliablePacket(1, [idOf('chat'), bytes({ text: 'unreliably' })]), 0, P2PSend.Unreliable);
    t.send(reliablePacket([idOf('chat'), bytes({ text: 42 })]), 0);
    t.send(reliablePacket([idOf('chat'), bytes({ text: 'x'.repeat(201) })]), 0);
    await t.net.advance(200);
    // Channels are read one after the other, so compare without order.
    expect(reasons(t.rejected).map(String).sort()).toEqual(
      [
        ['unknownMessage', undefined],
        ['wrongDirection', 'pos'],
        ['wrongChannel', 'chat'],
        ['wrongSendType', 'chat'],
        ['invalid', 'chat'],
        ['invalid', 'chat'],
      ]
        .map(String)
        .sort(),
    );
    expect(t.chats).toEqual([]);
    const stats = t.host.stats(t.raw.localSteamId)!;
    expect(stats.rejected.invalid).toBe(2);
    expect(stats.rejected.wrongDirection).toBe(1);
  });

  it('rejects payloads msgpackr must not see: extensions, records, deep nesting, lying lengths', async () => {
    const t = await rawClient({ violationPolicy: () => false });
    await t.handshake();
    const chat = idOf('chat');
    const bodies = [
      Array.from(new Packr({ moreTypes: true }).pack(new Set([1]))),
      Array.from(new Packr({ useRecords: true }).pack({ text: 'rec' })),
      [...new Array(100).fill(0x91), 0x01],
      [0xdd, 0xff, 0xff, 0xff, 0xff],
      [0xc1],
      [0x81, 0xa4, 0x74, 0x65, 0x78, 0x74], // map missing its value
    ];
    for (const body of bodies) t.send(reliablePacket([chat, body]), 0);
    await t.net.advance(200);
    // Nesting past the declared limit is valid msgpack, but too costly: its own reason.
    expect(reasons(t.rejected)).toEqual(
      bodies.map((_, i) => [i === 2 ? 'tooComplex' : 'decodeFailed', 'chat']),
    );
    expect(t.errors).toEqual([]);
  });

  it('keeps __proto__ keys from polluting anything', async () => {
    const t = await rawClient({ violationPolicy: () => false });
    const seen: unknown[] = [];
    t.host.on('log', (m) => seen.push(m));
    await t.handshake();
    t.send(
      reliablePacket([idOf('log'), bytes(JSON.parse('{"__proto__":{"isAdmin":true},"n":1}'))]),
      3,
      P2PSend.ReliableWithBuffering,
    );
    await t.net.advance(300); // Steam holds buffered reliable data up to ~200 ms (Nagle)
    expect(seen).toHaveLength(1);
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect((seen[0] as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('rejects a fragmented message declared above maxMessageBytes, and a stray fragment', async () => {
    const t = await rawClient({ violationPolicy: () => false, maxMessageBytes: 1000 });
    await t.handshake();
    t.send(Uint8Array.from([0x02, ...varint(5000), 1, 2, 3]), 4);
    t.send(Uint8Array.from([0x03, 1, 2, 3]), 4);
    await t.net.advance(200);
    expect(reasons(t.rejected)).toEqual([
      ['tooLarge', undefined],
      ['malformed', undefined],
    ]);
  });

  it('rejects responses to calls nobody made', async () => {
    const t = await rawClient({ violationPolicy: () => false });
    await t.handshake();
    t.send(reliablePacket([0, [...varint(99), ...bytes({ a: 'x' })]]), 0);
    await t.net.advance(200);
    expect(reasons(t.rejected)).toEqual([['unexpectedResponse', undefined]]);
  });

  it('rate-limits messages per peer', async () => {
    const t = await rawClient({
      rateLimits: { messagesPerSecond: 10, burstSeconds: 1 },
      violationPolicy: () => false,
    });
    await t.handshake();
    const frames: [number, number[]][] = Array.from({ length: 30 }, (_, i) => [
      idOf('chat'),
      bytes({ text: String(i) }),
    ]);
    t.send(reliablePacket(...frames), 0);
    await t.net.advance(200);
    expect(t.chats).toHaveLength(10);
    expect(t.rejected.filter(([, r]) => r === 'rateLimited')).toHaveLength(20);
    // The budget refills with time.
    await t.net.advance(1000);
    t.send(reliablePacket([idOf('chat'), bytes({ text: 'later' })]), 0);
    await t.net.advance(200);
    expect(t.chats).toHaveLength(11);
  });

  it('rate-limits bytes per peer', async () => {
    const t = await rawClient({
      rateLimits: { bytesPerSecond: 100, burstSeconds: 1 },
      maxMessageBytes: 200,
      violationPolicy: () => false,
    });
    await t.handshake();
    for (let i = 0; i < 10; i++) t.send(reliablePacket([idOf('chat'), bytes({ text: 'y'.repeat(150) })]), 0);
    await t.net.advance(200);
    expect(t.chats.length).toBeLessThan(10);
    expect(t.rejected.some(([, r]) => r === 'rateLimited')).toBe(true);
  });

  it('kicks a peer after repeated violations by the default policy, and honours a custom one', async () => {
    const t = await rawClient();
    await t.handshake();
    for (let i = 0; i < 5; i++) t.send(Uint8Array.from([0x09]), 0);
    await t.net.advance(200);
    expect(t.left).toEqual([[t.raw.localSteamId, 'violations']]);

    const lenient = await rawClient({ violationPolicy: ({ total }) => total >= 100 });
    await lenient.handshake();
    for (let i = 0; i < 20; i++) lenient.send(Uint8Array.from([0x09]), 0);
    await lenient.net.advance(200);
    expect(lenient.left).toEqual([]);
  });

  it('survives arbitrary bytes on every channel: no escape, no internal error, handlers see only valid data', async () => {
    const t = await rawClient({ violationPolicy: () => false, rateLimits: false });
    const logs: unknown[] = [];
    t.host.on('log', (m) => logs.push(m));
    await t.handshake();
    const channels = [0, 1, 2, 3, 4, 5, CONTROL];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc
            .record({
              channel: fc.constantFrom(...channels),
              reliable: fc.boolean(),
              data: fc.oneof(
                fc.uint8Array({ maxLength: 80 }),
                // Mostly-valid frames with random bodies, to get past the framing checks.
                fc
                  .tuple(
                    fc.constantFrom(0x00, 0x80),
                    fc.integer({ min: 0, max: 14 }),
                    fc.uint8Array({ maxLength: 40 }),
                  )
                  .map(([kind, id, body]) =>
                    Uint8Array.from([
                      kind,
                      ...(kind === 0x80 ? [1] : []),
                      ...varint(id * 2 + 1),
                      ...varint(body.length),
                      ...body,
                    ]),
                  ),
              ),
            })
            // A well-formed HELLO or BYE on the control channel is a legitimate reconnect or goodbye,
            // after which the peer is rightly gone; everything else must leave it connected.
            .filter((p) => !(p.channel === CONTROL && (p.data[0] === 0x10 || p.data[0] === 0x15))),
          { maxLength: 30 },
        ),
        async (packets) => {
          for (const p of packets)
            t.send(p.data, p.channel, p.reliable ? P2PSend.Reliable : P2PSend.Unreliable);
          await t.net.advance(30);
        },
      ),
      { numRuns: 150 },
    );
    expect(t.errors).toEqual([]);
    for (const c of t.chats) expect(chatSchema.safeParse(c).success).toBe(true);
    expect(t.host.isConnected(t.raw.localSteamId)).toBe(true);
  });
});

describe('enforcement on the client', () => {
  it('rejects what a host may not send, or sends badly', async () => {
    const net = new FakeSteamNetwork({ seed: 9 });
    const rawHost = net.createPeer();
    rawHost.on('sessionRequest', (id) => rawHost.acceptP2PSessionWithUser(id));
    const peer = net.createPeer();
    let client: Client<TestProtocol> | undefined;
    void connectToHost({
      network: peer,
      protocol,
      host: rawHost.localSteamId,
      clock: net.clock,
      tickMs: 10,
      violationPolicy: () => false,
    }).then((c) => {
      client = c;
    });
    await net.advance(50);
    rawHost.runCallbacks();
    const hello = rawHost.readP2PPacket(rawHost.getAvailableP2PPacketSize(CONTROL) ?? 0, CONTROL);
    expect(hello?.data[0]).toBe(0x10);
    const to = peer.localSteamId;
    rawHost.sendP2PPacket(to, Uint8Array.from([0x11]), P2PSend.Reliable, CONTROL);
    await net.runUntil(() => client !== undefined);
    const c = client!;
    const rejected: unknown[] = [];
    const chats: unknown[] = [];
    c.events.on('rejected', (_p, r, n) => rejected.push([r, n]));
    c.on('chat', (m) => chats.push(m));
    rawHost.sendP2PPacket(
      to,
      unreliablePacket(0, [idOf('input'), bytes({ seq: 1, dx: 0, dy: 0 })]),
      P2PSend.Unreliable,
      1,
    );
    rawHost.sendP2PPacket(to, reliablePacket([idOf('chat'), bytes({ text: 1 })]), P2PSend.Reliable, 0);
    rawHost.sendP2PPacket(to, reliablePacket([idOf('chat'), [0xc1]]), P2PSend.Reliable, 0);
    rawHost.sendP2PPacket(to, reliablePacket([idOf('chat'), bytes({ text: 'fine' })]), P2PSend.Reliable, 0);
    // Someone else entirely: never accepted, never read.
    const stranger = net.createPeer();
    stranger.sendP2PPacket(
      to,
      reliablePacket([idOf('chat'), bytes({ text: 'stranger' })]),
      P2PSend.Reliable,
      0,
    );
    await net.advance(200);
    expect(rejected.map(String).sort()).toEqual(
      [
        ['invalid', 'chat'],
        ['decodeFailed', 'chat'],
        ['wrongDirection', 'input'],
      ]
        .map(String)
        .sort(),
    );
    expect(chats).toEqual([{ text: 'fine' }]);
  });
});
