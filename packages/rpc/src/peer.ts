/**
 * The peer record: one remote (or same-process) peer as an endpoint sees it. Its own fields are the
 * session state (lifecycle, queues, sequences, reassembly, pending calls, counters: bounded, and
 * dropped with the session); its `enforcement` is a separate object (rate budgets, violations,
 * requests in flight, from `enforce.ts`) so that it can be keyed by SteamID and outlive a
 * reconnect. The record is plain data: the parts (`outbox.ts`, `inbox.ts`, `dispatch.ts`,
 * `call-table.ts`, `control.ts`) read and write it.
 * @packageDocumentation
 */
import type { P2PSend, SteamId } from '@steamwire/transport-steam';
import { type OutQueue, Reassembler } from './batch.js';
import type { PeerEnforcement, TokenBucket } from './enforce.js';
import type { ProtocolEntry } from './protocol.js';
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

/** A packet for an endpoint in the same process (the host's local client), or held until a welcome. */
export interface LocalPacket {
  readonly from: SteamId;
  readonly channel: number;
  readonly data: Uint8Array;
}

/**
 * A packet (or what is left of one) waiting for its peer's next work budget, in arrival order:
 * `pos < 0` for a packet not started yet, else the frame it resumes at.
 */
export interface DeferredPacket {
  readonly channel: number;
  readonly slot: number;
  readonly data: Uint8Array;
  readonly pos: number;
  readonly end: number;
  readonly reliable: boolean;
  readonly seq: number;
}

/** Where packets for a same-process endpoint go: its inbox, processed on its next update. */
export interface LocalDelivery {
  /** Takes `data` (which the caller no longer touches) from `from` on `channel`. */
  deliverLocal(from: SteamId, channel: number, data: Uint8Array): void;
}

/** Lifecycle of a peer. */
export type PeerState = 'handshaking' | 'authenticating' | 'connected' | 'closed';

/**
 * One peer: its SteamID, how to reach it when it lives in this process, the session state grouped
 * by the part that uses it, and its enforcement state.
 */
export class Peer {
  // Fields in the order a received packet reads them, so that serving a peer touches few cache lines.
  state: PeerState = 'handshaking';
  /** The peer's SteamID. */
  readonly id: SteamId;
  /** For the host's local client (and the client's local host): the other endpoint's inbox. */
  readonly local: LocalDelivery | null;
  /** When anything was last heard from the peer (control: heartbeats). */
  lastHeard: number;
  /** Traffic counters for `stats()`. */
  readonly counters: PeerCounters;
  /**
   * The enforcement's two budgets, also held here: the inbox charges them on every packet and every
   * frame, and reaching them without going through {@link Peer.enforcement} saves a dependent load
   * (a cache miss when hundreds of peers are served) per packet.
   */
  readonly byteBucket: TokenBucket;
  readonly messageBucket: TokenBucket;

  // Inbox: sequences, latest-wins state, reassembly, data that overtook the welcome, data waiting
  // for the next work budget.
  readonly seqIn: Int32Array;
  packetSerial = 0;
  readonly latestSeq: Int32Array;
  readonly latestSerial: Float64Array;
  readonly reassembler: Reassembler;
  early: LocalPacket[] | null = null;
  earlyBytes = 0;
  /** Packets waiting for the next update's work budget, from {@link Peer.deferredHead} on. */
  deferred: DeferredPacket[] | null = null;
  deferredHead = 0;
  deferredBytes = 0;
  /** On the inbox's list of peers with packets waiting. */
  waitingListed = false;

  // Outbox: a batch queue per (channel slot, send type), the dirty ones, sequences, held packets.
  readonly queues: (OutQueue | undefined)[];
  readonly dirty: OutQueue[] = [];
  inDirtyList = false;
  readonly seqOut: Uint16Array;
  retryBytes = 0;
  readonly retry: RetryPacket[] = [];
  /** When Steam last took a packet for this peer while packets were held for a retry. */
  retrySince = 0;

  // Call table: calls we made.
  readonly pending = new Map<number, PendingCall>();
  nextCallId = 0;
  /** Every call id has been used once (ids wrap at 2^28). */
  callIdsWrapped = false;

  // Control: the next heartbeat and the handshake deadline.
  nextPing: number;
  deadline = Number.POSITIVE_INFINITY;

  /** What enforcement remembers about this peer (may later outlive the session). */
  readonly enforcement: PeerEnforcement;

  constructor(
    id: SteamId,
    local: LocalDelivery | null,
    enforcement: PeerEnforcement,
    slots: number,
    entries: number,
    now: number,
    maxMessageBytes: number,
  ) {
    this.id = id;
    this.local = local;
    this.enforcement = enforcement;
    this.byteBucket = enforcement.byteBucket;
    this.messageBucket = enforcement.messageBucket;
    this.queues = new Array(slots * 4).fill(undefined);
    // One allocation for the per-peer numbers touched on every packet (counters included), so that
    // serving hundreds of peers a tick costs a couple of cache lines per peer, not one per array.
    // Sequence state first, then the counters (per channel, per entry): the order a received packet
    // touches them.
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
    this.lastHeard = now;
    this.nextPing = now;
  }

  /** Drops what the session still buffers (the peer left); pending calls are the call table's. */
  release(): void {
    this.reassembler.clear();
    this.queues.fill(undefined);
    this.dirty.length = 0;
    this.retry.length = 0;
    this.retryBytes = 0;
    this.early = null;
    this.earlyBytes = 0;
    this.deferred = null;
    this.deferredHead = 0;
    this.deferredBytes = 0;
  }
}
