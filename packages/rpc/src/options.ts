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
/**
 * Default decode work one peer may cost per `update()`, in work units: one unit is about one
 * msgpack element decoded (see {@link EndpointOptions.workPerUpdate}); about a millisecond.
 */
export const DEFAULT_WORK_PER_UPDATE = 10_000;
/** Default of `HostOptions.enforcementMemoryMs`. */
export const DEFAULT_ENFORCEMENT_MEMORY_MS = 60_000;
/** Longest delay a timer takes (Node fires longer ones at once): the cap of every millisecond option. */
export const MAX_TIMER_MS = 0x7fffffff;
/** Largest Steam channel (a C int). */
export const MAX_CHANNEL = 0x7fffffff;
/** Largest message the wire can describe (its lengths are 4-byte varints). */
export const MAX_MESSAGE_BYTES = 0x0fffffff;

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
   * When set, `update()` runs by itself every `tickMs` ms on `clock` (an integer from 1). Otherwise
   * call `update()` from your game loop (once per frame).
   */
  tickMs?: number;
  /** Channel for handshake, heartbeats and goodbyes (default 0x7fff); no message may use it. */
  controlChannel?: number;
  /**
   * Largest message in bytes, both ways (default 4 MiB, at most 256 MiB - 1). Reliable messages above
   * one packet are split.
   */
  maxMessageBytes?: number;
  /** Per-peer limits on what we receive, or `false` for none. Host and client have different defaults. */
  rateLimits?: RateLimitOptions | false;
  /**
   * Decode work one peer may cost per `update()` (default 10 000; `Infinity` for no bound). A unit is
   * about one msgpack element decoded; a frame, a map key, string bytes and payload bytes count too
   * (see docs/RELIABILITY.md). A peer past its budget waits for the next update, in order, so one
   * peer can never stall a tick; one message costs at most its declared `limits`.
   */
  workPerUpdate?: number;
  /** Decides when repeated rejections kick a peer (on a client: leave the host). */
  violationPolicy?: ViolationPolicy;
  /** Interval between heartbeats to each peer (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** A peer silent for this long has left (`'timeout'`; default 10 000 ms, above the interval). */
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
  readonly workPerUpdate: number;
  readonly violationPolicy: ViolationPolicy;
  /** How long enforcement remembers a SteamID after its last session (a host option; 0 on a client). */
  readonly enforcementMemoryMs: number;
  /** Largest unreliable packet Steam takes, per the network's limits. */
  readonly unreliableLimit: number;
  /** Largest reliable packet Steam takes, per the network's limits. */
  readonly reliableLimit: number;

  /** @throws {@link RpcArgumentError} naming the first bad option and its valid range. */
  constructor(options: EndpointOptions<Protocol>, side: Side) {
    if (options === null || typeof options !== 'object')
      throw new RpcArgumentError('options', 'Options are required.');
    const { network, protocol } = options;
    if (
      network === null ||
      typeof network !== 'object' ||
      typeof network.sendP2PPacket !== 'function' ||
      typeof network.readP2PPacket !== 'function' ||
      typeof network.getAvailableP2PPacketSize !== 'function' ||
      typeof network.runCallbacks !== 'function' ||
      typeof network.on !== 'function' ||
      network.limits === null ||
      typeof network.limits !== 'object'
    ) {
      throw new RpcArgumentError(
        'network',
        'network must be a P2PNetworking (a Steam binding or a testkit fake peer).',
      );
    }
    if (
      protocol === null ||
      typeof protocol !== 'object' ||
      !Array.isArray(protocol.entries) ||
      typeof protocol.fingerprint !== 'string'
    ) {
      throw new RpcArgumentError('protocol', 'protocol must come from defineProtocol().');
    }
    this.network = network;
    this.protocol = protocol;
    this.side = side;
    // A fake network brings its own (virtual) clock: endpoints on it follow that clock by default.
    this.clock = clockOption(options.clock) ?? network.clock ?? systemClock;
    this.controlChannel = intOption(
      'controlChannel',
      options.controlChannel,
      DEFAULT_CONTROL_CHANNEL,
      0,
      MAX_CHANNEL,
    );
    if (protocol.channels.includes(this.controlChannel)) {
      throw new RpcArgumentError(
        'controlChannel',
        `Channel ${this.controlChannel} is the control channel; declare messages on other channels or pick another controlChannel.`,
      );
    }
    this.channelNumbers = [...protocol.channels, this.controlChannel];
    this.controlSlot = protocol.channels.length;
    this.maxMessageBytes = intOption(
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
      1,
      MAX_MESSAGE_BYTES,
    );
    this.heartbeatIntervalMs = intOption(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      1000,
      1,
      MAX_TIMER_MS,
    );
    this.heartbeatTimeoutMs = intOption(
      'heartbeatTimeoutMs',
      options.heartbeatTimeoutMs,
      Math.max(10_000, this.heartbeatIntervalMs + 1),
      this.heartbeatIntervalMs + 1,
      MAX_TIMER_MS,
    );
    this.maxPendingRequests = intOption('maxPendingRequests', options.maxPendingRequests, 256, 1, 1 << 24);
    this.maxConcurrentRequests = intOption(
      'maxConcurrentRequests',
      options.maxConcurrentRequests,
      64,
      1,
      1 << 24,
    );
    this.lingerMs = intOption('lingerMs', options.lingerMs, 1000, 0, MAX_TIMER_MS);
    const defaults = side === 'host' ? HOST_RATE_LIMITS : CLIENT_RATE_LIMITS;
    this.rateLimits = rateLimitsOption(options.rateLimits, defaults);
    this.workPerUpdate = rateOption('workPerUpdate', options.workPerUpdate, DEFAULT_WORK_PER_UPDATE);
    this.violationPolicy =
      functionOption('violationPolicy', options.violationPolicy) ?? defaultViolationPolicy;
    const memory = (options as { enforcementMemoryMs?: unknown }).enforcementMemoryMs;
    this.enforcementMemoryMs =
      side === 'host'
        ? numberOption('enforcementMemoryMs', memory, DEFAULT_ENFORCEMENT_MEMORY_MS, 0, MAX_TIMER_MS)
        : 0;
    this.unreliableLimit = network.limits.maxUnreliableBytes;
    this.reliableLimit = network.limits.maxReliableBytes;
    if (options.tickMs !== undefined) intOption('tickMs', options.tickMs, 0, 1, MAX_TIMER_MS);
  }
}

// ── checks every option goes through ─────────────────────────────────────────────────────────

/** How a bad value is named in an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** Option `name`: an integer from `min` to `max`, or `fallback` when undefined. */
export function intOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RpcArgumentError(
      name,
      `${name} must be an integer from ${min} to ${max}, not ${describeValue(value)}.`,
    );
  }
  return value;
}

/** Option `name`: a finite number from `min` to `max`, or `fallback` when undefined. */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RpcArgumentError(
      name,
      `${name} must be a number from ${min} to ${max}, not ${describeValue(value)}.`,
    );
  }
  return value;
}

/** Option `name`: a number above 0, `Infinity` included (no limit), or `fallback` when undefined. */
export function rateOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new RpcArgumentError(
      name,
      `${name} must be a number above 0 (Infinity for no limit), not ${describeValue(value)}.`,
    );
  }
  return value;
}

/** Option `name`: a function, or `undefined`. */
export function functionOption<F>(name: string, value: F | undefined): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new RpcArgumentError(name, `${name} must be a function, not ${describeValue(value)}.`);
  }
  return value;
}

/** Option `signal`: an `AbortSignal`, or `undefined`. */
export function signalOption(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new RpcArgumentError(name, `${name} must be an AbortSignal, not ${describeValue(value)}.`);
  }
  return value;
}

function clockOption(value: unknown): Clock | undefined {
  if (value === undefined) return undefined;
  const clock = value as Partial<Clock> | null;
  if (
    clock === null ||
    typeof clock !== 'object' ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function' ||
    typeof clock.setInterval !== 'function' ||
    typeof clock.clearInterval !== 'function'
  ) {
    throw new RpcArgumentError(
      'clock',
      `clock must be a Clock (now, setTimeout, clearTimeout, setInterval, clearInterval), not ${describeValue(value)}.`,
    );
  }
  return value as Clock;
}

function rateLimitsOption(
  value: unknown,
  defaults: Required<RateLimitOptions>,
): Required<RateLimitOptions> | false {
  if (value === false) return false;
  if (value === undefined) return defaults;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RpcArgumentError(
      'rateLimits',
      `rateLimits must be an object or false, not ${describeValue(value)}.`,
    );
  }
  const given = value as RateLimitOptions;
  return {
    messagesPerSecond: rateOption(
      'rateLimits.messagesPerSecond',
      given.messagesPerSecond,
      defaults.messagesPerSecond,
    ),
    bytesPerSecond: rateOption('rateLimits.bytesPerSecond', given.bytesPerSecond, defaults.bytesPerSecond),
    controlPacketsPerSecond: rateOption(
      'rateLimits.controlPacketsPerSecond',
      given.controlPacketsPerSecond,
      defaults.controlPacketsPerSecond,
    ),
    burstSeconds: numberOption(
      'rateLimits.burstSeconds',
      given.burstSeconds,
      defaults.burstSeconds,
      0.001,
      3600,
    ),
  };
}
