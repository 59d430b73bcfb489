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
 * @packageDocumentation
 */
import { type P2PNetworking, P2PSend, type SteamId } from '@steamwire/transport-steam';
import { fragmentFrame, OutQueue, SharedPacket } from './batch.js';
import { Encoder } from './codec.js';
import { EncodeError, MessageTooLargeError } from './errors.js';
import type { EndpointConfig } from './options.js';
import type { Peer } from './peer.js';
import type { ProtocolEntry } from './protocol.js';
import { RELIABLE_HEADER_BYTES, SEQ_MASK, UNRELIABLE_HEADER_BYTES, varintSize, writeVarint } from './wire.js';

/** Bytes Steam may refuse (back-pressure) before we drop instead of retrying. */
const MAX_RETRY_BYTES = 8 * 1024 * 1024;

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

  constructor(private readonly config: EndpointConfig) {
    this.network = config.network;
    this.maxMessageBytes = config.maxMessageBytes;
    this.unreliableLimit = config.unreliableLimit;
    this.reliableLimit = config.reliableLimit;
  }

  /** Sends every batched message now (and retries held packets). */
  flush(): void {
    const list = this.dirtyPeers;
    for (let i = 0; i < list.length; i++) {
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
    list.length = 0;
    // Backends that batch sends (Sockets) hand this flush's packets to Steam now, not at the end of
    // the JavaScript turn or the next runCallbacks().
    this.network.flushP2PPackets?.();
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
    return bodyLen;
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

  /** Sends a control packet right away (not batched). */
  sendControl(peer: Peer, data: Uint8Array, reliable: boolean): void {
    const config = this.config;
    this.sendPacket(
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
   * it is copied wherever it must outlive this call.
   */
  private sendPacket(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number, slot: number): void {
    const c = peer.counters.channel;
    c[slot * 4 + 2]!++;
    c[slot * 4 + 3]! += data.length;
    if (peer.local !== null) {
      peer.local.deliverLocal(this.network.localSteamId, channel, data.slice());
      return;
    }
    if (peer.retryBytes > 0) {
      this.queueRetry(peer, data.slice(), sendType, channel);
      return;
    }
    if (this.network.sendP2PPacket(peer.id, data, sendType, channel)) return;
    this.onSendFailed(peer, data, sendType, channel);
  }

  private onSendFailed(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number): void {
    const failure = this.network.lastSendFailure;
    if (
      failure?.reason === 'limitExceeded' &&
      (sendType === P2PSend.Reliable || sendType === P2PSend.ReliableWithBuffering)
    ) {
      // Steam's back-pressure: keep reliable data and retry on the next flush, in order.
      this.queueRetry(peer, data.slice(), sendType, channel);
    } else {
      peer.counters.sendFailures++;
    }
  }

  private queueRetry(peer: Peer, data: Uint8Array, sendType: P2PSend, channel: number): void {
    if (peer.retryBytes + data.length > MAX_RETRY_BYTES) {
      peer.counters.sendFailures++;
      return;
    }
    peer.retry.push({ data, sendType, channel });
    peer.retryBytes += data.length;
    if (!peer.inDirtyList) {
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
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
    if (retry.length > 0 && !peer.inDirtyList) {
      // Still blocked: stay on the dirty list so the next flush tries again.
      peer.inDirtyList = true;
      this.dirtyPeers.push(peer);
    }
  }
}
