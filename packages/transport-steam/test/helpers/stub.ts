// Builds the scriptable stub library (test/fixtures/stub_steam.c, see build-stub.mjs) and hands out
// fresh copies of it: loading a different file gives independent globals, so every test gets a clean
// "Steam" (and the binding's per-library state is exercised with several libraries at once).
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as KoffiModule from 'koffi';
import { buildStubVariant, libraryExtension, type StubVariant } from '../fixtures/build-stub.mjs';

export type { StubVariant };
export const koffi = createRequire(import.meta.url)('koffi') as typeof KoffiModule;

let dir: string | undefined;
let copies = 0;
const scratch = (): string => {
  dir ??= mkdtempSync(join(tmpdir(), 'steamwire-stub-'));
  return dir;
};

/**
 * The stub library for `variant`, compiled when missing or older than its source.
 * @throws an error saying which compiler is missing and what to install.
 */
export function buildStub(variant: StubVariant = 'default'): string {
  return buildStubVariant(variant);
}

/** The stub's control functions for one library copy. */
export interface StubControl {
  path: string;
  setInit(rc: number, message: string, running: boolean): void;
  setNullInterfaces(user: boolean, networking: boolean, messages: boolean): void;
  setLocalId(id: bigint): void;
  count(what: 'calls' | 'frees' | 'releases' | 'shutdowns' | 'receiveCalls'): number;
  pushCallback(id: number, data: Uint8Array): void;
  pendingCallbacks(): number;
  inject(from: bigint, channel: number, data: Uint8Array): void;
  lastId(): bigint;
  last(what: 'size' | 'type' | 'channel'): number;
  lastIdentity(): Uint8Array;
  setResults(bool: boolean, sendResult: number, connState: number, endReason: number): void;
  /** The Sockets/Utils part of the stub (absent when built with -DSTUB_NO_SOCKETS). */
  sockets: SocketsStubControl;
}

/** Controls of the stub's ISteamNetworkingSockets/Utils. */
export interface SocketsStubControl {
  setNull(sockets: boolean, utils: boolean): void;
  /** AllocateMessage returns NULL once `n` messages were allocated (-1: never). */
  setAllocFailAfter(n: number): void;
  /** SendMessages refuses every message with this EResult (0: takes them). */
  setSendMessagesFailure(result: number): void;
  count(
    what: 'allocs' | 'allocReleases' | 'sendMessagesCalls' | 'sent' | 'lanes' | 'options' | 'port',
  ): number;
  /** A message SendMessages took: its connection, flags, lane, size, and its first bytes (`byte0`..`byte7`). */
  sent(i: number, what: string): number;
  lastOptions(): Uint8Array;
  inject(connection: number, lane: number, data: Uint8Array): void;
}

/** A fresh copy of the stub (independent state) and its controls. */
export function stubCopy(variant: StubVariant = 'default'): StubControl {
  const path = join(scratch(), `copy-${process.pid}-${copies++}${libraryExtension()}`);
  copyFileSync(buildStub(variant), path);
  const lib = koffi.load(path);
  const f = {
    setInit: lib.func('void Stub_SetInit(int rc, const char *msg, bool running)'),
    setNull: lib.func('void Stub_SetNullInterfaces(bool user, bool networking, bool messages)'),
    setLocalId: lib.func('void Stub_SetLocalId(uint64_t id)'),
    count: lib.func('int Stub_Count(const char *what)'),
    push: lib.func('void Stub_PushCallback(int id, const void *data, int size)'),
    pending: lib.func('int Stub_PendingCallbacks()'),
    inject: lib.func('void Stub_Inject(uint64_t from, int channel, const void *data, int size)'),
    lastId: lib.func('uint64_t Stub_LastId()'),
    last: lib.func('int Stub_Last(const char *what)'),
    lastIdentity: lib.func('void Stub_LastIdentity(void *out)'),
    setResults: lib.func('void Stub_SetResults(bool b, int sendResult, int connState, int endReason)'),
  };
  const optional = (prototype: string) => {
    try {
      return lib.func(prototype);
    } catch {
      return () => {
        throw new Error(`this stub was built without ${prototype}`);
      };
    }
  };
  const sockets = {
    setNull: optional('void Stub_SetNullSockets(bool sockets, bool utils)'),
    allocFail: optional('void Stub_SetAllocFailAfter(int n)'),
    sendFail: optional('void Stub_SetSendMessagesFailure(int result)'),
    count: optional('int Stub_SocketsCount(const char *what)'),
    sent: optional('int Stub_Sent(int i, const char *what)'),
    lastOptions: optional('void Stub_LastOptions(void *out)'),
    inject: optional('void Stub_InjectSocket(uint32_t conn, int lane, const void *data, int size)'),
  };
  return {
    path,
    setInit: (rc, message, running) => f.setInit(rc, message, running),
    setNullInterfaces: (u, n, m) => f.setNull(u, n, m),
    setLocalId: (id) => f.setLocalId(id),
    count: (what) => f.count(what),
    pushCallback: (id, data) => f.push(id, data, data.byteLength),
    pendingCallbacks: () => f.pending(),
    inject: (from, channel, data) => f.inject(from, channel, data, data.byteLength),
    lastId: () => BigInt(f.lastId()),
    last: (what) => f.last(what),
    lastIdentity: () => {
      const out = new Uint8Array(136);
      f.lastIdentity(out);
      return out;
    },
    setResults: (b, s, c, e) => f.setResults(b, s, c, e),
    sockets: {
      setNull: (a, b) => sockets.setNull(a, b),
      setAllocFailAfter: (n) => sockets.allocFail(n),
      setSendMessagesFailure: (r) => sockets.sendFail(r),
      count: (what) => sockets.count(what) as number,
      sent: (i, what) => sockets.sent(i, what) as number,
      lastOptions: () => {
        const out = new Uint8Array(64);
        sockets.lastOptions(out);
        return out;
      },
      inject: (conn, lane, data) => sockets.inject(conn, lane, data, data.byteLength),
    },
  };
}

/** Layout numbers as the C compiler computed them (Stub_Layout). */
export function cLayout(variant: StubVariant): (what: string) => number {
  const lib = koffi.load(buildStub(variant));
  const layout = lib.func('int Stub_Layout(const char *what)');
  return (what) => layout(what) as number;
}

/** Writes a file that is not a shared library at all. */
export function notALibrary(): string {
  const path = join(scratch(), `garbage-${copies++}${libraryExtension()}`);
  writeFileSync(path, 'this is not an ELF file');
  return path;
}
