/**
 * The peer record: one remote (or same-process) peer as an endpoint sees it. It holds two objects:
 * the {@link PeerSession} (everything this session owns: lifecycle, queues, sequences, reassembly,
 * pending calls, counters; bounded and dropped with the session) and the `PeerEnforcement` (rate
 * budgets, violations, requests in flight), kept apart so it can be keyed by SteamID and outlive a
 * reconnect. The record is plain data: the parts (`outbox.ts`, `inbox.ts`, `call-table.ts`,
 * `control.ts`) read and write it.
 * @packageDocumentation
 */
import type { P2PSend, SteamId } from '@steamwire/transport-steam';
import { type OutQueue, Reassembler } from './batch.js';
import type { PeerEnforcement } from './enforce.js';
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

/** Where packets for a same-process endpoint go: its inbox, processed on its next update. */
export interface LocalDelivery {
  /** Takes `data` (which the caller no longer touches) from `from` on `channel`. */
  deliverLocal(from: SteamId, channel: number, data: Uint8Array): void;
}

/** Lifecycle of a peer. */
export type PeerState = 'handshaking' | 'authenticating' | 'connected' | 'closed';

/** Everything one session with a peer holds, grouped by the part that uses it. */
export class PeerSession {
  state: PeerState = 'handshaking';

  // Control: heartbeats and the handshake deadline.
  lastHeard: number;
  nextPing: number;
  deadline = Number.POSITIVE_INFINITY;

  // Outbox: a batch queue per (channel slot, send type), the dirty ones, sequences, held packets.
  readonly queues: (OutQueue | undefined)[];
  readonly dirty: OutQueue[] = [];
  inDirtyList = false;
  readonly seqOut: Uint16Array;
  readonly retry: RetryPacket[] = [];
  retryBytes = 0;

  // Inbox: sequences, latest-wins state, reassembly, data that overtook the welcome.
  readonly seqIn: Int32Array;
  readonly latestSeq: Int32Array;
  readonly latestSerial: Float64Array;
  packetSerial = 0;
  readonly reassembler: Reassembler;
  early: LocalPacket[] | null = null;
  earlyBytes = 0;

  // Call table: calls we made.
  readonly pending = new Map<number, PendingCall>();
  nextCallId = 0;
  /** Every call id has been used once (ids wrap at 2^28). */
  callIdsWrapped = false;

  /** Traffic counters for `stats()`. */
  readonly counters: PeerCounters;

  constructor(slots: number, entries: number, now: number, maxMessageBytes: number) {
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
  }
}

/** One peer: its SteamID, how to reach it when it lives in this process, its session and enforcement. */
export class Peer {
  constructor(
    /** The peer's SteamID. */
    readonly id: SteamId,
    /** For the host's local client (and the client's local host): the other endpoint's inbox. */
    readonly local: LocalDelivery | null,
    /** This session's state. */
    readonly session: PeerSession,
    /** What enforcement remembers about this peer. */
    readonly enforcement: PeerEnforcement,
  ) {}
}
