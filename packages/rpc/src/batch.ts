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

/**
 * Unreliable frames share a packet only up to this many bytes (Steam's unreliable packet size on the
 * legacy and Messages backends). Sockets allows 512 KiB, but Steam splits such a packet into ~1200-byte
 * datagrams and losing any one of them loses every message in it; a single larger frame still goes
 * alone where the backend allows it.
 */
export const UNRELIABLE_BATCH_BYTES = 1200;

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
  /** The view {@link finish} returned last, reused when the next packet has the same place and size. */
  private view: Uint8Array | null = null;
  /** A broadcast's packet this queue holds instead of a copy (see {@link adoptShared}). */
  private shared: SharedPacket | null = null;
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

  /**
   * True when a frame of `frameSize` bytes fits in the current packet: within the send type's limit,
   * and for unreliable frames joining others, within {@link UNRELIABLE_BATCH_BYTES}.
   */
  hasRoom(frameSize: number): boolean {
    if (this.len === 0) return this.headerBytes + frameSize <= this.limit;
    return (
      this.len + frameSize <= (this.reliable ? this.limit : Math.min(this.limit, UNRELIABLE_BATCH_BYTES))
    );
  }

  /**
   * Writes a frame header for `id` with a body of `bodyLen` bytes and returns where the body goes.
   * The caller checked {@link hasRoom} and writes exactly `bodyLen` bytes there.
   */
  beginFrame(id: number, bodyLen: number): number {
    if (this.shared !== null) this.materialize();
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
    const shared = this.shared;
    if (shared !== null) {
      // The packet is complete already; only an unreliable one's sequence number is ours. The
      // caller hands it to Steam (which copies it) before the next queue rewrites these two bytes.
      const packet = shared.packet;
      if (!this.reliable) {
        packet[0] = PacketKind.Unreliable | ((seq >>> 8) & 0x7f);
        packet[1] = seq & 0xff;
      }
      return packet;
    }
    const buf = this.buf;
    // Clear the has-length bit of the last tag; a varint's size depends only on its high bits.
    buf[this.lastTagPos] = buf[this.lastTagPos]! & ~1;
    if (!this.reliable) {
      buf[0] = PacketKind.Unreliable | ((seq >>> 8) & 0x7f);
      buf[1] = seq & 0xff;
    }
    // Dropping the length bytes means moving either what precedes them (header, earlier frames,
    // tag) right, or the last body left: move the shorter side. A packet holding one large message
    // (a snapshot) then moves its 3-4 header bytes instead of the whole body.
    const cut = this.lastLenBytes;
    const lenPos = this.lastLenPos;
    const end = this.len;
    let start = 0;
    if (lenPos <= end - lenPos - cut) {
      for (let i = lenPos - 1; i >= 0; i--) buf[i + cut] = buf[i]!;
      start = cut;
    } else {
      buf.copyWithin(lenPos, lenPos + cut, end);
    }
    this.len = end - cut;
    const view = this.view;
    // The same packet shape as last time (steady inputs, snapshots): reuse the view.
    if (view !== null && view.byteOffset === start && view.length === this.len && view.buffer === buf.buffer)
      return view;
    this.view = buf.subarray(start, start + this.len);
    return this.view;
  }

  /** Empties the queue (the buffer is kept for the next packet). */
  reset(): void {
    this.len = 0;
    this.frames = 0;
    this.shared = null;
  }

  /**
   * Makes the empty queue hold `shared` (one frame, built once for every peer of a broadcast) by
   * reference: nothing is copied unless another frame joins it before the flush.
   */
  adoptShared(shared: SharedPacket): void {
    this.shared = shared;
    // What the frame will take once materialized (with its length), so hasRoom stays exact.
    this.len = shared.packet.length + varintSize(shared.bodyLen);
    this.frames = 1;
  }

  /** Turns a shared packet back into an ordinary frame in this queue's buffer, so more can follow. */
  private materialize(): void {
    const s = this.shared!;
    this.shared = null;
    this.len = 0;
    this.frames = 0;
    const pos = this.beginFrame(s.id, s.bodyLen);
    this.buf.set(s.packet.subarray(s.packet.length - s.bodyLen), pos);
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
 * One message's packet built once for many peers (a broadcast): the packet header, the frame's
 * tag without a length (it is the last frame), and the body. Queues that were empty hold it by
 * reference; {@link OutQueue.finish} writes each peer's sequence number into it just before the send.
 */
export class SharedPacket {
  /** The whole packet. */
  readonly packet: Uint8Array;
  /** Bytes of the body (the packet's last bytes). */
  readonly bodyLen: number;

  /**
   * @param body the encoded body, copied once.
   */
  constructor(
    /** Frame id. */
    readonly id: number,
    reliable: boolean,
    body: Uint8Array,
  ) {
    this.bodyLen = body.length;
    const header = reliable ? RELIABLE_HEADER_BYTES : UNRELIABLE_HEADER_BYTES;
    this.packet = new Uint8Array(header + varintSize(id * 2) + body.length);
    this.packet[0] = reliable ? PacketKind.Reliable : PacketKind.Unreliable;
    const pos = writeVarint(this.packet, header, id * 2);
    this.packet.set(body, pos);
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
  /**
   * The bytes received so far; grows with them up to {@link Reassembly.total} and holds the whole
   * message once complete.
   */
  buf: Uint8Array;
  /** The message's declared size. */
  readonly total: number;
  /** Bytes received so far. */
  filled: number;
}

const NO_BYTES = new Uint8Array(0);

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
    // Memory follows the bytes that actually arrive: allocating `total` up front would let a peer
    // make us allocate (and zero) 4 MiB for every 6-byte packet declaring a big message.
    this.slots[slot] = { buf: NO_BYTES, total, filled: 0 };
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
    if (r.filled + n > r.total) {
      this.drop(slot);
      return undefined;
    }
    if (r.filled + n > r.buf.length) {
      const grown = new Uint8Array(Math.min(r.total, Math.max(r.filled + n, r.buf.length * 2)));
      grown.set(r.buf.subarray(0, r.filled));
      r.buf = grown;
    }
    r.buf.set(data.subarray(start, end), r.filled);
    r.filled += n;
    if (r.filled < r.total) return null;
    this.slots[slot] = undefined;
    this.reserved -= r.total;
    return r.buf;
  }

  /** Bytes actually held by incomplete messages (at most {@link Reassembler.reserved}). */
  get bufferedBytes(): number {
    let n = 0;
    for (const r of this.slots) n += r?.buf.length ?? 0;
    return n;
  }

  /** Forgets the message in progress on `slot`, if any. */
  drop(slot: number): void {
    const r = this.slots[slot];
    if (r === undefined) return;
    this.slots[slot] = undefined;
    this.reserved -= r.total;
  }

  /** Forgets everything (the peer left). */
  clear(): void {
    this.slots.fill(undefined);
    this.reserved = 0;
  }
}
