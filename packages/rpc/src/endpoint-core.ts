/**
 * What every part of an endpoint reads, and how any part reports: the options (validated once, at
 * construction), the peer table, the clock and the current update's time, and the two ways a
 * problem leaves the pipeline, a rejection (counted, emitted, judged by the violation policy) or an
 * error (emitted, or counted when nobody listens).
 *
 * The endpoint is built in layers, each a class in its own file, so that every step of the hot
 * paths stays a plain method call on the endpoint itself (no collaborator object to load, no
 * closure): this core, then `send.ts`, `receive.ts`, `calls.ts`, and `session.ts` on top.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { type Clock, type P2PNetworking, type SteamId, systemClock } from '@steamwire/transport-steam';
import {
  CLIENT_RATE_LIMITS,
  defaultViolationPolicy,
  HOST_RATE_LIMITS,
  type RateLimitOptions,
  REJECT_INDEX,
  type RejectReason,
  RejectReasons,
  type ViolationPolicy,
} from './enforce.js';
import { RpcArgumentError } from './errors.js';
import type { LocalPacket, Peer } from './peer.js';
import type { Protocol } from './protocol.js';
import type { Side } from './types.js';

/** Default control channel: high, so it never collides with a game's own channels. */
export const DEFAULT_CONTROL_CHANNEL = 0x7fff;
/** Default largest message (reliable messages above one packet are fragmented up to this). */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Options every endpoint (host, client) takes. */
export interface EndpointOptions<P extends Protocol> {
  /** The Steam P2P networking to talk through (real binding or testkit fake). */
  network: P2PNetworking;
  /** The protocol, from `defineProtocol`. Both sides must use the same one. */
  protocol: P;
  /**
   * Time and timers. Default: the network's own clock when it has one (the testkit's fakes run on
   * their virtual clock), else `systemClock`.
   */
  clock?: Clock;
  /**
   * When set, `update()` runs by itself every `tickMs` ms on `clock`. Otherwise call `update()`
   * from your game loop (once per frame).
   */
  tickMs?: number;
  /** Channel for handshake, heartbeats and goodbyes (default 0x7fff); no message may use it. */
  controlChannel?: number;
  /** Largest message in bytes, both ways (default 4 MiB). Reliable messages above one packet are split. */
  maxMessageBytes?: number;
  /** Per-peer limits on what we receive, or `false` for none. Host and client have different defaults. */
  rateLimits?: RateLimitOptions | false;
  /** Decides when repeated rejections kick a peer (on a client: leave the host). */
  violationPolicy?: ViolationPolicy;
  /** Interval between heartbeats to each peer (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** A peer silent for this long has left (`'timeout'`; default 10 000 ms). */
  heartbeatTimeoutMs?: number;
  /** Calls to one peer that may await a response at once (default 256). */
  maxPendingRequests?: number;
  /** Requests from one peer that may be handled at once; more are answered `BUSY` (default 64). */
  maxConcurrentRequests?: number;
  /** How long a session stays open after a goodbye so the goodbye is delivered (default 1000 ms). */
  lingerMs?: number;
}

/**
 * The options, shared state and reporting under every layer of {@link Endpoint}. Internal.
 * @typeParam P the protocol.
 */
export abstract class EndpointCore<P extends Protocol = Protocol> {
  /** The protocol this endpoint speaks. */
  readonly protocol: P;
  /** The networking it talks through. */
  readonly network: P2PNetworking;
  /** Which side this endpoint plays. */
  abstract readonly side: Side;
  protected readonly clock: Clock;
  protected readonly controlChannel: number;
  protected readonly controlSlot: number;
  /** Channel numbers by slot: the protocol's channels, then the control channel. */
  protected readonly channelNumbers: readonly number[];
  protected readonly maxMessageBytes: number;
  protected readonly heartbeatIntervalMs: number;
  protected readonly heartbeatTimeoutMs: number;
  protected readonly maxPendingRequests: number;
  protected readonly maxConcurrentRequests: number;
  protected readonly lingerMs: number;
  protected readonly rateLimits: Required<RateLimitOptions> | false;
  protected readonly violationPolicy: ViolationPolicy;
  protected readonly peers = new Map<SteamId, Peer>();
  protected readonly emitter = new EventEmitter();
  protected closed = false;
  /** The time of the current update (one `clock.now()` per update). */
  protected now: number;
  /** Packets from a local (same-process) endpoint, processed on the next update. */
  protected readonly inbox: LocalPacket[] = [];
  /** Errors that had no `error` listener. */
  protected unreportedErrors = 0;
  /** Largest packets Steam takes, per the network's limits. */
  protected readonly unreliableLimit: number;
  protected readonly reliableLimit: number;

  protected constructor(options: EndpointOptions<P>, side: Side) {
    if (options === null || typeof options !== 'object')
      throw new RpcArgumentError('options', 'Options are required.');
    const { network, protocol } = options;
    if (network === null || typeof network !== 'object' || typeof network.sendP2PPacket !== 'function') {
      throw new RpcArgumentError(
        'network',
        'network must be a P2PNetworking (a Steam binding or a testkit fake peer).',
      );
    }
    if (protocol === null || typeof protocol !== 'object' || !Array.isArray(protocol.entries)) {
      throw new RpcArgumentError('protocol', 'protocol must come from defineProtocol().');
    }
    this.network = network;
    this.protocol = protocol;
    // A fake network brings its own (virtual) clock: endpoints on it follow that clock by default.
    this.clock = options.clock ?? network.clock ?? systemClock;
    this.controlChannel = positiveInt('controlChannel', options.controlChannel ?? DEFAULT_CONTROL_CHANNEL, 0);
    if (protocol.channels.includes(this.controlChannel)) {
      throw new RpcArgumentError(
        'controlChannel',
        `Channel ${this.controlChannel} is the control channel; declare messages on other channels or pick another controlChannel.`,
      );
    }
    this.channelNumbers = [...protocol.channels, this.controlChannel];
    this.controlSlot = protocol.channels.length;
    this.maxMessageBytes = positiveInt(
      'maxMessageBytes',
      options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      1,
    );
    this.heartbeatIntervalMs = positiveInt('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 1000, 1);
    this.heartbeatTimeoutMs = positiveInt('heartbeatTimeoutMs', options.heartbeatTimeoutMs ?? 10_000, 1);
    this.maxPendingRequests = positiveInt('maxPendingRequests', options.maxPendingRequests ?? 256, 1);
    this.maxConcurrentRequests = positiveInt('maxConcurrentRequests', options.maxConcurrentRequests ?? 64, 1);
    this.lingerMs = positiveInt('lingerMs', options.lingerMs ?? 1000, 0);
    const defaults = side === 'host' ? HOST_RATE_LIMITS : CLIENT_RATE_LIMITS;
    this.rateLimits = options.rateLimits === false ? false : { ...defaults, ...options.rateLimits };
    this.violationPolicy = options.violationPolicy ?? defaultViolationPolicy;
    this.unreliableLimit = network.limits.maxUnreliableBytes;
    this.reliableLimit = network.limits.maxReliableBytes;
    this.now = this.clock.now();
    if (options.tickMs !== undefined) positiveInt('tickMs', options.tickMs, 1);
  }

  /** Records a rejection, emits it, and applies the violation policy. */
  protected reject(
    peer: Peer | undefined,
    from: SteamId,
    reason: RejectReason,
    messageName: string | undefined,
  ): void {
    if (peer !== undefined) {
      const counters = peer.counters;
      counters.rejected[REJECT_INDEX[reason]]!++;
      counters.rejectedTotal++;
    }
    if (this.emitter.listenerCount('rejected') > 0) {
      try {
        this.emitter.emit('rejected', from, reason, messageName);
      } catch (error) {
        this.reportError(error, from, messageName);
      }
    }
    if (peer === undefined || peer.state !== 'connected' || peer.local !== null) return;
    let kick = false;
    try {
      // Built with one loop, not map + fromEntries (13 arrays): a flood of bad frames is normal
      // input, and this runs once per rejected frame.
      const counts = {} as Record<RejectReason, number>;
      const rejected = peer.counters.rejected;
      for (let i = 0; i < RejectReasons.length; i++) counts[RejectReasons[i]!] = rejected[i]!;
      kick = this.violationPolicy({ peer: peer.id, reason, counts, total: peer.counters.rejectedTotal });
    } catch (error) {
      this.reportError(error, from, messageName);
    }
    if (kick) this.onViolations(peer);
  }

  /** The violation policy asked to get rid of `peer`. */
  protected abstract onViolations(peer: Peer): void;

  /** Emits `error`, or counts it when nobody listens. */
  protected reportError(error: unknown, peer: SteamId | undefined, messageName: string | undefined): void {
    if (this.emitter.listenerCount('error') === 0) {
      this.unreportedErrors++;
      return;
    }
    try {
      this.emitter.emit('error', error, { peer, messageName });
    } catch {
      this.unreportedErrors++;
    }
  }
}

function positiveInt(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || Math.floor(value) !== value) {
    throw new RpcArgumentError(name, `${name} must be an integer ≥ ${min}, not ${String(value)}.`);
  }
  return value;
}
