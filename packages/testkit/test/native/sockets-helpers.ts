// Shared by the Sockets tests over the native fake: fresh peers (each a copy of the fake library,
// initialised through the real binding) on one world clock (a clock file), and letting that world's
// time pass while every peer pumps its callbacks: Steam's 10 s timeouts take milliseconds.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SteamBackend, SteamSession } from '@steamwire/transport-steam/steam';
import {
  copyNativeFake,
  createNativeFakePeer,
  ensureNativeFake,
  WorldClock,
} from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { removeTempDir } from './temp.js';

/** A group of peers that find each other; `close()` shuts them down and removes their files. */
export interface Peers {
  readonly sessions: SteamSession[];
  /** The world's time, ms. */
  now(): number;
  /**
   * Runs every peer's callbacks (or only `pumped`'s), then lets 1 ms of world time pass, until
   * `predicate` holds or `ms` passed.
   */
  until(predicate: () => boolean, ms?: number, pumped?: readonly SteamSession[]): Promise<boolean>;
  /** Lets `ms` of world time pass with every peer pumping. */
  pass(ms: number): Promise<void>;
  close(): void;
}

/** Options of {@link peers}. */
export interface PeersOptions {
  /** The backend of every peer (default `legacy`: the typed APIs do not depend on it). */
  backend?: SteamBackend;
  /** Strict mode (default true); off for the tests of what the fake does with a mistake. */
  strict?: boolean;
}

/** Lets other JavaScript work run now and then during a long wait. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `count` peers on one world clock, with Steam's own numbers. */
export function peers(count: number, options: PeersOptions = {}): Peers {
  const { backend = 'legacy', strict = true } = options;
  const source = ensureNativeFake();
  const dir = mkdtempSync(join(tmpdir(), 'steamwire-sockets-'));
  const peersDir = join(dir, 'peers');
  mkdirSync(peersDir);
  const clock = new WorldClock(join(dir, 'clock'));
  const ids = Array.from({ length: count }, freshSteamId);
  const sessions: SteamSession[] = [];
  const close = (): void => {
    for (const s of sessions.splice(0)) s.shutdown();
    clock.close();
    removeTempDir(dir);
  };
  try {
    for (let i = 0; i < count; i++) {
      const libraryPath = copyNativeFake(join(dir, `peer${i}`), source);
      sessions.push(
        createNativeFakePeer({
          libraryPath,
          backend,
          steamId: ids[i]!,
          peersDir,
          strict,
          clockFile: clock.path,
        }),
      );
    }
  } catch (err) {
    close();
    throw err;
  }
  const pumpAll = (only: readonly SteamSession[] = sessions): void => {
    for (const s of only) s.networking.runCallbacks();
  };
  // What the current JavaScript turn queued (the Sockets backend flushes at the turn's end) goes out
  // before the world's time moves, as it would before any real time passed.
  const flush = (only: readonly SteamSession[]): void => {
    for (const s of only) s.networking.flushP2PPackets?.();
  };
  return {
    sessions,
    now: () => clock.nowMs,
    async until(predicate, ms = 3000, pumped = sessions) {
      flush(pumped);
      for (let waited = 0; ; waited++) {
        pumpAll(pumped);
        if (predicate()) return true;
        if (waited >= ms) return false;
        clock.advance(1);
        if (waited % 64 === 63) await turn();
      }
    },
    async pass(ms) {
      flush(sessions);
      for (let waited = 0; waited < ms; waited++) {
        pumpAll();
        clock.advance(1);
        if (waited % 64 === 63) await turn();
      }
      pumpAll();
    },
    close,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array): string => decoder.decode(data);
