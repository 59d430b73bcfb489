/**
 * The Sockets conformance suite's view of a world: records every status change and availability event
 * of every peer (and any that fired outside `runCallbacks`), lets time pass as a game does (advance,
 * then `runCallbacks()` on every peer, or on some), and the steps most checks take: a connected pair,
 * reading until a number of messages came.
 * @packageDocumentation
 */
import type {
  ConnectionStatusChange,
  ListenSocket,
  NetConnection,
  ReceivedMessage,
  SteamId,
} from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { SocketsWorld, SocketsWorldPeer } from './sockets-harness.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
/** `data` as UTF-8 text. */
export const textOf = (data: Uint8Array): string => decoder.decode(data);

/** One check of the Sockets suite: the peers it needs and the test. */
export interface SocketsCheck {
  readonly title: string;
  readonly peers: number;
  readonly run: (s: SocketsStage) => Promise<void>;
}

/** An event a peer's Sockets or Utils API fired, as the stage recorded it. */
export interface RecordedSocketsEvent {
  readonly peer: number;
  readonly name: 'connectionStatusChanged' | 'authenticationStatusChanged' | 'relayNetworkStatusChanged';
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own payload; checks match on its fields.
  readonly payload: any;
  /** The world's time it fired at, ms since the stage began. */
  readonly at: number;
}

/** A world being driven by one Sockets conformance check. */
export class SocketsStage {
  readonly events: RecordedSocketsEvent[] = [];
  /** Events that fired while the stage was not running callbacks (a bug the suite reports). */
  readonly outOfBand: RecordedSocketsEvent[] = [];
  /** The world's time the stage let pass, ms. */
  elapsed = 0;
  private inCallbacks = false;
  /** The listen socket on port 0 the stage made, per peer. */
  private readonly listeners = new Map<number, ListenSocket>();

  constructor(readonly world: SocketsWorld) {
    world.peers.forEach((p, peer) => {
      const record = (name: RecordedSocketsEvent['name']) => (payload: unknown) => {
        const event = { peer, name, payload, at: this.elapsed };
        this.events.push(event);
        if (!this.inCallbacks) this.outOfBand.push(event);
      };
      p.sockets.on('connectionStatusChanged', record('connectionStatusChanged'));
      p.sockets.on('authenticationStatusChanged', record('authenticationStatusChanged'));
      p.utils.on('relayNetworkStatusChanged', record('relayNetworkStatusChanged'));
    });
  }

  /** Peer `index`. */
  peer(index: number): SocketsWorldPeer {
    const p = this.world.peers[index];
    if (p === undefined) throw new RangeError(`The world has no peer ${index}.`);
    return p;
  }

  /** SteamID of peer `index`. */
  id(index: number): SteamId {
    return this.peer(index).steamId;
  }

  /** The status changes peer `index` saw (of `connection`, when given). */
  changes(index: number, connection?: NetConnection): ConnectionStatusChange[] {
    return this.events
      .filter((e) => e.peer === index && e.name === 'connectionStatusChanged')
      .map((e) => e.payload as ConnectionStatusChange)
      .filter((c) => connection === undefined || c.connection === connection);
  }

  /** Runs the callbacks of every peer (or of `only`), as a game does once per frame. */
  runCallbacks(only?: readonly number[]): void {
    this.inCallbacks = true;
    try {
      for (const i of only ?? this.world.peers.map((_, i) => i)) this.peer(i).sockets.runCallbacks();
    } finally {
      this.inCallbacks = false;
    }
  }

  /** Lets `ms` pass in 1 ms steps, running callbacks (of every peer, or of `only`) after each. */
  async pass(ms: number, only?: readonly number[]): Promise<void> {
    for (let left = ms; left > 0; left--) {
      await this.world.advance(1);
      this.elapsed += 1;
      this.runCallbacks(only);
    }
  }

  /**
   * Lets time pass in 1 ms steps (callbacks of every peer, or of `only`, after each) until `predicate`
   * holds or `maxMs` passed. @returns whether it held.
   */
  async until(predicate: () => boolean, maxMs = 1000, only?: readonly number[]): Promise<boolean> {
    this.runCallbacks(only);
    for (let waited = 0; ; waited++) {
      if (predicate()) return true;
      if (waited >= maxMs) return false;
      await this.world.advance(1);
      this.elapsed += 1;
      this.runCallbacks(only);
    }
  }

  /** Reads `connection` of peer `index` until `count` messages came (or `maxMs` passed). */
  async receive(
    index: number,
    connection: NetConnection,
    count: number,
    maxMs = 1000,
  ): Promise<ReceivedMessage[]> {
    const got: ReceivedMessage[] = [];
    await this.until(() => {
      got.push(...(this.peer(index).sockets.receiveMessages(connection) ?? []));
      return got.length >= count;
    }, maxMs);
    return got;
  }

  /**
   * Peer `from` connects to peer `to`'s listen socket on port 0 (made on first use) and `to` accepts,
   * both ways up.
   * @returns the two ends and the listen socket.
   */
  async connected(
    from = 0,
    to = 1,
  ): Promise<{ conn: NetConnection; incoming: NetConnection; listen: ListenSocket }> {
    const listen = this.listeners.get(to) ?? this.peer(to).sockets.createListenSocketP2P(0);
    this.listeners.set(to, listen);
    const conn = this.peer(from).sockets.connectP2P(this.id(to), 0);
    const request = () =>
      this.changes(to).find(
        (c) =>
          c.info.state === 'connecting' && c.info.listenSocket === listen && c.info.remote === this.id(from),
      );
    expect(await this.until(() => request() !== undefined), 'the request reaches the listener').toBe(true);
    const incoming = request()!.connection;
    expect(this.peer(to).sockets.acceptConnection(incoming)).toBe('ok');
    const up = () => this.changes(from, conn).some((c) => c.info.state === 'connected');
    expect(await this.until(up), 'the connection comes up').toBe(true);
    return { conn, incoming, listen };
  }
}
