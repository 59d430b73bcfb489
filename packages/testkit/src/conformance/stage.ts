/**
 * The conformance suite's view of a world: records every event, lets time pass the way a game
 * would (advance, then `runCallbacks()` on every peer), waits for conditions in steps sized from the
 * world's delivery time, and knows Steam's numbers for the world's backend.
 * @packageDocumentation
 */
import {
  type P2PNetworking,
  type P2PPacket,
  P2PSend,
  type P2PSessionError,
  type SteamId,
} from '@steamwire/transport-steam';
import type { ConformanceWorld } from './harness.js';
import { type SteamBackendName, type SteamNumbers, steamNumbers } from './steam-behaviour.js';

/** One event a peer fired, as recorded by the {@link Stage}. */
export interface RecordedEvent {
  /** Index of the peer that fired it. */
  readonly peer: number;
  readonly type: 'sessionRequest' | 'sessionConnectFail';
  readonly remote: SteamId;
  readonly error?: P2PSessionError;
  /** Time since the stage began, in milliseconds, as the stage counts it. */
  readonly at: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `data` decoded as UTF-8. */
export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** A world being driven by one conformance test. */
export class Stage {
  /** Every event fired so far, in order. */
  readonly events: RecordedEvent[] = [];
  /** Time the stage has let pass, in milliseconds. */
  elapsed = 0;
  /** Steam's numbers for the world's backend: what the checks expect. */
  readonly steam: SteamNumbers;
  private readonly acceptFrom: Set<SteamId>[];
  private readonly removed = new Set<number>();

  constructor(
    readonly world: ConformanceWorld,
    /** The backend the world runs; its row of `STEAM_BEHAVIOUR` is what the checks expect. */
    readonly backend: SteamBackendName,
  ) {
    this.steam = steamNumbers(backend);
    this.acceptFrom = world.peers.map(() => new Set<SteamId>());
    world.peers.forEach((peer, index) => {
      peer.on('sessionRequest', (remote) => {
        this.events.push({ peer: index, type: 'sessionRequest', remote, at: this.elapsed });
        if (this.acceptFrom[index]!.has(remote)) peer.acceptP2PSessionWithUser(remote);
      });
      peer.on('sessionConnectFail', (remote, error) => {
        this.events.push({ peer: index, type: 'sessionConnectFail', remote, error, at: this.elapsed });
      });
    });
  }

  /** The peer at `index`. */
  peer(index: number): P2PNetworking {
    const peer = this.world.peers[index];
    if (peer === undefined) throw new RangeError(`The world has no peer ${index}.`);
    return peer;
  }

  /** SteamID of the peer at `index`. */
  id(index: number): SteamId {
    return this.peer(index).localSteamId;
  }

  /** From now on, peer `index` accepts session requests from `remote` as they come in. */
  autoAccept(index: number, remote: SteamId): void {
    this.acceptFrom[index]!.add(remote);
  }

  /** Peer `index` stops accepting requests from `remote` by itself (the test will decide). */
  manualAccept(index: number, remote: SteamId): void {
    this.acceptFrom[index]!.delete(remote);
  }

  /** Events fired by peer `index` of `type` (about `remote`, when given). */
  eventsOf(index: number, type: RecordedEvent['type'], remote?: SteamId): RecordedEvent[] {
    return this.events.filter(
      (e) => e.peer === index && e.type === type && (remote === undefined || e.remote === remote),
    );
  }

  /** Every peer still there runs its callbacks, as a game does once per frame. */
  runCallbacks(): void {
    this.world.peers.forEach((peer, index) => {
      if (!this.removed.has(index)) peer.runCallbacks();
    });
  }

  /** Peer `index` vanishes without a goodbye; the stage never touches it again. */
  async removePeer(index: number): Promise<void> {
    this.removed.add(index);
    await this.world.removePeer(index);
  }

  /** Lets time pass until `elapsed` reaches `at` (no-op when it already has), in `step`s. */
  async passTo(at: number, step = this.world.deliveryMs): Promise<void> {
    if (at > this.elapsed) await this.pass(at - this.elapsed, step);
  }

  /** Lets `ms` pass in steps, running callbacks after each step. */
  async pass(ms: number, step = this.world.deliveryMs): Promise<void> {
    let left = ms;
    while (left > 0) {
      const dt = Math.min(step, left);
      await this.world.advance(dt);
      this.elapsed += dt;
      left -= dt;
      this.runCallbacks();
    }
  }

  /**
   * Lets time pass until `predicate` holds or `maxMs` has passed.
   * @returns whether the predicate held.
   */
  async until(predicate: () => boolean, maxMs: number, step = this.stepFor(maxMs)): Promise<boolean> {
    let waited = 0;
    for (;;) {
      if (predicate()) return true;
      if (waited >= maxMs) return false;
      const dt = Math.min(step, maxMs - waited);
      await this.world.advance(dt);
      this.elapsed += dt;
      waited += dt;
      this.runCallbacks();
    }
  }

  /** A polling step for waiting up to `maxMs`: a delivery time, coarser for long waits. */
  stepFor(maxMs: number): number {
    return Math.max(this.world.deliveryMs, Math.floor(maxMs / 40));
  }

  /** Reads every packet waiting on `channel` for peer `index`. */
  drain(index: number, channel = 0): P2PPacket[] {
    const peer = this.peer(index);
    const out: P2PPacket[] = [];
    for (
      let size = peer.getAvailableP2PPacketSize(channel);
      size !== null;
      size = peer.getAvailableP2PPacketSize(channel)
    ) {
      const packet = peer.readP2PPacket(size, channel);
      if (packet === null) break;
      out.push(packet);
    }
    return out;
  }

  /** Reads up to `count` packets on `channel` for peer `index`, waiting up to `maxMs` for them. */
  async receive(index: number, count: number, maxMs: number, channel = 0): Promise<P2PPacket[]> {
    const got: P2PPacket[] = [];
    await this.until(
      () => {
        got.push(...this.drain(index, channel));
        return got.length >= count;
      },
      maxMs,
      this.world.deliveryMs,
    );
    return got;
  }

  /**
   * Opens a session from peer `from` to peer `to`: `from` sends a reliable hello on `channel`, `to`
   * accepts it, and both wait until `from`'s session is active.
   * @returns false when that did not happen within a generous time.
   */
  async connect(from: number, to: number, channel = 0): Promise<boolean> {
    this.autoAccept(to, this.id(from));
    const sent = this.peer(from).sendP2PPacket(this.id(to), bytes('hello'), P2PSend.Reliable, channel);
    if (!sent) return false;
    const maxMs = 20 * this.world.deliveryMs;
    const got = await this.receive(to, 1, maxMs, channel);
    if (got.length !== 1 || text(got[0]!.data) !== 'hello') return false;
    return this.until(
      () => this.peer(from).getP2PSessionState(this.id(to))?.connectionActive === true,
      maxMs,
    );
  }
}
