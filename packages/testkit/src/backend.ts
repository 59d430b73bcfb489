/**
 * The Steam API a fake peer behaves like (its backend) and the rules that follow from it: Steam's
 * numbers from the conformance table, plus the few ways the backends differ in shape (who re-posts
 * session requests, how a send to yourself travels, what a refused send reports). One core moves
 * packets for every backend; it only ever asks a peer's {@link BackendRules}.
 * @packageDocumentation
 */
import {
  InvalidArgumentError,
  LEGACY_P2P_LIMITS,
  MESSAGES_P2P_LIMITS,
  type P2PLimits,
  SOCKETS_P2P_LIMITS,
} from '@steamwire/transport-steam';
import { type SteamBackendName, type SteamNumbers, steamNumbers } from './conformance/steam-behaviour.js';

/**
 * The Steam API a fake peer models, as the real binding exposes it through `P2PNetworking`:
 * `'legacy'` is `ISteamNetworking`, `'messages'` is `ISteamNetworkingMessages`, `'sockets'` is
 * `ISteamNetworkingSockets` connections (the peer's own typed Sockets API, `sockets/p2p.ts`).
 */
export type FakeBackend = SteamBackendName;

/** How a backend differs in shape, beyond its numbers. */
interface BackendShape {
  /** The binding's size limits for this backend. */
  readonly limits: P2PLimits;
  /**
   * One session request per connection attempt (Messages: an unaccepted connection ends after the
   * connect timeout and the next send opens another); otherwise re-posted while the peer sends.
   */
  readonly requestPerConnection: boolean;
  /** A send to yourself never reaches Steam: the binding queues it locally (Messages). */
  readonly localLoopback: boolean;
  /** `allowP2PPacketRelay` decides relaying for sessions created afterwards (legacy only). */
  readonly relayPerSession: boolean;
  /** `getP2PSessionState` reports a packet count (Messages has bytes only). */
  readonly reportsPacketCount: boolean;
}

const SHAPES: Record<FakeBackend, BackendShape> = {
  legacy: {
    limits: LEGACY_P2P_LIMITS,
    requestPerConnection: false,
    localLoopback: false,
    relayPerSession: true,
    reportsPacketCount: true,
  },
  messages: {
    limits: MESSAGES_P2P_LIMITS,
    requestPerConnection: true,
    localLoopback: true,
    relayPerSession: false,
    reportsPacketCount: false,
  },
  // Only the limits matter here: a sockets peer runs over its Sockets API, not over the session core.
  sockets: {
    limits: SOCKETS_P2P_LIMITS,
    requestPerConnection: false,
    localLoopback: true,
    relayPerSession: false,
    reportsPacketCount: true,
  },
};

/** The backends a fake peer can have. */
export const FAKE_BACKENDS = Object.keys(SHAPES) as FakeBackend[];

/** Everything the fake's core needs to know about one peer's backend. @internal */
export interface BackendRules extends SteamNumbers, BackendShape {
  readonly backend: FakeBackend;
}

/** Network-wide departures from Steam's numbers (tests that need shorter waits). @internal */
export interface RuleOverrides {
  readonly connectTimeoutMs?: number;
  readonly sessionRequestRepostMs?: number;
  readonly unacceptedDropMs?: number;
  readonly maxQueuedBytesPerPeer?: number;
}

/**
 * Checks a backend name from a caller.
 * @throws InvalidArgumentError when it is not one of {@link FAKE_BACKENDS}.
 */
export function checkBackend(backend: unknown): FakeBackend {
  if (typeof backend === 'string' && Object.hasOwn(SHAPES, backend)) return backend as FakeBackend;
  throw new InvalidArgumentError(
    'backend',
    `backend is one of ${FAKE_BACKENDS.map((b) => `'${b}'`).join(', ')}; got ${String(backend)}.`,
  );
}

/** The rules of `backend` with the network's overrides applied. @internal */
export function backendRules(backend: FakeBackend, overrides: RuleOverrides): BackendRules {
  const numbers = steamNumbers(backend);
  const connect = overrides.connectTimeoutMs;
  return Object.freeze({
    ...numbers,
    ...SHAPES[backend],
    backend,
    connectTimeoutMs: connect ?? numbers.connectTimeoutMs,
    connectionLostTimeoutMs: connect ?? numbers.connectionLostTimeoutMs,
    // Messages holds and re-requests per connection, so both follow its connect timeout.
    unacceptedHoldMs:
      overrides.unacceptedDropMs ??
      (SHAPES[backend].requestPerConnection && connect !== undefined ? connect : numbers.unacceptedHoldMs),
    sessionRequestRepostMs:
      overrides.sessionRequestRepostMs ??
      (SHAPES[backend].requestPerConnection && connect !== undefined
        ? connect
        : numbers.sessionRequestRepostMs),
    sendBufferBytes: overrides.maxQueuedBytesPerPeer ?? numbers.sendBufferBytes,
  });
}
