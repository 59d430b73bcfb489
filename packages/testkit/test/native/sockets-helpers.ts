// Shared by the Sockets/Utils tests over the native fake: fresh peers (each a copy of the fake library,
// initialised through the real binding), and waiting in real time while every peer pumps its callbacks.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ConnectionStatusChange,
  NetConnection,
  SteamBackend,
  SteamSession,
} from '@steamwire/transport-steam/steam';
import { expect } from 'vitest';
import { copyNativeFake, createNativeFakePeer, ensureNativeFake } from '../../src/native/index.js';
import { freshSteamId } from './ids.js';

/** A group of peers that find each other; `close()` shuts them down and removes their files. */
export interface Peers {
  readonly sessions: SteamSession[];
  /** Runs every peer's callbacks, then sleeps a millisecond, until `predicate` holds or `ms` passed. */
  until(predicate: () => boolean, ms?: number): Promise<boolean>;
  /** Lets `ms` pass with every peer pumping. */
  pass(ms: number): Promise<void>;
  close(): void;
}

/**
 * `count` peers with the given backend (default `legacy`: the typed APIs do not depend on it), in
 * strict mode unless `strict` is false (for the tests of what the fake does with a mistake).
 */
export function peers(
  count: number,
  backend: SteamBackend = 'legacy',
  connectTimeoutMs = 3000,
  strict = true,
): Peers {
  const source = ensureNativeFake();
  const dir = mkdtempSync(join(tmpdir(), 'steamwire-sockets-'));
  const peersDir = join(dir, 'peers');
  mkdirSync(peersDir);
  const ids = Array.from({ length: count }, freshSteamId);
  const sessions: SteamSession[] = [];
  const close = (): void => {
    for (const s of sessions.splice(0)) s.shutdown();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const libraryPath = copyNativeFake(join(dir, `peer${i}`), source);
      sessions.push(
        createNativeFakePeer({ libraryPath, backend, steamId: ids[i]!, peersDir, connectTimeoutMs, strict }),
      );
    }
  } catch (err) {
    close();
    throw err;
  }
  const pumpAll = (): void => {
    for (const s of sessions) s.networking.runCallbacks();
  };
  return {
    sessions,
    async until(predicate, ms = 3000) {
      const deadline = performance.now() + ms;
      for (;;) {
        pumpAll();
        if (predicate()) return true;
        if (performance.now() > deadline) return false;
        await sleep(1);
      }
    },
    async pass(ms) {
      const deadline = performance.now() + ms;
      while (performance.now() < deadline) {
        pumpAll();
        await sleep(1);
      }
    },
    close,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array): string => decoder.decode(data);

/** Of two peers, `a` connected to `b`'s listen socket on port 0, every status change recorded. */
export async function connectedPair(p: Peers) {
  const [a, b] = p.sessions as [SteamSession, SteamSession];
  const changes: [ConnectionStatusChange[], ConnectionStatusChange[]] = [[], []];
  a.sockets.on('connectionStatusChanged', (c) => changes[0].push(c));
  b.sockets.on('connectionStatusChanged', (c) => changes[1].push(c));
  const listen = b.sockets.createListenSocketP2P(0);
  const conn = a.sockets.connectP2P(b.localSteamId, 0);
  const incomingOf = () =>
    changes[1].find((c) => c.info.state === 'connecting' && c.info.listenSocket === listen);
  expect(await p.until(() => incomingOf() !== undefined)).toBe(true);
  const incoming = incomingOf()!.connection;
  expect(b.sockets.acceptConnection(incoming)).toBe('ok');
  const up = () => changes[0].some((c) => c.connection === conn && c.info.state === 'connected');
  expect(await p.until(up)).toBe(true);
  return { p, a, b, conn, incoming, listen, changes };
}

/** Receives on `conn` until `count` messages came (or the wait ran out). */
export async function receiveAll(p: Peers, s: SteamSession, conn: NetConnection, count: number) {
  const got: ReturnType<SteamSession['sockets']['receiveMessages']> & object = [];
  await p.until(() => {
    got.push(...(s.sockets.receiveMessages(conn) ?? []));
    return got.length >= count;
  });
  return got;
}
