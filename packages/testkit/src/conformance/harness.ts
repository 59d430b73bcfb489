/**
 * What the conformance suite needs from a `P2PNetworking` implementation under test.
 * The in-memory fake, the koffi binding over the native fake library, and (in the future) any user
 * backend each provide one {@link ConformanceHarness}; the same suite then runs against all of them,
 * so the implementations cannot drift apart.
 * @packageDocumentation
 */
import type { P2PLimits, P2PNetworking, SteamId } from '@steamwire/transport-steam';

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
   * Lets `ms` milliseconds of (virtual or real) time pass, delivering traffic. Does NOT call
   * `runCallbacks()` on the peers: the suite does that itself, as a game would.
   */
  advance(ms: number): Promise<void>;
  /** A SteamID that is valid but belongs to no peer (nobody will ever answer it). */
  readonly absentPeerId: SteamId;
  /** After this long without an answer a send raises `sessionConnectFail` (Steam: ~20 s). */
  readonly connectTimeoutMs: number;
  /** Upper bound on the interval at which `sessionRequest` is re-posted while unaccepted. */
  readonly sessionRequestRepostMs: number;
  /** Upper bound on delivery time of one small packet between two peers under default conditions. */
  readonly deliveryMs: number;
  /**
   * How long packets from an unaccepted peer are held before they are dropped (Steam: ~20 s).
   * Optional; the suite assumes `connectTimeoutMs` when absent.
   */
  readonly unacceptedDropMs?: number;
  /**
   * The size limits Steam documents for the API under test, which `limits` must not exceed. Optional;
   * the suite assumes `ISteamNetworking`'s (1200 bytes unreliable, 1 MiB reliable) when absent.
   */
  readonly documentedLimits?: P2PLimits;
  /** Releases every resource (processes, sockets, timers). */
  teardown(): Promise<void>;
}

/** One implementation of `P2PNetworking`, as the conformance suite sees it. */
export interface ConformanceHarness {
  /** Shown in test names, e.g. `'FakeSteamNetwork'` or `'koffi binding over native fake (legacy)'`. */
  readonly name: string;
  /** Creates a fresh, isolated world. Called once per test. */
  setup(options: ConformanceWorldOptions): Promise<ConformanceWorld>;
  /** Longest time one test may take, in real milliseconds (vitest timeout). Default 5000. */
  readonly testTimeoutMs?: number;
  /**
   * Behaviours this implementation does not have, each with the reason, so the suite reports them as
   * skipped with that reason instead of silently passing. Keys are the suite's behaviour ids.
   */
  readonly unsupported?: Readonly<Record<string, string>>;
}
