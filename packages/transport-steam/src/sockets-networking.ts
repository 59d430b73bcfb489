/**
 * {@link P2PNetworking} over `ISteamNetworkingSockets` P2P connections: the third backend.
 *
 * How the seam maps onto connections:
 * - One listen socket on a virtual port (0 by default) and one poll group. Connections are made in
 *   symmetric mode, so two peers that send to each other at once end up with one connection.
 * - The first send to a peer opens a connection (`ConnectP2P`); an incoming connection is a
 *   `sessionRequest` (re-emitted every 500 ms while it waits, as Steam re-sends the connect request),
 *   accepted by `acceptP2PSessionWithUser` or by sending to that peer. One not accepted within
 *   `TimeoutInitial` (10 s) is dropped by Steam, as an unaccepted legacy session is.
 * - Channels: lanes 0..6 carry channels 0..6 unchanged; lane 7 carries every other channel, with the
 *   channel number as a 1-5 byte varint in front of the payload. All 8 lanes have equal priority and
 *   weight, so one busy channel does not hold up the others.
 * - Sends are copied at once and leave in one `SendMessages` per flush: `flushP2PPackets()`, the start
 *   of every `runCallbacks()`, the end of the current JavaScript turn (`setImmediate`), or a full
 *   outbox, whichever comes first. While a connection is being set up, sends wait in
 *   JavaScript and go when it is up (Steam itself would drop unreliable ones); `UnreliableNoDelay` is
 *   refused then (`ignored`). A packet Steam refuses because the connection just died goes again on a
 *   new connection.
 * - Receiving is one `ReceiveMessagesOnPollGroup` for every peer and lane (see sockets-inbox.ts).
 * - A connection that fails (`ProblemDetectedLocally`, or closed by the peer before it was ever up)
 *   is `sessionConnectFail`, once per session, with Steam's end reason in the detail. A connection the
 *   peer closes after it was up ends quietly, as a legacy session does.
 * - A send to yourself loops back in JavaScript (Steam would want you to accept your own connection).
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { CallbackId } from './constants.js';
import type { SteamContext } from './context.js';
import { CallbackPump } from './dispatch.js';
import {
  type P2PLimits,
  type P2PNetworking,
  type P2PNetworkingEvents,
  type P2PPacket,
  type P2PSend,
  type P2PSendFailure,
  P2PSessionError,
  type P2PSessionState,
  SOCKETS_P2P_LIMITS,
  type TypedEmitter,
} from './p2p.js';
import { SOCKETS_MAX_MESSAGE_BYTES } from './sockets-constants.js';
import type { SocketsCore } from './sockets-core.js';
import { SteamNetworkingError } from './sockets-errors.js';
import { Inbox } from './sockets-inbox.js';
import { type Link, LinkTable, SEND_BUFFER_BYTES } from './sockets-links.js';
import {
  channelHeaderSize,
  SESSION_REQUEST_REPOST_MS,
  SOCKETS_HEADER_LANE,
  SOCKETS_SEND_FLAGS,
} from './sockets-mapping.js';
import { Outbox, type StagedPacket } from './sockets-outbox.js';
import type { SteamId } from './steam-id.js';
import { checkBoolean, checkChannel, checkRemote, checkSend, checkSize } from './validate.js';

/** Bytes per ms Steam is assumed to send at least (`SendRateMin`, 256 KiB/s), to age what was handed over. */
const MIN_SEND_RATE_PER_MS = 262_144 / 1000;

const FAIL_TOO_LARGE: P2PSendFailure = Object.freeze({ reason: 'tooLarge' });
const FAIL_LIMIT: P2PSendFailure = Object.freeze({ reason: 'limitExceeded', result: 25 });
const FAIL_CONNECT: P2PSendFailure = Object.freeze({ reason: 'failed' });

/**
 * The Sockets backend's own counters: the `stats` property of `session.networking` when
 * `session.backend === 'sockets'` (not part of the `P2PNetworking` seam).
 */
export interface SocketsBackendStats {
  readonly receiveCalls: number;
  readonly messagesReceived: number;
  readonly messagesDropped: number;
  readonly flushes: number;
  readonly packetsSent: number;
  readonly sendsDropped: number;
  readonly nativeViews: boolean;
  readonly nativeHelperCalls: number;
}

/** The state of the session with yourself (a loopback in JavaScript). */
const LOOPBACK_STATE: P2PSessionState = Object.freeze({
  connectionActive: true,
  connecting: false,
  sessionError: P2PSessionError.None,
  usingRelay: false,
  bytesQueuedForSend: 0,
  packetsQueuedForSend: 0,
  remoteIp: 0x7f000001,
  remotePort: 0,
});

const Emitter = EventEmitter as unknown as new () => TypedEmitter<P2PNetworkingEvents>;

/** The `ISteamNetworkingSockets` backend. */
export class SocketsNetworking extends Emitter implements P2PNetworking {
  readonly localSteamId: SteamId;
  readonly limits: P2PLimits = SOCKETS_P2P_LIMITS;
  lastSendFailure: P2PSendFailure | null = null;
  /** Whether relays were allowed by the last `allowP2PPacketRelay` (recorded only; see the README). */
  relayAllowed = true;
  private sendsDropped = 0;

  /** @internal */
  readonly outbox: Outbox<Link>;
  /** @internal */
  readonly inbox: Inbox;
  private readonly core: SocketsCore;
  private readonly ctx: SteamContext;
  private readonly pump: CallbackPump;
  private readonly links: LinkTable;
  private readonly listenSocket: number;
  private readonly pollGroup: number;
  private loopbackOpen = false;
  private flushScheduled = false;
  private readonly autoFlush = (): void => {
    this.flushScheduled = false;
    if (this.ctx.live) this.flush();
  };

  /**
   * Diagnostics: receive calls made, messages taken from Steam and dropped (malformed, or from no known
   * connection), flushes (`SendMessages` calls) and packets handed to Steam, packets Steam refused that
   * could not be sent again, whether Steam's memory is reached through views (see heap.ts), and native
   * calls made besides Steam's own (views made; koffi.decode/encode where a view could not serve).
   */
  get stats(): SocketsBackendStats {
    return {
      receiveCalls: this.inbox.receiveCalls,
      messagesReceived: this.inbox.received,
      messagesDropped: this.inbox.dropped,
      flushes: this.outbox.flushes,
      packetsSent: this.outbox.sent,
      sendsDropped: this.sendsDropped,
      nativeViews: this.core.heap.usable,
      nativeHelperCalls: this.core.helperCalls + this.core.heap.regionCount,
    };
  }

  /** @internal Built by `initSteam`; creates the listen socket and the poll group. */
  constructor(core: SocketsCore, localSteamId: SteamId, virtualPort: number) {
    super();
    this.core = core;
    this.ctx = core.ctx;
    this.localSteamId = localSteamId;
    this.pump = new CallbackPump(core.ctx);
    this.outbox = new Outbox(core);
    this.inbox = new Inbox(core);
    // SymmetricConnect (37) = 1 on the listen socket and on every connection we make.
    const options = new Uint8Array(16);
    const v = new DataView(options.buffer);
    v.setInt32(0, 37, true);
    v.setInt32(4, 1, true);
    v.setInt32(8, 1, true);
    this.listenSocket = core.fn.CreateListenSocketP2P(core.self, virtualPort, 1, options);
    if (this.listenSocket === 0) {
      throw new SteamNetworkingError(
        'CREATE_LISTEN_SOCKET_FAILED',
        `Steam would not listen on virtual port ${virtualPort}: pick another socketsVirtualPort, or close what listens there.`,
      );
    }
    this.pollGroup = core.fn.CreatePollGroup(core.self);
    if (this.pollGroup === 0) {
      core.fn.CloseListenSocket(core.self, this.listenSocket);
      throw new SteamNetworkingError(
        'CREATE_POLL_GROUP_FAILED',
        'Steam could not create a poll group: try again.',
      );
    }
    this.links = new LinkTable(core, this.pollGroup, virtualPort, options);
    core.backendListenSocket = this.listenSocket;
    this.ctx.callbackHandlers.add(this.onCallback);
    this.ctx.shutdownHooks.push(() => this.flush());
  }

  sendP2PPacket(remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number): boolean {
    this.ctx.assertLive('sendP2PPacket');
    const ch = checkSend(remote, data, sendType, channel, this.limits);
    if (typeof ch !== 'number') {
      this.lastSendFailure = ch;
      return false;
    }
    const header = channelHeaderSize(ch);
    if (header > 0 && data.byteLength + header > SOCKETS_MAX_MESSAGE_BYTES) {
      this.lastSendFailure = FAIL_TOO_LARGE;
      return false;
    }
    if (remote === this.localSteamId) {
      this.loopbackOpen = true;
      this.inbox.push(ch, { data: data.slice(), remoteSteamId: remote });
      this.lastSendFailure = null;
      return true;
    }
    const known = this.links.get(remote);
    const link = known ?? this.links.newLink(remote, 0, 'failed');
    if (link.state === 'incoming' && !this.links.accept(link)) {
      this.lastSendFailure = FAIL_CONNECT;
      return false;
    }
    if (link.state === 'failed' && !this.links.connect(link)) {
      // A peer never reached before leaves no session behind.
      if (known === undefined) this.links.forget(remote);
      this.lastSendFailure = FAIL_CONNECT;
      return false;
    }
    link.channels.add(ch);
    if (link.state === 'connecting') return this.held(this.links.hold(link, data, sendType, ch));
    if (!this.roomFor(link, data.byteLength + header)) {
      this.lastSendFailure = FAIL_LIMIT;
      return false;
    }
    if (this.outbox.full) this.flush();
    // A flush may have found the connection dead and started a new one (or failed to).
    if ((link.state as Link['state']) !== 'connected') {
      if ((link.state as Link['state']) === 'connecting')
        return this.held(this.links.hold(link, data, sendType, ch));
      this.lastSendFailure = FAIL_CONNECT;
      return false;
    }
    // Whatever this JavaScript turn sends leaves together at its end, unless a flush comes first.
    if (this.outbox.size === 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.autoFlush);
    }
    this.outbox.stage(
      link,
      link.handle,
      SOCKETS_SEND_FLAGS[sendType]!,
      Math.min(ch, SOCKETS_HEADER_LANE),
      header,
      ch,
      sendType,
      data,
    );
    link.stagedBytes += data.byteLength + header;
    this.lastSendFailure = null;
    return true;
  }

  /**
   * Whether Steam can take `size` more bytes for `link`. Only when much was handed over recently (or is
   * staged this tick) is Steam asked, after handing it what is staged, how much it still holds; so a
   * game's usual traffic costs nothing here, and a bulk transfer is refused only when Steam's own send
   * buffer is full.
   */
  private roomFor(link: Link, size: number): boolean {
    // `recentBytes` is aged at each flush, not here: no clock read per send.
    if (link.recentBytes + link.stagedBytes + size <= SEND_BUFFER_BYTES / 2) return true;
    if (link.stagedBytes > 0) {
      this.flush();
      if (link.handle === 0 || link.state !== 'connected') return true; // see the caller
    }
    const pending = this.links.pendingInSteam(link);
    if (pending === null) return true; // dying: the flush will tell
    link.recentBytes = pending;
    return link.recentBytes + link.stagedBytes + size <= SEND_BUFFER_BYTES;
  }

  /** Reports what {@link LinkTable.hold} said. */
  private held(failure: P2PSendFailure | null): boolean {
    this.lastSendFailure = failure;
    return failure === null;
  }

  flushP2PPackets(): void {
    this.ctx.assertLive('flushP2PPackets');
    this.flush();
  }

  private flush(): void {
    if (this.outbox.size === 0) return;
    const now = performance.now();
    for (const link of this.links.values()) {
      const aged = link.recentBytes - (now - link.recentAt) * MIN_SEND_RATE_PER_MS;
      link.recentBytes = Math.max(0, aged) + link.stagedBytes;
      link.recentAt = now;
      link.stagedBytes = 0;
    }
    // Re-sends from `refused` must not change what the caller last saw.
    const seen = this.lastSendFailure;
    this.outbox.flush(this.refused);
    this.lastSendFailure = seen;
  }

  /**
   * A packet Steam did not take. When its connection died between the send and the flush (the peer
   * closed it; NoConnection, InvalidState, or the handle is gone), it goes again on a new connection,
   * as a legacy send starts a new session; otherwise it is counted as dropped.
   */
  private readonly refused = (packet: StagedPacket<Link>, result: number, handle: number): void => {
    const link = packet.link;
    // InvalidParam is also a bad size or lane: only a handle Steam no longer knows means it died.
    const died = result === 3 || result === 11 || (result === 8 && !this.links.alive(handle));
    if (died && this.links.get(link.remote) === link) {
      if (link.handle === handle && link.state !== 'failed') {
        this.links.release(link, true);
        link.state = 'failed';
      }
      if (link.state !== 'failed' || this.links.connect(link)) {
        const data = packet.bytes.subarray(packet.payloadAt);
        if (link.state === 'connecting')
          this.links.hold(link, data, packet.sendType as P2PSend, packet.channel);
        else this.sendP2PPacket(link.remote, data, packet.sendType as P2PSend, packet.channel);
        return;
      }
    }
    if (result === 25) link.recentBytes = SEND_BUFFER_BYTES;
    this.sendsDropped++;
  };

  getAvailableP2PPacketSize(channel?: number): number | null {
    this.ctx.assertLive('getAvailableP2PPacketSize');
    const ch = checkChannel(channel);
    const q = this.inbox.queue(ch);
    if (q.size === 0) this.inbox.pull(this.pollGroup, this.links.linkOf);
    return q.peek()?.data.byteLength ?? null;
  }

  readP2PPacket(size: number, channel?: number): P2PPacket | null {
    this.ctx.assertLive('readP2PPacket');
    const want = checkSize(size);
    const ch = checkChannel(channel);
    if (this.inbox.queue(ch).size === 0) this.inbox.pull(this.pollGroup, this.links.linkOf);
    const packet = this.inbox.shift(ch);
    if (packet === undefined) return null;
    // As legacy Steam: a smaller buffer truncates the packet and the rest is lost.
    return packet.data.byteLength <= want
      ? packet
      : { data: packet.data.subarray(0, want), remoteSteamId: packet.remoteSteamId };
  }

  acceptP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('acceptP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    const link = this.links.get(remote);
    if (link?.state === 'incoming') this.links.accept(link);
    // Steam's Accept fails when nothing waits; the seam promises false only for an invalid id.
    return true;
  }

  allowP2PPacketRelay(allow: boolean): boolean {
    this.ctx.assertLive('allowP2PPacketRelay');
    this.relayAllowed = checkBoolean('allow', allow);
    return true;
  }

  closeP2PChannelWithUser(remote: SteamId, channel: number): boolean {
    this.ctx.assertLive('closeP2PChannelWithUser');
    const valid = checkRemote(remote);
    const ch = checkChannel(channel);
    if (!valid) return false;
    if (remote === this.localSteamId) {
      const was = this.loopbackOpen;
      this.inbox.dropFrom(remote, ch);
      return was;
    }
    const link = this.links.get(remote);
    if (link === undefined || !link.channels.delete(ch)) return false;
    this.inbox.dropFrom(remote, ch);
    // Closing the last open channel closes the session.
    if (link.channels.size === 0) this.closeP2PSessionWithUser(remote);
    return true;
  }

  closeP2PSessionWithUser(remote: SteamId): boolean {
    this.ctx.assertLive('closeP2PSessionWithUser');
    if (!checkRemote(remote)) return false;
    this.inbox.dropFrom(remote);
    if (remote === this.localSteamId) {
      const was = this.loopbackOpen;
      this.loopbackOpen = false;
      return was;
    }
    const link = this.links.get(remote);
    if (link === undefined) return false;
    this.outbox.drop(link);
    this.links.release(link, true);
    this.links.forget(remote);
    return true;
  }

  getP2PSessionState(remote: SteamId): P2PSessionState | null {
    this.ctx.assertLive('getP2PSessionState');
    if (!checkRemote(remote)) return null;
    if (remote === this.localSteamId) return this.loopbackOpen ? { ...LOOPBACK_STATE } : null;
    const link = this.links.get(remote);
    return link === undefined ? null : this.links.sessionState(link);
  }

  runCallbacks(): void {
    this.ctx.assertLive('runCallbacks');
    this.flush();
    this.pump.run();
    // Connections that came up released their held packets: send them now, not a frame later.
    this.flush();
    // Waiting connections are announced again in Steam's time (read only when one waits).
    let now = -1;
    for (const link of this.links.values()) {
      if (link.state !== 'incoming') continue;
      if (now < 0) now = this.core.nowMs();
      if (now - link.lastRequestAt >= SESSION_REQUEST_REPOST_MS) {
        link.lastRequestAt = now;
        this.emit('sessionRequest', link.remote);
      }
    }
    this.inbox.rearm();
  }

  /** Status changes of this backend's connections (1221), whoever pumps. */
  private readonly onCallback = (id: number, param: bigint, size: number): void => {
    if (id !== CallbackId.ConnectionStatusChanged || size < this.core.statusOldStateAt + 4) return;
    const change = this.core.decodeStatusChange(param, size);
    const handle = change.connection as number;
    const link = this.links.linkOf(handle);
    const state = change.info.state;
    if (link === undefined) {
      if (state === 'connecting' && change.info.listenSocket === this.listenSocket)
        this.incoming(handle, change.info.remote);
      return;
    }
    if (state === 'connected') this.connected(link);
    else if (state === 'closedByPeer' || state === 'problemDetectedLocally') {
      this.ended(link, change.info.endReason, change.info.endDebug, state === 'problemDetectedLocally');
    }
  };

  private incoming(handle: number, remote: SteamId | null): void {
    const link = this.links.incoming(handle, remote, this.localSteamId);
    if (link !== null) this.emit('sessionRequest', link.remote);
  }

  private connected(link: Link): void {
    if (link.state === 'connecting') link.state = 'connected';
    if (link.held.length === 0) return;
    const held = link.held;
    link.held = [];
    link.heldBytes = 0;
    const seen = this.lastSendFailure;
    for (const h of held) this.sendP2PPacket(link.remote, h.data, h.sendType, h.channel);
    this.lastSendFailure = seen;
  }

  private ended(link: Link, endReason: number, debug: string, problem: boolean): void {
    // Take what already arrived before the handle (and Steam's queue with it) goes.
    this.inbox.rearm();
    this.inbox.pull(this.pollGroup, this.links.linkOf);
    this.outbox.drop(link);
    const failure = this.links.end(link, endReason, debug, problem);
    if (failure !== null) this.emit('sessionConnectFail', link.remote, failure.error, failure.detail);
  }
}
