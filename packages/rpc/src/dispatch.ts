/**
 * The frame dispatcher, the top of the receive side: judges one frame against its declaration
 * (known id, direction, channel, send type, size), applies latest-wins ordering, reads the payload,
 * and hands it to the message handlers, or a request or response to the call table.
 *
 * Hot-path rules: no closures or arrays per message.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { RejectReason } from './enforce.js';
import type { EndpointConfig } from './options.js';
import { type PayloadReader, REJECTED } from './payload.js';
import type { Peer } from './peer.js';
import { FIRST_ENTRY_ID, type ProtocolEntry } from './protocol.js';
import type { Reporter } from './report.js';
import type { Side } from './types.js';
import { SEQ_MASK, VarintReader } from './wire.js';

/** A message handler as stored (the typed signatures live on Host and Client). */
export type AnyHandler = (payload: unknown, peer: SteamId) => void;

/** Where requests to answer and responses to our calls go (the call table). */
export interface RequestSink {
  /** A decoded, validated request `entry` from `peer`, to answer under `callId`. */
  handleRequest(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void;
  /** Request `entry` from `peer` under `callId` was refused (already counted) for `reason`: say so. */
  refused(peer: Peer, entry: ProtocolEntry, callId: number, reason: RejectReason): void;
  /** A response frame (`id` below the first entry id) in `data[start, end)`. */
  handleResponse(peer: Peer, id: number, data: Uint8Array, start: number, end: number): void;
}

/** Signed distance from `b` to `a` in 15-bit sequence space. */
export function seqDiff(a: number, b: number): number {
  return ((a - b + 0x4000) & SEQ_MASK) - 0x4000;
}

/** Judges and dispatches the frames one endpoint receives. */
export class Dispatcher {
  private readonly handlers: (AnyHandler[] | undefined)[];
  private readonly varint = new VarintReader();
  // Copied out of the config: read for every frame.
  private readonly entries: readonly ProtocolEntry[];
  private readonly side: Side;
  private readonly maxMessageBytes: number;

  constructor(
    config: EndpointConfig,
    private readonly reporter: Reporter,
    private readonly payloads: PayloadReader,
    private readonly requests: RequestSink,
  ) {
    this.entries = config.protocol.entries;
    this.side = config.side;
    this.maxMessageBytes = config.maxMessageBytes;
    this.handlers = new Array(this.entries.length).fill(undefined);
  }

  /** True when this side may receive `entry` (the other side, or anyone, sends it). */
  mayReceive(entry: ProtocolEntry): boolean {
    return entry.from === 'any' || entry.from !== this.side;
  }

  /** Adds a handler of message `entry`. */
  addHandler(entry: ProtocolEntry, handler: AnyHandler): void {
    const list = this.handlers[entry.index] ?? [];
    // Copy on write: a handler that unsubscribes during dispatch does not disturb the loop.
    this.handlers[entry.index] = [...list, handler];
  }

  /** Removes a handler of message `entry`. */
  removeHandler(entry: ProtocolEntry, handler: AnyHandler): void {
    const list = this.handlers[entry.index];
    if (list === undefined) return;
    const next = list.filter((h) => h !== handler);
    this.handlers[entry.index] = next.length > 0 ? next : undefined;
  }

  /**
   * One frame of `peer` with id `id` and body `data[start, end)`, from a packet on `channel` sent
   * reliably or not (then with sequence `seq`). `frameBytes` counts its framing too.
   */
  frame(
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
      this.requests.handleResponse(peer, id, data, start, end);
      return;
    }
    const entry = this.entries[id - FIRST_ENTRY_ID];
    const reporter = this.reporter;
    if (entry === undefined) {
      reporter.reject(peer, peer.id, 'unknownMessage', undefined);
      return;
    }
    const name = entry.name;
    // A request's call id comes first, so that a refusal can be answered under it.
    let callId = -1;
    if (entry.kind === 'request') {
      callId = this.varint.read(data, start, end);
      if (callId < 0) {
        reporter.reject(peer, peer.id, 'malformed', name);
        return;
      }
    }
    if (!this.mayReceive(entry)) {
      this.refuse(peer, entry, callId, 'wrongDirection');
      return;
    }
    if (entry.channel !== channel) {
      this.refuse(peer, entry, callId, 'wrongChannel');
      return;
    }
    if (entry.reliable !== reliable) {
      this.refuse(peer, entry, callId, 'wrongSendType');
      return;
    }
    if (end - start > this.maxMessageBytes) {
      this.refuse(peer, entry, callId, 'tooLarge');
      return;
    }
    const m = peer.counters.entry;
    m[entry.index * 4]!++;
    m[entry.index * 4 + 1]! += frameBytes;
    if (callId >= 0) {
      start = this.varint.end;
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
    const value = this.payloads.read(peer, entry.schema, entry.limits, name, data, start, end);
    if (value === REJECTED) {
      if (callId >= 0) this.requests.refused(peer, entry, callId, reporter.lastReason);
      return;
    }
    if (entry.kind === 'message') this.dispatchMessage(peer, entry, value);
    else this.requests.handleRequest(peer, entry, callId, value);
  }

  /**
   * A frame with id `id` and body `data[start, end)` was refused for `reason` before it reached
   * {@link Dispatcher.frame} (over the message budget): counts it and, for a request, answers it.
   */
  refuseFrame(
    peer: Peer,
    id: number,
    data: Uint8Array,
    start: number,
    end: number,
    reason: RejectReason,
  ): void {
    const entry = this.entries[id - FIRST_ENTRY_ID];
    this.reporter.reject(peer, peer.id, reason, entry?.name);
    if (entry?.kind !== 'request') return;
    const callId = this.varint.read(data, start, end);
    if (callId >= 0) this.requests.refused(peer, entry, callId, reason);
  }

  /** Counts a refusal of `entry` and, for a request (`callId` ≥ 0), answers it. */
  private refuse(peer: Peer, entry: ProtocolEntry, callId: number, reason: RejectReason): void {
    this.reporter.reject(peer, peer.id, reason, entry.name);
    if (callId >= 0) this.requests.refused(peer, entry, callId, reason);
  }

  private dispatchMessage(peer: Peer, entry: ProtocolEntry, value: unknown): void {
    const handlers = this.handlers[entry.index];
    if (handlers === undefined) {
      peer.counters.unhandled++;
      return;
    }
    for (let i = 0; i < handlers.length; i++) {
      try {
        handlers[i]!(value, peer.id);
      } catch (error) {
        this.reporter.error(error, peer.id, entry.name);
      }
    }
  }
}
