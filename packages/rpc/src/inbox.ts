/**
 * The inbox, the receive side of an endpoint up to the frame dispatcher: drain → route → budgets →
 * packet kind, sequence, fragments → frames.
 *
 * It reads every channel (and the packets of a same-process endpoint), hands control packets to
 * control and data from peers that are not connected to the side's policy, and makes one pass per
 * data packet: the peer's byte budget, the packet kind (an "unreliable" packet larger than Steam
 * sends unreliably was sent reliably: a lie), unreliable sequences, reassembly (each fragment counts
 * as a message), then each frame, charged to the peer's message budget before the dispatcher sees it.
 *
 * Every packet and frame also costs work from the peer's budget for this update (and decoding costs
 * what the pre-scan says it will). A peer out of budget waits: its packets, or the rest of one, are
 * held in order and resumed at the start of the next update, first thing, so one peer can never stall
 * a tick. What waits is bounded per peer; past it, packets are rejected as `rateLimited`.
 *
 * Hot-path rules: no closures or arrays per message, one pass per received packet.
 * @packageDocumentation
 */
import type { P2PNetworking, SteamId } from '@steamwire/transport-steam';
import { type Dispatcher, seqDiff } from './dispatch.js';
import type { EndpointState } from './endpoint-state.js';
import type { EndpointConfig } from './options.js';
import type { DeferredPacket, LocalDelivery, LocalPacket, Peer } from './peer.js';
import type { Reporter } from './report.js';
import { PacketKind, UNRELIABLE_HEADER_BYTES, VarintReader } from './wire.js';

/** Packets read per channel per update at most, so a flood cannot starve the game loop forever. */
const MAX_PACKETS_PER_CHANNEL = 100_000;
/** Packets one peer may have waiting for its next work budget (Steam holds 1000 per sender). */
export const MAX_DEFERRED_PACKETS = 1024;
/** Bytes one peer may have waiting for its next work budget. */
export const MAX_DEFERRED_BYTES = 4 * 1024 * 1024;
/** Work of reading one frame (before its payload, which costs what the pre-scan says). */
const FRAME_WORK = 2;

/** What the inbox hands on that is not a data packet of a connected peer. */
export interface InboxRoutes {
  /** A packet on the control channel (any peer, any state). */
  control(from: SteamId, data: Uint8Array): void;
  /** A data packet from a peer that is not connected (`peer` undefined when it is no peer at all). */
  early(from: SteamId, peer: Peer | undefined, channel: number, data: Uint8Array): void;
}

/** The receive side of one endpoint, up to the frame dispatcher. */
export class Inbox implements LocalDelivery {
  /** Packets from a same-process endpoint, processed on the next update. */
  private local: LocalPacket[] = [];
  /** Peers with packets waiting for their next work budget. */
  private readonly waiting: Peer[] = [];
  /** True while a peer's waiting packets are resumed: what stops again goes back to the front. */
  private resuming = false;
  private readonly varint = new VarintReader();
  /** Slot of each channel number (the protocol's channels, then the control channel). */
  private readonly slotOfChannel: Map<number, number>;
  /** The channels `drain` reads, control first, and their slots. */
  private readonly drainChannels: Int32Array;
  private readonly drainSlots: Int32Array;
  // Copied out of the config: read for every packet.
  private readonly network: P2PNetworking;
  private readonly controlSlot: number;
  private readonly unreliableLimit: number;
  private readonly workPerUpdate: number;

  constructor(
    config: EndpointConfig,
    private readonly state: EndpointState,
    private readonly peers: ReadonlyMap<SteamId, Peer>,
    private readonly reporter: Reporter,
    private readonly dispatcher: Dispatcher,
    private readonly routes: InboxRoutes,
  ) {
    this.network = config.network;
    this.controlSlot = config.controlSlot;
    this.unreliableLimit = config.unreliableLimit;
    this.workPerUpdate = config.workPerUpdate;
    this.slotOfChannel = new Map(config.channelNumbers.map((channel, slot) => [channel, slot]));
    this.drainChannels = Int32Array.from([config.controlChannel, ...config.protocol.channels]);
    this.drainSlots = Int32Array.from([config.controlSlot, ...config.protocol.channels.map((_, i) => i)]);
  }

  /** Packets from a same-process endpoint waiting for the next update. */
  get localPackets(): number {
    return this.local.length;
  }

  /**
   * Resumes what peers have waiting for their budget of this update, oldest first; then reads every
   * packet Steam holds for us, channel by channel, control first.
   */
  drain(): void {
    if (this.waiting.length > 0) this.resumeWaiting();
    const channels = this.drainChannels;
    for (let c = 0; c < channels.length; c++) {
      if (this.state.closed) return;
      this.drainChannel(channels[c]!, this.drainSlots[c]!);
    }
  }

  /** Reads the packets waiting on one channel, up to {@link MAX_PACKETS_PER_CHANNEL}. */
  private drainChannel(channel: number, slot: number): void {
    const net = this.network;
    for (let n = 0; n < MAX_PACKETS_PER_CHANNEL; n++) {
      if (this.state.closed) return;
      // null is "nothing waiting"; 0 is an empty packet, which is read (and rejected) like any other
      // so that it cannot block this channel for every peer.
      const size = net.getAvailableP2PPacketSize(channel);
      if (size === null) return;
      const packet = net.readP2PPacket(size, channel);
      if (packet === null) return;
      try {
        this.receive(packet.remoteSteamId, channel, slot, packet.data);
      } catch (error) {
        this.reporter.error(error, packet.remoteSteamId, undefined);
      }
    }
  }

  /** Takes a packet from a same-process endpoint; it is processed on the next update. */
  deliverLocal(from: SteamId, channel: number, data: Uint8Array): void {
    this.local.push({ from, channel, data });
  }

  /** Processes the packets same-process endpoints delivered since the last update. */
  processLocal(): void {
    if (this.local.length === 0) return;
    const batch = this.local;
    // Packets delivered while these are processed wait for the next update.
    this.local = [];
    for (const p of batch) {
      const slot = this.slotOfChannel.get(p.channel);
      if (slot === undefined) continue;
      try {
        this.receive(p.from, p.channel, slot, p.data);
      } catch (error) {
        this.reporter.error(error, p.from, undefined);
      }
    }
  }

  /** Processes the packets held for `peer` before it connected (it just did). */
  replayEarly(peer: Peer): void {
    const early = peer.early;
    peer.early = null;
    peer.earlyBytes = 0;
    if (early === null) return;
    for (const p of early) {
      if (peer.state !== 'connected') return;
      const slot = this.slotOfChannel.get(p.channel);
      if (slot !== undefined) this.accept(peer, p.channel, slot, p.data);
    }
  }

  /** Routes one received packet. */
  private receive(from: SteamId, channel: number, slot: number, data: Uint8Array): void {
    if (slot === this.controlSlot) {
      this.routes.control(from, data);
      return;
    }
    const peer = this.peers.get(from);
    if (peer === undefined || peer.state !== 'connected') {
      // Counted too: a handshaking peer (or a host whose data overtakes its welcome) has budgets.
      if (peer !== undefined && !peer.messageBucket.take(1, this.state.now)) {
        this.reporter.reject(peer, from, 'rateLimited', undefined);
        return;
      }
      this.routes.early(from, peer, channel, data);
      return;
    }
    this.accept(peer, channel, slot, data);
  }

  /** A data packet of a connected peer: processed now, or after what the peer has waiting. */
  private accept(peer: Peer, channel: number, slot: number, data: Uint8Array): void {
    if (peer.deferred !== null || !peer.enforcement.mayWork(this.state.update, this.workPerUpdate)) {
      this.defer(peer, channel, slot, data, -1, data.length, false, -1);
      return;
    }
    this.processPacket(peer, channel, slot, data);
  }

  /**
   * Holds a packet (`pos < 0`) or the rest of one (from frame `pos`) until the peer's next budget:
   * at the back of its queue, or at the front while its queue is being resumed. Past the bound, it
   * is rejected: the peer sends more work than it may cost, for longer than we hold it.
   */
  private defer(
    peer: Peer,
    channel: number,
    slot: number,
    data: Uint8Array,
    pos: number,
    end: number,
    reliable: boolean,
    seq: number,
  ): void {
    const bytes = pos < 0 ? data.length : end - pos;
    let queue = peer.deferred;
    if (
      queue !== null &&
      (queue.length - peer.deferredHead >= MAX_DEFERRED_PACKETS ||
        peer.deferredBytes + bytes > MAX_DEFERRED_BYTES)
    ) {
      this.reporter.reject(peer, peer.id, 'rateLimited', undefined);
      return;
    }
    const item: DeferredPacket = { channel, slot, data, pos, end, reliable, seq };
    peer.deferredBytes += bytes;
    if (queue === null) {
      queue = [item];
      peer.deferred = queue;
      peer.deferredHead = 0;
      if (!peer.waitingListed) {
        peer.waitingListed = true;
        this.waiting.push(peer);
      }
    } else if (!this.resuming) {
      queue.push(item);
    } else if (peer.deferredHead > 0) {
      queue[--peer.deferredHead] = item;
    } else {
      queue.unshift(item);
    }
  }

  /** Gives every waiting peer its budget of this update, first: what it has waiting goes first. */
  private resumeWaiting(): void {
    const waiting = this.waiting;
    const update = this.state.update;
    const budget = this.workPerUpdate;
    let kept = 0;
    this.resuming = true;
    try {
      for (let i = 0; i < waiting.length; i++) {
        const peer = waiting[i]!;
        const enforcement = peer.enforcement;
        while (peer.deferred !== null && peer.state === 'connected' && enforcement.mayWork(update, budget)) {
          const queue = peer.deferred;
          const item = queue[peer.deferredHead]!;
          queue[peer.deferredHead++] = undefined as unknown as DeferredPacket;
          peer.deferredBytes -= item.pos < 0 ? item.data.length : item.end - item.pos;
          if (peer.deferredHead === queue.length) {
            peer.deferred = null;
            peer.deferredHead = 0;
            peer.deferredBytes = 0;
          }
          try {
            if (item.pos < 0) this.processPacket(peer, item.channel, item.slot, item.data);
            else
              this.processFrames(
                peer,
                item.channel,
                item.slot,
                item.data,
                item.pos,
                item.end,
                item.reliable,
                item.seq,
              );
          } catch (error) {
            this.reporter.error(error, peer.id, undefined);
          }
        }
        if (peer.deferred !== null && peer.state === 'connected') waiting[kept++] = peer;
        else peer.waitingListed = false;
      }
    } finally {
      this.resuming = false;
    }
    waiting.length = kept;
  }

  private processPacket(peer: Peer, channel: number, slot: number, data: Uint8Array): void {
    const now = this.state.now;
    const len = data.length;
    peer.lastHeard = now;
    const c = peer.counters.channel;
    c[slot * 4]!++;
    c[slot * 4 + 1]! += len;
    peer.enforcement.work -= 1 + (len >>> 8);
    if (!peer.byteBucket.take(len, now)) {
      this.reporter.reject(peer, peer.id, 'rateLimited', undefined);
      return;
    }
    if (len === 0) {
      this.reporter.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    const kind = data[0]!;
    if (kind >= PacketKind.Unreliable) {
      if (len < UNRELIABLE_HEADER_BYTES) {
        this.reporter.reject(peer, peer.id, 'malformed', undefined);
        return;
      }
      // Steam sends nothing this large unreliably: it was sent reliably, under an unreliable header.
      if (len > this.unreliableLimit) {
        this.reporter.reject(peer, peer.id, 'tooLarge', undefined);
        return;
      }
      const seq = ((kind & 0x7f) << 8) | data[1]!;
      this.trackSequence(peer, slot, seq);
      peer.packetSerial++;
      this.processFrames(peer, channel, slot, data, UNRELIABLE_HEADER_BYTES, len, false, seq);
      return;
    }
    if (kind === PacketKind.Reliable) {
      this.processFrames(peer, channel, slot, data, 1, len, true, -1);
      return;
    }
    // A fragment carries no whole frame: it counts as a message, so tiny ones cannot flood for free.
    if (!peer.messageBucket.take(1, now)) {
      this.reporter.reject(peer, peer.id, 'rateLimited', undefined);
      return;
    }
    switch (kind) {
      case PacketKind.FragmentFirst: {
        const total = this.varint.read(data, 1, len);
        if (total < 0) {
          this.reporter.reject(peer, peer.id, 'malformed', undefined);
          return;
        }
        if (!peer.reassembler.start(slot, total)) {
          this.reporter.reject(peer, peer.id, 'tooLarge', undefined);
          return;
        }
        this.appendFragment(peer, channel, slot, data, this.varint.end);
        return;
      }
      case PacketKind.FragmentNext:
        this.appendFragment(peer, channel, slot, data, 1);
        return;
      default:
        this.reporter.reject(peer, peer.id, 'malformed', undefined);
        return;
    }
  }

  private appendFragment(peer: Peer, channel: number, slot: number, data: Uint8Array, start: number): void {
    const whole = peer.reassembler.append(slot, data, start, data.length);
    if (whole === undefined) {
      this.reporter.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    if (whole !== null) this.processFrames(peer, channel, slot, whole, 0, whole.length, true, -1);
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

  /**
   * Walks the frames of `data[pos, end)`: one pass, stopping at the first framing error, or, when
   * the peer's work budget runs out, holding the rest for its next one.
   */
  private processFrames(
    peer: Peer,
    channel: number,
    slot: number,
    data: Uint8Array,
    pos: number,
    end: number,
    reliable: boolean,
    seq: number,
  ): void {
    const varint = this.varint;
    const enforcement = peer.enforcement;
    const update = this.state.update;
    const budget = this.workPerUpdate;
    while (pos < end) {
      if (peer.state !== 'connected') return;
      if (!enforcement.mayWork(update, budget)) {
        this.defer(peer, channel, slot, data, pos, end, reliable, seq);
        return;
      }
      enforcement.work -= FRAME_WORK;
      const frameStart = pos;
      const tag = varint.read(data, pos, end);
      if (tag < 0) {
        this.reporter.reject(peer, peer.id, 'malformed', undefined);
        return;
      }
      pos = varint.end;
      let bodyEnd = end;
      if ((tag & 1) === 1) {
        const bodyLen = varint.read(data, pos, end);
        if (bodyLen < 0 || varint.end + bodyLen > end) {
          this.reporter.reject(peer, peer.id, 'malformed', undefined);
          return;
        }
        pos = varint.end;
        bodyEnd = pos + bodyLen;
      }
      const id = tag >>> 1;
      if (!peer.messageBucket.take(1, this.state.now)) {
        this.dispatcher.refuseFrame(peer, id, data, pos, bodyEnd, 'rateLimited');
      } else {
        this.dispatcher.frame(peer, channel, id, data, pos, bodyEnd, reliable, seq, bodyEnd - frameStart);
      }
      pos = bodyEnd;
    }
  }
}
