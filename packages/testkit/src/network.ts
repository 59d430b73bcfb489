/**
 * {@link FakeSteamNetwork}: an in-memory Steam P2P network of fake peers, with per-link conditions,
 * partitions, peers going offline, a seeded RNG and a virtual clock, so networking tests are
 * deterministic and fast.
 * @packageDocumentation
 */
import {
  assertSteamId,
  InvalidArgumentError,
  P2P_CONNECT_TIMEOUT_MS,
  P2P_MAX_RELIABLE_BYTES,
  type SteamId,
  steamIdFromAccountId,
} from '@steamwire/transport-steam';
import { RealTimeClock, type RunUntilOptions, type TestClock, VirtualClock } from './clock.js';
import { DuplicatePeerError, NetworkDisposedError, UnknownPeerError } from './errors.js';
import { type LinkConditions, validateLinkConditions } from './link.js';
import { FakePeer, type PeerContext } from './peer.js';
import { SeededRng } from './rng.js';
import { PeerCore } from './state.js';
import { createStats, type FakeNetworkStats, snapshotStats } from './stats.js';
import { Topology } from './topology.js';
import { Wire } from './wire.js';

/** Options of {@link FakeSteamNetwork}. */
export interface FakeSteamNetworkOptions {
  /** Seed of the RNG behind loss, jitter, duplication and reordering. Default 1. */
  seed?: number;
  /** Network-wide link conditions (defaults: 5 ms latency, no loss, no cap). */
  conditions?: Partial<LinkConditions>;
  /** Run on real time instead of a virtual clock (for tests that talk to other processes). Default false. */
  realTime?: boolean;
  /** The clock to run on, e.g. one shared with other simulated parts. Default: a new one. */
  clock?: TestClock;
  /** A session whose remote never answers fails (`sessionConnectFail`) after this long. Default 20 000. */
  connectTimeoutMs?: number;
  /** `sessionRequest` is re-posted at most this often while an unaccepted peer keeps sending. Default 1000. */
  sessionRequestRepostMs?: number;
  /** Packets from an unaccepted peer are dropped after being held this long. Default 20 000. */
  unacceptedDropMs?: number;
  /** Bytes queued or unacknowledged per remote beyond which sends return false. Default 4 MiB. */
  maxQueuedBytesPerPeer?: number;
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

function positiveMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
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
  /** After this long without an answer a send raises `sessionConnectFail`. */
  readonly connectTimeoutMs: number;
  /** Upper bound on the interval at which `sessionRequest` is re-posted. */
  readonly sessionRequestRepostMs: number;
  /** How long packets from an unaccepted peer are held before they are dropped. */
  readonly unacceptedDropMs: number;
  /** Cap on bytes queued per remote. */
  readonly maxQueuedBytesPerPeer: number;
  private readonly topology: Topology;
  private readonly wire: Wire;
  private readonly counters = createStats();
  private readonly fakePeers = new Map<SteamId, FakePeer>();
  private readonly usedIds = new Set<SteamId>();
  private readonly context: {
    wire: Wire;
    clock: TestClock;
    maxQueuedBytesPerPeer: number;
    disposed: boolean;
  };
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
    this.connectTimeoutMs = positiveMs('connectTimeoutMs', options.connectTimeoutMs, P2P_CONNECT_TIMEOUT_MS);
    this.sessionRequestRepostMs = positiveMs('sessionRequestRepostMs', options.sessionRequestRepostMs, 1000);
    this.unacceptedDropMs = positiveMs('unacceptedDropMs', options.unacceptedDropMs, P2P_CONNECT_TIMEOUT_MS);
    const cap = options.maxQueuedBytesPerPeer ?? 4 * 1024 * 1024;
    if (!Number.isSafeInteger(cap) || cap < P2P_MAX_RELIABLE_BYTES) {
      throw new InvalidArgumentError(
        'maxQueuedBytesPerPeer',
        `maxQueuedBytesPerPeer must be an integer of at least ${P2P_MAX_RELIABLE_BYTES} (one largest reliable packet); got ${String(cap)}.`,
      );
    }
    this.maxQueuedBytesPerPeer = cap;
    this.topology = new Topology(validateLinkConditions(options.conditions ?? {}));
    this.wire = new Wire(this.clock, rng, this.topology, this.counters, {
      connectTimeoutMs: this.connectTimeoutMs,
      sessionRequestRepostMs: this.sessionRequestRepostMs,
      unacceptedDropMs: this.unacceptedDropMs,
    });
    this.context = { wire: this.wire, clock: this.clock, maxQueuedBytesPerPeer: cap, disposed: false };
  }

  /**
   * Adds a peer. Without `id` it gets a fresh valid individual SteamID64.
   * @throws InvalidSteamIdError for an invalid `id`; DuplicatePeerError when a live peer has it.
   */
  createPeer(id?: SteamId): FakePeer {
    this.alive();
    let steamId: SteamId;
    if (id === undefined) {
      do steamId = steamIdFromAccountId(this.nextAccount++);
      while (this.usedIds.has(steamId));
    } else {
      steamId = assertSteamId(id);
      if (this.fakePeers.has(steamId)) throw new DuplicatePeerError(steamId);
    }
    this.usedIds.add(steamId);
    const core = new PeerCore(steamId, FIRST_PORT + (this.nextPort++ % 30_000));
    const peer = new FakePeer(core, this.context as PeerContext);
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

  /** A snapshot of the network's counters. */
  get stats(): FakeNetworkStats {
    return snapshotStats(this.counters);
  }

  /** Stops every timer and releases every peer; the network and its peers are unusable afterwards. */
  dispose(): void {
    if (this.context.disposed) return;
    this.context.disposed = true;
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
