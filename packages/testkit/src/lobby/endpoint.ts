/**
 * One fake peer's end of the lobby service: the callbacks Steam's backend sent it (delivered by the
 * peer's `runCallbacks`, never earlier than the backend latency after they were sent), its pending
 * async calls, and what it knows (lobbies from searches, users it asked about).
 * @internal
 * @packageDocumentation
 */
import {
  type Clock,
  type FriendsEvents,
  type LobbiesEvents,
  type LobbyId,
  SteamAPICallFailure,
  SteamCallCancelledError,
  type SteamCallCancelReason,
  SteamCallFailedError,
  type SteamId,
} from '@steamwire/transport-steam';
import { Deque } from '../internal/deque.js';

/** A callback on its way: runs at the first `runCallbacks` at or after `at`. */
interface Delivery {
  readonly at: number;
  readonly run: () => void;
}

interface PendingCall {
  readonly name: string;
  readonly reject: (error: unknown) => void;
}

type Emit<E> = <K extends keyof E>(
  event: K,
  ...args: E[K] extends (...a: infer A) => void ? A : never
) => void;

/** The outcome of an async call, computed when it is made (as Steam's backend does its work then). */
export type CallOutcome<T> = { readonly value: T } | { readonly error: Error };

/** One peer's lobby and friends state. */
export class LobbyEndpoint {
  /** Lobbies from a search or `requestLobbyData`: their data is readable without being a member. */
  readonly known = new Set<LobbyId>();
  /** Users `requestUserInformation` already fetched. */
  readonly asked = new Set<SteamId>();
  /** False once the peer was removed (its Steam "shut down"). */
  live = true;
  /** The test asked for the next async call to fail with this reason. */
  failNext: SteamAPICallFailure | null = null;
  /** The test asked that no call result ever arrives. */
  holdResults = false;
  /** Emits on the peer's `Lobbies` (set by it). */
  emitLobby: Emit<LobbiesEvents> = () => {};
  /** Emits on the peer's `Friends` (set by it). */
  emitFriends: Emit<FriendsEvents> = () => {};
  private readonly queue = new Deque<Delivery>();
  private readonly pending = new Map<number, PendingCall>();
  private nextCall = 1;
  private listCall: number | null = null;

  constructor(
    readonly steamId: SteamId,
    private readonly clock: Clock,
    private readonly latencyMs: number,
  ) {}

  /** Sends this peer a callback: it runs from the first `runCallbacks` once the latency has passed. */
  post(run: () => void): void {
    if (this.live) this.queue.push({ at: this.clock.now() + this.latencyMs, run });
  }

  /**
   * Starts an async call. `compute` does the backend's work now (unless the test made this call fail,
   * as a Steam that cannot reach its servers does nothing); its outcome settles the Promise from a later
   * `runCallbacks`, followed by `then` (the plain callbacks Steam posts after the call result).
   */
  call<T>(name: string, compute: () => CallOutcome<T>, then?: (outcome: CallOutcome<T>) => void): Promise<T> {
    const id = this.nextCall++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { name, reject });
      let outcome: CallOutcome<T>;
      if (this.failNext !== null) {
        outcome = { error: new SteamCallFailedError(name, this.failNext) };
        this.failNext = null;
      } else {
        outcome = compute();
      }
      if (name === 'RequestLobbyList') {
        // Steam runs one search at a time: the older one is given up, as the binding does.
        if (this.listCall !== null) this.cancel(this.listCall, 'superseded');
        this.listCall = id;
      }
      if (this.holdResults) return;
      this.post(() => {
        if (!this.pending.delete(id)) return;
        if (this.listCall === id) this.listCall = null;
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
        if (then !== undefined && !('error' in outcome && outcome.error instanceof SteamCallFailedError))
          then(outcome);
      });
    });
  }

  /** A call that fails before it starts (Steam returned no handle). */
  refuse<T>(name: string): Promise<T> {
    return Promise.reject(
      new SteamCallFailedError(name, SteamAPICallFailure.None, 'Steam returned no call handle'),
    );
  }

  /** Delivers every callback due now, in the order they were sent; those sent by handlers wait. */
  run(): void {
    const now = this.clock.now();
    for (let n = this.queue.length; n > 0; n--) {
      const head = this.queue.peek();
      if (head === undefined || head.at > now) return;
      this.queue.shift();
      head.run();
    }
  }

  /** The peer is gone: queued callbacks vanish and pending calls reject (`shutdown`). */
  shutdown(): void {
    this.live = false;
    this.queue.clear();
    for (const id of [...this.pending.keys()]) this.cancel(id, 'shutdown');
  }

  private cancel(id: number, reason: SteamCallCancelReason): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (this.listCall === id) this.listCall = null;
    p.reject(new SteamCallCancelledError(p.name, reason));
  }
}
