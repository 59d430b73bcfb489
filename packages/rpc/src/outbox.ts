/**
 * The outbox, the send side of an endpoint: encode → frame → batch → fragment → send. Messages are
 * encoded once, framed into a per-(peer, channel, send type) packet buffer, flushed at the end of
 * each update, split into fragments when a reliable message is bigger than a packet, and handed to
 * Steam (or to a same-process endpoint's inbox). Reliable packets Steam refuses for back-pressure
 * are held and retried, in order, on the next flush.
 *
 * Hot-path rules: no closures or arrays per message; the encoded bytes are copied once, into a
 * reusable packet buffer (or not at all, when a broadcast shares one packet); the peers and queues
 * to flush are kept on lists so a flush never walks idle ones.
 *
 * Back-pressure is bounded: while a peer has reliable packets held, its unreliable ones are dropped
 * (counted as send failures) rather than queued behind them; the held bytes are capped; and a peer
 * whose Steam queue stays full (no packet taken for `heartbeatTimeoutMs`, or the cap reached) is
 * handed to the endpoint, which drops it as `timeout`. A flush walks each dirty peer once, so a
 * peer that stays blocked waits for the next flush instead of spinning this one.
 * @packageDocumentation
 */
import { type P2PNetworking, P2PSend, type SteamId } from '@steamwire/transport-steam';
import { fragmentFrame, OutQueue, SharedPacket } from './batch.js';
import { Encoder } from './codec.js';
import type { EndpointState } from './endpoint-state.js';
import { EncodeError, MessageTooComplexError, MessageTooLargeError } from './errors.js';
import { SCAN_TOO_COMPLEX, scanMsgpack } from './msgpack-scan.js';
import type { EndpointConfig } from './options.js';
import type { Peer } from './peer.js';
import type { ProtocolEntry } from './protocol.js';
import { RELIABLE_HEADER_BYTES, SEQ_MASK, UNRELIABLE_HEADER_BYTES, varintSize, writeVarint } from './wire.js';

/** Bytes held for one peer while Steam refuses them (back-pressure); past it, the peer is dropped. */
export const MAX_RETRY_BYTES = 8 * 1024 * 1024;

/** The send side of one endpoint. */
export class Outbox {
  /** Encodes every payload this endpoint sends; its result is read right after each encoding. */
  readonly encoder = new Encoder();
  private readonly dirtyPeers: Peer[] = [];
  // Copied out of the config: read for every message.
  private readonly network: P2PNetworking;
  private readonly maxMessageBytes: number;
  private readonly unreliableLimit: number;
  private readonly reliableLimit: number;

  /** Peers whose Steam queue stayed full: the endpoint drops them after the flush. */
  private readonly stalled: Peer[] = [];

  /**
   * @param stalled called after a flush for each peer whose sends stayed refused (the caller
   *   removes it).
   */
  constructor(
    private readonly config: EndpointConfig,
    private readonly state: EndpointState,
    private readonly onStalled: (peer: Peer) => void,
  ) {
    this.network = config.network;
    this.maxMessageBytes = config.maxMessageBytes;
    this.unreliableLimit = config.unreliableLimit;
    this.reliableLimit = config.reliableLimit;
  }

  /** Sends every batched message now (and retries held packets). */
  flush(): void {
    const list = this.dirtyPeers;
    // Only the peers dirty when the flush began: a peer still blocked after its retry goes back on
    // the list for the next flush, and must not be met again in this one.
    const n = list.length;
    for (let i = 0; i < n; i++) {
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
    if (list.length === n) list.length = 0;
    else list.splice(0, n);
    // Backends that batch sends (Sockets) hand this flush's packets to Steam now, not at the end of
    // the JavaScript turn or the next runCallbacks().
    this.network.flushP2PPackets?.();
    if (this.stalled.length > 0) this.dropStalled();
  }

  /** Hands the peers whose sends stayed refused to the endpoint. */
  private dropStalled(): void {
    const stalled = this.stalled.splice(0);
    for (const peer of stalled) if (peer.state !== 'closed') this.onStalled(peer);
  }

  /** Flushes what `peer` has queued right away (before its goodbye). */
  flushPeer(peer: Peer): void {
    const dirty = peer.dirty;
    for (const q of dirty) {
      q.dirty = false;
      this.flushQueue(peer, q);
    }
    dirty.length = 0;
  }

  /** Sends one message to one peer. */
  sendMessage(peer: Peer, entry: ProtocolEntry, payload: unknown): void {
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

  /** Sends one message to every connected peer of `peers` but `except`, encoding it once. */
  sendToMany(peers: Iterable<Peer>, entry: ProtocolEntry, payload: unknown, except?: SteamId): void {
    const bodyLen = this.encodeFor(entry, payload, 0);
    const frameSize = varintSize(entry.id * 2 + 1) + varintSize(bodyLen) + bodyLen;
    const headerBytes = entry.reliable ? RELIABLE_HEADER_BYTES : UNRELIABLE_HEADER_BYTES;
    // A peer with nothing else queued on this channel gets the one packet built for all of them
    // (by reference; Steam copies it at the send), instead of its own copy of the message.
    const limit = entry.reliable ? this.reliableLimit : this.unreliableLimit;
    const shareable = headerBytes + frameSize <= limit;
    let shared: SharedPacket | null = null;
    for (const peer of peers) {
      if (peer.state !== 'connected' || peer.id === except) continue;
      if (shareable) {
        const q = this.queueFor(peer, entry.channelIndex, entry.sendType, entry.reliable);
        if (q.len === 0) {
          shared ??= new SharedPacket(entry.id, entry.reliable, this.encoder.view());
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

  /**
   * Encodes `payload` for `entry` with {@link Outbox.encoder} and checks its size (plus
   * `extraBody` bytes, a call id) against the send type's limit. Throws at the call site, before
   * anything is queued. Returns the body's length.
   */
  encodeFor(entry: ProtocolEntry, payload: unknown, extraBody: number): number {
    const encoder = this.encoder;
    try {
      encoder.encode(payload);
    } catch (error) {
      throw new EncodeError(entry.name, error);
    }
    const bodyLen = encoder.end - encoder.start + extraBody;
    this.checkSize(entry.name, entry.reliable, entry.id, bodyLen);
    this.checkComplexity(entry);
    return bodyLen;
  }

  /**
   * Throws {@link MessageTooComplexError} when the payload just encoded is over `entry`'s decode
   * limits: the receiver would refuse it (and count it against us), so it is refused here, at the call
   * site. Only payloads large enough to pass a limit are scanned.
   */
  checkComplexity(entry: ProtocolEntry): void {
    const encoder = this.encoder;
    const limits = entry.limits;
    const n = encoder.end - encoder.start;
    // Every element, level of nesting, string byte, and key with its value takes at least a byte.
    if (
      n <= limits.maxElements &&
      n <= limits.maxStringBytes &&
      n <= 2 * limits.maxMapKeys &&
      (encoder.isFlat || n <= limits.maxDepth)
    )
      return;
    if (scanMsgpack(encoder.bytes, encoder.start, encoder.end, limits) === SCAN_TOO_COMPLEX)
      throw new MessageTooComplexError(entry.name, limits);
  }

  /** Throws {@link MessageTooLargeError} when a frame of `bodyLen` bytes cannot be sent. */
  checkSize(name: string, reliable: boolean, id: number, bodyLen: number): void {
    if (reliable) {
      const max = this.maxMessageBytes;
      if (bodyLen > max) throw new MessageTooLargeError(name, bodyLen, max, true);
      return;
    }
    const size = UNRELIABLE_HEADER_BYTES + varintSize(id * 2 + 1) + varintSize(bodyLen) + bodyLen;
    const limit = this.unreliableLimit;
    if (size > limit) throw new MessageTooLargeError(name, size, limit, false);
  }

  /**
   * Queues, for `peer`, the frame whose payload the encoder just encoded: frame `id` with
   * `bodyLen` bytes of body, starting with `callId` when ≥ 0. `entryIndex` < 0 counts nothing
   * (responses).
   */
  queueEncoded(
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
    const encoder = this.encoder;
    const src = encoder.bytes;
    const start = encoder.start;
    const n = encoder.end - start;
    if (n < 64) {
      for (let i = 0; i < n; i++) buf[pos + i] = src[start + i]!;
    } else {
      buf.set(encoder.view(), pos);
    }
    this.markDirty(peer, q);
    this.countOut(peer, entryIndex, frameSize);
  }

  /**
   * Sends a control packet right away (not batched). Returns false when Steam refused it (other
   * than for back-pressure, where it is held and retried).
   */
  sendControl(peer: Peer, data: Uint8Array, reliable: boolean): boolean {
    const config = this.config;
    return this.sendPacket(
      peer,
      data,
      reliable ? P2PSend.Reliable : P2PSend.Unreliable,
      config.controlChannel,
      config.controlSlot,
    );
  }

  /** The queue of a session for (channel slot, send type), created on first use. */
  private queueFor(peer: Peer, slot: number, sendType: P2PSend, reliable: boolean): OutQueue {
    const qi = slot * 4 + sendType;
    let q = peer.queues[qi];
    if (q === undefined) {
      const config = this.config;
      q = new OutQueue(
        config.channelNumbers[slot]!,
        slot,
        sendType,
        reliable,
        reliable ? config.reliableLimit : config.unreliableLimit,
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
    frame.set(this.encoder.view(), pos);
    for (const packet of fragmentFrame(frame, q.limit))
      this.sendPacket(peer, packet, q.sendType, q.channel, q.channelSlot);
  }

  private flushQueue(peer: Peer, q: OutQueue): void {
    if (q.len === 0) return;
    let seq = 0;
    if (!q.reliable) {
      const seqOut = peer.seqOut;
      seq = seqOut[q.channelSlot]!;
      seqOut[q.channelSlot] = (seq + 1) & SEQ_MASK;
    }
    const packet = q.finish(seq);
    this.sendPacket(peer, packet, q.sendType, q.channel, q.channelSlot);
    q.reset();
  }

  /**
   * Hands one packet to Steam (or to the local endpoint). `data` may be a view of a reusable buffer:
   * it is copied wherever it must outlive this call. Returns false when it was refused for good.
   */
  private sendPacket(
    peer: Peer,
    data: Uint8Array,
    sendType: P2PSend,
    channel: number,
    slot: number,
  ): boolean {
    const c = peer.counters.channel;
    c[slot * 4 + 2]!++;
    c[slot * 4 + 3]! += data.length;
    if (peer.local !== null) {
      peer.local.deliverLocal(this.network.localSteamId, channel, data.slice());
      return true;
    }
    const reliable = sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering;
    if (peer.retryBytes > 0) {
      // Behind held reliable packets: reliable ones wait their turn, unreliable ones are shed.
      if (reliable) return this.queueRetry(peer, data.slice(), sendType, channel);
      peer.counters.sendFailures++;
      return false;
    }
    if (this.network.sendP2PPacket(peer.id, data, sendType, channel)) return true;
    if (reliable && this.network.lastSendFailure?.reason === 'limitExceeded') {
      // Steam's back-pressure: keep reliable data and retry on the next flush, in order.
      peer.retrySince = this.state.now;
      return this.queueRetry(peer, data.slice(), sendType, channel);
    }
    peer.counters.sendFailures++;
    return false;
  }

  private queueRetry(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number): boolean {
    if (peer.retryBytes + data.length > MAX_RETRY_BYTES) {
      // Dropping reliable data would break the stream without a word: the peer goes instead.
      peer.counters.sendFailures++;
      this.stall(peer);
      return false;
    }
    peer.retry.push({ data, sendType, channel });
    peer.retryBytes += data.length;
    if (!peer.inDirtyList) {
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
    return true;
  }

  private retrySends(peer: Peer): void {
    const retry = peer.retry;
    let sent = 0;
    for (; sent < retry.length; sent++) {
      const r = retry[sent]!;
      if (!this.network.sendP2PPacket(peer.id, r.data, r.sendType, r.channel)) {
        if (this.network.lastSendFailure?.reason === 'limitExceeded') break;
        peer.counters.sendFailures++;
      }
      peer.retryBytes -= r.data.length;
    }
    retry.splice(0, sent);
    if (retry.length === 0) return;
    const now = this.state.now;
    if (sent > 0) peer.retrySince = now;
    else if (now - peer.retrySince > this.config.heartbeatTimeoutMs) {
      this.stall(peer);
      return;
    }
    if (!peer.inDirtyList) {
      // Still blocked: back on the dirty list, for the next flush to try again.
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
  }

  /** `peer`'s Steam queue stays full: it is dropped after this flush. */
  private stall(peer: Peer): void {
    if (!this.stalled.includes(peer)) this.stalled.push(peer);
  }
}
