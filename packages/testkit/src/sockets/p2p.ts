/**
 * `P2PNetworking` over a fake peer's typed Sockets API, as the binding's Sockets backend does it over
 * Steam's (`transport-steam/src/sockets-networking.ts`): one listen socket and poll group, a symmetric
 * connection per peer with the seam's 8 lanes, an incoming connection as a `sessionRequest` announced
 * again every 500 ms while it waits, sends held at the sender until the connection is up (no-delay
 * ones refused), one `sessionConnectFail` per session with Steam's end reason, a loopback for sends to
 * oneself. The lane/channel encoding, flags and timings are the seam's own (`sockets-mapping.ts`), so
 * the fake and the binding cannot drift apart; the P2P conformance suite holds both to Steam's numbers.
 * @internal
 * @packageDocumentation
 */
import {
  type ConnectionStatusChange,
  channelHeaderSize,
  type ListenSocket,
  type NetConnection,
  type P2PPacket,
  P2PSend,
  type P2PSendFailure,
  P2PSessionError,
  type P2PSessionFailDetail,
  type P2PSessionState,
  type PollGroup,
  readVarint,
  SESSION_REQUEST_REPOST_MS,
  SOCKETS_HEADER_LANE,
  SOCKETS_SEAM_LANES,
  SOCKETS_SEND_FLAGS,
  type SteamId,
  sessionFailDetail,
  writeVarint,
} from '@steamwire/transport-steam';
import type { FakeNetworkingSockets } from './fake-sockets.js';
import type { FakeNetworkingUtils } from './fake-utils.js';

/** Steam's `Local_Rights` end reason: the only one that is not a timeout to the seam. */
const END_REASON_LOCAL_RIGHTS = 3005;
/** While this many messages or bytes wait in the channel queues, nothing more is taken from the poll group. */
const QUEUE_LIMIT_MESSAGES = 1000;
const QUEUE_LIMIT_BYTES = 1024 * 1024;
const SEND_BUFFER_BYTES = 512 * 1024;
const FAIL_IGNORED: P2PSendFailure = Object.freeze({ reason: 'ignored', result: 41 });
const FAIL_LIMIT: P2PSendFailure = Object.freeze({ reason: 'limitExceeded', result: 25 });
const FAIL_CONNECT: P2PSendFailure = Object.freeze({ reason: 'failed' });

/** A peer as the backend knows it. */
interface Link {
  readonly remote: SteamId;
  handle: NetConnection | 0;
  state: 'connecting' | 'connected' | 'incoming' | 'failed';
  held: { data: Uint8Array; sendType: P2PSend; channel: number }[];
  heldBytes: number;
  readonly channels: Set<number>;
  failPosted: boolean;
  failure: { error: P2PSessionError; detail: P2PSessionFailDetail } | null;
  lastRequestAt: number;
}

/** What the backend tells the peer (its events) and asks of it (its clock). */
export interface SocketsP2PHost {
  emit(event: 'sessionRequest', remote: SteamId): void;
  emit(
    event: 'sessionConnectFail',
    remote: SteamId,
    error: P2PSessionError,
    detail?: P2PSessionFailDetail,
  ): void;
}

/** The Sockets backend of one fake peer. */
export class SocketsP2P {
  lastSendFailure: P2PSendFailure | null = null;
  private readonly links = new Map<SteamId, Link>();
  private readonly byHandle = new Map<number, Link>();
  /** Every connection the backend ever had: their status changes are its own, never the app's. */
  private readonly owned = new Set<number>();
  private readonly listen: ListenSocket;
  private readonly group: PollGroup;
  private readonly queues = new Map<number, P2PPacket[]>();
  private queued = 0;
  private queuedBytes = 0;
  private loopbackOpen = false;

  constructor(
    private readonly sockets: FakeNetworkingSockets,
    private readonly utils: FakeNetworkingUtils,
    private readonly local: SteamId,
    private readonly host: SocketsP2PHost,
  ) {
    this.listen = sockets.createListenSocketP2P(0, { SymmetricConnect: 1 });
    this.group = sockets.createPollGroup();
    sockets.attachBackend((change) => this.onStatus(change));
  }

  private nowMs(): number {
    return Number(this.utils.getLocalTimestamp()) / 1000;
  }

  /** Sends (or holds, or loops back) a checked packet. */
  send(remote: SteamId, data: Uint8Array, sendType: P2PSend, ch: number): boolean {
    if (data.length + channelHeaderSize(ch) > SEND_BUFFER_BYTES) return this.fail({ reason: 'tooLarge' });
    if (remote === this.local) {
      this.loopbackOpen = true;
      this.push(ch, { data: data.slice(), remoteSteamId: remote });
      return this.fail(null);
    }
    const known = this.links.get(remote);
    const link = known ?? this.newLink(remote);
    if (link.state === 'incoming' && !this.accept(link)) return this.fail(FAIL_CONNECT);
    if (link.state === 'failed' && !this.connect(link)) {
      if (known === undefined) this.links.delete(remote); // a peer never reached leaves no session
      return this.fail(FAIL_CONNECT);
    }
    link.channels.add(ch);
    if (link.state === 'connecting') return this.fail(this.hold(link, data, sendType, ch));
    const bytes = new Uint8Array(channelHeaderSize(ch) + data.length);
    if (bytes.length > data.length) writeVarint(bytes, ch);
    bytes.set(data, bytes.length - data.length);
    const [result] = this.sockets.sendMessages([
      {
        connection: link.handle as NetConnection,
        data: bytes,
        flags: SOCKETS_SEND_FLAGS[sendType],
        lane: Math.min(ch, SOCKETS_HEADER_LANE),
      },
    ]);
    if (result!.ok) return this.fail(null);
    if (result!.result === 'limitExceeded') return this.fail(FAIL_LIMIT);
    // The connection died under the send (closed by the peer): a new one carries it, as a new session would.
    this.release(link);
    link.state = 'failed';
    if (!this.connect(link)) return this.fail(FAIL_CONNECT);
    return this.fail(this.hold(link, data, sendType, ch));
  }

  private fail(failure: P2PSendFailure | null): boolean {
    this.lastSendFailure = failure;
    return failure === null;
  }

  private newLink(remote: SteamId): Link {
    const link: Link = {
      remote,
      handle: 0,
      state: 'failed',
      held: [],
      heldBytes: 0,
      channels: new Set(),
      failPosted: false,
      failure: null,
      lastRequestAt: 0,
    };
    this.links.set(remote, link);
    return link;
  }

  private hold(link: Link, data: Uint8Array, sendType: P2PSend, channel: number): P2PSendFailure | null {
    if (sendType === P2PSend.UnreliableNoDelay) return FAIL_IGNORED;
    if (link.heldBytes + data.length > SEND_BUFFER_BYTES) return FAIL_LIMIT;
    link.held.push({ data: data.slice(), sendType, channel });
    link.heldBytes += data.length;
    return null;
  }

  private adopt(link: Link, handle: NetConnection): void {
    link.handle = handle;
    this.byHandle.set(handle, link);
    this.owned.add(handle);
    this.sockets.setConnectionPollGroup(handle, this.group);
  }

  private release(link: Link): void {
    if (link.handle === 0) return;
    this.byHandle.delete(link.handle);
    this.sockets.closeConnection(link.handle);
    link.handle = 0;
  }

  private lanes(link: Link): boolean {
    const ok =
      this.sockets.configureConnectionLanes(
        link.handle as NetConnection,
        new Array(SOCKETS_SEAM_LANES).fill({}),
      ) === 'ok';
    if (!ok) this.release(link);
    return ok;
  }

  private connect(link: Link): boolean {
    let handle: NetConnection;
    try {
      handle = this.sockets.connectP2P(link.remote, 0, { SymmetricConnect: 1 });
    } catch {
      return false; // Steam refused at once
    }
    link.state = 'connecting';
    this.adopt(link, handle);
    if (this.lanes(link)) return true;
    link.state = 'failed';
    return false;
  }

  private accept(link: Link): boolean {
    this.sockets.acceptConnection(link.handle as NetConnection);
    if (!this.lanes(link)) {
      this.links.delete(link.remote);
      return false;
    }
    link.state = 'connected';
    return true;
  }

  /** Accepts `remote`'s waiting connection, if any. */
  acceptFrom(remote: SteamId): void {
    const link = this.links.get(remote);
    if (link?.state === 'incoming') this.accept(link);
  }

  /** A status change of one of the backend's connections (true), or someone else's (false). */
  private onStatus(change: ConnectionStatusChange): boolean {
    const link = this.byHandle.get(change.connection);
    const { state, listenSocket, remote } = change.info;
    if (link === undefined) {
      if (this.owned.has(change.connection)) return true;
      if (listenSocket !== this.listen) return false;
      if (state === 'connecting') this.incoming(change.connection, remote);
      return true;
    }
    if (state === 'connected' && link.state === 'connecting') {
      link.state = 'connected';
      const held = link.held;
      link.held = [];
      link.heldBytes = 0;
      const seen = this.lastSendFailure;
      for (const h of held) this.send(link.remote, h.data, h.sendType, h.channel);
      this.lastSendFailure = seen;
    } else if (state === 'closedByPeer' || state === 'problemDetectedLocally') {
      this.pullAll(); // what already arrived stays readable
      this.ended(link, change.info.endReason, change.info.endDebug, state === 'problemDetectedLocally');
    }
    return true;
  }

  private incoming(handle: NetConnection, remote: SteamId | null): void {
    const existing = remote === null ? undefined : this.links.get(remote);
    if (remote === null || remote === this.local || (existing !== undefined && existing.state !== 'failed')) {
      this.sockets.closeConnection(handle);
      return;
    }
    const link = existing ?? this.newLink(remote);
    link.state = 'incoming';
    this.adopt(link, handle);
    link.lastRequestAt = this.nowMs();
    this.host.emit('sessionRequest', remote);
  }

  private ended(link: Link, endReason: number, debug: string, problem: boolean): void {
    const wasUp = link.state === 'connected';
    const wasIncoming = link.state === 'incoming';
    this.release(link);
    link.held = [];
    link.heldBytes = 0;
    // A request nobody took, or a session the peer ended after it was up, ends quietly (as in the legacy API).
    if (wasIncoming || (wasUp && !problem)) {
      this.links.delete(link.remote);
      return;
    }
    link.state = 'failed';
    const error =
      endReason === END_REASON_LOCAL_RIGHTS ? P2PSessionError.NoRightsToApp : P2PSessionError.Timeout;
    link.failure = { error, detail: sessionFailDetail(endReason, debug) };
    if (link.failPosted) return;
    link.failPosted = true;
    this.host.emit('sessionConnectFail', link.remote, error, link.failure.detail);
  }

  /** After the peer's callbacks ran: waiting connections are announced again, in Steam's time. */
  afterCallbacks(): void {
    let now = -1;
    for (const link of this.links.values()) {
      if (link.state !== 'incoming') continue;
      if (now < 0) now = this.nowMs();
      if (now - link.lastRequestAt >= SESSION_REQUEST_REPOST_MS) {
        link.lastRequestAt = now;
        this.host.emit('sessionRequest', link.remote);
      }
    }
  }

  private push(channel: number, packet: P2PPacket): void {
    let q = this.queues.get(channel);
    if (q === undefined) {
      q = [];
      this.queues.set(channel, q);
    }
    q.push(packet);
    this.queued++;
    this.queuedBytes += packet.data.length;
  }

  /** Takes what the poll group holds into the channel queues, unless they already hold their limit. */
  private pullAll(): void {
    while (this.queued < QUEUE_LIMIT_MESSAGES && this.queuedBytes < QUEUE_LIMIT_BYTES) {
      const messages = this.sockets.receiveMessagesOnPollGroup(this.group, 256) ?? [];
      for (const m of messages) {
        const link = this.byHandle.get(m.connection);
        let channel = m.lane;
        let data = m.data;
        if (m.lane >= SOCKETS_HEADER_LANE) {
          const header = m.lane === SOCKETS_HEADER_LANE ? readVarint(m.data, 0, m.data.length) : null;
          if (header === null) continue; // a lane we never use, or a bad channel number: a hostile peer
          [channel, data] = [header[0], m.data.subarray(header[1])];
        }
        if (link === undefined) continue;
        link.channels.add(channel);
        this.push(channel, { data, remoteSteamId: link.remote });
      }
      if (messages.length < 256) return;
    }
  }

  /** The next packet on `channel`, taken off its queue when `take`. */
  next(channel: number, take: boolean): P2PPacket | undefined {
    let q = this.queues.get(channel);
    if (q === undefined || q.length === 0) {
      this.pullAll();
      q = this.queues.get(channel);
    }
    const packet = take ? q?.shift() : q?.[0];
    if (packet !== undefined && take) {
      this.queued--;
      this.queuedBytes -= packet.data.length;
    }
    return packet;
  }

  /** Drops what waits from `remote` (on `channel`, or on all). */
  private dropFrom(remote: SteamId, channel?: number): void {
    for (const [ch, q] of this.queues) {
      if (channel !== undefined && ch !== channel) continue;
      const kept = q.filter((p) => p.remoteSteamId !== remote);
      for (const p of q) if (p.remoteSteamId === remote) this.queuedBytes -= p.data.length;
      this.queued -= q.length - kept.length;
      this.queues.set(ch, kept);
    }
  }

  closeChannel(remote: SteamId, channel: number): boolean {
    if (remote === this.local) {
      this.dropFrom(remote, channel);
      return this.loopbackOpen;
    }
    const link = this.links.get(remote);
    if (link === undefined || !link.channels.delete(channel)) return false;
    this.dropFrom(remote, channel);
    if (link.channels.size === 0) this.closeSession(remote); // the last open channel closes the session
    return true;
  }

  closeSession(remote: SteamId): boolean {
    this.dropFrom(remote);
    if (remote === this.local) {
      const was = this.loopbackOpen;
      this.loopbackOpen = false;
      return was;
    }
    const link = this.links.get(remote);
    if (link === undefined) return false;
    this.release(link);
    this.links.delete(remote);
    return true;
  }

  sessionState(remote: SteamId): P2PSessionState | null {
    if (remote === this.local) {
      if (!this.loopbackOpen) return null;
      return {
        connectionActive: true,
        connecting: false,
        sessionError: P2PSessionError.None,
        usingRelay: false,
        bytesQueuedForSend: 0,
        packetsQueuedForSend: 0,
        remoteIp: 0x7f000001,
        remotePort: 0,
      };
    }
    const link = this.links.get(remote);
    if (link === undefined) return null;
    const info = link.handle === 0 ? null : this.sockets.getConnectionInfo(link.handle);
    const status = link.handle === 0 ? null : this.sockets.getRealTimeStatus(link.handle)?.status;
    const ip = info?.remoteAddress?.ip.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
    return {
      connectionActive: info?.state === 'connected',
      connecting:
        link.state === 'connecting' && (info?.state === 'connecting' || info?.state === 'findingRoute'),
      sessionError: link.failure?.error ?? P2PSessionError.None,
      usingRelay: info?.flags.relayed ?? false,
      bytesQueuedForSend: link.heldBytes + (status ? status.pendingReliable + status.pendingUnreliable : 0),
      packetsQueuedForSend: link.held.length,
      remoteIp: ip ? ((+ip[1]! << 24) | (+ip[2]! << 16) | (+ip[3]! << 8) | +ip[4]!) >>> 0 : 0,
      remotePort: info?.remoteAddress?.port ?? 0,
    };
  }
}
