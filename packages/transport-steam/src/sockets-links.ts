/**
 * The Sockets backend's peers: one {@link Link} per remote SteamID (its connection handle and state,
 * the sends waiting for it, what failed), and the Steam calls that make, accept and drop connections
 * (each in symmetric mode, in the backend's poll group, with its 8 lanes configured).
 * @packageDocumentation
 */
import { END_REASON_LOCAL_RIGHTS } from './constants.js';
import {
  P2PSend,
  type P2PSendFailure,
  P2PSessionError,
  type P2PSessionFailDetail,
  type P2PSessionState,
} from './p2p.js';
import { decodeConnectionInfo, decodeRealTimeStatus, type SocketsCore } from './sockets-core.js';
import type { InboxLink } from './sockets-inbox.js';
import { SOCKETS_SEAM_LANES, sessionFailDetail } from './sockets-mapping.js';
import type { SteamId } from './steam-id.js';

/** Steam's default `SendBufferSize`: more bytes queued for one connection are refused (`limitExceeded`). */
export const SEND_BUFFER_BYTES = 512 * 1024;

const FAIL_IGNORED: P2PSendFailure = Object.freeze({ reason: 'ignored', result: 41 });
const FAIL_LIMIT: P2PSendFailure = Object.freeze({ reason: 'limitExceeded', result: 25 });

/** A peer as this backend knows it: its connection, and what waits for it. */
export interface Link extends InboxLink {
  handle: number;
  state: 'connecting' | 'connected' | 'incoming' | 'failed';
  /** Sends waiting for the connection to come up. */
  held: { data: Uint8Array; sendType: P2PSend; channel: number }[];
  heldBytes: number;
  /** Bytes staged for the next flush, and bytes handed to Steam recently (aged by the send rate). */
  stagedBytes: number;
  recentBytes: number;
  recentAt: number;
  failPosted: boolean;
  failure: { error: P2PSessionError; detail: P2PSessionFailDetail } | null;
  lastRequestAt: number;
}

/** The seam's error for a connection that ended with `endReason`. */
export function errorOf(endReason: number): P2PSessionError {
  return endReason === END_REASON_LOCAL_RIGHTS ? P2PSessionError.NoRightsToApp : P2PSessionError.Timeout;
}

/** Every peer the backend knows, by SteamID and by connection handle. */
export class LinkTable {
  private readonly core: SocketsCore;
  private readonly peers = new Map<SteamId, Link>();
  private readonly byHandle = new Map<number, Link>();
  private readonly pollGroup: number;
  private readonly virtualPort: number;
  /** The one option every connection is made with: SymmetricConnect (37) = 1. */
  readonly options: Uint8Array;
  private readonly info = new Uint8Array(696);
  private readonly status = new Uint8Array(120);

  constructor(core: SocketsCore, pollGroup: number, virtualPort: number, options: Uint8Array) {
    this.core = core;
    this.pollGroup = pollGroup;
    this.virtualPort = virtualPort;
    this.options = options;
  }

  get(remote: SteamId): Link | undefined {
    return this.peers.get(remote);
  }

  values(): IterableIterator<Link> {
    return this.peers.values();
  }

  forget(remote: SteamId): void {
    this.peers.delete(remote);
  }

  /**
   * Keeps a send until `link`'s connection is up (a copy: the caller may reuse `data`).
   * @returns null, or why not: a no-delay packet cannot wait; the wait is limited to Steam's send buffer.
   */
  hold(link: Link, data: Uint8Array, sendType: P2PSend, channel: number): P2PSendFailure | null {
    if (sendType === P2PSend.UnreliableNoDelay) return FAIL_IGNORED;
    if (link.heldBytes + data.byteLength > SEND_BUFFER_BYTES) return FAIL_LIMIT;
    link.held.push({ data: data.slice(), sendType, channel });
    link.heldBytes += data.byteLength;
    return null;
  }

  /**
   * The bytes Steam still holds for `link`'s connection (queued, or sent and not acknowledged: what
   * its send buffer counts), or null when it is gone.
   */
  pendingInSteam(link: Link): number | null {
    if (this.core.fn.GetConnectionRealTimeStatus(this.core.self, link.handle, this.status, 0, null) !== 1)
      return null;
    const s = decodeRealTimeStatus(this.status);
    return s.pendingReliable + s.pendingUnreliable + s.sentUnackedReliable;
  }

  /** Whether Steam still knows connection `handle`. */
  alive(handle: number): boolean {
    return this.core.fn.GetConnectionInfo(this.core.self, handle, this.info);
  }

  readonly linkOf = (connection: number): Link | undefined => this.byHandle.get(connection);

  newLink(remote: SteamId, handle: number, state: Link['state']): Link {
    const link: Link = {
      remote,
      channels: new Set(),
      handle,
      state,
      held: [],
      heldBytes: 0,
      stagedBytes: 0,
      recentBytes: 0,
      recentAt: 0,
      failPosted: false,
      failure: null,
      lastRequestAt: 0,
    };
    this.peers.set(remote, link);
    return link;
  }

  adopt(link: Link, handle: number): void {
    link.handle = handle;
    this.byHandle.set(handle, link);
    this.core.backendConnections.add(handle);
  }

  /** Forgets `link`'s connection (closing the handle when `close`), keeping the link itself. */
  release(link: Link, close: boolean, reason = 0): void {
    if (link.handle === 0) return;
    this.byHandle.delete(link.handle);
    this.core.backendConnections.delete(link.handle);
    if (close) this.core.fn.CloseConnection(this.core.self, link.handle, reason, null, false);
    link.handle = 0;
  }

  /** Opens a connection to `remote` for `link` (a new attempt); false when Steam refused at once. */
  connect(link: Link): boolean {
    const { core } = this;
    const handle = core.fn.ConnectP2P(
      core.self,
      core.identity(link.remote),
      this.virtualPort,
      1,
      this.options,
    );
    if (handle === 0) return false;
    this.adopt(link, handle);
    link.state = 'connecting';
    core.fn.SetConnectionPollGroup(core.self, handle, this.pollGroup);
    // Channels are lanes: a connection without its lanes could carry only channel 0, so it is not used.
    if (core.fn.ConfigureConnectionLanes(core.self, handle, SOCKETS_SEAM_LANES, null, null) !== 1) {
      this.release(link, true);
      link.state = 'failed';
      return false;
    }
    return true;
  }

  /** Accepts `link`'s waiting incoming connection (explicitly, or because we send to it); false if it is gone. */
  accept(link: Link): boolean {
    const { core } = this;
    core.fn.AcceptConnection(core.self, link.handle);
    if (core.fn.ConfigureConnectionLanes(core.self, link.handle, SOCKETS_SEAM_LANES, null, null) !== 1) {
      this.release(link, true);
      this.peers.delete(link.remote);
      return false;
    }
    link.state = 'connected';
    return true;
  }

  /**
   * A connection arriving on the backend's listen socket: a new (or retried) session request, or,
   * from a peer the seam cannot answer or already has a connection with, closed at once.
   * @returns the link waiting to be accepted, or null.
   */
  incoming(handle: number, remote: SteamId | null, local: SteamId): Link | null {
    const { core } = this;
    const existing = remote === null ? undefined : this.peers.get(remote);
    if (remote === null || remote === local || (existing !== undefined && existing.state !== 'failed')) {
      core.fn.CloseConnection(core.self, handle, 0, null, false);
      return null;
    }
    const link = existing ?? this.newLink(remote, 0, 'incoming');
    link.state = 'incoming';
    this.adopt(link, handle);
    core.fn.SetConnectionPollGroup(core.self, handle, this.pollGroup);
    link.lastRequestAt = core.nowMs(); // Steam's clock: re-announced in the network's time
    return link;
  }

  /**
   * `link`'s connection ended (closed by the peer, or a problem Steam detected): its handle is closed
   * and what waited for it dropped. A request nobody took, or a session the peer ended after it was
   * up, is forgotten quietly, as in the legacy API; anything else failed.
   * @returns the failure to report (once per session), or null.
   */
  end(
    link: Link,
    endReason: number,
    debug: string,
    problem: boolean,
  ): { error: P2PSessionError; detail: P2PSessionFailDetail } | null {
    const wasUp = link.state === 'connected';
    const wasIncoming = link.state === 'incoming';
    this.release(link, true);
    link.held = [];
    link.heldBytes = 0;
    if (wasIncoming || (wasUp && !problem)) {
      this.peers.delete(link.remote);
      return null;
    }
    link.state = 'failed';
    link.failure = { error: errorOf(endReason), detail: sessionFailDetail(endReason, debug) };
    if (link.failPosted) return null;
    link.failPosted = true;
    return link.failure;
  }

  /** The seam's view of `link`: Steam's connection info and real-time status, plus what waits in JavaScript. */
  sessionState(link: Link): P2PSessionState {
    const quiet = {
      connectionActive: false,
      connecting: false,
      sessionError: link.failure?.error ?? P2PSessionError.None,
      usingRelay: false,
      bytesQueuedForSend: link.heldBytes,
      packetsQueuedForSend: link.held.length,
      remoteIp: 0,
      remotePort: 0,
    };
    if (link.handle === 0 || !this.core.fn.GetConnectionInfo(this.core.self, link.handle, this.info))
      return quiet;
    const info = decodeConnectionInfo(this.info);
    const live =
      this.core.fn.GetConnectionRealTimeStatus(this.core.self, link.handle, this.status, 0, null) === 1;
    const status = live ? decodeRealTimeStatus(this.status) : null;
    const ip = info.remoteAddress?.ip.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
    return {
      connectionActive: info.state === 'connected',
      connecting:
        link.state === 'connecting' && (info.state === 'connecting' || info.state === 'findingRoute'),
      sessionError: quiet.sessionError,
      usingRelay: info.flags.relayed,
      bytesQueuedForSend:
        link.heldBytes + link.stagedBytes + (status ? status.pendingReliable + status.pendingUnreliable : 0),
      packetsQueuedForSend: link.held.length,
      remoteIp: ip ? ((+ip[1]! << 24) | (+ip[2]! << 16) | (+ip[3]! << 8) | +ip[4]!) >>> 0 : 0,
      remotePort: info.remoteAddress?.port ?? 0,
    };
  }
}
