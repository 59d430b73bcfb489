/**
 * Test-side handle of a lobby peer running in its own Node process (fixtures/lobby-process.mjs):
 * typed calls over IPC, the lobby and friends events it saw, and waiting helpers polling in real time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SteamId } from '@steamwire/transport-steam';
import { type NativeFakePeerOptions, nativeFakeEnv } from '../../src/native/index.js';
import { PeerCallError, waitFor } from './peer-process.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/lobby-process.mjs', import.meta.url));
const TRANSPORT_DIST = fileURLToPath(new URL('../../../transport-steam/dist/steam.js', import.meta.url));

/** An event the peer's binding emitted from its callback pump. */
export interface LobbyProcessEvent {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: payloads differ per event; tests match on fields.
  readonly payload: any;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; op: string };

export class LobbyProcess {
  readonly events: LobbyProcessEvent[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly steamId: SteamId,
  ) {
    child.on('message', (msg: { type: string; id: number; ok: boolean; value: unknown; error: never }) => {
      if (msg.type === 'event') this.events.push(msg as unknown as LobbyProcessEvent);
      if (msg.type !== 'result') return;
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(Object.assign(new PeerCallError(p.op, msg.error), { details: msg.error }));
    });
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`lobby process exited during ${p.op}`));
      this.pending.clear();
    });
  }

  /** Starts a peer process (binding from transport-steam's dist/); resolves once Steam is up in it. */
  static start(
    options: { libraryPath: string; argv?: readonly string[] } & NativeFakePeerOptions,
  ): Promise<LobbyProcess> {
    if (!existsSync(TRANSPORT_DIST)) {
      throw new Error(
        `${TRANSPORT_DIST} is missing: build it first (npx tsc -p packages/transport-steam/tsconfig.build.json)`,
      );
    }
    const { libraryPath, argv = [], ...fake } = options;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(nativeFakeEnv(fake))) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const child = fork(FIXTURE, [libraryPath, ...argv], {
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
      child.on(
        'message',
        function onReady(msg: { type: string; steamId: SteamId; error: { message: string } }) {
          if (msg.type === 'ready') {
            child.off('message', onReady);
            resolve(new LobbyProcess(child, msg.steamId));
          } else if (msg.type === 'init-failed') {
            child.off('message', onReady);
            reject(new PeerCallError('initSteam', msg.error));
          }
        },
      );
      child.once('exit', (code) =>
        reject(new Error(`lobby process exited (${code}) before it was ready: ${stderr}`)),
      );
    });
  }

  call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`lobby process has exited; cannot ${op}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.child.send({ type: 'call', id, op, args });
    });
  }

  /** Payloads of the events `name` seen so far (matching `where`). */
  // biome-ignore lint/suspicious/noExplicitAny: payloads differ per event.
  eventsNamed(name: string, where: (payload: any) => boolean = () => true): any[] {
    return this.events.filter((e) => e.name === name && where(e.payload)).map((e) => e.payload);
  }

  /** Waits for the first event `name` matching `where`, and returns its payload. */
  // biome-ignore lint/suspicious/noExplicitAny: payloads differ per event.
  waitForEvent(name: string, where: (payload: any) => boolean = () => true, timeoutMs = 3000): Promise<any> {
    return waitFor(`${name} on ${this.steamId}`, timeoutMs, async () => this.eventsNamed(name, where)[0]);
  }

  /** Polls `op` until `accept` holds for its result, and returns it. */
  async waitForCall<T>(
    op: string,
    args: unknown[],
    accept: (value: T) => boolean,
    timeoutMs = 3000,
  ): Promise<T> {
    return waitFor(`${op} to satisfy the test`, timeoutMs, async () => {
      const value = await this.call<T>(op, ...args);
      return accept(value) ? value : undefined;
    });
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
