/**
 * The inbox, the receive side of an endpoint up to the frame dispatcher: drain → route → budgets →
 * packet kind, sequence, fragments → frames.
 *
 * It reads every channel (and the packets of a same-process endpoint), hands control packets to
 * control and data from peers that are not connected to the side's policy, and makes one pass per
 * data packet: the peer's byte budget, the packet kind, unreliable sequences, reassembly, then each
 * frame, charged to the peer's message budget before the dispatcher sees it.
 *
 * Hot-path rules: no closures or arrays per message, one pass per received packet.
 * @packageDocumentation
 */
import type { P2PNetworking, SteamId } from '@steamwire/transport-steam';
import { type Dispatcher, seqDiff } from './dispatch.js';
import type { EndpointState } from './endpoint-state.js';
import type { EndpointConfig } from './options.js';
import type { LocalDelivery, LocalPacket, Peer } from './peer.js';
import type { Reporter } from './report.js';
import { PacketKind, UNRELIABLE_HEADER_BYTES, VarintReader } from './wire.js';

/** Packets read per channel per update at most, so a flood cannot starve the game loop forever. */
const MAX_PACKETS_PER_CHANNEL = 100_000;

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
  private readonly varint = new VarintReader();
  /** Slot of each channel number (the protocol's channels, then the control channel). */
  private readonly slotOfChannel: Map<number, number>;
  /** The channels `drain` reads, control first, and their slots. */
  private readonly drainChannels: Int32Array;
  private readonly drainSlots: Int32Array;
  // Copied out of the config: read for every packet.
  private readonly network: P2PNetworking;
  private readonly controlSlot: number;

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
    this.slotOfChannel = new Map(config.channelNumbers.map((channel, slot) => [channel, slot]));
    this.drainChannels = Int32Array.from([config.controlChannel, ...config.protocol.channels]);
    this.drainSlots = Int32Array.from([config.controlSlot, ...config.protocol.channels.map((_, i) => i)]);
  }

  /** Packets from a same-process endpoint waiting for the next update. */
  get localPackets(): number {
    return this.local.length;
  }

  /** Reads every packet Steam holds for us, channel by channel, control first. */
  drain(): void {
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
      if (slot !== undefined) this.processPacket(peer, p.channel, slot, p.data);
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
      this.routes.early(from, peer, channel, data);
      return;
    }
    this.processPacket(peer, channel, slot, data);
  }

  private processPacket(peer: Peer, channel: number, slot: number, data: Uint8Array): void {
    const now = this.state.now;
    const len = data.length;
    peer.lastHeard = now;
    const c = peer.counters.channel;
    c[slot * 4]!++;
    c[slot * 4 + 1]! += len;
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
    const varint = this.varint;
    while (pos < end) {
      if (peer.state !== 'connected') return;
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
