/**
 * Batching: frames queued per (peer, channel, send type) are written straight into one reusable
 * packet buffer and sent as one packet per flush (or earlier when the buffer reaches the send type's
 * limit). Reliable messages above one packet are split into fragments and reassembled on the other
 * side within a bounded budget.
 * @packageDocumentation
 */
import type { P2PSend } from '@steamwire/transport-steam';
import {
  PacketKind,
  RELIABLE_HEADER_BYTES,
  UNRELIABLE_HEADER_BYTES,
  varintSize,
  writeVarint,
} from './wire.js';

/** First capacity of a queue's packet buffer; it doubles up to the send type's limit as needed. */
const INITIAL_CAPACITY = 1536;

/** The frames waiting for one (peer, channel, send type), already encoded into a packet buffer. */
export class OutQueue {
  /** The packet being built: header, then frames. */
  buf: Uint8Array;
  /** Bytes used in {@link buf}; 0 when empty (no header written yet). */
  len = 0;
  /** Frames in the packet. */
  frames = 0;
  /** Whether the queue is on its peer's dirty list. */
  dirty = false;
  private lastTagPos = 0;
  private lastLenPos = 0;
  private lastLenBytes = 0;
  /** Bytes before the first frame. */
  readonly headerBytes: number;

  constructor(
    /** Steam channel. */
    readonly channel: number,
    /** Index of the channel among the endpoint's channels (for stats). */
    readonly channelSlot: number,
    /** Steam send type. */
    readonly sendType: P2PSend,
    /** True for the reliable send types. */
    readonly reliable: boolean,
    /** Largest packet this send type allows. */
    readonly limit: number,
  ) {
    this.headerBytes = reliable ? RELIABLE_HEADER_BYTES : UNRELIABLE_HEADER_BYTES;
    this.buf = new Uint8Array(Math.min(INITIAL_CAPACITY, limit));
  }

  /** True when a frame of `frameSize` bytes fits in the current packet. */
  hasRoom(frameSize: number): boolean {
    return (this.len === 0 ? this.headerBytes : this.len) + frameSize <= this.limit;
  }

  /**
   * Writes a frame header for `id` with a body of `bodyLen` bytes and returns where the body goes.
   * The caller checked {@link hasRoom} and writes exactly `bodyLen` bytes there.
   */
  beginFrame(id: number, bodyLen: number): number {
    const tag = id * 2 + 1;
    const frameSize = varintSize(tag) + varintSize(bodyLen) + bodyLen;
    if (this.len === 0) {
      this.ensure(this.headerBytes + frameSize);
      this.buf[0] = this.reliable ? PacketKind.Reliable : PacketKind.Unreliable;
      this.len = this.headerBytes;
    } else {
      this.ensure(this.len + frameSize);
    }
    this.lastTagPos = this.len;
    this.lastLenPos = writeVarint(this.buf, this.len, tag);
    const bodyPos = writeVarint(this.buf, this.lastLenPos, bodyLen);
    this.lastLenBytes = bodyPos - this.lastLenPos;
    this.len = bodyPos + bodyLen;
    this.frames++;
    return bodyPos;
  }

  /**
   * Finishes the packet: the last frame loses its length (it runs to the end of the packet) and an
   * unreliable packet gets `seq`. Returns a view of the packet, valid until the next write.
   */
  finish(seq: number): Uint8Array {
    const buf = this.buf;
    // Clear the has-length bit of the last tag; a varint's size depends only on its high bits.
    buf[this.lastTagPos] = buf[this.lastTagPos]! & ~1;
    buf.copyWithin(this.lastLenPos, this.lastLenPos + this.lastLenBytes, this.len);
    this.len -= this.lastLenBytes;
    if (!this.reliable) {
      buf[0] = PacketKind.Unreliable | ((seq >>> 8) & 0x7f);
      buf[1] = seq & 0xff;
    }
    return buf.subarray(0, this.len);
  }

  /** Empties the queue (the buffer is kept for the next packet). */
  reset(): void {
    this.len = 0;
    this.frames = 0;
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < size) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.limit));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/**
 * Splits one frame (as it would sit alone in a reliable packet, without the kind byte) into
 * fragment packets of at most `limit` bytes each.
 */
export function fragmentFrame(frame: Uint8Array, limit: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  const total = frame.length;
  let offset = 0;
  while (offset < total) {
    const first = offset === 0;
    const header = first ? 1 + varintSize(total) : 1;
    const chunk = Math.min(limit - header, total - offset);
    const packet = new Uint8Array(header + chunk);
    packet[0] = first ? PacketKind.FragmentFirst : PacketKind.FragmentNext;
    if (first) writeVarint(packet, 1, total);
    packet.set(frame.subarray(offset, offset + chunk), header);
    packets.push(packet);
    offset += chunk;
  }
  return packets;
}

/** One message being reassembled from fragments on one channel. */
export interface Reassembly {
  /** Holds the whole message once complete. */
  readonly buf: Uint8Array;
  /** Bytes received so far. */
  filled: number;
}

/** Reassembly state of one peer: at most one message per channel, within a byte budget. */
export class Reassembler {
  private readonly slots: (Reassembly | undefined)[];
  /** Bytes currently reserved by incomplete messages. */
  reserved = 0;

  constructor(
    channelSlots: number,
    /** Largest message accepted. */
    private readonly maxMessageBytes: number,
    /** Largest total of incomplete messages at once. */
    private readonly budgetBytes: number,
  ) {
    this.slots = new Array(channelSlots).fill(undefined);
  }

  /**
   * Starts a message of `total` bytes on `slot`. Any incomplete one there is dropped.
   * @returns false when `total` is above the maximum or the budget.
   */
  start(slot: number, total: number): boolean {
    this.drop(slot);
    if (total <= 0 || total > this.maxMessageBytes || this.reserved + total > this.budgetBytes) return false;
    this.slots[slot] = { buf: new Uint8Array(total), filled: 0 };
    this.reserved += total;
    return true;
  }

  /**
   * Appends `data[start, end)` to the message on `slot`.
   * @returns the complete message, `null` while incomplete, or `undefined` when there is no message
   *   in progress or the data overflows it (the message is dropped).
   */
  append(slot: number, data: Uint8Array, start: number, end: number): Uint8Array | null | undefined {
    const r = this.slots[slot];
    if (r === undefined) return undefined;
    const n = end - start;
    if (r.filled + n > r.buf.length) {
      this.drop(slot);
      return undefined;
    }
    r.buf.set(data.subarray(start, end), r.filled);
    r.filled += n;
    if (r.filled < r.buf.length) return null;
    this.slots[slot] = undefined;
    this.reserved -= r.buf.length;
    return r.buf;
  }

  /** Forgets the message in progress on `slot`, if any. */
  drop(slot: number): void {
    const r = this.slots[slot];
    if (r === undefined) return;
    this.slots[slot] = undefined;
    this.reserved -= r.buf.length;
  }

  /** Forgets everything (the peer left). */
  clear(): void {
    this.slots.fill(undefined);
    this.reserved = 0;
  }
}
