/**
 * What an endpoint is configured with: the public {@link EndpointOptions}, and the
 * {@link EndpointConfig} every part reads, validated once at construction.
 * @packageDocumentation
 */
import { type Clock, type P2PNetworking, systemClock } from '@steamwire/transport-steam';
import {
  CLIENT_RATE_LIMITS,
  defaultViolationPolicy,
  HOST_RATE_LIMITS,
  type RateLimitOptions,
  type ViolationPolicy,
} from './enforce.js';
import { RpcArgumentError } from './errors.js';
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
  /** Requests from one peer that may be handled at once; more are refused with `tooManyRequests` (default 64). */
  maxConcurrentRequests?: number;
  /** How long a session stays open after a goodbye so the goodbye is delivered (default 1000 ms). */
  lingerMs?: number;
}

/** The options of one endpoint, validated, with their defaults applied. Read-only for every part. */
export class EndpointConfig {
  /** The protocol this endpoint speaks. */
  readonly protocol: Protocol;
  /** The networking it talks through. */
  readonly network: P2PNetworking;
  /** Which side the endpoint plays. */
  readonly side: Side;
  readonly clock: Clock;
  readonly controlChannel: number;
  /** Index of the control channel among {@link EndpointConfig.channelNumbers} (the last one). */
  readonly controlSlot: number;
  /** Channel numbers by slot: the protocol's channels, then the control channel. */
  readonly channelNumbers: readonly number[];
  readonly maxMessageBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly maxConcurrentRequests: number;
  readonly lingerMs: number;
  readonly rateLimits: Required<RateLimitOptions> | false;
  readonly violationPolicy: ViolationPolicy;
  /** Largest unreliable packet Steam takes, per the network's limits. */
  readonly unreliableLimit: number;
  /** Largest reliable packet Steam takes, per the network's limits. */
  readonly reliableLimit: number;

  /** @throws {@link RpcArgumentError} naming the first bad option. */
  constructor(options: EndpointOptions<Protocol>, side: Side) {
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
    this.side = side;
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
    if (options.tickMs !== undefined) positiveInt('tickMs', options.tickMs, 1);
  }
}

/** Checks that option `name` is an integer ≥ `min`. */
export function positiveInt(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || Math.floor(value) !== value) {
    throw new RpcArgumentError(name, `${name} must be an integer ≥ ${min}, not ${String(value)}.`);
  }
  return value;
}
