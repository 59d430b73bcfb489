/**
 * What the conformance suite needs from a `P2PNetworking` implementation under test: fresh worlds of
 * peers on one backend, and a way to let time pass. A harness says which backend it runs, and the
 * suite checks it against Steam's numbers for that backend (`STEAM_BEHAVIOUR`); the harness supplies
 * only how time passes (and how fast its network delivers), never the numbers it is checked against.
 * The in-memory fake, the koffi binding over the native fake library and any future backend each
 * provide one {@link ConformanceHarness}, so the implementations cannot drift apart.
 * @packageDocumentation
 */
import type { P2PNetworking, SteamId } from '@steamwire/transport-steam';
import type { SteamBackendName } from './steam-behaviour.js';

/** Options for one fresh world of peers. */
export interface ConformanceWorldOptions {
  /** How many peers to create (all online, default conditions: no loss, small latency). */
  peers: number;
}

/** A fresh set of peers that can reach each other, and a way to let time pass. */
export interface ConformanceWorld {
  /** The peers, in creation order; each has a distinct `localSteamId`. */
  readonly peers: readonly P2PNetworking[];
  /**
   * Lets `ms` milliseconds of the world's time pass, delivering traffic and running the
   * implementation's timers; on a virtual clock this takes no real time. Does NOT call
   * `runCallbacks()` on the peers: the suite does that itself, as a game would.
   */
  advance(ms: number): Promise<void>;
  /** A SteamID that is valid but belongs to no peer (nobody will ever answer it). */
  readonly absentPeerId: SteamId;
  /**
   * Upper bound on the delivery of one small packet between two peers of this world, in its time
   * (its network's latency): the suite's polling step and tolerance. Not a Steam number.
   */
  readonly deliveryMs: number;
  /**
   * Peer `index` vanishes without a goodbye, as a crashed game or a pulled cable: its traffic stops
   * both ways. The suite never touches that peer again.
   */
  removePeer(index: number): Promise<void>;
  /** Releases every resource (processes, sockets, timers). */
  teardown(): Promise<void>;
}

/** One implementation of `P2PNetworking` on one backend, as the conformance suite sees it. */
export interface ConformanceHarness {
  /** Shown in test names, e.g. `'FakeSteamNetwork (messages)'`. */
  readonly name: string;
  /** The Steam API the peers model; the suite checks them against that row of `STEAM_BEHAVIOUR`. */
  readonly backend: SteamBackendName;
  /** Creates a fresh, isolated world. Called once per test. */
  setup(options: ConformanceWorldOptions): Promise<ConformanceWorld>;
  /** Longest time one test may take, in real milliseconds (vitest timeout). Default 10000. */
  readonly testTimeoutMs?: number;
}
