// Both sides tell the same story: however a session ends, the host's `peerLeft` and the client's
// `disconnected` give the same reason and detail; and a protocol mismatch names the entries that
// differ, on both sides, from a bounded exchange a hostile peer cannot abuse.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { P2PSend } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import {
  type Client,
  connectToHost,
  createHost,
  type DisconnectReason,
  defineProtocol,
  forgeMessagePacket,
  type Host,
  message,
  ProtocolMismatchError,
  typed,
} from '../src/index.js';
import { CONTROL, protocol, type TestProtocol, varint } from './helpers.js';

interface Story {
  net: FakeSteamNetwork;
  host: Host<TestProtocol>;
  client: Client<TestProtocol>;
  hostSaw: [DisconnectReason, string][];
  clientSaw: [DisconnectReason, string][];
}

async function session(): Promise<Story> {
  const net = new FakeSteamNetwork({ seed: 4 });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, tickMs: 10 });
  const hostSaw: [DisconnectReason, string][] = [];
  const clientSaw: [DisconnectReason, string][] = [];
  host.events.on('peerLeft', (_peer, reason, detail) => hostSaw.push([reason, detail]));
  const client = await net.run(
    connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      tickMs: 10,
      setup: (c) => c.events.on('disconnected', (reason, detail) => clientSaw.push([reason, detail])),
    }),
  );
  return { net, host, client, hostSaw, clientSaw };
}

/** Sends `times` host-only messages from the client's peer, as a cheating client would. */
function cheat(s: Story, times: number) {
  const forged = forgeMessagePacket(protocol, 'pos', { seq: 1 });
  for (let i = 0; i < times; i++) {
    s.client.network.sendP2PPacket(s.host.network.localSteamId, forged.data, forged.sendType, forged.channel);
  }
}

describe('one story on both sides', () => {
  const endings: [string, (s: Story) => void | Promise<void>, DisconnectReason, string][] = [
    ['the client leaves', (s) => s.client.disconnect(), 'left', ''],
    [
      'the host kicks it',
      (s) => void s.host.kick(s.client.network.localSteamId, 'cheating'),
      'kicked',
      'cheating',
    ],
    ['the host closes', (s) => s.host.close(), 'hostClosed', ''],
    ['the host’s violation policy kicks it', (s) => cheat(s, 10), 'violations', 'wrongDirection'],
    [
      'the client’s violation policy leaves the host',
      (s) => {
        const forged = forgeMessagePacket(protocol, 'input', { seq: 1, dx: 0, dy: 0 });
        for (let i = 0; i < 10; i++) {
          s.host.network.sendP2PPacket(
            s.client.network.localSteamId,
            forged.data,
            forged.sendType,
            forged.channel,
          );
        }
      },
      'hostViolations',
      'wrongDirection',
    ],
    [
      'the link goes silent',
      (s) => s.net.partition([s.host.network.localSteamId], [s.client.network.localSteamId]),
      'timeout',
      '',
    ],
  ];

  it.each(endings)('%s: peerLeft and disconnected say the same', async (_label, end, reason, detail) => {
    const s = await session();
    await end(s);
    await s.net.advance(15_000);
    expect(s.hostSaw).toEqual([[reason, detail]]);
    expect(s.clientSaw).toEqual([[reason, detail]]);
    s.net.dispose();
  });

  it('the host’s own player says the same as a remote one', async () => {
    const net = new FakeSteamNetwork({ seed: 2 });
    const host = createHost({ network: net.createPeer(), protocol, tickMs: 10 });
    const hostSaw: string[] = [];
    host.events.on('peerLeft', (_p, reason, detail) => hostSaw.push(`${reason}:${detail}`));
    const stories: string[] = [];
    const local = () => {
      const c = host.localClient;
      c.events.on('disconnected', (reason, detail) => stories.push(`${reason}:${detail}`));
      return c;
    };
    local().disconnect();
    host.kick(local().network.localSteamId, 'afk');
    local();
    host.close();
    await net.advance(100);
    expect(stories).toEqual(['left:', 'kicked:afk', 'hostClosed:']);
    expect(hostSaw).toEqual(['left:', 'kicked:afk', 'hostClosed:']);
    net.dispose();
  });
});

/** The test protocol with `input` moved to channel 7, `log` gone and `emote` added. */
const otherProtocol = defineProtocol({
  ...Object.fromEntries(Object.entries(protocol.definitions).filter(([name]) => name !== 'log')),
  input: message(typed<{ seq: number }>(), { from: 'client', channel: 7, send: 'unreliableNoDelay' }),
  emote: message(typed<{ id: number }>(), { from: 'client', channel: 0, send: 'reliable' }),
});

describe('a protocol mismatch names the entries that differ', () => {
  it('on the client (ProtocolMismatchError.differences, message) and on the host (peerRefused)', async () => {
    const net = new FakeSteamNetwork({ seed: 6 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, tickMs: 10 });
    const refused: string[] = [];
    host.events.on('peerRefused', (_peer, reason, detail) => refused.push(`${reason}: ${detail}`));
    const error = await net
      .run(connectToHost({ network: net.createPeer(), protocol: otherProtocol, host: hostPeer.localSteamId }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    const mismatch = error as ProtocolMismatchError;
    expect(mismatch.differences).toEqual([
      { name: 'emote', change: 'onlyHere', host: null, here: 'message channel 0 reliable from client' },
      {
        name: 'input',
        change: 'differs',
        host: 'message channel 1 unreliableNoDelay from client',
        here: 'message channel 7 unreliableNoDelay from client',
      },
      {
        name: 'log',
        change: 'onlyHost',
        host: 'message channel 3 reliableWithBuffering from any',
        here: null,
      },
    ]);
    expect(mismatch.message).toContain(protocol.fingerprint);
    expect(mismatch.message).toContain(otherProtocol.fingerprint);
    expect(mismatch.message).toContain("'emote' only here");
    expect(mismatch.message).toContain(
      "'input' (host: message channel 1 unreliableNoDelay from client; here:",
    );
    expect(mismatch.message).toContain("'log' only on the host");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^protocolMismatch: /);
    expect(refused[0]).toContain("'emote' only on the client");
    expect(refused[0]).toContain("'input' (host: message channel 1 unreliableNoDelay from client; client:");
    expect(refused[0]).toContain("'log' only on the host");
    net.dispose();
  });

  it('lists the first few in the message and all of them (bounded) in differences', async () => {
    const many = defineProtocol(
      Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          `extra${String(i).padStart(2, '0')}`,
          message(typed<number>(), { from: 'any', channel: 0, send: 'reliable' }),
        ]),
      ),
    );
    const net = new FakeSteamNetwork({ seed: 6 });
    const hostPeer = net.createPeer();
    createHost({ network: hostPeer, protocol, tickMs: 10 });
    const error = (await net
      .run(connectToHost({ network: net.createPeer(), protocol: many, host: hostPeer.localSteamId }))
      .catch((e: unknown) => e)) as ProtocolMismatchError;
    expect(error.differences!.length).toBeGreaterThan(4);
    expect(error.differences!.length).toBeLessThanOrEqual(16);
    expect(error.message).toMatch(/and \d+ more/);
    expect(error.message.length).toBeLessThan(1000);
    net.dispose();
  });
});

describe('the mismatch exchange against hostile peers', () => {
  /** A host and a bare peer that speaks the control channel by hand. */
  function rawHello() {
    const net = new FakeSteamNetwork({ seed: 8 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, tickMs: 10 });
    const refused: string[] = [];
    const errors: unknown[] = [];
    host.events.on('peerRefused', (_p, reason, detail) => refused.push(`${reason}: ${detail}`));
    host.events.on('error', (e) => errors.push(e));
    const raw = net.createPeer();
    const hello = (entries: number[], tail: number[] = []) => {
      const fp = Array.from(new TextEncoder().encode('0123456789abcd'));
      const packet = Uint8Array.from([
        0x10,
        1,
        ...varint(fp.length),
        ...fp,
        0xc1,
        ...varint(entries.length),
        ...entries,
        ...tail,
      ]);
      raw.sendP2PPacket(hostPeer.localSteamId, packet, P2PSend.Reliable, CONTROL);
    };
    /** What the host answered on the control channel, as [kind, total bytes]. */
    const answers = () => {
      const out: [number, number][] = [];
      for (;;) {
        const size = raw.getAvailableP2PPacketSize(CONTROL);
        if (size === null) return out;
        const p = raw.readP2PPacket(size, CONTROL)!;
        out.push([p.data[0]!, p.data.length]);
      }
    };
    return { net, host, raw, refused, errors, hello, answers };
  }
  const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

  it('an unreadable or oversized entry list is ignored: refused for the mismatch, nothing thrown', async () => {
    for (const entries of [
      utf8('not json'),
      utf8(JSON.stringify({ a: 1 })),
      utf8(JSON.stringify([[1, 2]])),
      utf8(JSON.stringify([['x'.repeat(10_000), 'message']])),
      utf8(
        JSON.stringify(
          Array.from({ length: 5000 }, (_, i) => [`m${i}`, 'message channel 0 reliable from any']),
        ),
      ),
    ]) {
      const t = rawHello();
      t.hello(entries);
      await t.net.advance(100);
      expect(t.refused).toHaveLength(1);
      expect(t.refused[0]).toMatch(/^protocolMismatch: /);
      expect(t.errors).toEqual([]);
      t.net.dispose();
    }
  });

  it('a length past the packet is a bad hello', async () => {
    const t = rawHello();
    const fp = utf8(protocol.fingerprint);
    t.raw.sendP2PPacket(
      t.net.peers[0]!.localSteamId,
      Uint8Array.from([0x10, 1, ...varint(fp.length), ...fp, 0xc1, ...varint(9000), 1, 2, 3]),
      P2PSend.Reliable,
      CONTROL,
    );
    await t.net.advance(100);
    expect(t.refused).toEqual(['badHello: unreadable hello']);
    t.net.dispose();
  });

  it('the refusal stays small whatever the hello lists: never much more than the hello itself', async () => {
    const t = rawHello();
    const entries = utf8(
      JSON.stringify(Array.from({ length: 200 }, (_, i) => [`m${i}`, 'message channel 0 reliable from any'])),
    );
    t.hello(entries);
    await t.net.advance(100);
    const [[kind, bytes]] = t.answers() as [[number, number]];
    expect(kind).toBe(0x12);
    expect(bytes).toBeLessThanOrEqual(2048);
    t.net.dispose();
  });

  it('a client reads a hostile refusal bounded: garbage differences become null, control characters go', async () => {
    const net = new FakeSteamNetwork({ seed: 10 });
    const fakeHost = net.createPeer();
    const refusal = (diff: string) => {
      const str = (s: string) => {
        const b = utf8(s);
        return [...varint(b.length), ...b];
      };
      const d = utf8(diff);
      return Uint8Array.from([
        0x12,
        ...str('protocolMismatch'),
        ...str(''),
        ...str('fffffff'),
        ...varint(d.length),
        ...d,
      ]);
    };
    for (const [diff, expected] of [
      ['garbage', null],
      [JSON.stringify([['evil\u001b[31m', 'message\u0007', null]]), 'evil?[31m'],
    ] as const) {
      const peer = net.createPeer();
      const pending = connectToHost({
        network: peer,
        protocol,
        host: fakeHost.localSteamId,
        timeoutMs: 2000,
      });
      await net.advance(50);
      fakeHost.acceptP2PSessionWithUser(peer.localSteamId);
      fakeHost.sendP2PPacket(peer.localSteamId, refusal(diff), P2PSend.Reliable, CONTROL);
      const error = (await net.run(pending).catch((e: unknown) => e)) as ProtocolMismatchError;
      expect(error).toBeInstanceOf(ProtocolMismatchError);
      if (expected === null) expect(error.differences).toBeNull();
      else {
        expect(error.differences).toHaveLength(1);
        expect(error.message).toContain(expected);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that there are none.
        expect(error.message).not.toMatch(/[\u0000-\u001f]/);
      }
    }
    net.dispose();
  });
});
