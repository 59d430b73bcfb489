/**
 * The fake's wire protocol under stress, through the real binding, in one process (two copies of the
 * library): reliable delivery survives heavy datagram loss, and garbage datagrams change nothing.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type P2PNetworking, P2PSend, type SteamSession } from '@steamwire/transport-steam/steam';
import { afterEach, beforeAll, expect, it } from 'vitest';
import {
  copyNativeFake,
  createNativeFakePeer,
  ensureNativeFake,
  type NativeFakePeerOptions,
} from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { describeNative } from './native.js';
import { sleep, waitFor } from './peer-process.js';
import { removeTempDir } from './temp.js';

let source: string;
let dir: string;
let sessions: SteamSession[] = [];
beforeAll(() => {
  source = ensureNativeFake();
});
afterEach(() => {
  for (const s of sessions) s.shutdown();
  sessions = [];
  removeTempDir(dir);
});

function pair(
  backend: 'legacy' | 'messages',
  options: NativeFakePeerOptions = {},
): [P2PNetworking, P2PNetworking] {
  dir = mkdtempSync(join(tmpdir(), 'steamwire-rel-'));
  const peersDir = join(dir, 'peers');
  sessions = ['a', 'b'].map((name) =>
    createNativeFakePeer({
      libraryPath: copyNativeFake(join(dir, name), source),
      backend,
      peersDir,
      steamId: freshSteamId(),
      ...options,
    }),
  );
  const [a, b] = sessions.map((s) => s.networking) as [P2PNetworking, P2PNetworking];
  b.on('sessionRequest', (id) => b.acceptP2PSessionWithUser(id));
  a.on('sessionRequest', (id) => a.acceptP2PSessionWithUser(id));
  return [a, b];
}

/** Pumps both peers in real time until `count` packets were read from `to` on `channel`. */
async function collect(
  from: P2PNetworking,
  to: P2PNetworking,
  count: number,
  channel: number,
  timeoutMs: number,
) {
  const got: Uint8Array[] = [];
  await waitFor(`${count} packets`, timeoutMs, async () => {
    from.runCallbacks();
    to.runCallbacks();
    for (
      let size = to.getAvailableP2PPacketSize(channel);
      size !== null;
      size = to.getAvailableP2PPacketSize(channel)
    ) {
      got.push(to.readP2PPacket(size, channel)!.data);
    }
    return got.length >= count ? true : undefined;
  });
  return got;
}

describeNative.each(['legacy', 'messages'] as const)('native fake wire protocol (%s)', (backend) => {
  it('reliable data arrives complete, once and in order despite 30% datagram loss', async () => {
    const [a, b] = pair(backend, { loss: 0.3, connectTimeoutMs: 10_000 });
    const big = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
    for (let i = 0; i < 100; i++)
      expect(a.sendP2PPacket(b.localSteamId, Uint8Array.of(i), P2PSend.Reliable, 0)).toBe(true);
    expect(a.sendP2PPacket(b.localSteamId, big, P2PSend.Reliable, 0)).toBe(true);
    const got = await collect(a, b, 101, 0, 8000);
    expect(got.slice(0, 100).map((d) => d[0])).toEqual([...Array(100).keys()]);
    expect(Buffer.from(got[100]!).equals(Buffer.from(big))).toBe(true);
    await sleep(100);
    expect(b.getAvailableP2PPacketSize(0)).toBeNull();
  });

  it('garbage datagrams to a peer are ignored: no request, no packet, and it keeps working', async () => {
    const [a, b] = pair(backend);
    const port = Number(readFileSync(join(dir, 'peers', String(b.localSteamId)), 'utf8'));
    expect(port).toBeGreaterThan(0);
    const socket = createSocket('udp4');
    const header = Buffer.alloc(48);
    header.writeUInt32LE(0x31465753, 0); // the fake's magic, with nonsense after it
    const junk = [
      Buffer.alloc(0),
      Buffer.from('hello'),
      Buffer.alloc(2000, 0xff),
      header,
      Buffer.concat([header, Buffer.alloc(100, 1)]),
    ];
    for (let i = 0; i < 50; i++)
      junk.push(Buffer.from(Array.from({ length: 48 + (i % 64) }, (_, j) => (i * 31 + j * 7) & 0xff)));
    await new Promise<void>((resolve) => {
      let left = junk.length;
      for (const datagram of junk) socket.send(datagram, port, '127.0.0.1', () => --left === 0 && resolve());
    });
    socket.close();
    const requests: bigint[] = [];
    b.on('sessionRequest', (id) => requests.push(id));
    await sleep(50);
    b.runCallbacks();
    expect(requests).toEqual([]);
    expect(b.getAvailableP2PPacketSize(0)).toBeNull();
    expect(a.sendP2PPacket(b.localSteamId, Uint8Array.of(1, 2), P2PSend.Reliable, 0)).toBe(true);
    expect((await collect(a, b, 1, 0, 2000)).map((d) => [...d])).toEqual([[1, 2]]);
  });
});
