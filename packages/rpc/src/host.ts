/**
 * The authoritative host: accepts sessions by policy, runs the handshake (fingerprint, optional
 * auth), tracks peers with heartbeats, and offers typed `on` / `handle` / `sendTo` / `broadcast` /
 * `call` / `kick`. It may also play, through {@link Host.localClient}.
 * @packageDocumentation
 */
import type { SteamId, TypedEmitter } from '@steamwire/transport-steam';
import { Client } from './client.js';
import { ControlKind, ControlReader, controlPacket, MAX_AUTH_BYTES, SESSION_VERSION } from './control.js';
import { DisconnectedError, RpcArgumentError } from './errors.js';
import type { Protocol } from './protocol.js';
import {
  type CallOptions,
  type CommonEvents,
  type DisconnectReason,
  Endpoint,
  type EndpointOptions,
  type Peer,
} from './session.js';
import type { PeerStats } from './stats.js';
import type {
  CallableRequests,
  HandledRequests,
  InferMessage,
  InferMessageInput,
  InferRequest,
  InferRequestInput,
  InferResponse,
  InferResponseInput,
  ReceivableMessages,
  SendableMessages,
} from './types.js';
import { decodeValue, scanMsgpack } from './wire.js';

/** Why the host turned a peer away before it joined. */
export type RefuseReason =
  /** `acceptPeer` returned false (the session was not even accepted). */
  | 'notAccepted'
  /** Its protocol fingerprint differs from ours. */
  | 'protocolMismatch'
  /** It speaks another version of the session protocol. */
  | 'versionMismatch'
  /** `maxPeers` are already connected. */
  | 'full'
  /** `authenticate` returned false or threw. */
  | 'authFailed'
  /** Its hello was unreadable. */
  | 'badHello'
  /** It never completed the handshake. */
  | 'handshakeTimeout'
  /** It was kicked less than `kickCooldownMs` ago. */
  | 'coolingDown';

/** Events of a {@link Host}. */
export type HostEvents = CommonEvents & {
  /** `peer` completed the handshake; its messages now reach handlers. */
  peerJoined: (peer: SteamId) => void;
  /** `peer` is gone. `detail` carries the kick code or the goodbye text. */
  peerLeft: (peer: SteamId, reason: DisconnectReason, detail: string) => void;
  /** `peer` was turned away before joining. */
  peerRefused: (peer: SteamId, reason: RefuseReason, detail: string) => void;
};

/** Options of {@link createHost}. */
export interface HostOptions<P extends Protocol> extends EndpointOptions<P> {
  /**
   * Whether to accept a session request from `peer` (lobby membership, ban list). Default: everyone.
   * A refused peer gets no answer at all, as Steam does for an unaccepted session; its session is
   * closed, so what it already sent is dropped at once instead of being held by Steam.
   */
  acceptPeer?: (peer: SteamId) => boolean;
  /** Most connected peers at once, the local client included (default 64). */
  maxPeers?: number;
  /**
   * Checks the auth payload a client sent with `connectToHost({ auth })`. Return (or resolve) false
   * to refuse. Runs before the peer joins; its messages wait until then.
   */
  authenticate?: (peer: SteamId, payload: unknown) => boolean | Promise<boolean>;
  /** A peer that accepted a session must complete its handshake within this (default 10 000 ms). */
  handshakeTimeoutMs?: number;
  /**
   * A peer kicked (by {@link Host.kick} or for violations) is refused for this long, so a flooder
   * cannot simply reconnect and start again (default 30 000 ms; 0 disables). Use `acceptPeer` for
   * permanent bans.
   */
  kickCooldownMs?: number;
}

/** Most kicked peers remembered for the cooldown; the oldest are forgotten first. */
const MAX_COOLING_PEERS = 4096;

/**
 * A host. Create it with {@link createHost}.
 * @typeParam P the protocol.
 */
export class Host<P extends Protocol = Protocol> extends Endpoint<P> {
  /** Always `'host'`. */
  readonly side = 'host' as const;
  /** Lifecycle and enforcement events. */
  readonly events: TypedEmitter<HostEvents>;
  private readonly acceptPeer: (peer: SteamId) => boolean;
  private readonly maxPeers: number;
  private readonly authenticate: HostOptions<P>['authenticate'];
  private readonly handshakeTimeoutMs: number;
  private readonly kickCooldownMs: number;
  /** Kicked peers and when they may come back (insertion order = kick order, for eviction). */
  private readonly coolingDown = new Map<SteamId, number>();
  private local: Client<P> | null = null;
  private readonly onSessionRequest = (remote: SteamId) => this.sessionRequested(remote);
  private readonly onConnectFail = (remote: SteamId) => {
    const peer = this.peers.get(remote);
    if (peer !== undefined) this.removePeer(peer, 'connectFailed', '', null);
  };

  /** Use {@link createHost}. */
  constructor(options: HostOptions<P>) {
    super(options, 'host');
    this.events = this.emitter as unknown as TypedEmitter<HostEvents>;
    this.acceptPeer = options.acceptPeer ?? (() => true);
    this.maxPeers = options.maxPeers ?? 64;
    if (!Number.isInteger(this.maxPeers) || this.maxPeers < 1) {
      throw new RpcArgumentError('maxPeers', 'maxPeers must be an integer ≥ 1.');
    }
    this.authenticate = options.authenticate;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.kickCooldownMs = options.kickCooldownMs ?? 30_000;
    if (!(this.kickCooldownMs >= 0) || !Number.isFinite(this.kickCooldownMs)) {
      throw new RpcArgumentError(
        'kickCooldownMs',
        'kickCooldownMs must be a finite number of milliseconds ≥ 0.',
      );
    }
    this.network.on('sessionRequest', this.onSessionRequest);
    this.network.on('sessionConnectFail', this.onConnectFail);
    if (options.tickMs !== undefined) this.startTicking(options.tickMs);
  }

  /** SteamIDs of the connected peers (the local client included once created). */
  get peerIds(): SteamId[] {
    const ids: SteamId[] = [];
    for (const p of this.peers.values()) if (p.state === 'connected') ids.push(p.id);
    return ids;
  }

  /** True when `peer` is connected. */
  isConnected(peer: SteamId): boolean {
    return this.peers.get(peer)?.state === 'connected';
  }

  /**
   * A client object for the player on the host, in the same process: the same API as a remote
   * client, no packets. Its messages go through the same decoding, validation and handlers, and it
   * is updated by the host's `update()`. Its SteamID is the host's own.
   */
  get localClient(): Client<P> {
    if (this.local === null) {
      if (this.closed) throw new RpcArgumentError('localClient', 'The host is closed.');
      const client = Client.createLocal(this, {
        network: this.network,
        protocol: this.protocol,
        clock: this.clock,
        controlChannel: this.controlChannel,
        maxMessageBytes: this.maxMessageBytes,
      });
      const peer = this.addPeer(this.network.localSteamId, client);
      peer.state = 'connected';
      this.local = client;
      this.emitter.emit('peerJoined', peer.id);
    }
    return this.local;
  }

  /** Registers a handler for messages clients send. Returns a function that unsubscribes. */
  on<N extends ReceivableMessages<P, 'host'>>(
    name: N,
    handler: (message: InferMessage<P, N>, peer: SteamId) => void,
  ): () => void {
    return this.addHandler(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Removes a handler registered with {@link on}. */
  off<N extends ReceivableMessages<P, 'host'>>(
    name: N,
    handler: (message: InferMessage<P, N>, peer: SteamId) => void,
  ): void {
    this.removeHandler(name, handler as (m: unknown, p: SteamId) => void);
  }

  /**
   * Answers request `name`. The handler's return value (or resolved value) is the response; a
   * throw answers a `RemoteError` to the caller (code and message only for errors with a string
   * `code`, otherwise `HANDLER_FAILED`).
   */
  handle<N extends HandledRequests<P, 'host'>>(
    name: N,
    handler: (
      request: InferRequest<P, N>,
      peer: SteamId,
    ) => InferResponseInput<P, N> | Promise<InferResponseInput<P, N>>,
  ): () => void {
    return this.setRequestHandler(name, handler as (r: unknown, p: SteamId) => unknown);
  }

  /**
   * Queues message `name` for `peer` (sent at the end of this update or on `flush()`).
   * @throws {@link DisconnectedError} when `peer` is not connected; {@link MessageTooLargeError} when
   *   it cannot fit; {@link EncodeError} when msgpack cannot encode it.
   */
  sendTo<N extends SendableMessages<P, 'host'>>(
    peer: SteamId,
    name: N,
    message: InferMessageInput<P, N>,
  ): void {
    const entry = this.sendableEntry(name, 'message');
    const p = this.peers.get(peer);
    if (p === undefined || p.state !== 'connected') throw new DisconnectedError(peer, 'not connected');
    this.sendMessage(p, entry, message);
  }

  /** Queues message `name` for every connected peer (but `except`), encoding it once. */
  broadcast<N extends SendableMessages<P, 'host'>>(
    name: N,
    message: InferMessageInput<P, N>,
    options?: { except?: SteamId },
  ): void {
    const entry = this.sendableEntry(name, 'message');
    this.sendMessageToMany(this.peers.values(), entry, message, options?.except);
  }

  /** Calls request `name` on client `peer`; resolves with its response. */
  call<N extends CallableRequests<P, 'host'>>(
    peer: SteamId,
    name: N,
    request: InferRequestInput<P, N>,
    options?: CallOptions,
  ): Promise<InferResponse<P, N>> {
    let entry: ReturnType<typeof this.sendableEntry>;
    try {
      entry = this.sendableEntry(name, 'request');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.callPeer(this.peers.get(peer), peer, entry, request, options) as Promise<InferResponse<P, N>>;
  }

  /**
   * Removes `peer`: it receives a goodbye with `code` and gets `disconnected('kicked', code)`;
   * `peerLeft(peer, 'kicked', code)` fires here. Returns false when `peer` was not connected.
   */
  kick(peer: SteamId, code = 'kicked'): boolean {
    const p = this.peers.get(peer);
    if (p === undefined || p.state === 'closed') return false;
    if (p.local !== null) {
      this.removePeer(p, 'kicked', code, null);
      this.local?.hostGone('kicked', code);
      this.local = null;
      return true;
    }
    this.removePeer(p, 'kicked', code, { reason: 'kicked', detail: code });
    this.coolDown(peer);
    return true;
  }

  /** Refuses `peer` for `kickCooldownMs` from now. */
  private coolDown(peer: SteamId): void {
    if (this.kickCooldownMs === 0) return;
    this.coolingDown.delete(peer);
    this.coolingDown.set(peer, this.clock.now() + this.kickCooldownMs);
    if (this.coolingDown.size > MAX_COOLING_PEERS) {
      this.coolingDown.delete(this.coolingDown.keys().next().value as SteamId);
    }
  }

  /** True while `peer` is serving a kick cooldown (expired entries are forgotten on the way). */
  private isCoolingDown(peer: SteamId): boolean {
    const until = this.coolingDown.get(peer);
    if (until === undefined) return false;
    if (this.clock.now() < until) return true;
    this.coolingDown.delete(peer);
    return false;
  }

  /** Statistics of `peer`, or `undefined` when it is not a peer. */
  stats(peer: SteamId): PeerStats | undefined {
    return this.peerStats(peer);
  }

  /**
   * Closes the host: every peer gets a goodbye (`hostClosed`), pending calls reject, handlers stop.
   * Sessions close after `lingerMs` so the goodbyes are delivered.
   */
  close(): void {
    if (this.closed) return;
    for (const peer of [...this.peers.values()]) {
      if (peer.local !== null) {
        this.removePeer(peer, 'closed', '', null);
        this.local?.hostGone('hostClosed', '');
        continue;
      }
      this.removePeer(peer, 'closed', '', { reason: 'hostClosed', detail: '' });
    }
    this.local = null;
    this.network.off('sessionRequest', this.onSessionRequest);
    this.network.off('sessionConnectFail', this.onConnectFail);
    this.shutdown();
  }

  protected override afterUpdate(): void {
    this.local?.update();
  }

  private sessionRequested(remote: SteamId): void {
    if (this.closed) return;
    const existing = this.peers.get(remote);
    if (existing !== undefined) {
      // A known peer whose session was closed and reopened (e.g. it restarted): accept, and let
      // its hello decide.
      this.network.acceptP2PSessionWithUser(remote);
      return;
    }
    if (!this.admit(remote)) {
      // Refused: close instead of ignoring, so the packets Steam holds for an unaccepted session are
      // dropped now rather than kept for ~20 s (a refused peer that floods cannot grow memory).
      this.closeSessionQuietly(remote);
      return;
    }
    this.network.acceptP2PSessionWithUser(remote);
    this.startHandshake(remote);
  }

  /** Runs `acceptPeer` and the pending-handshake bound. */
  private admit(remote: SteamId): boolean {
    if (this.isCoolingDown(remote)) {
      // Like an unaccepted session: no answer at all, so the peer learns nothing.
      this.emitter.emit('peerRefused', remote, 'coolingDown', '');
      return false;
    }
    let ok = false;
    try {
      ok = this.acceptPeer(remote) === true;
    } catch (error) {
      this.reportError(error, remote, undefined);
    }
    if (!ok) {
      this.emitter.emit('peerRefused', remote, 'notAccepted', '');
      return false;
    }
    let pending = 0;
    for (const p of this.peers.values()) if (p.state !== 'connected') pending++;
    // Half-open handshakes are bounded so a flood of session requests cannot grow memory.
    return pending < this.maxPeers * 2;
  }

  private startHandshake(remote: SteamId): Peer {
    const peer = this.addPeer(remote, null);
    peer.deadline = this.now + this.handshakeTimeoutMs;
    return peer;
  }

  protected override receiveControl(from: SteamId, data: Uint8Array): void {
    if (data[0] === ControlKind.Hello) {
      this.hello(from, data);
      return;
    }
    super.receiveControl(from, data);
  }

  private hello(from: SteamId, data: Uint8Array): void {
    let peer = this.peers.get(from);
    if (peer !== undefined && peer.local !== null) return;
    if (peer !== undefined && peer.state === 'connected') {
      this.removePeer(peer, 'reconnected', '', null);
      this.network.acceptP2PSessionWithUser(from);
      peer = undefined;
    }
    if (peer === undefined) {
      // Hello without a session request: the session was accepted implicitly (we sent to them).
      if (!this.admit(from)) {
        this.closeSessionQuietly(from);
        return;
      }
      peer = this.startHandshake(from);
    }
    if (peer.state !== 'handshaking') return;
    if (data.length < 2 || data[1] !== SESSION_VERSION) {
      this.refuse(peer, 'versionMismatch', `this host speaks session version ${SESSION_VERSION}`);
      return;
    }
    const reader = new ControlReader(data, 2);
    const fingerprint = reader.string();
    if (fingerprint === null) {
      this.refuse(peer, 'badHello', 'unreadable hello');
      return;
    }
    if (fingerprint !== this.protocol.fingerprint) {
      this.refuse(
        peer,
        'protocolMismatch',
        `the client runs protocol ${fingerprint.slice(0, 32)}, the host ${this.protocol.fingerprint}`,
      );
      return;
    }
    let auth: unknown;
    if (reader.pos < data.length) {
      if (data.length - reader.pos > MAX_AUTH_BYTES || !scanMsgpack(data, reader.pos, data.length)) {
        this.refuse(peer, 'badHello', 'unreadable auth payload');
        return;
      }
      try {
        auth = decodeValue(data, reader.pos, data.length);
      } catch {
        this.refuse(peer, 'badHello', 'unreadable auth payload');
        return;
      }
    }
    if (this.connectedCount() >= this.maxPeers) {
      this.refuse(peer, 'full', `the host holds ${this.maxPeers} peers`);
      return;
    }
    if (this.authenticate === undefined) {
      this.welcome(peer);
      return;
    }
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = this.authenticate(from, auth);
    } catch (error) {
      this.reportError(error, from, undefined);
      this.refuse(peer, 'authFailed', '');
      return;
    }
    if (
      verdict !== null &&
      typeof verdict === 'object' &&
      typeof (verdict as Promise<boolean>).then === 'function'
    ) {
      peer.state = 'authenticating';
      const p = peer;
      (verdict as Promise<boolean>).then(
        (ok) => this.authDone(p, ok === true),
        (error: unknown) => {
          this.reportError(error, from, undefined);
          this.authDone(p, false);
        },
      );
      return;
    }
    this.authDone(peer, verdict === true);
  }

  private authDone(peer: Peer, ok: boolean): void {
    if (
      this.closed ||
      this.peers.get(peer.id) !== peer ||
      peer.state === 'closed' ||
      peer.state === 'connected'
    )
      return;
    if (!ok) {
      this.refuse(peer, 'authFailed', '');
      return;
    }
    if (this.connectedCount() >= this.maxPeers) {
      this.refuse(peer, 'full', `the host holds ${this.maxPeers} peers`);
      return;
    }
    this.welcome(peer);
  }

  private connectedCount(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.state === 'connected') n++;
    return n;
  }

  private welcome(peer: Peer): void {
    peer.state = 'connected';
    peer.lastHeard = this.now;
    peer.deadline = Number.POSITIVE_INFINITY;
    this.sendControl(peer, controlPacket(ControlKind.Welcome, []), true);
    this.emitter.emit('peerJoined', peer.id);
  }

  private refuse(peer: Peer, reason: RefuseReason, detail: string): void {
    this.sendControl(
      peer,
      controlPacket(ControlKind.Refuse, [reason, detail, this.protocol.fingerprint]),
      true,
    );
    peer.state = 'closed';
    this.peers.delete(peer.id);
    this.closeSessionLater(peer.id, this.lingerMs);
    this.emitter.emit('peerRefused', peer.id, reason, detail);
  }

  protected override onHandshakeTimeout(peer: Peer): void {
    peer.state = 'closed';
    this.peers.delete(peer.id);
    this.closeSessionLater(peer.id, 0);
    this.emitter.emit('peerRefused', peer.id, 'handshakeTimeout', '');
  }

  protected override onBye(peer: Peer, _reason: string, detail: string): void {
    this.removePeer(peer, 'left', detail, null);
  }

  protected override onViolations(peer: Peer): void {
    this.removePeer(peer, 'violations', 'violations', { reason: 'kicked', detail: 'violations' });
    this.coolDown(peer.id);
  }

  protected override onPeerGone(
    peer: Peer,
    reason: DisconnectReason,
    detail: string,
    wasConnected: boolean,
  ): void {
    if (wasConnected) this.emitter.emit('peerLeft', peer.id, reason, detail);
  }

  /** @internal Called by the local client when the player leaves. */
  localLeft(): void {
    const peer = this.peers.get(this.network.localSteamId);
    if (peer !== undefined && peer.local !== null) this.removePeer(peer, 'left', '', null);
    this.local = null;
  }
}

/**
 * Creates a host for `protocol` on `network`.
 *
 * ```ts
 * const host = createHost({ network, protocol, acceptPeer: (id) => lobby.has(id), tickMs: 16 });
 * host.on('input', (msg, peer) => { ... });
 * ```
 */
export function createHost<P extends Protocol>(options: HostOptions<P>): Host<P> {
  return new Host(options);
}
