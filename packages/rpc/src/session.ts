/**
 * The endpoint logic host and client share: the receive pipeline (drain, enforce, decode, validate,
 * dispatch), the send pipeline (encode into batched packets, fragment, retry on back-pressure),
 * calls and their responses, heartbeats, and peer teardown.
 *
 * Hot-path rules this file keeps: no closures or arrays per message, one pass per received packet,
 * encoded bytes copied once into a reusable packet buffer, all per-peer state bounded and dropped
 * with the peer.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  type Clock,
  type P2PNetworking,
  P2PSend,
  type SteamId,
  systemClock,
} from '@steamwire/transport-steam';
import { fragmentFrame, OutQueue, Reassembler, SharedPacket } from './batch.js';
import { ControlKind, ControlReader, controlPacket, readTime, timePacket } from './control.js';
import {
  CLIENT_RATE_LIMITS,
  defaultViolationPolicy,
  HOST_RATE_LIMITS,
  type RateLimitOptions,
  REJECT_INDEX,
  type RejectReason,
  RejectReasons,
  TokenBucket,
  type ViolationPolicy,
} from './enforce.js';
import {
  ClosedError,
  DisconnectedError,
  EncodeError,
  MessageTooLargeError,
  RemoteError,
  RequestAbortedError,
  RequestTimeoutError,
  RpcArgumentError,
  TooManyPendingRequestsError,
  ValidationError,
} from './errors.js';
import { FIRST_ENTRY_ID, type Protocol, type ProtocolEntry } from './protocol.js';
import { validatePayload } from './schema.js';
import { PeerCounters, type PeerStats } from './stats.js';
import type { Side } from './types.js';
import {
  decodeValue,
  encoded,
  encodedBytes,
  encodedEnd,
  encodedStart,
  encodeValue,
  PacketKind,
  RELIABLE_HEADER_BYTES,
  RESPONSE_ERROR_ID,
  RESPONSE_OK_ID,
  readVarint,
  SEQ_MASK,
  scanMsgpack,
  UNRELIABLE_HEADER_BYTES,
  varintEnd,
  varintSize,
  writeVarint,
} from './wire.js';

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
  /** Time and timers (default `systemClock`); pass the testkit's virtual clock in tests. */
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

/** Why a peer left or a client got disconnected. */
export type DisconnectReason =
  /** The other side said goodbye (`disconnect()` / `close()`). */
  | 'left'
  /** The host removed this peer (`kick`); the detail carries the kick code. */
  | 'kicked'
  /** Too many rejected frames, per the violation policy. */
  | 'violations'
  /** Nothing heard within the heartbeat timeout. */
  | 'timeout'
  /** Steam reported the session failed (`sessionConnectFail`). */
  | 'connectFailed'
  /** The host closed. */
  | 'hostClosed'
  /** This side closed. */
  | 'closed'
  /** The same SteamID said hello again (it restarted); the old session is gone. */
  | 'reconnected';

/** Events both sides emit. */
export type CommonEvents = {
  /**
   * A packet or frame from `peer` was dropped before any handler (counted per peer and reason).
   * `messageName` is set once the frame's id was read.
   */
  rejected: (peer: SteamId, reason: RejectReason, messageName: string | undefined) => void;
  /**
   * A handler threw, an async schema was met, or an internal step failed. Never thrown from
   * `update()`: without a listener it is only counted.
   */
  error: (error: unknown, context: { peer?: SteamId; messageName?: string }) => void;
};

/**
 * What an endpoint holds, from {@link Endpoint.debugState}. Counts are summed over its peers (the
 * host's local client included).
 */
export interface EndpointDebugState {
  /** The endpoint was closed (host closed, client disconnected). */
  readonly closed: boolean;
  /** Peers known in any state. */
  readonly peers: number;
  /** Peers that completed the handshake. */
  readonly connected: number;
  /** Peers still handshaking or authenticating. */
  readonly handshaking: number;
  /** Calls we made that await a response. */
  readonly pendingCalls: number;
  /** Requests from peers whose handler has not answered yet. */
  readonly inflightRequests: number;
  /** Bytes reserved for fragmented messages being reassembled (their declared sizes). */
  readonly reassemblyBytes: number;
  /** Bytes actually buffered for them (grows with what arrived, up to `reassemblyBytes`). */
  readonly reassemblyBufferedBytes: number;
  /** Frames batched and not yet handed to Steam. */
  readonly queuedFrames: number;
  /** Packets held for a retry after Steam's back-pressure, and their bytes. */
  readonly retryPackets: number;
  /** Bytes of {@link EndpointDebugState.retryPackets}. */
  readonly retryBytes: number;
  /** Packets from the host held until its welcome (client side). */
  readonly earlyPackets: number;
  /** Packets from a same-process endpoint waiting for the next update. */
  readonly inboxPackets: number;
  /** Sessions kept open briefly so a goodbye is delivered. */
  readonly lingeringSessions: number;
  /** Errors raised with no `error` listener (counted, not thrown). */
  readonly unreportedErrors: number;
}

/** A typed message handler as stored (the public typed signatures live on Host and Client). */
type AnyHandler = (payload: unknown, peer: SteamId) => void;
/** A typed request handler as stored. */
type AnyRequestHandler = (payload: unknown, peer: SteamId) => unknown;

/** Options of one call. */
export interface CallOptions {
  /** Overrides the declared timeout (ms). */
  timeoutMs?: number;
  /** Aborts the call (it rejects with `RequestAbortedError`; a late response is ignored). */
  signal?: AbortSignal;
}

interface PendingCall {
  readonly entry: ProtocolEntry;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** One packet waiting because Steam pushed back (`limitExceeded`). */
interface RetryPacket {
  readonly data: Uint8Array;
  readonly sendType: P2PSend;
  readonly channel: number;
}

/** A packet for an endpoint in the same process (the host's local client). */
interface LocalPacket {
  readonly from: SteamId;
  readonly channel: number;
  readonly data: Uint8Array;
}

/** Lifecycle of a peer. */
export type PeerState = 'handshaking' | 'authenticating' | 'connected' | 'closed';

/** Bytes Steam may refuse (back-pressure) before we drop instead of retrying. */
const MAX_RETRY_BYTES = 8 * 1024 * 1024;
/** Packets read per channel per update at most, so a flood cannot starve the game loop forever. */
const MAX_PACKETS_PER_CHANNEL = 100_000;
/** Longest code / message of an error response we accept or send. */
const MAX_ERROR_CODE = 64;
const MAX_ERROR_MESSAGE = 1024;

/** Signed distance from `b` to `a` in 15-bit sequence space. */
function seqDiff(a: number, b: number): number {
  return ((a - b + 0x4000) & SEQ_MASK) - 0x4000;
}

/** One remote (or local) peer as an endpoint sees it. Internal. */
export class Peer {
  state: PeerState = 'handshaking';
  /** For the host's local client: the endpoint on the other side of the loopback. */
  readonly local: Endpoint | null;
  readonly queues: (OutQueue | undefined)[];
  readonly dirty: OutQueue[] = [];
  inDirtyList = false;
  readonly seqOut: Uint16Array;
  readonly seqIn: Int32Array;
  readonly latestSeq: Int32Array;
  readonly latestSerial: Float64Array;
  packetSerial = 0;
  readonly reassembler: Reassembler;
  readonly pending = new Map<number, PendingCall>();
  nextCallId = 0;
  /** Every call id has been used once (ids wrap at 2^28). */
  callIdsWrapped = false;
  inflight = 0;
  readonly messageBucket: TokenBucket;
  readonly byteBucket: TokenBucket;
  readonly counters: PeerCounters;
  lastHeard: number;
  nextPing: number;
  deadline = Number.POSITIVE_INFINITY;
  readonly retry: RetryPacket[] = [];
  retryBytes = 0;
  /** Data packets that arrived before the handshake completed (client side, from the host). */
  early: LocalPacket[] | null = null;
  earlyBytes = 0;

  constructor(
    readonly id: SteamId,
    local: Endpoint | null,
    slots: number,
    entries: number,
    now: number,
    limits: Required<RateLimitOptions> | false,
    maxMessageBytes: number,
  ) {
    this.local = local;
    this.queues = new Array(slots * 4).fill(undefined);
    // One allocation for the per-peer numbers touched on every packet (counters included), so that
    // serving hundreds of peers a tick costs a couple of cache lines per peer, not one per array.
    // Sequence state first, then the counters (per channel, per entry, rejections): the order a
    // received packet touches them.
    const align8 = (n: number) => (n + 7) & ~7;
    const seqBytes = align8(slots * 4) + align8(slots * 2) + align8(entries * 4) + entries * 8;
    const arena = new ArrayBuffer(seqBytes + PeerCounters.bytes(slots, entries));
    let at = 0;
    this.seqIn = new Int32Array(arena, at, slots).fill(-1);
    at += align8(slots * 4);
    this.seqOut = new Uint16Array(arena, at, slots);
    at += align8(slots * 2);
    this.latestSeq = new Int32Array(arena, at, entries).fill(-1);
    at += align8(entries * 4);
    this.latestSerial = new Float64Array(arena, at, entries);
    at += entries * 8;
    this.counters = new PeerCounters(slots, entries, arena, at);
    this.reassembler = new Reassembler(slots, maxMessageBytes, maxMessageBytes + 65536);
    const inf = Number.POSITIVE_INFINITY;
    this.messageBucket = new TokenBucket(
      limits ? limits.messagesPerSecond : inf,
      limits ? limits.burstSeconds : 1,
      now,
    );
    this.byteBucket = limits
      ? new TokenBucket(limits.bytesPerSecond, limits.burstSeconds, now)
      : new TokenBucket(inf, 1, now);
    this.lastHeard = now;
    this.nextPing = now;
  }
}

/**
 * Shared machinery of {@link Host} and {@link Client}. Not constructed directly.
 * @typeParam P the protocol.
 */
export abstract class Endpoint<P extends Protocol = Protocol> {
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
  private readonly messageHandlers: (AnyHandler[] | undefined)[];
  private readonly requestHandlers: (AnyRequestHandler | undefined)[];
  private readonly dirtyPeers: Peer[] = [];
  private readonly lingering = new Set<unknown>();
  private tickTimer: unknown = null;
  private readonly slotOfChannel = new Map<number, number>();
  private readonly unreliableLimit: number;
  private readonly reliableLimit: number;
  private readonly drainChannels: Int32Array;
  private readonly drainSlots: Int32Array;
  private nextHousekeeping = 0;

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
    this.clock = options.clock ?? systemClock;
    this.controlChannel = positiveInt('controlChannel', options.controlChannel ?? DEFAULT_CONTROL_CHANNEL, 0);
    if (protocol.channels.includes(this.controlChannel)) {
      throw new RpcArgumentError(
        'controlChannel',
        `Channel ${this.controlChannel} is the control channel; declare messages on other channels or pick another controlChannel.`,
      );
    }
    this.channelNumbers = [...protocol.channels, this.controlChannel];
    this.controlSlot = protocol.channels.length;
    for (let slot = 0; slot < this.channelNumbers.length; slot++)
      this.slotOfChannel.set(this.channelNumbers[slot]!, slot);
    this.drainChannels = Int32Array.from([this.controlChannel, ...protocol.channels]);
    this.drainSlots = Int32Array.from([this.controlSlot, ...protocol.channels.map((_, i) => i)]);
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
    this.messageHandlers = new Array(protocol.entries.length).fill(undefined);
    this.requestHandlers = new Array(protocol.entries.length).fill(undefined);
    this.now = this.clock.now();
    if (options.tickMs !== undefined) positiveInt('tickMs', options.tickMs, 1);
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  /** Starts calling `update()` every `tickMs` on the clock. */
  protected startTicking(tickMs: number): void {
    if (this.tickTimer !== null || this.closed) return;
    this.tickTimer = this.clock.setInterval(() => this.update(), tickMs);
  }

  /** Stops the automatic updates. */
  protected stopTicking(): void {
    if (this.tickTimer === null) return;
    this.clock.clearInterval(this.tickTimer as never);
    this.tickTimer = null;
  }

  /**
   * Pumps the network once: delivers Steam callbacks, reads every channel the protocol uses (and
   * the control channel), enforces and dispatches, sends heartbeats, times out silent peers, then
   * flushes batched sends. Never throws; failures are counted and emitted as `error`.
   */
  update(): void {
    if (this.closed) return;
    try {
      this.now = this.clock.now();
      if (this.usesNetwork()) {
        try {
          this.network.runCallbacks();
        } catch (error) {
          this.reportError(error, undefined, undefined);
        }
        this.drain();
      }
      this.processInbox();
      if (this.now >= this.nextHousekeeping) {
        this.nextHousekeeping = this.now + Math.min(100, this.heartbeatIntervalMs);
        this.housekeeping();
      }
      this.flush();
      this.afterUpdate();
    } catch (error) {
      this.reportError(error, undefined, undefined);
    }
  }

  /** Sends every batched message now instead of at the end of the next `update()`. */
  flush(): void {
    const list = this.dirtyPeers;
    for (let i = 0; i < list.length; i++) {
      const peer = list[i]!;
      peer.inDirtyList = false;
      if (peer.state === 'closed') continue;
      // retryBytes is 0 exactly when nothing waits (every packet has at least its kind byte), and
      // reading it spares a load of the retry array per peer per flush.
      if (peer.retryBytes > 0) this.retrySends(peer);
      const dirty = peer.dirty;
      for (let j = 0; j < dirty.length; j++) {
        const q = dirty[j]!;
        q.dirty = false;
        this.flushQueue(peer, q);
      }
      dirty.length = 0;
    }
    list.length = 0;
  }

  /** Statistics of one peer, or `undefined` when it is not a peer. */
  protected peerStats(peerId: SteamId): PeerStats | undefined {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return undefined;
    let queued = 0;
    if (peer.local === null) {
      try {
        queued = this.network.getP2PSessionState(peerId)?.bytesQueuedForSend ?? 0;
      } catch {
        queued = 0;
      }
    }
    return peer.counters.snapshot(peerId, this.protocol, this.channelNumbers, queued);
  }

  /**
   * A read-only snapshot of the endpoint's internal bookkeeping: what it still holds for its peers.
   * For leak checks in tests and soak runs; after traffic settles every count but `peers` returns to 0.
   */
  debugState(): EndpointDebugState {
    let connected = 0;
    let handshaking = 0;
    let pendingCalls = 0;
    let inflightRequests = 0;
    let reassemblyBytes = 0;
    let reassemblyBufferedBytes = 0;
    let queuedFrames = 0;
    let retryPackets = 0;
    let retryBytes = 0;
    let earlyPackets = 0;
    for (const peer of this.peers.values()) {
      if (peer.state === 'connected') connected++;
      else handshaking++;
      pendingCalls += peer.pending.size;
      inflightRequests += peer.inflight;
      reassemblyBytes += peer.reassembler.reserved;
      reassemblyBufferedBytes += peer.reassembler.bufferedBytes;
      for (const q of peer.queues) queuedFrames += q?.frames ?? 0;
      retryPackets += peer.retry.length;
      retryBytes += peer.retryBytes;
      earlyPackets += peer.early?.length ?? 0;
    }
    return {
      closed: this.closed,
      peers: this.peers.size,
      connected,
      handshaking,
      pendingCalls,
      inflightRequests,
      reassemblyBytes,
      reassemblyBufferedBytes,
      queuedFrames,
      retryPackets,
      retryBytes,
      earlyPackets,
      inboxPackets: this.inbox.length,
      lingeringSessions: this.lingering.size,
      unreportedErrors: this.unreportedErrors,
    };
  }

  /** Whether this endpoint reads the network (a local client does not). */
  protected usesNetwork(): boolean {
    return true;
  }

  /** Called at the end of each update (the host drives its local client from here). */
  protected afterUpdate(): void {}

  /** Marks the endpoint closed and releases timers; subclasses send goodbyes first. */
  protected shutdown(): void {
    this.closed = true;
    this.stopTicking();
  }

  // ───────────────────────────── handlers ─────────────────────────────

  /** Registers a message handler by name (typed by subclasses). Returns an unsubscribe function. */
  protected addHandler(name: string, handler: AnyHandler): () => void {
    const entry = this.receivableEntry(name, 'message', 'on');
    if (typeof handler !== 'function')
      throw new RpcArgumentError('handler', 'The handler must be a function.');
    const list = this.messageHandlers[entry.index] ?? [];
    // Copy on write: a handler that unsubscribes during dispatch does not disturb the loop.
    this.messageHandlers[entry.index] = [...list, handler];
    return () => this.removeHandler(name, handler);
  }

  /** Removes a message handler. */
  protected removeHandler(name: string, handler: AnyHandler): void {
    const entry = this.protocol.entry(name);
    if (entry === undefined) return;
    const list = this.messageHandlers[entry.index];
    if (list === undefined) return;
    const next = list.filter((h) => h !== handler);
    this.messageHandlers[entry.index] = next.length > 0 ? next : undefined;
  }

  /** Sets the handler of a request (replacing any). Returns a function that removes it. */
  protected setRequestHandler(name: string, handler: AnyRequestHandler): () => void {
    const entry = this.receivableEntry(name, 'request', 'handle');
    if (typeof handler !== 'function')
      throw new RpcArgumentError('handler', 'The handler must be a function.');
    this.requestHandlers[entry.index] = handler;
    return () => {
      if (this.requestHandlers[entry.index] === handler) this.requestHandlers[entry.index] = undefined;
    };
  }

  private receivableEntry(name: string, kind: 'message' | 'request', method: string): ProtocolEntry {
    const entry = this.protocol.entry(name);
    if (entry === undefined || entry.kind !== kind) {
      throw new RpcArgumentError('name', `${method}(): '${String(name)}' is not a ${kind} of this protocol.`);
    }
    if (!this.mayReceive(entry)) {
      throw new RpcArgumentError(
        'name',
        `${method}(): '${name}' is sent by the ${entry.from}, so the ${this.side} never receives it.`,
      );
    }
    return entry;
  }

  /** The entry for sending `name` of `kind` from this side, or a typed error. */
  protected sendableEntry(name: string, kind: 'message' | 'request'): ProtocolEntry {
    if (this.closed) throw new ClosedError();
    const entry = this.protocol.entry(name);
    if (entry === undefined || entry.kind !== kind) {
      throw new RpcArgumentError('name', `'${String(name)}' is not a ${kind} of this protocol.`);
    }
    if (entry.from !== 'any' && entry.from !== this.side) {
      throw new RpcArgumentError(
        'name',
        `'${name}' may only be sent by the ${entry.from}, not the ${this.side}.`,
      );
    }
    return entry;
  }

  private mayReceive(entry: ProtocolEntry): boolean {
    return entry.from === 'any' || entry.from !== this.side;
  }

  // ───────────────────────────── sending ─────────────────────────────

  /**
   * Encodes `payload` for `entry` into the shared scratch buffer and checks its size against the
   * send type's limit. Throws at the call site, before anything is queued.
   */
  protected encodeFor(entry: ProtocolEntry, payload: unknown, extraBody: number): number {
    try {
      encodeValue(payload);
    } catch (error) {
      throw new EncodeError(entry.name, error);
    }
    const bodyLen = encodedEnd - encodedStart + extraBody;
    this.checkSize(entry.name, entry.reliable, entry.id, bodyLen);
    return bodyLen;
  }

  private checkSize(name: string, reliable: boolean, id: number, bodyLen: number): void {
    if (reliable) {
      if (bodyLen > this.maxMessageBytes)
        throw new MessageTooLargeError(name, bodyLen, this.maxMessageBytes, true);
      return;
    }
    const size = UNRELIABLE_HEADER_BYTES + varintSize(id * 2 + 1) + varintSize(bodyLen) + bodyLen;
    if (size > this.unreliableLimit) throw new MessageTooLargeError(name, size, this.unreliableLimit, false);
  }

  /** Queues the frame whose payload {@link encodeFor} just encoded, for `peer`. */
  protected queueEncoded(
    peer: Peer,
    id: number,
    slot: number,
    sendType: P2PSend,
    reliable: boolean,
    callId: number,
    bodyLen: number,
    entryIndex: number,
  ): void {
    const q = this.queueFor(peer, slot, sendType, reliable);
    const frameSize = varintSize(id * 2 + 1) + varintSize(bodyLen) + bodyLen;
    if (!q.hasRoom(frameSize)) {
      if (q.len > 0) this.flushQueue(peer, q);
      if (!q.hasRoom(frameSize)) {
        this.sendFragmented(peer, q, id, callId, bodyLen);
        this.countOut(peer, entryIndex, frameSize);
        return;
      }
    }
    let pos = q.beginFrame(id, bodyLen);
    const buf = q.buf;
    if (callId >= 0) pos = writeVarint(buf, pos, callId);
    const src = encoded;
    const start = encodedStart;
    const n = encodedEnd - start;
    if (n < 64) {
      for (let i = 0; i < n; i++) buf[pos + i] = src[start + i]!;
    } else {
      buf.set(encodedBytes(), pos);
    }
    this.markDirty(peer, q);
    this.countOut(peer, entryIndex, frameSize);
  }

  /** The queue of `peer` for (channel slot, send type), created on first use. */
  private queueFor(peer: Peer, slot: number, sendType: P2PSend, reliable: boolean): OutQueue {
    const qi = slot * 4 + sendType;
    let q = peer.queues[qi];
    if (q === undefined) {
      q = new OutQueue(
        this.channelNumbers[slot]!,
        slot,
        sendType,
        reliable,
        reliable ? this.reliableLimit : this.unreliableLimit,
      );
      peer.queues[qi] = q;
    }
    return q;
  }

  /** Puts `q` (and its peer) on the lists the next flush walks. */
  private markDirty(peer: Peer, q: OutQueue): void {
    if (q.dirty) return;
    q.dirty = true;
    peer.dirty.push(q);
    if (!peer.inDirtyList) {
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
  }

  private countOut(peer: Peer, entryIndex: number, frameSize: number): void {
    if (entryIndex < 0) return;
    const e = peer.counters.entry;
    e[entryIndex * 4 + 2]!++;
    e[entryIndex * 4 + 3]! += frameSize;
  }

  private sendFragmented(peer: Peer, q: OutQueue, id: number, callId: number, bodyLen: number): void {
    const frame = new Uint8Array(varintSize(id * 2) + bodyLen);
    let pos = writeVarint(frame, 0, id * 2);
    if (callId >= 0) pos = writeVarint(frame, pos, callId);
    frame.set(encoded.subarray(encodedStart, encodedEnd), pos);
    for (const packet of fragmentFrame(frame, q.limit))
      this.sendPacket(peer, packet, q.sendType, q.channel, q.channelSlot);
  }

  private flushQueue(peer: Peer, q: OutQueue): void {
    if (q.len === 0) return;
    let seq = 0;
    if (!q.reliable) {
      seq = peer.seqOut[q.channelSlot]!;
      peer.seqOut[q.channelSlot] = (seq + 1) & SEQ_MASK;
    }
    const packet = q.finish(seq);
    this.sendPacket(peer, packet, q.sendType, q.channel, q.channelSlot);
    q.reset();
  }

  /**
   * Hands one packet to Steam (or to the local endpoint). `data` may be a view of a reusable buffer:
   * it is copied wherever it must outlive this call.
   */
  protected sendPacket(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number, slot: number): void {
    const c = peer.counters.channel;
    c[slot * 4 + 2]!++;
    c[slot * 4 + 3]! += data.length;
    if (peer.local !== null) {
      peer.local.inbox.push({ from: this.network.localSteamId, channel, data: data.slice() });
      return;
    }
    if (peer.retryBytes > 0) {
      this.queueRetry(peer, data.slice(), sendType, channel);
      return;
    }
    if (this.network.sendP2PPacket(peer.id, data, sendType, channel)) return;
    this.onSendFailed(peer, data, sendType, channel);
  }

  private onSendFailed(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number): void {
    const failure = this.network.lastSendFailure;
    if (
      failure?.reason === 'limitExceeded' &&
      (sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering)
    ) {
      // Steam's back-pressure: keep reliable data and retry on the next flush, in order.
      this.queueRetry(peer, data.slice(), sendType, channel);
    } else {
      peer.counters.sendFailures++;
    }
  }

  private queueRetry(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number): void {
    if (peer.retryBytes + data.length > MAX_RETRY_BYTES) {
      peer.counters.sendFailures++;
      return;
    }
    peer.retry.push({ data, sendType, channel });
    peer.retryBytes += data.length;
    if (!peer.inDirtyList) {
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
  }

  private retrySends(peer: Peer): void {
    let sent = 0;
    for (; sent < peer.retry.length; sent++) {
      const r = peer.retry[sent]!;
      if (!this.network.sendP2PPacket(peer.id, r.data, r.sendType, r.channel)) {
        if (this.network.lastSendFailure?.reason === 'limitExceeded') break;
        peer.counters.sendFailures++;
      }
      peer.retryBytes -= r.data.length;
    }
    peer.retry.splice(0, sent);
    if (peer.retry.length > 0 && !peer.inDirtyList) {
      // Still blocked: stay on the dirty list so the next flush tries again.
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
  }

  /** Sends a control packet right away (not batched). */
  protected sendControl(peer: Peer, data: Uint8Array, reliable: boolean): void {
    this.sendPacket(
      peer,
      data,
      reliable ? P2PSend.Reliable : P2PSend.Unreliable,
      this.controlChannel,
      this.controlSlot,
    );
  }

  /** Sends one message to one peer. */
  protected sendMessage(peer: Peer, entry: ProtocolEntry, payload: unknown): void {
    const bodyLen = this.encodeFor(entry, payload, 0);
    this.queueEncoded(
      peer,
      entry.id,
      entry.channelIndex,
      entry.sendType,
      entry.reliable,
      -1,
      bodyLen,
      entry.index,
    );
  }

  /** Sends one message to many peers, encoding it once. */
  protected sendMessageToMany(
    peers: Iterable<Peer>,
    entry: ProtocolEntry,
    payload: unknown,
    except?: SteamId,
  ): void {
    const bodyLen = this.encodeFor(entry, payload, 0);
    const frameSize = varintSize(entry.id * 2 + 1) + varintSize(bodyLen) + bodyLen;
    const headerBytes = entry.reliable ? RELIABLE_HEADER_BYTES : UNRELIABLE_HEADER_BYTES;
    // A peer with nothing else queued on this channel gets the one packet built for all of them
    // (by reference; Steam copies it at the send), instead of its own copy of the message.
    const shareable = headerBytes + frameSize <= (entry.reliable ? this.reliableLimit : this.unreliableLimit);
    let shared: SharedPacket | null = null;
    for (const peer of peers) {
      if (peer.state !== 'connected' || peer.id === except) continue;
      if (shareable) {
        const q = this.queueFor(peer, entry.channelIndex, entry.sendType, entry.reliable);
        if (q.len === 0) {
          shared ??= new SharedPacket(entry.id, entry.reliable, encodedBytes());
          q.adoptShared(shared);
          this.markDirty(peer, q);
          this.countOut(peer, entry.index, frameSize);
          continue;
        }
      }
      this.queueEncoded(
        peer,
        entry.id,
        entry.channelIndex,
        entry.sendType,
        entry.reliable,
        -1,
        bodyLen,
        entry.index,
      );
    }
  }

  /** Calls request `entry` on `peer`. */
  protected callPeer(
    peer: Peer | undefined,
    peerId: SteamId,
    entry: ProtocolEntry,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ClosedError());
      if (peer === undefined || peer.state !== 'connected')
        return reject(new DisconnectedError(peerId, 'not connected'));
      const timeoutMs = options?.timeoutMs ?? entry.timeoutMs;
      if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
        return reject(
          new RpcArgumentError('timeoutMs', 'timeoutMs must be a positive number of milliseconds.'),
        );
      }
      const signal = options?.signal;
      if (signal?.aborted) return reject(new RequestAbortedError(entry.name, signal.reason));
      if (peer.pending.size >= this.maxPendingRequests) {
        return reject(new TooManyPendingRequestsError(entry.name, this.maxPendingRequests));
      }
      let callId = peer.nextCallId;
      while (peer.pending.has(callId)) callId = (callId + 1) & 0x0fffffff;
      peer.nextCallId = (callId + 1) & 0x0fffffff;
      if (peer.nextCallId === 0) peer.callIdsWrapped = true;
      try {
        const bodyLen = this.encodeFor(entry, payload, varintSize(callId));
        this.queueEncoded(
          peer,
          entry.id,
          entry.channelIndex,
          entry.sendType,
          true,
          callId,
          bodyLen,
          entry.index,
        );
      } catch (error) {
        return reject(error);
      }
      const call: PendingCall = { entry, resolve, reject, timer: null, signal, onAbort: undefined };
      peer.pending.set(callId, call);
      call.timer = this.clock.setTimeout(() => {
        if (this.settle(peer, callId)) reject(new RequestTimeoutError(entry.name, timeoutMs));
      }, timeoutMs);
      if (signal !== undefined) {
        call.onAbort = () => {
          if (this.settle(peer, callId)) reject(new RequestAbortedError(entry.name, signal.reason));
        };
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
    });
  }

  /** Forgets pending call `callId` of `peer`; true when it was still pending. */
  private settle(peer: Peer, callId: number): PendingCall | undefined {
    const call = peer.pending.get(callId);
    if (call === undefined) return undefined;
    peer.pending.delete(callId);
    if (call.timer !== null) this.clock.clearTimeout(call.timer as never);
    if (call.signal !== undefined && call.onAbort !== undefined)
      call.signal.removeEventListener('abort', call.onAbort);
    return call;
  }

  // ───────────────────────────── receiving ─────────────────────────────

  private drain(): void {
    const net = this.network;
    const channels = this.drainChannels;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      const slot = this.drainSlots[c]!;
      for (let n = 0; n < MAX_PACKETS_PER_CHANNEL; n++) {
        if (this.closed) return;
        const size = net.getAvailableP2PPacketSize(channel);
        // 0 means "nothing waiting" or "an empty packet waiting": Steam cannot tell them apart. One
        // read with room for the largest packet settles it (null when nothing waits); stopping at 0
        // instead would let one empty packet from anyone block this channel for every peer.
        const packet = net.readP2PPacket(size > 0 ? size : this.reliableLimit, channel);
        if (packet === null) break;
        try {
          this.receive(packet.remoteSteamId, channel, slot, packet.data);
        } catch (error) {
          this.reportError(error, packet.remoteSteamId, undefined);
        }
      }
    }
  }

  private processInbox(): void {
    const inbox = this.inbox;
    if (inbox.length === 0) return;
    const batch = inbox.splice(0, inbox.length);
    for (const p of batch) {
      const slot = this.slotOfChannel.get(p.channel);
      if (slot === undefined) continue;
      try {
        this.receive(p.from, p.channel, slot, p.data);
      } catch (error) {
        this.reportError(error, p.from, undefined);
      }
    }
  }

  /** Routes one received packet. */
  protected receive(from: SteamId, channel: number, slot: number, data: Uint8Array): void {
    if (slot === this.controlSlot) {
      this.receiveControl(from, data);
      return;
    }
    const peer = this.peers.get(from);
    if (peer === undefined || peer.state !== 'connected') {
      this.receiveEarly(from, peer, channel, data);
      return;
    }
    this.processPacket(peer, channel, slot, data);
  }

  /** Data from a peer that is not connected. Default: rejected; the client buffers its host's. */
  protected receiveEarly(from: SteamId, peer: Peer | undefined, _channel: number, _data: Uint8Array): void {
    this.reject(peer, from, 'notConnected', undefined);
  }

  /** Processes the early packets of a peer that just connected. */
  protected replayEarly(peer: Peer): void {
    const early = peer.early;
    peer.early = null;
    peer.earlyBytes = 0;
    if (early === null) return;
    for (const p of early) {
      if (peer.state !== 'connected') return;
      const slot = this.slotOfChannel.get(p.channel);
      if (slot !== undefined) this.processPacket(peer, p.channel, slot, p.data);
    }
  }

  private processPacket(peer: Peer, channel: number, slot: number, data: Uint8Array): void {
    const now = this.now;
    const len = data.length;
    peer.lastHeard = now;
    const c = peer.counters.channel;
    c[slot * 4]!++;
    c[slot * 4 + 1]! += len;
    if (!peer.byteBucket.take(len, now)) {
      this.reject(peer, peer.id, 'rateLimited', undefined);
      return;
    }
    if (len === 0) {
      this.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    const kind = data[0]!;
    if (kind >= PacketKind.Unreliable) {
      if (len < UNRELIABLE_HEADER_BYTES) {
        this.reject(peer, peer.id, 'malformed', undefined);
        return;
      }
      const seq = ((kind & 0x7f) << 8) | data[1]!;
      this.trackSequence(peer, slot, seq);
      peer.packetSerial++;
      this.processFrames(peer, channel, data, UNRELIABLE_HEADER_BYTES, len, false, seq);
      return;
    }
    switch (kind) {
      case PacketKind.Reliable:
        this.processFrames(peer, channel, data, 1, len, true, -1);
        return;
      case PacketKind.FragmentFirst: {
        const total = readVarint(data, 1, len);
        if (total < 0) {
          this.reject(peer, peer.id, 'malformed', undefined);
          return;
        }
        if (!peer.reassembler.start(slot, total)) {
          this.reject(peer, peer.id, 'tooLarge', undefined);
          return;
        }
        this.appendFragment(peer, channel, slot, data, varintEnd);
        return;
      }
      case PacketKind.FragmentNext:
        this.appendFragment(peer, channel, slot, data, 1);
        return;
      default:
        this.reject(peer, peer.id, 'malformed', undefined);
        return;
    }
  }

  private appendFragment(peer: Peer, channel: number, slot: number, data: Uint8Array, start: number): void {
    const whole = peer.reassembler.append(slot, data, start, data.length);
    if (whole === undefined) {
      this.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    if (whole !== null) this.processFrames(peer, channel, whole, 0, whole.length, true, -1);
  }

  private trackSequence(peer: Peer, slot: number, seq: number): void {
    const prev = peer.seqIn[slot]!;
    if (prev < 0) {
      peer.seqIn[slot] = seq;
      peer.counters.addSequence(1, 1);
      return;
    }
    const diff = seqDiff(seq, prev);
    if (diff > 0) {
      peer.seqIn[slot] = seq;
      peer.counters.addSequence(diff, 1);
    } else {
      // Late or duplicated: it was counted missing when a newer one arrived.
      peer.counters.addSequence(0, 1);
    }
  }

  /** Walks the frames of `data[pos, end)`: one pass, stopping at the first framing error. */
  private processFrames(
    peer: Peer,
    channel: number,
    data: Uint8Array,
    pos: number,
    end: number,
    reliable: boolean,
    seq: number,
  ): void {
    while (pos < end) {
      if (peer.state !== 'connected') return;
      const frameStart = pos;
      const tag = readVarint(data, pos, end);
      if (tag < 0) {
        this.reject(peer, peer.id, 'malformed', undefined);
        return;
      }
      pos = varintEnd;
      let bodyEnd = end;
      if ((tag & 1) === 1) {
        const bodyLen = readVarint(data, pos, end);
        if (bodyLen < 0 || varintEnd + bodyLen > end) {
          this.reject(peer, peer.id, 'malformed', undefined);
          return;
        }
        pos = varintEnd;
        bodyEnd = pos + bodyLen;
      }
      const id = tag >>> 1;
      if (!peer.messageBucket.take(1, this.now)) {
        this.reject(peer, peer.id, 'rateLimited', this.protocol.entries[id - FIRST_ENTRY_ID]?.name);
      } else {
        this.handleFrame(peer, channel, id, data, pos, bodyEnd, reliable, seq, bodyEnd - frameStart);
      }
      pos = bodyEnd;
    }
  }

  private handleFrame(
    peer: Peer,
    channel: number,
    id: number,
    data: Uint8Array,
    start: number,
    end: number,
    reliable: boolean,
    seq: number,
    frameBytes: number,
  ): void {
    if (id < FIRST_ENTRY_ID) {
      this.handleResponse(peer, id, data, start, end);
      return;
    }
    const entry = this.protocol.entries[id - FIRST_ENTRY_ID];
    if (entry === undefined) {
      this.reject(peer, peer.id, 'unknownMessage', undefined);
      return;
    }
    const name = entry.name;
    if (!this.mayReceive(entry)) {
      this.reject(peer, peer.id, 'wrongDirection', name);
      return;
    }
    if (entry.channel !== channel) {
      this.reject(peer, peer.id, 'wrongChannel', name);
      return;
    }
    if (entry.reliable !== reliable) {
      this.reject(peer, peer.id, 'wrongSendType', name);
      return;
    }
    if (end - start > this.maxMessageBytes) {
      this.reject(peer, peer.id, 'tooLarge', name);
      return;
    }
    const m = peer.counters.entry;
    m[entry.index * 4]!++;
    m[entry.index * 4 + 1]! += frameBytes;
    let callId = -1;
    if (entry.kind === 'request') {
      callId = readVarint(data, start, end);
      if (callId < 0) {
        this.reject(peer, peer.id, 'malformed', name);
        return;
      }
      start = varintEnd;
    } else if (entry.latest) {
      const idx = entry.index;
      const last = peer.latestSeq[idx]!;
      if (last >= 0) {
        const diff = seqDiff(seq, last);
        if (diff < 0 || (diff === 0 && peer.latestSerial[idx] !== peer.packetSerial)) {
          peer.counters.stale++;
          return;
        }
      }
      peer.latestSeq[idx] = seq;
      peer.latestSerial[idx] = peer.packetSerial;
    }
    const decoded = this.decode(peer, entry.schema, name, data, start, end);
    if (decoded === REJECTED) return;
    if (entry.kind === 'message') this.dispatchMessage(peer, entry, decoded);
    else this.dispatchRequest(peer, entry, callId, decoded);
  }

  /** Scans, decodes and validates one payload; {@link REJECTED} (already counted) on failure. */
  private decode(
    peer: Peer,
    schema: ProtocolEntry['schema'],
    name: string,
    data: Uint8Array,
    start: number,
    end: number,
  ): unknown {
    if (!scanMsgpack(data, start, end)) {
      this.reject(peer, peer.id, 'decodeFailed', name);
      return REJECTED;
    }
    let value: unknown;
    try {
      value = decodeValue(data, start, end);
    } catch {
      this.reject(peer, peer.id, 'decodeFailed', name);
      return REJECTED;
    }
    if (schema === null) return value;
    let result: ReturnType<typeof validatePayload>;
    try {
      result = validatePayload(schema, value, name);
    } catch (error) {
      this.reportError(error, peer.id, name);
      this.reject(peer, peer.id, 'invalid', name);
      return REJECTED;
    }
    if (result.issues !== undefined) {
      this.reject(peer, peer.id, 'invalid', name);
      return REJECTED;
    }
    return result.value;
  }

  private dispatchMessage(peer: Peer, entry: ProtocolEntry, value: unknown): void {
    const handlers = this.messageHandlers[entry.index];
    if (handlers === undefined) {
      peer.counters.unhandled++;
      return;
    }
    for (let i = 0; i < handlers.length; i++) {
      try {
        handlers[i]!(value, peer.id);
      } catch (error) {
        this.reportError(error, peer.id, entry.name);
      }
    }
  }

  private dispatchRequest(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    const handler = this.requestHandlers[entry.index];
    if (handler === undefined) {
      this.respondError(peer, entry, callId, 'NO_HANDLER', `No handler for request '${entry.name}'.`);
      return;
    }
    if (peer.inflight >= this.maxConcurrentRequests) {
      this.reject(peer, peer.id, 'tooManyRequests', entry.name);
      this.respondError(peer, entry, callId, 'BUSY', 'Too many requests at once; retry later.');
      return;
    }
    peer.inflight++;
    let result: unknown;
    try {
      result = handler(value, peer.id);
    } catch (error) {
      peer.inflight--;
      this.respondFailure(peer, entry, callId, error);
      return;
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      (result as PromiseLike<unknown>).then(
        (res) => {
          peer.inflight--;
          this.respond(peer, entry, callId, res);
        },
        (error: unknown) => {
          peer.inflight--;
          this.respondFailure(peer, entry, callId, error);
        },
      );
    } else {
      peer.inflight--;
      this.respond(peer, entry, callId, result);
    }
  }

  private respond(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    if (peer.state !== 'connected' || this.closed) return;
    let bodyLen: number;
    try {
      encodeValue(value);
      bodyLen = encodedEnd - encodedStart + varintSize(callId);
      this.checkSize(entry.name, true, RESPONSE_OK_ID, bodyLen);
    } catch (error) {
      this.reportError(error, peer.id, entry.name);
      this.respondError(
        peer,
        entry,
        callId,
        'BAD_RESPONSE',
        'The handler returned a response that cannot be sent.',
      );
      return;
    }
    this.queueEncoded(peer, RESPONSE_OK_ID, entry.channelIndex, entry.sendType, true, callId, bodyLen, -1);
  }

  private respondFailure(peer: Peer, entry: ProtocolEntry, callId: number, error: unknown): void {
    this.reportError(error, peer.id, entry.name);
    // Only errors that carry their own string `code` are meant for the caller; anything else may
    // reveal internals, so the caller learns only that the handler failed. Never a stack.
    const e = error as { code?: unknown; message?: unknown } | null;
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
      this.respondError(peer, entry, callId, e.code, e.message);
    } else {
      this.respondError(peer, entry, callId, 'HANDLER_FAILED', `The handler of '${entry.name}' failed.`);
    }
  }

  private respondError(
    peer: Peer,
    entry: ProtocolEntry,
    callId: number,
    code: string,
    message: string,
  ): void {
    if (peer.state !== 'connected' || this.closed) return;
    encodeValue([code.slice(0, MAX_ERROR_CODE), message.slice(0, MAX_ERROR_MESSAGE)]);
    const bodyLen = encodedEnd - encodedStart + varintSize(callId);
    this.queueEncoded(peer, RESPONSE_ERROR_ID, entry.channelIndex, entry.sendType, true, callId, bodyLen, -1);
  }

  private handleResponse(peer: Peer, id: number, data: Uint8Array, start: number, end: number): void {
    const callId = readVarint(data, start, end);
    if (callId < 0) {
      this.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    const call = this.settle(peer, callId);
    if (call === undefined) {
      // An id we issued whose call already timed out or was aborted: a late answer over a slow
      // link, not a violation (counting it would let a bad network kick honest peers).
      if (callId < peer.nextCallId || peer.callIdsWrapped) peer.counters.lateResponses++;
      else this.reject(peer, peer.id, 'unexpectedResponse', undefined);
      return;
    }
    const entry = call.entry;
    if (id === RESPONSE_OK_ID) {
      const value = this.decode(peer, entry.responseSchema, entry.name, data, varintEnd, end);
      if (value === REJECTED) {
        call.reject(
          new ValidationError(entry.name, [
            { message: 'the response failed decoding or validation', path: [] },
          ]),
        );
      } else {
        call.resolve(value);
      }
      return;
    }
    const value = this.decode(peer, null, entry.name, data, varintEnd, end);
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      value[0].length <= MAX_ERROR_CODE &&
      value[1].length <= MAX_ERROR_MESSAGE
    ) {
      call.reject(new RemoteError(entry.name, value[0], value[1]));
    } else {
      if (value !== REJECTED) this.reject(peer, peer.id, 'decodeFailed', entry.name);
      call.reject(
        new RemoteError(entry.name, 'BAD_RESPONSE', 'The remote answered with an unreadable error.'),
      );
    }
  }

  // ───────────────────────────── control ─────────────────────────────

  /** Handles a control packet; subclasses handle the handshake kinds and call this for the rest. */
  protected receiveControl(from: SteamId, data: Uint8Array): void {
    const peer = this.peers.get(from);
    if (peer === undefined) return;
    if (peer.state === 'connected') peer.lastHeard = this.now;
    switch (data[0]) {
      case ControlKind.Ping:
        if (peer.state === 'connected' && data.length === 9) {
          const pong = data.slice();
          pong[0] = ControlKind.Pong;
          this.sendControl(peer, pong, false);
        }
        return;
      case ControlKind.Pong: {
        const sent = readTime(data);
        const rtt = this.now - sent;
        // A peer could echo anything: only plausible samples count.
        if (peer.state === 'connected' && rtt >= 0 && rtt <= 60_000) peer.counters.addRtt(rtt);
        return;
      }
      case ControlKind.Bye: {
        const reader = new ControlReader(data, 1);
        const reason = reader.string() ?? 'left';
        const detail = reader.string() ?? '';
        this.onBye(peer, reason, detail);
        return;
      }
      default:
        return;
    }
  }

  /** The peer said goodbye. */
  protected abstract onBye(peer: Peer, reason: string, detail: string): void;

  /** A peer is gone (after its state was cleared); subclasses emit their events. */
  protected abstract onPeerGone(
    peer: Peer,
    reason: DisconnectReason,
    detail: string,
    wasConnected: boolean,
  ): void;

  /** Sends heartbeats, times out silent peers and stale handshakes. */
  private housekeeping(): void {
    const now = this.now;
    for (const peer of this.peers.values()) {
      if (peer.local !== null) continue;
      if (peer.state !== 'connected') {
        if (now >= peer.deadline) this.onHandshakeTimeout(peer);
        continue;
      }
      if (now - peer.lastHeard > this.heartbeatTimeoutMs) {
        this.removePeer(peer, 'timeout', '', null);
        continue;
      }
      if (now >= peer.nextPing) {
        peer.nextPing = now + this.heartbeatIntervalMs;
        this.sendControl(peer, timePacket(ControlKind.Ping, now), false);
      }
    }
  }

  /** A handshake did not complete in time. */
  protected abstract onHandshakeTimeout(peer: Peer): void;

  /** Creates and registers a peer. */
  protected addPeer(id: SteamId, local: Endpoint | null): Peer {
    const peer = new Peer(
      id,
      local,
      this.channelNumbers.length,
      this.protocol.entries.length,
      this.now,
      local === null ? this.rateLimits : false,
      this.maxMessageBytes,
    );
    this.peers.set(id, peer);
    return peer;
  }

  /**
   * Removes a peer: rejects its pending calls, frees its buffers, optionally says goodbye (the
   * session then closes after `lingerMs`, so the goodbye is delivered), and emits the subclass event.
   */
  protected removePeer(
    peer: Peer,
    reason: DisconnectReason,
    detail: string,
    bye: { reason: string; detail: string } | null,
  ): void {
    if (peer.state === 'closed') return;
    const wasConnected = peer.state === 'connected';
    if (bye !== null && wasConnected) {
      this.flushPeer(peer);
      this.sendControl(peer, controlPacket(ControlKind.Bye, [bye.reason, bye.detail]), true);
    }
    peer.state = 'closed';
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    if (peer.local === null) this.closeSessionLater(peer.id, bye !== null ? this.lingerMs : 0);
    for (const callId of [...peer.pending.keys()]) {
      const call = this.settle(peer, callId);
      call?.reject(new DisconnectedError(peer.id, reason));
    }
    peer.reassembler.clear();
    peer.queues.fill(undefined);
    peer.dirty.length = 0;
    peer.retry.length = 0;
    peer.retryBytes = 0;
    peer.early = null;
    this.onPeerGone(peer, reason, detail, wasConnected);
  }

  private flushPeer(peer: Peer): void {
    for (const q of peer.dirty) {
      q.dirty = false;
      this.flushQueue(peer, q);
    }
    peer.dirty.length = 0;
  }

  /** Closes the Steam session with `id`, now or after `delayMs` (unless the id became a peer again). */
  protected closeSessionLater(id: SteamId, delayMs: number): void {
    if (delayMs <= 0) {
      this.closeSessionQuietly(id);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      this.lingering.delete(timer);
      if (!this.peers.has(id)) this.closeSessionQuietly(id);
    }, delayMs);
    this.lingering.add(timer);
  }

  /**
   * Closes the Steam session with `id`. It runs from timers too, where a throw would be uncaught:
   * if the network is already gone (e.g. Steam shut down right after a goodbye), that is reported as
   * an `error` event instead.
   */
  protected closeSessionQuietly(id: SteamId): void {
    try {
      this.network.closeP2PSessionWithUser(id);
    } catch (error) {
      this.reportError(error, id, undefined);
    }
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

  /** Closes every lingering session at once (used when the endpoint shuts down for good). */
  protected cancelLingering(): void {
    for (const t of this.lingering) this.clock.clearTimeout(t as never);
    this.lingering.clear();
  }
}

/** Marker for "rejected, already counted" out of `decode`. */
const REJECTED: unique symbol = Symbol('rejected');

function positiveInt(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || Math.floor(value) !== value) {
    throw new RpcArgumentError(name, `${name} must be an integer ≥ ${min}, not ${String(value)}.`);
  }
  return value;
}
