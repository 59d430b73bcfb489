/**
 * One peer as an endpoint sees it: its lifecycle state and every piece of per-peer state the send,
 * receive and call paths keep (queues, sequences, reassembly, pending calls, rate buckets,
 * counters). All of it is bounded and dropped with the peer.
 * @packageDocumentation
 */
import type { P2PSend, SteamId } from '@steamwire/transport-steam';
import { type OutQueue, Reassembler } from './batch.js';
import { type RateLimitOptions, TokenBucket } from './enforce.js';
import type { ProtocolEntry } from './protocol.js';
import type { Endpoint } from './session.js';
import { PeerCounters } from './stats.js';

/** A call we made that awaits its response. */
export interface PendingCall {
  readonly entry: ProtocolEntry;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** One packet waiting because Steam pushed back (`limitExceeded`). */
export interface RetryPacket {
  readonly data: Uint8Array;
  readonly sendType: P2PSend;
  readonly channel: number;
}

/** A packet for an endpoint in the same process (the host's local client). */
export interface LocalPacket {
  readonly from: SteamId;
  readonly channel: number;
  readonly data: Uint8Array;
}

/** Lifecycle of a peer. */
export type PeerState = 'handshaking' | 'authenticating' | 'connected' | 'closed';

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
