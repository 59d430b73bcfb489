/**
 * The Sockets backend's outbox: the packets of one tick, copied at `sendP2PPacket` time (the seam's
 * promise) and handed to Steam in one `SendMessages` call per flush. A flush costs one
 * `AllocateMessage` per packet plus one `SendMessages`; the payloads and the message fields are written
 * into Steam's buffers from JavaScript through {@link NativeHeap} views, without a call per copy.
 * The staged copies stay until the results are read, so packets Steam refused because their
 * connection died in the meantime can be sent again on a new connection.
 * @packageDocumentation
 */
import { SLAB_MAX_PACKET } from './slab.js';
import type { SocketsCore } from './sockets-core.js';
import { SteamNetworkingError } from './sockets-errors.js';
import { writeVarint } from './sockets-mapping.js';

/** Most packets one `SendMessages` call carries; a fuller tick flushes early. */
export const OUTBOX_BATCH = 256;

/** What a refused packet was, so it can be sent again or counted. */
export interface StagedPacket<L> {
  readonly link: L;
  /** The Steam message: a channel header (channels ≥ 7) and the payload. */
  readonly bytes: Uint8Array;
  /** Where the payload starts in {@link bytes}. */
  readonly payloadAt: number;
  readonly sendType: number;
  readonly channel: number;
}

const SLAB_BYTES = 64 * 1024;

/** Packets waiting for the next flush. */
export class Outbox<L> {
  /** Packets handed to Steam and flushes so far (diagnostics). */
  sent = 0;
  flushes = 0;
  private readonly core: SocketsCore;
  /** Where copies are staged: shared 64 KiB slabs (see slab.ts), one per batch or so. */
  private slab = new ArrayBuffer(SLAB_BYTES);
  private slabAt = 0;
  // One packet per index, in parallel arrays: no object per packet on the hot path.
  private readonly handles = new Uint32Array(OUTBOX_BATCH);
  private readonly flags = new Int32Array(OUTBOX_BATCH);
  private readonly lanes = new Uint16Array(OUTBOX_BATCH);
  private readonly payloadAt = new Uint8Array(OUTBOX_BATCH);
  private readonly sendTypes = new Uint8Array(OUTBOX_BATCH);
  private readonly channels = new Int32Array(OUTBOX_BATCH);
  private readonly links: (L | undefined)[] = new Array(OUTBOX_BATCH);
  private readonly bytes: (Uint8Array | undefined)[] = new Array(OUTBOX_BATCH);
  /** The message pointers for `SendMessages`, as uint32 halves (no BigInt per packet). */
  private readonly pointers = new Uint32Array(OUTBOX_BATCH * 2);
  private readonly results = new BigInt64Array(OUTBOX_BATCH);
  private readonly resultWords = new Int32Array(this.results.buffer);
  private n = 0;

  constructor(core: SocketsCore) {
    this.core = core;
  }

  /** Packets staged and not yet flushed. */
  get size(): number {
    return this.n;
  }

  /** True when the outbox is full and must be flushed before the next {@link stage}. */
  get full(): boolean {
    return this.n === OUTBOX_BATCH;
  }

  /**
   * Copies a `channelHeader`-byte varint of `channel` and then `data` into the outbox, for `handle`.
   */
  stage(
    link: L,
    handle: number,
    flags: number,
    lane: number,
    channelHeader: number,
    channel: number,
    sendType: number,
    data: Uint8Array,
  ): void {
    const size = channelHeader + data.byteLength;
    let bytes: Uint8Array;
    if (size > SLAB_MAX_PACKET) bytes = new Uint8Array(size);
    else {
      if (this.slabAt + size > SLAB_BYTES) {
        this.slab = new ArrayBuffer(SLAB_BYTES);
        this.slabAt = 0;
      }
      // The constructor, not `subarray`: V8's subarray looks up a species constructor on every call.
      bytes = new Uint8Array(this.slab, this.slabAt, size);
      this.slabAt += (size + 7) & ~7;
    }
    if (channelHeader > 0) writeVarint(bytes, channel);
    bytes.set(data, channelHeader);
    const i = this.n++;
    this.handles[i] = handle;
    this.flags[i] = flags;
    this.lanes[i] = lane;
    this.payloadAt[i] = channelHeader;
    this.sendTypes[i] = sendType;
    this.channels[i] = channel;
    this.links[i] = link;
    this.bytes[i] = bytes;
  }

  /** Drops the staged packets of `link` (its session was closed: its queued data goes). */
  drop(link: L): void {
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.links[i] === link) continue;
      this.handles[kept] = this.handles[i]!;
      this.flags[kept] = this.flags[i]!;
      this.lanes[kept] = this.lanes[i]!;
      this.payloadAt[kept] = this.payloadAt[i]!;
      this.sendTypes[kept] = this.sendTypes[i]!;
      this.channels[kept] = this.channels[i]!;
      this.links[kept] = this.links[i];
      this.bytes[kept++] = this.bytes[i];
    }
    this.clear(kept, this.n);
    this.n = kept;
  }

  /**
   * Hands every staged packet to Steam in one `SendMessages` call. `refused` is called for each packet
   * Steam did not take, with its `EResult`, after all results are in.
   */
  flush(refused: (packet: StagedPacket<L>, result: number, handle: number) => void): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const { core } = this;
    const { fn, utilsFn } = core;
    const pointers = this.pointers;
    let allocated = 0;
    try {
      for (; allocated < n; allocated++) {
        const bytes = this.bytes[allocated]!;
        const address = utilsFn.AllocateMessage(core.utils, bytes.byteLength);
        if (address === 0) {
          throw new SteamNetworkingError(
            'ALLOCATE_FAILED',
            'Steam could not allocate a message buffer: free memory, or send less per tick.',
          );
        }
        core.writeOutgoing(
          address,
          this.handles[allocated]!,
          this.flags[allocated]!,
          this.lanes[allocated]!,
          bytes,
        );
        pointers[allocated * 2] = address >>> 0;
        pointers[allocated * 2 + 1] = Math.floor(address / 0x1_0000_0000);
      }
    } catch (err) {
      // Nothing was handed over: release what was allocated, keep nothing half-sent.
      for (let i = 0; i < allocated; i++)
        fn.Message_Release(pointers[i * 2]! + pointers[i * 2 + 1]! * 0x1_0000_0000);
      this.clear(0, n);
      throw err;
    }
    // From here Steam owns every message, sent or refused (SDK 1.62 SendMessages semantics).
    fn.SendMessages(core.self, n, pointers, this.results);
    this.flushes++;
    this.sent += n;
    const words = this.resultWords;
    let failures: [StagedPacket<L>, number, number][] | null = null;
    for (let i = 0; i < n; i++) {
      // A message number (> 0) or -EResult: negative results have a negative high word.
      if (words[i * 2 + 1]! >= 0 && (words[i * 2]! !== 0 || words[i * 2 + 1]! !== 0)) continue;
      failures ??= [];
      const packet: StagedPacket<L> = {
        link: this.links[i]!,
        bytes: this.bytes[i]!,
        payloadAt: this.payloadAt[i]!,
        sendType: this.sendTypes[i]!,
        channel: this.channels[i]!,
      };
      failures.push([packet, -words[i * 2]!, this.handles[i]!]);
    }
    this.clear(0, n);
    if (failures !== null) for (const [packet, result, handle] of failures) refused(packet, result, handle);
  }

  /** Lets go of the links and copies of slots [from, to), so nothing is kept alive by the outbox. */
  private clear(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      this.links[i] = undefined;
      this.bytes[i] = undefined;
    }
  }
}
