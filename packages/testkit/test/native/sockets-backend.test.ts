// The Sockets P2P backend (`initSteam({ backend: 'sockets' })`) beyond the shared conformance suite:
// Steam's own numbers (10 s TimeoutInitial, 512 KiB messages), the end reason in sessionConnectFail,
// batching (nothing leaves before a flush; flushP2PPackets), symmetric connects, the lane/channel mapping
// as a plain Sockets peer sees it, hostile messages on the wire, and the path without native views.
import {
  type NetConnection,
  P2PSend,
  type P2PSessionFailDetail,
  SOCKETS_MAX_MESSAGE_BYTES,
  type SocketsBackendStats,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { withEnv } from '../../src/native/index.js';
import { bytes, type Peers, peers, text } from './sockets-helpers.js';

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

/** The Sockets backend's diagnostics (not part of the seam). */
const diag = (s: SteamSession) => (s.networking as unknown as { stats: SocketsBackendStats }).stats;

function drain(s: SteamSession, channel: number): string[] {
  const out: string[] = [];
  for (
    let n = s.networking.getAvailableP2PPacketSize(channel);
    n !== null;
    n = s.networking.getAvailableP2PPacketSize(channel)
  ) {
    out.push(text(s.networking.readP2PPacket(n, channel)!.data));
  }
  return out;
}

/** A sockets-backend peer `a` and a peer `b` that speaks through the typed Sockets API, connected. */
async function seamAndRaw() {
  group = peers(2, { backend: 'sockets' });
  const p = group;
  const [a, b] = p.sessions as [SteamSession, SteamSession];
  // b's backend listens on port 0 already; the raw side uses port 0 through its own connection to a.
  let raw = 0 as NetConnection;
  b.sockets.on('connectionStatusChanged', (c) => {
    if (c.info.state === 'connected') raw = c.connection;
  });
  a.networking.on('sessionRequest', (id) => a.networking.acceptP2PSessionWithUser(id));
  const conn = b.sockets.connectP2P(a.localSteamId, 0, { SymmetricConnect: 1 });
  b.sockets.configureConnectionLanes(
    conn,
    Array.from({ length: 8 }, () => ({})),
  );
  expect(await p.until(() => raw === conn)).toBe(true);
  return { p, a, b, conn };
}

describe('Sockets backend: Steam numbers', () => {
  it("limits are Steam's 512 KiB for both kinds; channels 7+ lose their channel header's bytes", async () => {
    group = peers(2, { backend: 'sockets' });
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    expect(a.networking.limits).toEqual({
      maxUnreliableBytes: SOCKETS_MAX_MESSAGE_BYTES,
      maxReliableBytes: 512 * 1024,
    });
    b.networking.on('sessionRequest', (id) => b.networking.acceptP2PSessionWithUser(id));
    const to = b.localSteamId;
    a.networking.sendP2PPacket(to, bytes('hello'), P2PSend.Reliable);
    expect(await p.until(() => drain(b, 0).length === 1)).toBe(true);
    await p.pass(20); // the hello is acknowledged: the send buffer is empty
    // Each one is acknowledged before the next: Steam's send buffer (512 KiB) holds one at a time.
    const send = async (size: number, channel: number): Promise<boolean> => {
      const ok = a.networking.sendP2PPacket(to, new Uint8Array(size), P2PSend.Reliable, channel);
      a.networking.flushP2PPackets!();
      await p.pass(30);
      return ok;
    };
    expect(await send(512 * 1024, 6)).toBe(true);
    expect(await send(512 * 1024, 7)).toBe(false);
    expect(a.networking.lastSendFailure?.reason).toBe('tooLarge');
    expect(await send(512 * 1024 - 1, 7)).toBe(true);
    expect(await send(512 * 1024 - 3, 0x7fff)).toBe(true);
    expect(await send(512 * 1024 - 2, 0x7fff)).toBe(false);
    const sizes: number[] = [];
    expect(
      await p.until(() => {
        for (const ch of [6, 7, 0x7fff]) {
          for (
            let n = b.networking.getAvailableP2PPacketSize(ch);
            n !== null;
            n = b.networking.getAvailableP2PPacketSize(ch)
          ) {
            sizes.push(b.networking.readP2PPacket(n, ch)!.data.byteLength);
          }
        }
        return sizes.length >= 3;
      }, 5000),
    ).toBe(true);
    expect(sizes).toEqual([512 * 1024, 512 * 1024 - 1, 512 * 1024 - 3]);
    expect(diag(a).sendsDropped).toBe(0);
  });

  it('a peer that never answers fails after the default TimeoutInitial (10 s) with Misc_Timeout in the detail', async () => {
    group = peers(1, { backend: 'sockets' });
    const [a] = group.sessions as [SteamSession];
    const fails: [bigint, number, P2PSessionFailDetail | undefined][] = [];
    a.networking.on('sessionConnectFail', (remote, error, detail) => fails.push([remote, error, detail]));
    const absent = 0x0110000100000000n | 0x7ffffff1n;
    const start = group.now();
    a.networking.sendP2PPacket(absent, bytes('anyone?'), P2PSend.Reliable);
    expect(await group.until(() => fails.length > 0, 14_000)).toBe(true);
    const elapsed = group.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    expect(elapsed).toBeLessThanOrEqual(10_020);
    expect(fails).toEqual([
      [
        absent,
        4,
        { endReason: 5003, endReasonName: 'Misc_Timeout', debug: 'Timed out attempting to connect' },
      ],
    ]);
  });

  it('a peer that refuses (closes the request) fails at once, with its reason in the detail', async () => {
    group = peers(2, { backend: 'sockets' });
    const [a, b] = group.sessions as [SteamSession, SteamSession];
    const fails: (P2PSessionFailDetail | undefined)[] = [];
    a.networking.on('sessionConnectFail', (_r, _e, detail) => fails.push(detail));
    b.networking.on('sessionRequest', (id) => b.networking.closeP2PSessionWithUser(id));
    a.networking.sendP2PPacket(b.localSteamId, bytes('let me in'), P2PSend.Reliable);
    expect(await group.until(() => fails.length > 0, 2000)).toBe(true);
    expect(fails[0]).toMatchObject({ endReason: 1000, endReasonName: 'App_Generic' });
  });
});

describe('Sockets backend: batching', () => {
  it('a turn of sends leaves in one SendMessages: at flushP2PPackets, or by itself when the turn ends', async () => {
    group = peers(2, { backend: 'sockets' });
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    b.networking.on('sessionRequest', (id) => b.networking.acceptP2PSessionWithUser(id));
    a.networking.sendP2PPacket(b.localSteamId, bytes('hello'), P2PSend.Reliable);
    expect(await p.until(() => drain(b, 0).length === 1)).toBe(true);
    let flushes = diag(a).flushes;
    for (let i = 0; i < 10; i++)
      a.networking.sendP2PPacket(b.localSteamId, bytes(`m${i}`), P2PSend.Reliable, 1);
    expect(diag(a).flushes).toBe(flushes);
    a.networking.flushP2PPackets!();
    expect(diag(a).flushes).toBe(flushes + 1);
    a.networking.flushP2PPackets!();
    expect(diag(a).flushes).toBe(flushes + 1);
    const got: string[] = [];
    expect(
      await p.until(() => {
        got.push(...drain(b, 1));
        return got.length >= 10;
      }),
    ).toBe(true);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    // Without an explicit flush (and without runCallbacks), the turn's sends still go, together.
    flushes = diag(a).flushes;
    for (let i = 0; i < 5; i++)
      a.networking.sendP2PPacket(b.localSteamId, bytes(`n${i}`), P2PSend.Reliable, 2);
    await new Promise((r) => setImmediate(r));
    expect(diag(a).flushes).toBe(flushes + 1);
    const later: string[] = [];
    await p.until(
      () => {
        later.push(...drain(b, 2));
        return later.length >= 5;
      },
      2000,
      [b],
    );
    expect(later).toEqual(Array.from({ length: 5 }, (_, i) => `n${i}`));
  });

  it('two peers sending to each other at once end up with one connection and no session requests', async () => {
    group = peers(2, { backend: 'sockets' });
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    let requests = 0;
    a.networking.on('sessionRequest', () => requests++);
    b.networking.on('sessionRequest', () => requests++);
    a.networking.sendP2PPacket(b.localSteamId, bytes('from a'), P2PSend.Reliable);
    b.networking.sendP2PPacket(a.localSteamId, bytes('from b'), P2PSend.Reliable);
    const got: string[] = [];
    expect(
      await p.until(() => {
        got.push(...drain(a, 0), ...drain(b, 0));
        return got.length >= 2;
      }),
    ).toBe(true);
    expect(got.sort()).toEqual(['from a', 'from b']);
    expect(requests).toBe(0);
    expect(a.networking.getP2PSessionState(b.localSteamId)?.connectionActive).toBe(true);
  });

  it('shutdown hands queued sends to Steam first', async () => {
    group = peers(2, { backend: 'sockets' });
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    b.networking.on('sessionRequest', (id) => b.networking.acceptP2PSessionWithUser(id));
    a.networking.sendP2PPacket(b.localSteamId, bytes('hello'), P2PSend.Reliable);
    expect(await p.until(() => drain(b, 0).length === 1)).toBe(true);
    a.networking.sendP2PPacket(b.localSteamId, bytes('last words'), P2PSend.Reliable);
    a.shutdown();
    const got: string[] = [];
    await p.until(
      () => {
        got.push(...drain(b, 0));
        return got.length > 0;
      },
      2000,
      [b],
    );
    expect(got).toEqual(['last words']);
  });
});

describe('Sockets backend: lanes and the wire, as a plain Sockets peer sees them', () => {
  it('channels 0-6 are lanes 0-6; other channels go on lane 7 behind a varint; send types become Steam flags', async () => {
    const { p, a, b, conn } = await seamAndRaw();
    const to = b.localSteamId;
    a.networking.sendP2PPacket(to, bytes('c0'), P2PSend.Reliable, 0);
    a.networking.sendP2PPacket(to, bytes('c6'), P2PSend.Unreliable, 6);
    a.networking.sendP2PPacket(to, bytes('c9'), P2PSend.ReliableWithBuffering, 9);
    a.networking.sendP2PPacket(to, bytes('ctl'), P2PSend.Reliable, 0x7fff);
    const got: { lane: number; data: number[]; reliable: boolean }[] = [];
    expect(
      await p.until(() => {
        for (const m of b.sockets.receiveMessages(conn) ?? [])
          got.push({ lane: m.lane, data: [...m.data], reliable: m.reliable });
        return got.length >= 4;
      }),
    ).toBe(true);
    expect(got).toEqual(
      expect.arrayContaining([
        { lane: 0, data: [...bytes('c0')], reliable: true },
        { lane: 6, data: [...bytes('c6')], reliable: false },
        { lane: 7, data: [9, ...bytes('c9')], reliable: true },
        { lane: 7, data: [0xff, 0xff, 0x01, ...bytes('ctl')], reliable: true },
      ]),
    );
  });

  it('reads what a plain Sockets peer sends on lanes 0-7 as those channels', async () => {
    const { p, a, b, conn } = await seamAndRaw();
    const r = b.sockets.sendMessages([
      { connection: conn, data: bytes('on 2'), lane: 2 },
      { connection: conn, data: Uint8Array.of(0x80, 0x01, ...bytes('on 128')), lane: 7 },
    ]);
    expect(r.every((x) => x.ok)).toBe(true);
    const seen: string[] = [];
    expect(
      await p.until(() => {
        seen.push(...drain(a, 2).map((d) => `2:${d}`), ...drain(a, 128).map((d) => `128:${d}`));
        return seen.length >= 2;
      }),
    ).toBe(true);
    expect(seen.sort()).toEqual(['128:on 128', '2:on 2']);
  });

  it('drops and counts hostile messages: a bad channel header, a lane it never uses', async () => {
    const { p, a, b, conn } = await seamAndRaw();
    b.sockets.configureConnectionLanes(
      conn,
      Array.from({ length: 9 }, () => ({})),
    );
    const hostile = [
      Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), // a varint that never ends within 5 bytes
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), // 2^32-1: beyond any channel
      new Uint8Array(0), // no header at all on lane 7
    ];
    b.sockets.sendMessages([
      ...hostile.map((data) => ({ connection: conn, data, lane: 7 })),
      { connection: conn, data: bytes('lane 8'), lane: 8 },
      { connection: conn, data: bytes('fine'), lane: 0 },
    ]);
    const got: string[] = [];
    expect(
      await p.until(() => {
        got.push(...drain(a, 0));
        return got.length > 0 && diag(a).messagesDropped >= 4;
      }),
    ).toBe(true);
    expect(got).toEqual(['fine']);
    expect(diag(a).messagesDropped).toBe(4);
  });
});

describe('Sockets backend: a flooding peer', () => {
  it('cannot make it hold more than its receive limit: what nobody reads stays in Steam, bounded', async () => {
    const { p, a, b, conn } = await seamAndRaw();
    const received = () => diag(a).messagesReceived;
    for (let burst = 0; burst < 6; burst++) {
      b.sockets.sendMessages(
        Array.from({ length: 500 }, (_, i) => ({ connection: conn, data: bytes(`f${burst}.${i}`) })),
      );
      await p.pass(20);
      // a's game reads another channel only: every frame it asks Steam once for news.
      expect(a.networking.getAvailableP2PPacketSize(5)).toBeNull();
    }
    // The backend stopped taking at its queue limit (1000 messages, plus at most one batch of 256).
    expect(received()).toBeGreaterThanOrEqual(1000);
    expect(received()).toBeLessThanOrEqual(1000 + 256);
    // Reading frees room: the rest (Steam dropped what overflowed its own buffer, and the reliable
    // stream sends it again) comes in order.
    const got: string[] = [];
    expect(
      await p.until(() => {
        got.push(...drain(a, 0));
        return got.length >= 3000;
      }, 10_000),
    ).toBe(true);
    expect(got.slice(0, 3)).toEqual(['f0.0', 'f0.1', 'f0.2']);
    expect(got.at(-1)).toBe('f5.499');
  });
});

describe('Sockets backend: without native views', () => {
  it('works through koffi.decode/encode alone (STEAMWIRE_NATIVE_VIEWS=0), large messages included', async () => {
    group = withEnv({ STEAMWIRE_NATIVE_VIEWS: '0' }, () => peers(2, { backend: 'sockets' }));
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    expect(diag(a).nativeViews).toBe(false);
    b.networking.on('sessionRequest', (id) => b.networking.acceptP2PSessionWithUser(id));
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    a.networking.sendP2PPacket(b.localSteamId, bytes('small'), P2PSend.Reliable, 3);
    a.networking.sendP2PPacket(b.localSteamId, big, P2PSend.Reliable, 3);
    a.networking.sendP2PPacket(b.localSteamId, bytes('ch 300'), P2PSend.Reliable, 300);
    const got: Uint8Array[] = [];
    expect(
      await p.until(() => {
        for (
          let n = b.networking.getAvailableP2PPacketSize(3);
          n !== null;
          n = b.networking.getAvailableP2PPacketSize(3)
        )
          got.push(b.networking.readP2PPacket(n, 3)!.data);
        return got.length >= 2;
      }),
    ).toBe(true);
    expect(text(got[0]!)).toBe('small');
    expect(Buffer.from(got[1]!).equals(Buffer.from(big))).toBe(true);
    expect(await p.until(() => drain(b, 300).includes('ch 300'))).toBe(true);
  });
});

describe('Sockets backend and the typed API in one session', () => {
  it("the backend's connections never show up in the typed API's events", async () => {
    group = peers(2, { backend: 'sockets' });
    const p = group;
    const [a, b] = p.sessions as [SteamSession, SteamSession];
    const typedEvents: string[] = [];
    a.sockets.on('connectionStatusChanged', (c) => typedEvents.push(c.info.state));
    b.sockets.on('connectionStatusChanged', (c) => typedEvents.push(c.info.state));
    b.networking.on('sessionRequest', (id) => b.networking.acceptP2PSessionWithUser(id));
    a.networking.sendP2PPacket(b.localSteamId, bytes('seam'), P2PSend.Reliable);
    expect(await p.until(() => drain(b, 0).length === 1)).toBe(true);
    expect(typedEvents).toEqual([]);
    // The typed API still has its own connections, on another port.
    b.sockets.createListenSocketP2P(5);
    a.sockets.connectP2P(b.localSteamId, 5);
    expect(await p.until(() => typedEvents.includes('connecting'))).toBe(true);
  });
});
