/**
 * The receive pipeline: drain every channel (and the same-process inbox), then per packet one pass
 * that enforces (rate limits, framing, direction, channel, send type, size), tracks unreliable
 * sequences, reassembles fragments, decodes, validates and dispatches each frame to its message
 * handlers. Requests and responses are handed to the calls layer (`calls.ts`), control packets to
 * the session (`session.ts`).
 *
 * Hot-path rules: no closures or arrays per message, one pass per received packet.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { RpcArgumentError } from './errors.js';
import type { Peer } from './peer.js';
import { FIRST_ENTRY_ID, type Protocol, type ProtocolEntry } from './protocol.js';
import { validatePayload } from './schema.js';
import { SendingEndpoint } from './send.js';
import {
  decodeValue,
  PacketKind,
  readVarint,
  SEQ_MASK,
  scanMsgpack,
  UNRELIABLE_HEADER_BYTES,
  varintEnd,
} from './wire.js';

/** A typed message handler as stored (the public typed signatures live on Host and Client). */
type AnyHandler = (payload: unknown, peer: SteamId) => void;

/** Packets read per channel per update at most, so a flood cannot starve the game loop forever. */
const MAX_PACKETS_PER_CHANNEL = 100_000;

/** Marker for "rejected, already counted" out of `decode`. */
export const REJECTED: unique symbol = Symbol('rejected');

/** Signed distance from `b` to `a` in 15-bit sequence space. */
function seqDiff(a: number, b: number): number {
  return ((a - b + 0x4000) & SEQ_MASK) - 0x4000;
}

/**
 * The receiving layer of {@link Endpoint}. Internal.
 * @typeParam P the protocol.
 */
export abstract class ReceivingEndpoint<P extends Protocol = Protocol> extends SendingEndpoint<P> {
  private readonly messageHandlers: (AnyHandler[] | undefined)[] = new Array(
    this.protocol.entries.length,
  ).fill(undefined);
  /** Slot of each channel number (the protocol's channels, then the control channel). */
  private readonly slotOfChannel = new Map<number, number>(
    this.channelNumbers.map((channel, slot) => [channel, slot]),
  );
  /** The channels `drain` reads, control first, and their slots. */
  private readonly drainChannels = Int32Array.from([this.controlChannel, ...this.protocol.channels]);
  private readonly drainSlots = Int32Array.from([
    this.controlSlot,
    ...this.protocol.channels.map((_, i) => i),
  ]);

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

  /** The entry `name` of `kind` that this side receives, or a typed error (for `method`). */
  protected receivableEntry(name: string, kind: 'message' | 'request', method: string): ProtocolEntry {
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
  private mayReceive(entry: ProtocolEntry): boolean {
    return entry.from === 'any' || entry.from !== this.side;
  }

  protected drain(): void {
    const net = this.network;
    const channels = this.drainChannels;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      const slot = this.drainSlots[c]!;
      for (let n = 0; n < MAX_PACKETS_PER_CHANNEL; n++) {
        if (this.closed) return;
        // null is "nothing waiting"; 0 is an empty packet, which is read (and rejected) like any other
        // so that it cannot block this channel for every peer.
        const size = net.getAvailableP2PPacketSize(channel);
        if (size === null) break;
        const packet = net.readP2PPacket(size, channel);
        if (packet === null) break;
        try {
          this.receive(packet.remoteSteamId, channel, slot, packet.data);
        } catch (error) {
          this.reportError(error, packet.remoteSteamId, undefined);
        }
      }
    }
  }

  protected processInbox(): void {
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
  protected decode(
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

  /** Handles a control packet (handshake, heartbeats, goodbyes). */
  protected abstract receiveControl(from: SteamId, data: Uint8Array): void;

  /** A response frame (`id` below the first entry id) to a call we made. */
  protected abstract handleResponse(
    peer: Peer,
    id: number,
    data: Uint8Array,
    start: number,
    end: number,
  ): void;

  /** A decoded, validated request to answer. */
  protected abstract dispatchRequest(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void;
}
