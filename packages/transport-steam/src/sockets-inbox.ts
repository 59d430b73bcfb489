/**
 * The Sockets backend's inbox: one `ReceiveMessagesOnPollGroup` call takes what every connection
 * received, on every lane, and sorts it into per-channel queues that `getAvailableP2PPacketSize` and
 * `readP2PPacket` serve. Each message is copied out (through {@link NativeHeap} views, or `koffi.decode`
 * where views cannot be made) and released at once, exactly once, even when a copy throws.
 * @packageDocumentation
 */

import type { P2PPacket } from './p2p.js';
import { PacketQueue } from './packet-queue.js';
import { SLAB_MAX_PACKET } from './slab.js';
import type { SocketsCore } from './sockets-core.js';
import { readVarint, SOCKETS_HEADER_LANE } from './sockets-mapping.js';
import type { SteamId } from './steam-id.js';

/** Most messages taken per receive call (more than a busy host's tick brings, so one call usually empties it). */
export const SOCKETS_RECEIVE_BATCH = 256;
/**
 * While this many messages or bytes wait in the queues, nothing more is taken from Steam: its own
 * receive buffer (RecvBufferMessages 1000, RecvBufferSize 1 MiB) then pushes back on the senders.
 */
const QUEUE_LIMIT_MESSAGES = 1000;
const QUEUE_LIMIT_BYTES = 1024 * 1024;
/**
 * After a receive that came back short, the next one waits for `runCallbacks` or this long (ms, a 60 Hz
 * frame): a drain loop over every channel then costs one receive call per frame even on a busy machine,
 * and a program that never calls `runCallbacks` still sees new packets within a frame.
 */
const DRAINED_MS = 16;
const SLAB_BYTES = 64 * 1024;
/** Payloads up to this size are copied byte by byte: cheaper than making a view to copy from. */
const SMALL_COPY = 32;
const EMPTY = new Uint8Array(0);

/** Who sent on a connection, and the channels seen from it. */
export interface InboxLink {
  readonly remote: SteamId;
  readonly channels: Set<number>;
}

/** Received packets by channel, filled from one poll group. */
export class Inbox {
  /** Receive calls made, messages taken, and messages dropped as malformed or from unknown connections. */
  receiveCalls = 0;
  received = 0;
  dropped = 0;
  private readonly core: SocketsCore;
  private readonly queues = new Map<number, PacketQueue>();
  private readonly pointers = new BigUint64Array(SOCKETS_RECEIVE_BATCH);
  private readonly pointerWords = new Uint32Array(this.pointers.buffer);
  /** Where small payloads are copied: shared 64 KiB slabs, as slab.ts explains. */
  private slab = new ArrayBuffer(SLAB_BYTES);
  private slabBytes = new Uint8Array(this.slab);
  private slabAt = 0;
  /** The connection of the previous message and its link: consecutive messages mostly share one. */
  private lastConnection = -1;
  private lastLink: InboxLink | undefined;
  private queuedMessages = 0;
  private queuedBytes = 0;
  private drainedAt = -1;

  constructor(core: SocketsCore) {
    this.core = core;
  }

  /** The queue of `channel`, made on first use. */
  queue(channel: number): PacketQueue {
    let q = this.queues.get(channel);
    if (q === undefined) {
      q = new PacketQueue();
      this.queues.set(channel, q);
    }
    return q;
  }

  /** Queues a packet that did not come through Steam (a send to ourselves). */
  push(channel: number, packet: P2PPacket): void {
    this.queue(channel).push(packet);
    this.queuedMessages++;
    this.queuedBytes += packet.data.byteLength;
  }

  /** Takes the next packet of `channel`, or undefined. */
  shift(channel: number): P2PPacket | undefined {
    const packet = this.queues.get(channel)?.shift();
    if (packet !== undefined) {
      this.queuedMessages--;
      this.queuedBytes -= packet.data.byteLength;
    }
    return packet;
  }

  /** Drops what `remote` sent, on one channel or all. */
  dropFrom(remote: SteamId, channel?: number): number {
    let count = 0;
    for (const [ch, q] of this.queues) {
      if (channel !== undefined && ch !== channel) continue;
      const gone = q.dropFrom(remote);
      count += gone.count;
      this.queuedMessages -= gone.count;
      this.queuedBytes -= gone.bytes;
    }
    return count;
  }

  /** Lets the next {@link pull} ask Steam again (a new frame began), and forgets the cached link. */
  rearm(): void {
    this.drainedAt = -1;
    this.lastConnection = -1;
    this.lastLink = undefined;
  }

  /**
   * Takes up to {@link SOCKETS_RECEIVE_BATCH} messages from `group` into the queues. After a receive that
   * came back short, Steam is not asked again until {@link rearm} or {@link DRAINED_MS} have passed, so
   * a drain loop over several channels costs one call per frame.
   */
  pull(group: number, linkOf: (connection: number) => InboxLink | undefined): void {
    if (this.drainedAt >= 0 && performance.now() - this.drainedAt < DRAINED_MS) return;
    if (this.queuedMessages >= QUEUE_LIMIT_MESSAGES || this.queuedBytes >= QUEUE_LIMIT_BYTES) return;
    const { core } = this;
    this.receiveCalls++;
    const count = Math.min(
      core.fn.ReceiveMessagesOnPollGroup(core.self, group, this.pointers, SOCKETS_RECEIVE_BATCH),
      SOCKETS_RECEIVE_BATCH,
    );
    this.drainedAt = count < SOCKETS_RECEIVE_BATCH ? performance.now() : -1;
    if (count <= 0) return;
    const words = this.pointerWords;
    let failure: unknown;
    for (let i = 0; i < count; i++) {
      const address = words[2 * i]! + words[2 * i + 1]! * 0x1_0000_0000;
      if (address === 0) continue;
      try {
        if (failure === undefined) this.take(address, linkOf);
      } catch (err) {
        failure = err;
      } finally {
        core.fn.Message_Release(address);
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Copies one message into its channel's queue. */
  private take(address: number, linkOf: (connection: number) => InboxLink | undefined): void {
    const heap = this.core.heap;
    const at = heap.find(address, 216);
    if (at < 0) {
      this.takeSlow(address, linkOf);
      return;
    }
    const w = heap.words;
    const o = at >> 2;
    const dataAddress = w[o]! + w[o + 1]! * 0x1_0000_0000;
    const size = Math.max(0, w[o + 2]! | 0);
    const connection = w[o + 3]!;
    let link = this.lastLink;
    if (connection !== this.lastConnection) {
      link = linkOf(connection);
      this.lastConnection = connection;
      this.lastLink = link;
    }
    const lane = heap.bytes[at + 208]! | (heap.bytes[at + 209]! << 8);
    if (link === undefined) {
      this.dropped++;
      return;
    }
    if (size === 0 || dataAddress === 0) {
      this.deliver(link, lane, EMPTY, 0, 0);
      return;
    }
    const d = heap.find(dataAddress, size);
    if (d < 0) this.deliver(link, lane, this.core.copyBytes(dataAddress, size), 0, size);
    else this.deliver(link, lane, heap.bytes, d, d + size);
  }

  private takeSlow(address: number, linkOf: (connection: number) => InboxLink | undefined): void {
    const m = this.core.readMessage(address);
    const link = linkOf(m.connection);
    if (link === undefined) {
      this.dropped++;
      return;
    }
    this.deliver(link, m.lane, m.data, 0, m.data.byteLength);
  }

  /** Queues `bytes[start..end)` from `link` on the channel its lane (and header) says. */
  private deliver(link: InboxLink, lane: number, bytes: Uint8Array, start: number, end: number): void {
    let channel = lane;
    let from = start;
    if (lane >= SOCKETS_HEADER_LANE) {
      const header = lane === SOCKETS_HEADER_LANE ? readVarint(bytes, start, end) : null;
      // A message on a lane we never use, or with a bad channel number: a broken or hostile peer.
      if (header === null) {
        this.dropped++;
        return;
      }
      channel = header[0];
      from = start + header[1];
    }
    const n = end - from;
    let data: Uint8Array;
    if (n <= 0) data = EMPTY;
    else if (n <= SLAB_MAX_PACKET) {
      if (this.slabAt + n > SLAB_BYTES) {
        this.slab = new ArrayBuffer(SLAB_BYTES);
        this.slabBytes = new Uint8Array(this.slab);
        this.slabAt = 0;
      }
      const at = this.slabAt;
      const slab = this.slabBytes;
      // The constructor, not `subarray`: V8's subarray looks up a species constructor on every call.
      data = new Uint8Array(this.slab, at, n);
      if (n <= SMALL_COPY) for (let i = 0; i < n; i++) slab[at + i] = bytes[from + i]!;
      else slab.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, n), at);
      this.slabAt = at + ((n + 7) & ~7);
    } else data = bytes.slice(from, end);
    link.channels.add(channel);
    this.queue(channel).push({ data, remoteSteamId: link.remote });
    this.queuedMessages++;
    this.queuedBytes += n;
    this.received++;
  }
}
