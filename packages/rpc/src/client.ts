/**
 * The client: connects to one host (handshake with timeout and `AbortSignal`), then offers typed
 * `send` / `call` / `on` / `handle`. The host's local client is the same class over a loopback.
 * @packageDocumentation
 */
import { isValidSteamId, type SteamId, type TypedEmitter } from '@steamwire/transport-steam';
import { ControlKind, ControlReader, helloPacket, MAX_AUTH_BYTES } from './control.js';
import {
  ClosedError,
  ConnectAbortedError,
  ConnectFailedError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  DisconnectedError,
  EncodeError,
  ProtocolMismatchError,
  RpcArgumentError,
} from './errors.js';
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
import { encoded, encodedEnd, encodedStart, encodeValue } from './wire.js';

/** Events of a {@link Client}. */
export type ClientEvents = CommonEvents & {
  /** The host welcomed us (emitted just before `connectToHost` resolves). */
  connected: () => void;
  /** The session ended. `detail` carries the kick code or the goodbye text. */
  disconnected: (reason: DisconnectReason, detail: string) => void;
};

/** Options of {@link connectToHost}. */
export interface ConnectOptions<P extends Protocol> extends EndpointOptions<P> {
  /** The host's SteamID. */
  host: SteamId;
  /** Sent with the hello and given to the host's `authenticate` hook (msgpack, at most 4 KiB). */
  auth?: unknown;
  /** Give up when the host has not welcomed us within this (default 10 000 ms). */
  timeoutMs?: number;
  /** Abort connecting. */
  signal?: AbortSignal;
}

/** Where a client is in its life. */
export type ClientState = 'connecting' | 'connected' | 'disconnected';

/** Packets from the host held until its welcome, at most. */
const MAX_EARLY_PACKETS = 1024;

/**
 * A client connected to one host. Get one from {@link connectToHost} (or `host.localClient`).
 * @typeParam P the protocol.
 */
export class Client<P extends Protocol = Protocol> extends Endpoint<P> {
  /** Always `'client'`. */
  readonly side = 'client' as const;
  /** The host's SteamID. */
  readonly hostId: SteamId;
  /** Lifecycle and enforcement events. */
  readonly events: TypedEmitter<ClientEvents>;
  private currentState: ClientState = 'connecting';
  private readonly hostPeer: Peer;
  private readonly localHost: Endpoint<P> | null;
  private readonly keepTicking: boolean;
  private connectTimer: unknown = null;
  private settleConnect: ((error: Error | null) => void) | null = null;
  private readonly onSessionRequest = (remote: SteamId) => {
    if (remote === this.hostId && !this.closed) this.network.acceptP2PSessionWithUser(remote);
  };
  private readonly onConnectFail = (remote: SteamId, error: number) => {
    if (remote !== this.hostId || this.closed) return;
    if (this.currentState === 'connecting') this.failConnect(new ConnectFailedError(remote, error));
    else this.removePeer(this.hostPeer, 'connectFailed', '', null);
  };

  /** Use {@link connectToHost}. */
  constructor(options: ConnectOptions<P>, localHost: Endpoint<P> | null = null) {
    super(options, 'client');
    this.events = this.emitter as unknown as TypedEmitter<ClientEvents>;
    this.localHost = localHost;
    this.keepTicking = options.tickMs !== undefined;
    if (localHost !== null) {
      this.hostId = this.network.localSteamId;
      this.hostPeer = this.addPeer(this.hostId, localHost);
      this.hostPeer.state = 'connected';
      this.currentState = 'connected';
      return;
    }
    if (!isValidSteamId(options.host))
      throw new RpcArgumentError('host', 'host must be a valid SteamID (a bigint).');
    if (options.host === this.network.localSteamId) {
      throw new RpcArgumentError(
        'host',
        'host is this peer itself; use host.localClient to play on the host.',
      );
    }
    this.hostId = options.host;
    this.hostPeer = this.addPeer(this.hostId, null);
  }

  /** @internal The host's loopback client. */
  static createLocal<P extends Protocol>(host: Endpoint<P>, options: EndpointOptions<P>): Client<P> {
    return new Client<P>({ ...options, host: options.network.localSteamId }, host);
  }

  /** Where this client is in its life. */
  get state(): ClientState {
    return this.currentState;
  }

  /** @internal Starts the handshake; settles through `done`. */
  begin(options: ConnectOptions<P>, done: (error: Error | null) => void): void {
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      done(new RpcArgumentError('timeoutMs', 'timeoutMs must be a positive number of milliseconds.'));
      return;
    }
    const signal = options.signal;
    if (signal?.aborted) {
      done(new ConnectAbortedError(signal.reason));
      return;
    }
    let auth: Uint8Array | undefined;
    if (options.auth !== undefined) {
      try {
        encodeValue(options.auth);
      } catch (error) {
        done(new EncodeError('auth', error));
        return;
      }
      if (encodedEnd - encodedStart > MAX_AUTH_BYTES) {
        done(
          new RpcArgumentError('auth', `The auth payload must encode to at most ${MAX_AUTH_BYTES} bytes.`),
        );
        return;
      }
      auth = encoded.slice(encodedStart, encodedEnd);
    }
    const onAbort = () => this.failConnect(new ConnectAbortedError(signal?.reason));
    this.settleConnect = (error) => {
      this.settleConnect = null;
      if (this.connectTimer !== null) this.clock.clearTimeout(this.connectTimer as never);
      this.connectTimer = null;
      signal?.removeEventListener('abort', onAbort);
      done(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.connectTimer = this.clock.setTimeout(
      () => this.failConnect(new ConnectTimeoutError(this.hostId, timeoutMs)),
      timeoutMs,
    );
    this.network.on('sessionRequest', this.onSessionRequest);
    this.network.on('sessionConnectFail', this.onConnectFail);
    // Sending opens the session (and accepts one the host may have opened).
    this.sendControl(this.hostPeer, helloPacket(this.protocol.fingerprint, auth), true);
    // Pump while connecting even in manual mode: nobody else knows the client exists yet.
    this.startTicking(options.tickMs ?? 16);
  }

  /** Registers a handler for messages the host sends. Returns a function that unsubscribes. */
  on<N extends ReceivableMessages<P, 'client'>>(
    name: N,
    handler: (message: InferMessage<P, N>, host: SteamId) => void,
  ): () => void {
    return this.addHandler(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Removes a handler registered with {@link on}. */
  off<N extends ReceivableMessages<P, 'client'>>(
    name: N,
    handler: (message: InferMessage<P, N>, host: SteamId) => void,
  ): void {
    this.removeHandler(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Answers request `name` from the host (see `Host.handle` for how errors travel). */
  handle<N extends HandledRequests<P, 'client'>>(
    name: N,
    handler: (
      request: InferRequest<P, N>,
      host: SteamId,
    ) => InferResponseInput<P, N> | Promise<InferResponseInput<P, N>>,
  ): () => void {
    return this.setRequestHandler(name, handler as (r: unknown, p: SteamId) => unknown);
  }

  /**
   * Queues message `name` for the host (sent at the end of this update or on `flush()`).
   * @throws {@link DisconnectedError} when not connected; {@link MessageTooLargeError} when it cannot
   *   fit; {@link EncodeError} when msgpack cannot encode it.
   */
  send<N extends SendableMessages<P, 'client'>>(name: N, message: InferMessageInput<P, N>): void {
    const entry = this.sendableEntry(name, 'message');
    if (this.hostPeer.state !== 'connected')
      throw new DisconnectedError(this.hostId, this.currentState, 'The host');
    this.sendMessage(this.hostPeer, entry, message);
  }

  /** Calls request `name` on the host; resolves with its response. */
  call<N extends CallableRequests<P, 'client'>>(
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
    return this.callPeer(this.hostPeer, this.hostId, entry, request, options) as Promise<InferResponse<P, N>>;
  }

  /** Statistics of the link to the host. */
  stats(): PeerStats {
    return (
      this.peerStats(this.hostId) ??
      this.hostPeer.counters.snapshot(this.hostId, this.protocol, this.channelNumbers, 0)
    );
  }

  /**
   * Leaves the host gracefully: it gets a goodbye, pending calls reject with `DisconnectedError`,
   * and `disconnected('closed')` fires. Safe to call twice.
   */
  disconnect(): void {
    if (this.closed) return;
    if (this.currentState === 'connecting') {
      this.failConnect(new ClosedError());
      return;
    }
    if (this.localHost !== null) {
      (this.localHost as unknown as { localLeft(): void }).localLeft();
      this.removePeer(this.hostPeer, 'closed', '', null);
      return;
    }
    this.removePeer(this.hostPeer, 'closed', '', { reason: 'left', detail: '' });
  }

  /** @internal The host ended the loopback (kick or close). */
  hostGone(reason: DisconnectReason, detail: string): void {
    this.removePeer(this.hostPeer, reason, detail, null);
  }

  protected override usesNetwork(): boolean {
    return this.localHost === null;
  }

  protected override receiveControl(from: SteamId, data: Uint8Array): void {
    if (from !== this.hostId) return;
    const peer = this.hostPeer;
    if (data[0] === ControlKind.Welcome) {
      if (this.currentState !== 'connecting' || peer.state !== 'handshaking') return;
      peer.state = 'connected';
      peer.lastHeard = this.now;
      this.currentState = 'connected';
      if (!this.keepTicking) this.stopTicking();
      this.emitter.emit('connected');
      this.replayEarly(peer);
      this.settleConnect?.(null);
      return;
    }
    if (data[0] === ControlKind.Refuse) {
      if (this.currentState !== 'connecting') return;
      const reader = new ControlReader(data, 1);
      const reason = reader.string() ?? 'refused';
      const detail = reader.string() ?? '';
      const hostFingerprint = reader.string() ?? '';
      this.failConnect(
        reason === 'protocolMismatch'
          ? new ProtocolMismatchError(this.protocol.fingerprint, hostFingerprint)
          : new ConnectionRefusedError(reason, detail),
      );
      return;
    }
    super.receiveControl(from, data);
  }

  protected override receiveEarly(
    from: SteamId,
    peer: Peer | undefined,
    channel: number,
    data: Uint8Array,
  ): void {
    // The host's first messages may overtake its welcome (channels are independent): hold them.
    if (from === this.hostId && peer !== undefined && peer.state === 'handshaking') {
      peer.early ??= [];
      if (
        peer.early.length < MAX_EARLY_PACKETS &&
        peer.earlyBytes + data.length <= this.maxMessageBytes * 2
      ) {
        peer.early.push({ from, channel, data });
        peer.earlyBytes += data.length;
        return;
      }
    }
    super.receiveEarly(from, peer, channel, data);
  }

  private failConnect(error: Error): void {
    if (this.currentState !== 'connecting') return;
    this.currentState = 'disconnected';
    const peer = this.hostPeer;
    peer.state = 'closed';
    this.peers.delete(this.hostId);
    this.closeSessionQuietly(this.hostId);
    this.detach();
    this.shutdown();
    this.settleConnect?.(error);
  }

  private detach(): void {
    if (this.localHost !== null) return;
    this.network.off('sessionRequest', this.onSessionRequest);
    this.network.off('sessionConnectFail', this.onConnectFail);
  }

  protected override onHandshakeTimeout(_peer: Peer): void {
    // The connect timer owns the client's handshake deadline.
  }

  protected override onBye(peer: Peer, reason: string, detail: string): void {
    const why: DisconnectReason =
      reason === 'kicked' ? 'kicked' : reason === 'hostClosed' ? 'hostClosed' : 'left';
    this.removePeer(peer, why, detail, null);
  }

  protected override onViolations(peer: Peer): void {
    this.removePeer(peer, 'violations', 'violations', { reason: 'left', detail: 'violations' });
  }

  protected override onPeerGone(
    _peer: Peer,
    reason: DisconnectReason,
    detail: string,
    wasConnected: boolean,
  ): void {
    if (this.currentState === 'disconnected') return;
    const connecting = this.currentState === 'connecting';
    this.currentState = 'disconnected';
    this.detach();
    this.shutdown();
    if (wasConnected) this.emitter.emit('disconnected', reason, detail);
    // A goodbye before the welcome: connecting fails now instead of never settling (the connect
    // timer would find the state already 'disconnected' and return).
    if (connecting) this.settleConnect?.(new ConnectionRefusedError(reason, detail));
  }
}

/**
 * Connects to the host `options.host` and resolves once it welcomed us.
 *
 * @throws (rejects with) {@link ConnectTimeoutError}, {@link ConnectAbortedError},
 *   {@link ProtocolMismatchError}, {@link ConnectionRefusedError}, {@link ConnectFailedError}, or
 *   {@link RpcArgumentError} for bad options.
 */
export function connectToHost<P extends Protocol>(options: ConnectOptions<P>): Promise<Client<P>> {
  return new Promise((resolve, reject) => {
    let client: Client<P>;
    try {
      client = new Client(options);
    } catch (error) {
      reject(error);
      return;
    }
    client.begin(options, (error) => (error === null ? resolve(client) : reject(error)));
  });
}
