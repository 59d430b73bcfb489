/**
 * The lobby conformance suite's view of a world: records every lobby and friends event of every
 * peer, lets time pass the way a game does (advance, then `runCallbacks()` on every live peer), and
 * waits for conditions and Promises in steps sized from the harness's latency, so the same tests run
 * on virtual and real time.
 * @packageDocumentation
 */
import type { FriendsEvents, LobbiesEvents, SteamId } from '@steamwire/transport-steam';
import type { LobbyWorld, LobbyWorldPeer } from './lobby-harness.js';

/** Every event name of `Lobbies` and `Friends`. */
export type LobbyEventName = keyof LobbiesEvents | keyof FriendsEvents;

/** One event a peer fired, as the stage recorded it. */
export interface RecordedLobbyEvent {
  readonly peer: number;
  readonly name: LobbyEventName;
  /** The event's payload (`undefined` for `newLaunchParameters`). */
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own payload type; tests match on its fields.
  readonly payload: any;
}

const LOBBY_EVENTS: readonly (keyof LobbiesEvents)[] = [
  'lobbyEnter',
  'lobbyDataUpdate',
  'lobbyMemberChange',
  'lobbyChatMessage',
  'lobbyInvite',
  'lobbyKicked',
];
const FRIENDS_EVENTS: readonly (keyof FriendsEvents)[] = [
  'gameLobbyJoinRequested',
  'gameRichPresenceJoinRequested',
  'personaStateChange',
  'newLaunchParameters',
];

/** A world being driven by one lobby conformance test. */
export class LobbyStage {
  readonly events: RecordedLobbyEvent[] = [];
  /** Peers whose Steam was shut down: no longer pumped. */
  private readonly gone = new Set<number>();
  /** Set while the stage itself runs callbacks: events outside it are a bug the suite reports. */
  inCallbacks = false;
  /** Events that fired while the stage was not running callbacks. */
  readonly outOfBand: RecordedLobbyEvent[] = [];

  constructor(readonly world: LobbyWorld) {
    world.peers.forEach((peer, index) => {
      const record = (name: LobbyEventName) => (payload?: unknown) => {
        const event = { peer: index, name, payload };
        this.events.push(event);
        if (!this.inCallbacks) this.outOfBand.push(event);
      };
      for (const name of LOBBY_EVENTS) peer.lobbies.on(name, record(name));
      for (const name of FRIENDS_EVENTS) peer.friends.on(name, record(name));
    });
  }

  /** Peer `index`. */
  peer(index: number): LobbyWorldPeer {
    const peer = this.world.peers[index];
    if (peer === undefined) throw new RangeError(`The world has no peer ${index}.`);
    return peer;
  }

  /** SteamID of peer `index`. */
  id(index: number): SteamId {
    return this.peer(index).steamId;
  }

  /** Payloads of the events `name` peer `index` fired (matching `where`, when given). */
  // biome-ignore lint/suspicious/noExplicitAny: payloads are matched field by field by the tests.
  eventsOf(index: number, name: LobbyEventName, where?: (payload: any) => boolean): any[] {
    return this.events
      .filter((e) => e.peer === index && e.name === name && (where === undefined || where(e.payload)))
      .map((e) => e.payload);
  }

  /** Peer `index`'s Steam goes away; the stage stops pumping it. */
  shutdown(index: number): void {
    this.gone.add(index);
    this.world.shutdown(index);
  }

  /** Every live peer runs its callbacks, as a game does once per frame. */
  runCallbacks(): void {
    this.inCallbacks = true;
    try {
      this.world.peers.forEach((peer, index) => {
        if (!this.gone.has(index)) peer.lobbies.runCallbacks();
      });
    } finally {
      this.inCallbacks = false;
    }
  }

  /** A polling step: the latency, at least 1 ms. */
  get step(): number {
    return Math.max(1, this.world.latencyMs);
  }

  /** Lets `ms` pass in steps, running callbacks after each. */
  async pass(ms: number): Promise<void> {
    let left = ms;
    while (left > 0) {
      const dt = Math.min(this.step, left);
      await this.world.advance(dt);
      left -= dt;
      this.runCallbacks();
    }
  }

  /** Lets time pass until `predicate` holds (checked first) or `maxMs` passed. @returns whether it held. */
  async until(predicate: () => boolean, maxMs = 40 * this.step): Promise<boolean> {
    let waited = 0;
    for (;;) {
      if (predicate()) return true;
      if (waited >= maxMs) return false;
      await this.world.advance(this.step);
      waited += this.step;
      this.runCallbacks();
      // Let Promises the callbacks settled run their reactions before the predicate is checked.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Lets time pass until `promise` settles, and returns its value (or throws its error).
   * @throws Error when it is still pending after `maxMs`.
   */
  async settle<T>(promise: Promise<T>, maxMs = 40 * this.step): Promise<T> {
    const outcome: { done: boolean; ok: boolean; value?: T; error?: unknown } = { done: false, ok: false };
    promise.then(
      (value) => Object.assign(outcome, { done: true, ok: true, value }),
      (error: unknown) => Object.assign(outcome, { done: true, ok: false, error }),
    );
    // Let an already-settled Promise's reactions run before the first check.
    await Promise.resolve();
    await this.until(() => outcome.done, maxMs);
    if (!outcome.done) throw new Error(`The call was still pending after ${maxMs} ms.`);
    if (outcome.ok) return outcome.value as T;
    throw outcome.error;
  }

  /** Like {@link settle}, but returns the rejection (and fails when it resolved). */
  async rejection(promise: Promise<unknown>, maxMs?: number): Promise<unknown> {
    try {
      await this.settle(promise, maxMs);
    } catch (error) {
      return error;
    }
    throw new Error('The call resolved; a rejection was expected.');
  }
}
