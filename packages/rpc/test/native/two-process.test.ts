// The rpc layer across two processes over the real koffi binding and the native fake Steam library,
// for every backend: the host runs in a child process, the client in this one.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyNativeFake, createNativeFakePeer, ensureNativeFake } from '@steamwire/testkit/native';
import type { SteamSession } from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { type Client, connectToHost } from '../../src/index.js';
// @ts-expect-error: a plain JS fixture shared with the child process (no type declarations).
import { protocol as untypedProtocol } from './fixtures/protocol.mjs';

const protocol = untypedProtocol as import('../../src/index.js').Protocol;
const HOST_SCRIPT = fileURLToPath(new URL('./fixtures/rpc-host.mjs', import.meta.url));
// Needs the native fake built with a C compiler; without one it fails saying so, unless the documented
// opt-out STEAMWIRE_SKIP_NATIVE=1 is set.
const itNative = process.env.STEAMWIRE_SKIP_NATIVE === '1' ? it.skip : it;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function startPair(backend: 'legacy' | 'messages' | 'sockets') {
  const source = ensureNativeFake();
  const dir = mkdtempSync(join(tmpdir(), 'steamwire-rpc-2p-'));
  const peersDir = join(dir, 'peers');
  const hostLib = copyNativeFake(join(dir, 'host'), source);
  const clientLib = copyNativeFake(join(dir, 'client'), source);
  const base = 0x0110000100000000n + BigInt(0x20000000 + Math.floor(Math.random() * 0x10000000));
  const child = fork(HOST_SCRIPT, [hostLib, backend, String(base + 1n), peersDir], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const events: Record<string, unknown>[] = [];
  child.on('message', (m) => events.push(m as Record<string, unknown>));
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.event === 'ready')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`host process did not start (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const hostId = BigInt(events.find((e) => e.event === 'ready')!.steamId as string);
  const session: SteamSession = createNativeFakePeer({
    libraryPath: clientLib,
    backend,
    steamId: base + 2n,
    peersDir,
    connectTimeoutMs: 3000,
  });
  const client = (await connectToHost({
    network: session.networking,
    protocol,
    host: hostId,
    tickMs: 5,
    timeoutMs: 8000,
  })) as Client<typeof protocol>;
  cleanup = async () => {
    client.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    child.send('exit');
    await new Promise((r) => child.once('exit', r));
    session.shutdown();
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      // Windows cannot delete a DLL this process still has loaded (the binding keeps it).
      if (process.platform !== 'win32') throw err;
    }
  };
  return { client, events, session };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(['legacy', 'messages', 'sockets'] as const)(
  'rpc across two processes over the %s backend',
  (backend) => {
    itNative(
      'handshake, requests, reliable order, unreliable latest-wins, fragmented blobs, goodbye',
      async () => {
        const { client, events } = await startPair(backend);
        // The fixture's protocol is plain JS (shared with the child), so its payloads are untyped here.
        type Payload = { text: string; n: number; seq: number };
        const c = client as unknown as {
          on(name: string, fn: (m: Payload) => void): void;
          send(name: string, m: unknown): void;
          call(name: string, m: unknown): Promise<unknown>;
          disconnect(): void;
        };
        // The child reports over IPC, which may arrive after the client already saw the welcome.
        await until('peerJoined on the host', () => events.some((e) => e.event === 'peerJoined'));

        // Request/response.
        expect(await c.call('add', { a: 2, b: 3 })).toEqual({ sum: 5 });

        // Reliable messages arrive exactly once and in order, on both reliable send types.
        const chats: string[] = [];
        const logs: number[] = [];
        c.on('chat', (m) => chats.push(m.text));
        c.on('log', (m) => logs.push(m.n));
        for (let i = 0; i < 100; i++) {
          c.send('chat', { text: `m${i}` });
          c.send('log', { n: i });
        }
        await until('100 chat echoes and 100 log echoes', () => chats.length >= 100 && logs.length >= 100);
        expect(chats).toEqual(Array.from({ length: 100 }, (_, i) => `echo m${i}`));
        expect(logs).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));

        // Unreliable, latest-wins: never goes back in time.
        const seen: number[] = [];
        c.on('state', (m) => seen.push(m.seq));
        for (let i = 1; i <= 50; i++) {
          c.send('input', { seq: i });
          await new Promise((r) => setTimeout(r, 2));
        }
        await until('some state updates', () => seen.length > 10);
        expect([...seen].sort((a, b) => a - b)).toEqual(seen);

        // A reliable message larger than the backend's packet limit is split and reassembled
        // (1.5 MiB: over the legacy 1 MiB and the Messages and Sockets 512 KiB limits).
        const data = new Uint8Array(1.5 * 1024 * 1024);
        let sum = 0;
        for (let i = 0; i < data.length; i++) {
          data[i] = (i * 7 + 3) & 0xff;
          sum = (sum + data[i]!) % 1_000_003;
        }
        chats.length = 0;
        c.send('blob', { data });
        await until('the blob checksum', () => chats.length > 0, 15_000);
        expect(chats[0]).toBe(`blob ${data.length} ${sum}`);

        // Goodbye: the host sees the client leave.
        c.disconnect();
        await until('peerLeft on the host', () => events.some((e) => e.event === 'peerLeft'));
        expect(events.find((e) => e.event === 'peerLeft')!.reason).toBe('left');
        expect(events.filter((e) => e.event === 'error' || e.event === 'rejected')).toEqual([]);
      },
      40_000,
    );
  },
);
