/**
 * {@link FakeSteamNetwork}: an in-memory Steam P2P network of fake peers, with per-link conditions,
 * partitions, peers going offline, a seeded RNG and a virtual clock, so networking tests are
 * deterministic and fast.
 * @packageDocumentation
 */
import {
  assertSteamId,
  InvalidArgumentError,
  type SteamId,
  steamIdFromAccountId,
} from '@steamwire/transport-steam';
import {
  type BackendRules,
  backendRules,
  checkBackend,
  FAKE_BACKENDS,
  type FakeBackend,
  type RuleOverrides,
} from './backend.js';
import {
  RealTimeClock,
  type RunOptions,
  type RunUntilOptions,
  type TestClock,
  VirtualClock,
} from './clock.js';
import { type SteamNumbers, steamNumbers } from './conformance/steam-behaviour.js';
import { DuplicatePeerError, NetworkDisposedError, UnknownPeerError } from './errors.js';
import { type LinkConditions, validateLinkConditions } from './link.js';
import { FakeLobbyService } from './lobby/service.js';
import { FakePeer, type PeerContext } from './peer.js';
import { SeededRng } from './rng.js';
import { SocketsEndpoint } from './sockets/endpoint.js';
import { SocketsTransport } from './sockets/transport.js';
import { PeerCore } from './state.js';
import { createStats, type FakeNetworkStats, snapshotStats } from './stats.js';
import { Topology } from './topology.js';
import { Wire } from './wire.js';

export { FAKE_BACKENDS, type FakeBackend } from './backend.js';

/**
 * Options of {@link FakeSteamNetwork}. Every timing and buffer defaults to Steam's number for each
 * peer's backend (the conformance table `STEAM_BEHAVIOUR`); the overrides below depart from Steam
 * for every backend at once, for tests that cannot wait that long.
 */
export interface FakeSteamNetworkOptions {
  /** Seed of the RNG behind loss, jitter, duplication and reordering. Default 1. */
  seed?: number;
  /** Network-wide link conditions (defaults: 5 ms latency, no loss, no cap). */
  conditions?: Partial<LinkConditions>;
  /** Run on real time instead of a virtual clock (for tests that talk to other processes). Default false. */
  realTime?: boolean;
  /** The clock to run on, e.g. one shared with other simulated parts. Default: a new one. */
  clock?: TestClock;
  /** Backend of peers created without one. Default `'legacy'`. */
  backend?: FakeBackend;
  /** A session whose remote never answers (or vanished) fails after this long. Steam: 20 s legacy, 10 s Messages. */
  connectTimeoutMs?: number;
  /** `sessionRequest` is re-posted at most this often while an unaccepted peer keeps sending. Steam legacy: 1000 (our choice). */
  sessionRequestRepostMs?: number;
  /** Packets from an unaccepted peer are dropped after being held this long. Steam: 20 s legacy, 10 s Messages. */
  unacceptedDropMs?: number;
  /** Bytes queued or unacknowledged per remote beyond which sends fail. Steam: 4 MiB legacy (our choice), 512 KiB Messages. */
  maxQueuedBytesPerPeer?: number;
  /** How long Steam's backend takes to deliver lobby and friends callbacks and call results, ms. Default 20. */
  lobbyLatencyMs?: number;
}

/** Options of {@link FakeSteamNetwork.createPeer}. */
export interface CreatePeerOptions {
  /** The peer's SteamID. Default: a fresh valid individual SteamID64. */
  id?: SteamId;
  /** The Steam API the peer behaves like. Default: the network's `backend` (`'legacy'`). */
  backend?: FakeBackend;
}

/** Options of {@link FakeSteamNetwork.setLinkConditions}. */
export interface LinkConditionsOptions {
  /** Apply to `b` → `a` as well. Default true. */
  bothWays?: boolean;
}

/** First account id handed out by `createPeer()`; far from the ids tests tend to pick by hand. */
const FIRST_AUTO_ACCOUNT = 100_001;
/** Ports start here; each peer gets the next one, as distinct game clients would. */
const FIRST_PORT = 27_015;

function positiveMs(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(
      name,
      `${name} must be a finite number of milliseconds above 0; got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * An in-memory Steam P2P network. Every peer is a `P2PNetworking`, so the rpc layer and games run
 * on it unchanged; time is virtual unless `realTime` is set.
 *
 * ```ts
 * const net = new FakeSteamNetwork({ seed: 1, conditions: { latencyMs: 80, jitterMs: 20, loss: 0.05 } });
 * const host = net.createPeer();
 * const client = net.createPeer();
 * client.sendP2PPacket(host.localSteamId, new Uint8Array([1]), P2PSend.Reliable);
 * await net.advance(1000);
 * ```
 */
export class FakeSteamNetwork {
  /** The clock the network runs on; give it to the layers above as their `Clock`. */
  readonly clock: TestClock;
  /** The seed of this network's RNG. */
  readonly seed: number;
  /** Backend of peers created without one. */
  readonly backend: FakeBackend;
  /**
   * Steam's lobby and friends backend of this network: friendships, persona names, launch command
   * lines, and test controls (kicks, "Join Game" clicks, failing or withheld call results).
   */
  readonly lobbyService: FakeLobbyService;
  private readonly rules: Record<FakeBackend, BackendRules>;
  private readonly topology: Topology;
  private readonly wire: Wire;
  private readonly counters = createStats();
  private readonly fakePeers = new Map<SteamId, FakePeer>();
  private readonly usedIds = new Set<SteamId>();
  private readonly context: PeerContext & { disposed: boolean };
  private readonly sockets: SocketsTransport;
  private nextAccount = FIRST_AUTO_ACCOUNT;
  private nextPort = 0;
  private readonly ownsClock: boolean;

  /** @throws InvalidArgumentError or InvalidLinkConditionsError for out-of-range options. */
  constructor(options: FakeSteamNetworkOptions = {}) {
    if (options.clock !== undefined && options.realTime !== undefined) {
      throw new InvalidArgumentError('clock', 'Pass either `clock` or `realTime`, not both.');
    }
    this.seed = options.seed ?? 1;
    const rng = new SeededRng(this.seed);
    this.ownsClock = options.clock === undefined;
    this.clock = options.clock ?? (options.realTime === true ? new RealTimeClock() : new VirtualClock());
    this.backend = checkBackend(options.backend ?? 'legacy');
    const overrides: RuleOverrides = {
      connectTimeoutMs: positiveMs('connectTimeoutMs', options.connectTimeoutMs),
      sessionRequestRepostMs: positiveMs('sessionRequestRepostMs', options.sessionRequestRepostMs),
      unacceptedDropMs: positiveMs('unacceptedDropMs', options.unacceptedDropMs),
      maxQueuedBytesPerPeer: options.maxQueuedBytesPerPeer,
    };
    const cap = options.maxQueuedBytesPerPeer;
    const largest = Math.max(...FAKE_BACKENDS.map((b) => backendRules(b, {}).limits.maxReliableBytes));
    if (cap !== undefined && (!Number.isSafeInteger(cap) || cap < largest)) {
      throw new InvalidArgumentError(
        'maxQueuedBytesPerPeer',
        `maxQueuedBytesPerPeer must be an integer of at least ${largest} (one largest reliable packet); got ${String(cap)}.`,
      );
    }
    this.rules = Object.fromEntries(FAKE_BACKENDS.map((b) => [b, backendRules(b, overrides)])) as Record<
      FakeBackend,
      BackendRules
    >;
    this.topology = new Topology(validateLinkConditions(options.conditions ?? {}));
    this.wire = new Wire(this.clock, rng, this.topology, this.counters);
    const lobbyLatencyMs = options.lobbyLatencyMs ?? 20;
    if (typeof lobbyLatencyMs !== 'number' || !Number.isFinite(lobbyLatencyMs) || lobbyLatencyMs < 0) {
      throw new InvalidArgumentError(
        'lobbyLatencyMs',
        `lobbyLatencyMs must be a finite number of milliseconds of at least 0; got ${String(lobbyLatencyMs)}.`,
      );
    }
    this.lobbyService = new FakeLobbyService(this.clock, lobbyLatencyMs);
    // The Sockets traffic draws from its own RNG: adding it left every other seeded run unchanged.
    const socketsRng = new SeededRng(this.seed ^ 0x50c3e75);
    this.sockets = new SocketsTransport(this.clock, socketsRng, this.topology);
    this.context = {
      wire: this.wire,
      clock: this.clock,
      disposed: false,
      lobbyService: this.lobbyService,
      socketsEndpoint: (id) => new SocketsEndpoint(id, this.sockets, socketsRng),
    };
  }

  /**
   * The numbers peers of `backend` run on: Steam's (see `STEAM_BEHAVIOUR`), unless this network's
   * options override them.
   */
  numbers(backend: FakeBackend = this.backend): SteamNumbers {
    const rules = this.rules[checkBackend(backend)];
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(steamNumbers(rules.backend)) as (keyof SteamNumbers)[])
      out[key] = rules[key];
    return Object.freeze(out) as unknown as SteamNumbers;
  }

  /**
   * What `receiver` holds from `remote` right now, readable or waiting for accept: the memory Steam
   * bounds per remote (`recvBufferMessages`, `recvBufferBytes` of the receiver's backend).
   * @throws UnknownPeerError when no live peer is `receiver`.
   */
  heldFrom(receiver: SteamId, remote: SteamId): { readonly packets: number; readonly bytes: number } {
    const session = this.core(receiver).sessions.get(remote);
    return { packets: session?.rxCount ?? 0, bytes: session?.rxBytes ?? 0 };
  }

  /**
   * Adds a peer, behaving like `backend` (default: the network's). Without `id` it gets a fresh valid
   * individual SteamID64. A bare SteamID is accepted as `{ id }`. Peers on different backends cannot
   * reach each other, as each Steam API keeps its own sessions.
   * @throws InvalidSteamIdError for an invalid `id`; DuplicatePeerError when a live peer has it;
   *   InvalidArgumentError for an unknown backend.
   */
  createPeer(options: CreatePeerOptions | SteamId = {}): FakePeer {
    this.alive();
    const { id, backend = this.backend } = typeof options === 'bigint' ? { id: options } : options;
    const rules = this.rules[checkBackend(backend)];
    let steamId: SteamId;
    if (id === undefined) {
      do steamId = steamIdFromAccountId(this.nextAccount++);
      while (this.usedIds.has(steamId));
    } else {
      steamId = assertSteamId(id);
      if (this.fakePeers.has(steamId)) throw new DuplicatePeerError(steamId);
    }
    this.usedIds.add(steamId);
    const core = new PeerCore(steamId, FIRST_PORT + (this.nextPort++ % 30_000), rules);
    const peer = new FakePeer(core, this.context);
    this.fakePeers.set(steamId, peer);
    this.topology.peers.set(steamId, core);
    this.topology.version++;
    this.wire.wakeBlocked();
    return peer;
  }

  /** The live peer with SteamID `id`, if any. */
  getPeer(id: SteamId): FakePeer | undefined {
    return this.fakePeers.get(id);
  }

  /** The live peers, in creation order. */
  get peers(): readonly FakePeer[] {
    return [...this.fakePeers.values()];
  }

  /** A valid SteamID that no peer has and `createPeer()` will never hand out: nobody answers it. */
  unusedSteamId(): SteamId {
    let id: SteamId;
    do id = steamIdFromAccountId(this.nextAccount++);
    while (this.usedIds.has(id));
    this.usedIds.add(id);
    return id;
  }

  /** The network-wide link conditions. */
  get conditions(): LinkConditions {
    return this.topology.defaultConditions;
  }

  /**
   * Changes the network-wide link conditions: the given fields replace the current ones.
   * @throws InvalidLinkConditionsError for an out-of-range field.
   */
  setConditions(conditions: Partial<LinkConditions>): void {
    this.alive();
    this.topology.setDefaults(validateLinkConditions(conditions));
    this.wire.wakeBlocked();
  }

  /**
   * Overrides conditions of the link `a` → `b` (and `b` → `a` unless `bothWays` is false): the
   * given fields replace the network-wide ones for that link. `null` removes the override.
   * @throws InvalidLinkConditionsError for an out-of-range field.
   */
  setLinkConditions(
    a: SteamId,
    b: SteamId,
    conditions: Partial<LinkConditions> | null,
    options: LinkConditionsOptions = {},
  ): void {
    this.alive();
    const checked = conditions === null ? null : validateLinkConditions(conditions);
    this.topology.setOverride(assertSteamId(a), assertSteamId(b), checked);
    if (options.bothWays ?? true) this.topology.setOverride(b, a, checked);
    this.wire.wakeBlocked();
  }

  /** The conditions in force on the link `from` → `to`. */
  linkConditions(from: SteamId, to: SteamId): LinkConditions {
    return this.topology.conditions(from, to);
  }

  /** Cuts every link between a peer of `groupA` and a peer of `groupB`, both ways, until {@link heal}. */
  partition(groupA: readonly SteamId[], groupB: readonly SteamId[]): void {
    this.alive();
    this.topology.partition(
      groupA.map((id) => assertSteamId(id)),
      groupB.map((id) => assertSteamId(id)),
    );
  }

  /** Removes every partition; traffic that waited for a route moves again. */
  heal(): void {
    this.alive();
    this.topology.heal();
    this.wire.wakeBlocked();
  }

  /**
   * Takes a peer offline or back online. Offline, its traffic vanishes both ways, as with a crashed
   * client or a pulled cable: others' sessions with it time out.
   * @throws UnknownPeerError when no live peer has `id`.
   */
  setOnline(id: SteamId, online: boolean): void {
    this.alive();
    if (typeof online !== 'boolean') throw new InvalidArgumentError('online', 'setOnline takes a boolean.');
    const core = this.core(id);
    core.online = online;
    this.topology.version++;
    if (online) this.wire.wakeBlocked();
  }

  /** True when the peer `id` exists and is online. */
  isOnline(id: SteamId): boolean {
    return this.topology.peers.get(id)?.online ?? false;
  }

  /**
   * Removes a peer for good, without a goodbye (a crash): its sessions and unread packets vanish,
   * and others' sessions with it time out. Its SteamID may be given to a new `createPeer(id)` later
   * (the same user restarting the game).
   * @throws UnknownPeerError when no live peer has `id`.
   */
  removePeer(id: SteamId): void {
    this.alive();
    const core = this.core(id);
    for (const session of [...core.sessions.values()]) this.wire.close(session);
    core.online = false;
    core.removed = true;
    core.inbox.clear();
    core.callbacks.clear();
    this.topology.peers.delete(id);
    this.topology.version++;
    this.fakePeers.delete(id);
    this.sockets.peers.delete(id); // its connections vanish without a word: others' time out
    // Its Steam is gone: it drops out of its lobbies (disconnected) and its pending lobby calls reject.
    this.lobbyService.detach(id);
  }

  /** Makes `a` and `b` Steam friends (or not); see {@link FakeLobbyService.setFriends}. */
  setFriends(a: SteamId, b: SteamId, friends = true): void {
    this.alive();
    this.lobbyService.setFriends(a, b, friends);
  }

  /** Lets `ms` milliseconds pass on the network's clock (instantly on a virtual clock). */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /**
   * Lets time pass until `predicate` holds.
   * @throws RunUntilTimeoutError when it does not within `timeoutMs`.
   */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<true> {
    return this.clock.runUntil(predicate, options);
  }

  /**
   * Lets time pass until `promise` settles, then settles the same way: the way to await anything
   * that needs the network to move (a connect, a request, a handshake). On a virtual clock, time
   * stops at the timer that settled it.
   *
   * ```ts
   * const client = await net.run(connectToHost({ network: net.createPeer(), protocol, host }));
   * const answer = await net.run(client.call('move', { cell: 4 }));
   * ```
   * @throws RunLimitError when it is still pending after `limitMs` (default one minute).
   */
  run<T>(promise: PromiseLike<T>, options?: RunOptions): Promise<T> {
    return this.clock.run(promise, options);
  }

  /** A snapshot of the network's counters. */
  get stats(): FakeNetworkStats {
    return snapshotStats(this.counters);
  }

  /** Stops every timer and releases every peer; the network and its peers are unusable afterwards. */
  dispose(): void {
    if (this.context.disposed) return;
    this.context.disposed = true;
    this.sockets.disposed = true;
    this.wire.dispose();
    if (this.ownsClock && this.clock instanceof RealTimeClock) this.clock.dispose();
    for (const core of this.topology.peers.values()) {
      core.sessions.clear();
      core.inbox.clear();
      core.callbacks.clear();
    }
    this.topology.peers.clear();
    this.fakePeers.clear();
  }

  private core(id: SteamId): PeerCore {
    const core = this.topology.peers.get(id);
    if (core === undefined) throw new UnknownPeerError(id);
    return core;
  }

  private alive(): void {
    if (this.context.disposed) throw new NetworkDisposedError();
  }
}
