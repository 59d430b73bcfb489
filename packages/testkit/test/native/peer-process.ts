/**
 * Test-side handle of a fake peer running in its own Node process (fixtures/peer-process.mjs):
 * typed calls over IPC, the events it saw, and waiting helpers that poll in real time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { P2PPacket, P2PSendFailure, P2PSessionState, SteamId } from '@steamwire/transport-steam';
import { type NativeFakePeerOptions, nativeFakeEnv } from '../../src/native/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/peer-process.mjs', import.meta.url));
const TRANSPORT_DIST = fileURLToPath(new URL('../../../transport-steam/dist/index.js', import.meta.url));

/** An event the peer's binding emitted from runCallbacks. */
export type PeerEvent =
  | { name: 'sessionRequest'; remote: SteamId; at: number }
  | { name: 'sessionConnectFail'; remote: SteamId; error: number; at: number };

/** A failure reported by the child (the error's name, code and message). */
export class PeerCallError extends Error {
  readonly code: string | undefined;
  constructor(op: string, error: { name?: string; code?: string; message: string }) {
    super(`${op}: ${error.name ?? 'Error'} ${error.code ?? ''} ${error.message}`);
    this.code = error.code;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; op: string };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every few ms until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export class PeerProcess {
  readonly steamId: SteamId;
  readonly events: PeerEvent[] = [];
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  private constructor(child: ChildProcess, steamId: SteamId) {
    this.child = child;
    this.steamId = steamId;
    child.on(
      'message',
      (msg: { type: string; id: number; ok: boolean; value: unknown; error: never; name: string }) => {
        if (msg.type === 'event') this.events.push(msg as unknown as PeerEvent);
        if (msg.type !== 'result') return;
        const p = this.pending.get(msg.id);
        if (p === undefined) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new PeerCallError(p.op, msg.error));
      },
    );
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`peer process exited during ${p.op}`));
      this.pending.clear();
    });
  }

  /**
   * Starts a peer process; resolves once Steam is initialised in it, or rejects with the init error.
   * The binding is loaded from transport-steam's built dist/ (turbo builds it before testing).
   */
  static start(
    options: { libraryPath: string; backend: 'legacy' | 'messages' } & NativeFakePeerOptions,
  ): Promise<PeerProcess> {
    if (!existsSync(TRANSPORT_DIST)) {
      throw new Error(
        `${TRANSPORT_DIST} is missing: build it first (npx tsc -p packages/transport-steam/tsconfig.build.json)`,
      );
    }
    const { libraryPath, backend, ...fake } = options;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(nativeFakeEnv(fake))) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const child = fork(FIXTURE, [libraryPath, backend], {
      env,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      const onMessage = (msg: {
        type: string;
        steamId: SteamId;
        error: { name?: string; code?: string; message: string };
      }) => {
        if (msg.type === 'ready') {
          child.off('message', onMessage);
          resolve(new PeerProcess(child, msg.steamId));
        } else if (msg.type === 'init-failed') {
          child.off('message', onMessage);
          reject(Object.assign(new PeerCallError('initSteam', msg.error), { stderr }));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) =>
        reject(new Error(`peer process exited (${code}) before it was ready: ${stderr}`)),
      );
    });
  }

  call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`peer process has exited; cannot ${op}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.child.send({ type: 'call', id, op, args });
    });
  }

  send(remote: SteamId, data: Uint8Array, sendType: number, channel = 0) {
    return this.call<{ ok: boolean; failure: P2PSendFailure | null }>(
      'send',
      remote,
      data,
      sendType,
      channel,
    );
  }
  readAll(channel = 0) {
    return this.call<P2PPacket[]>('readAll', channel);
  }
  state(remote: SteamId) {
    return this.call<P2PSessionState | null>('state', remote);
  }

  /** Reads `channel` until `count` packets arrived (in arrival order). */
  async receive(count: number, channel: number, timeoutMs = 3000): Promise<P2PPacket[]> {
    const got: P2PPacket[] = [];
    await waitFor(`${count} packets on channel ${channel}`, timeoutMs, async () => {
      got.push(...(await this.readAll(channel)));
      return got.length >= count ? true : undefined;
    });
    return got;
  }

  /** Waits for the `n`-th (1-based) event named `name` about `remote`. */
  waitForEvent<N extends PeerEvent['name']>(name: N, remote: SteamId, timeoutMs = 3000, n = 1) {
    return waitFor(`${name} #${n} from ${remote}`, timeoutMs, async () => {
      const hits = this.events.filter((e) => e.name === name && e.remote === remote);
      return hits.length >= n ? (hits[n - 1] as Extract<PeerEvent, { name: N }>) : undefined;
    });
  }

  eventsNamed(name: PeerEvent['name'], remote: SteamId): PeerEvent[] {
    return this.events.filter((e) => e.name === name && e.remote === remote);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}
