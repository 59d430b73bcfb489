/**
 * The authoritative host, the host's policy over an endpoint's parts: it accepts sessions and runs
 * handshakes (`host-handshake.ts`), removes peers that leave, fall silent or misbehave, and offers
 * typed `on` / `handle` / `sendTo` / `broadcast` / `call` / `kick`. It may also play, through
 * {@link Host.localClient}.
 * @packageDocumentation
 */
import type { P2PNetworking, SteamId, TypedEmitter } from '@steamwire/transport-steam';
import type { CallOptions } from './call-table.js';
import { Client, type ConnectOptions } from './client.js';
import { CLIENT_INTERNALS, type ClientInternals } from './client-handshake.js';
import type { EndpointDebugState } from './debug-state.js';
import { Endpoint } from './endpoint.js';
import { DisconnectedError, RpcArgumentError } from './errors.js';
import type { CommonEvents, DisconnectReason } from './events.js';
import { HostHandshake, type HostOptions, type RefuseReason } from './host-handshake.js';
import type { LocalClientLink, LocalHostLink } from './loopback.js';
import { describeValue } from './options.js';
import type { Protocol } from './protocol.js';
import type { PeerStats } from './stats.js';
import type {
  CallableName,
  CallableRequests,
  HandledName,
  HandledRequests,
  MessageHandlers,
  MessageInputs,
  ReceivableMessages,
  ReceivableName,
  RequestHandlers,
  RequestInputs,
  Responses,
  SendableMessages,
  SendableName,
} from './types.js';

export type { HostOptions, RefuseReason };

/** Options of {@link Host.kick}. */
export interface KickOptions {
  /** Refuse the peer for `kickCooldownMs` afterwards (default true). */
  cooldown?: boolean;
}

/** Events of a {@link Host}. */
export type HostEvents = CommonEvents & {
  /** `peer` completed the handshake; its messages now reach handlers. */
  peerJoined: (peer: SteamId) => void;
  /**
   * `peer` is gone: the same reason and detail as its `disconnected` event (`detail` is the kick code,
   * the last rejection's reason for `violations` / `hostViolations`, Steam's error for `connectFailed`).
   */
  peerLeft: (peer: SteamId, reason: DisconnectReason, detail: string) => void;
  /** `peer` was turned away before joining. */
  peerRefused: (peer: SteamId, reason: RefuseReason, detail: string) => void;
};

/**
 * A host. Create it with {@link createHost}.
 * @typeParam P the protocol.
 */
export class Host<P extends Protocol = Protocol> {
  /** Always `'host'`. */
  readonly side = 'host' as const;
  /** The protocol this host speaks. */
  readonly protocol: P;
  /** The networking it talks through. */
  readonly network: P2PNetworking;
  /** Lifecycle and enforcement events. */
  readonly events: TypedEmitter<HostEvents>;
  readonly #endpoint: Endpoint;
  readonly #handshake: HostHandshake;
  #local: { readonly client: Client<P>; readonly link: LocalClientLink } | null = null;
  readonly #onSessionRequest = (remote: SteamId) => this.#handshake.sessionRequested(remote);
  readonly #onConnectFail = (remote: SteamId, error: number) => {
    const peer = this.#endpoint.peers.get(remote);
    if (peer !== undefined) this.#endpoint.removePeer(peer, 'connectFailed', String(error), null);
  };

  /** Use {@link createHost}. */
  constructor(options: HostOptions<P>) {
    const endpoint = new Endpoint(
      options,
      'host',
      {
        handshake: (from, data) => this.#handshake.receive(from, data),
        early: (from, peer) => endpoint.reporter.reject(peer, from, 'notConnected', undefined),
        // A client's goodbye says it left, or that it left us for our violations.
        bye: (peer, reason, detail) =>
          endpoint.removePeer(peer, reason === 'hostViolations' ? 'hostViolations' : 'left', detail, null),
        handshakeTimedOut: (peer) => this.#handshake.timedOut(peer),
        violations: (peer) => {
          const detail = endpoint.reporter.lastReason;
          endpoint.removePeer(peer, 'violations', detail, { reason: 'violations', detail });
          this.#handshake.coolDown(peer.id);
        },
        peerGone: (peer, reason, detail, wasConnected) => {
          if (wasConnected) endpoint.reporter.emitter.emit('peerLeft', peer.id, reason, detail);
        },
        afterUpdate: () => this.#local?.link.update(),
      },
      true,
    );
    this.#endpoint = endpoint;
    this.#handshake = new HostHandshake(endpoint, options);
    this.protocol = options.protocol;
    this.network = options.network;
    this.events = endpoint.reporter.emitter as unknown as TypedEmitter<HostEvents>;
    this.network.on('sessionRequest', this.#onSessionRequest);
    this.network.on('sessionConnectFail', this.#onConnectFail);
    if (options.tickMs !== undefined) endpoint.startTicking(options.tickMs);
  }

  /** SteamIDs of the connected peers (the local client included once created). */
  get peerIds(): SteamId[] {
    const ids: SteamId[] = [];
    for (const p of this.#endpoint.peers.values()) if (p.state === 'connected') ids.push(p.id);
    return ids;
  }

  /** True when `peer` is connected. */
  isConnected(peer: SteamId): boolean {
    return this.#endpoint.peers.get(peer)?.state === 'connected';
  }

  /**
   * A client object for the player on the host, in the same process: the same API as a remote
   * client, no packets. Its messages go through the same decoding, validation and handlers, and it
   * is updated by the host's `update()`. Its SteamID is the host's own.
   */
  get localClient(): Client<P> {
    if (this.#local !== null) return this.#local.client;
    const endpoint = this.#endpoint;
    if (endpoint.state.closed) throw new RpcArgumentError('localClient', 'The host is closed.');
    const config = endpoint.config;
    let attached: LocalClientLink | null = null;
    const link: LocalHostLink = {
      hostInbox: endpoint.inbox,
      attach: (client) => {
        attached = client;
      },
      clientLeft: () => this.#localLeft(),
    };
    const internals: ClientInternals = { localHost: link };
    const client = new Client<P>({
      network: this.network,
      protocol: this.protocol,
      host: this.network.localSteamId,
      clock: config.clock,
      controlChannel: config.controlChannel,
      maxMessageBytes: config.maxMessageBytes,
      [CLIENT_INTERNALS]: internals,
    } as ConnectOptions<P>);
    if (attached === null) throw new Error('The local client did not attach to its host.');
    const clientLink: LocalClientLink = attached;
    const peer = endpoint.addPeer(this.network.localSteamId, clientLink.inbox);
    peer.state = 'connected';
    this.#local = { client, link: clientLink };
    endpoint.reporter.emitter.emit('peerJoined', peer.id);
    return client;
  }

  /** Registers a handler for messages clients send. Returns a function that unsubscribes. */
  on<N extends string>(
    name: ReceivableName<P, 'host', N>,
    handler: MessageHandlers<P, 'host'>[N & ReceivableMessages<P, 'host'>],
  ): () => void {
    return this.#endpoint.on(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Removes a handler registered with {@link Host.on}. */
  off<N extends string>(
    name: ReceivableName<P, 'host', N>,
    handler: MessageHandlers<P, 'host'>[N & ReceivableMessages<P, 'host'>],
  ): void {
    this.#endpoint.off(name, handler as (m: unknown, p: SteamId) => void);
  }

  /**
   * Answers request `name`. The handler's return value (or resolved value) is the response; a
   * throw answers a `RemoteError` to the caller (code and message only for errors with a string
   * `code`, otherwise `HANDLER_FAILED`).
   */
  handle<N extends string>(
    name: HandledName<P, 'host', N>,
    handler: RequestHandlers<P, 'host'>[N & HandledRequests<P, 'host'>],
  ): () => void {
    return this.#endpoint.handle(name, handler as (r: unknown, p: SteamId) => unknown);
  }

  /**
   * Queues message `name` for `peer` (sent at the end of this update or on `flush()`).
   * In code generic over names, pass a name typed `SendableMessages<P, 'host'>`.
   * @throws {@link DisconnectedError} when `peer` is not connected; {@link MessageTooLargeError} when
   *   it cannot fit; {@link EncodeError} when the payload holds something that cannot travel (see
   *   the README's "What survives the wire").
   */
  sendTo<N extends string>(
    peer: SteamId,
    name: SendableName<P, 'host', N, 'sendTo'>,
    message: MessageInputs<P, 'host'>[N & SendableMessages<P, 'host'>],
  ): void {
    const endpoint = this.#endpoint;
    const entry = endpoint.sendable(name, 'message');
    const p = endpoint.peers.get(peer);
    if (p === undefined || p.state !== 'connected') throw new DisconnectedError(peer, 'not connected');
    endpoint.outbox.sendMessage(p, entry, message);
  }

  /** Queues message `name` for every connected peer (but `except`), encoding it once. */
  broadcast<N extends string>(
    name: SendableName<P, 'host', N, 'broadcast'>,
    message: MessageInputs<P, 'host'>[N & SendableMessages<P, 'host'>],
    options?: { except?: SteamId },
  ): void {
    const endpoint = this.#endpoint;
    const entry = endpoint.sendable(name, 'message');
    endpoint.outbox.sendToMany(endpoint.peers.values(), entry, message, options?.except);
  }

  /** Calls request `name` on client `peer`; resolves with its response. */
  call<N extends string>(
    peer: SteamId,
    name: CallableName<P, 'host', N>,
    request: RequestInputs<P, 'host'>[N & CallableRequests<P, 'host'>],
    options?: CallOptions,
  ): Promise<Responses<P, 'host'>[N & CallableRequests<P, 'host'>]> {
    const endpoint = this.#endpoint;
    let entry: ReturnType<Endpoint['sendable']>;
    try {
      entry = endpoint.sendable(name, 'request');
    } catch (error) {
      return Promise.reject(error);
    }
    const p = endpoint.peers.get(peer);
    return endpoint.calls.call(p, peer, entry, request, options) as Promise<
      Responses<P, 'host'>[N & CallableRequests<P, 'host'>]
    >;
  }

  /**
   * Removes `peer`: it receives a goodbye with `code` and gets `disconnected('kicked', code)`;
   * `peerLeft(peer, 'kicked', code)` fires here. The peer is then refused for `kickCooldownMs`,
   * unless `options.cooldown` is false (a peer removed for a reason that is not its fault, e.g. it
   * vanished from the lobby, may come straight back). Returns false when `peer` was not connected.
   * @throws {@link RpcArgumentError} when `code` is not a string or `options.cooldown` not a boolean.
   */
  kick(peer: SteamId, code = 'kicked', options?: KickOptions): boolean {
    if (typeof code !== 'string') throw new RpcArgumentError('code', 'code must be a string.');
    const cooldown = options?.cooldown === undefined ? true : options.cooldown;
    if (typeof cooldown !== 'boolean')
      throw new RpcArgumentError('cooldown', `cooldown must be a boolean, not ${describeValue(cooldown)}.`);
    const endpoint = this.#endpoint;
    const p = endpoint.peers.get(peer);
    if (p === undefined || p.state === 'closed') return false;
    if (p.local !== null) {
      endpoint.removePeer(p, 'kicked', code, null);
      this.#local?.link.hostGone('kicked', code);
      this.#local = null;
      return true;
    }
    endpoint.removePeer(p, 'kicked', code, { reason: 'kicked', detail: code });
    if (cooldown) this.#handshake.coolDown(peer);
    return true;
  }

  /** Statistics of `peer`, or `undefined` when it is not a peer. */
  stats(peer: SteamId): PeerStats | undefined {
    return this.#endpoint.stats(peer);
  }

  /**
   * Pumps the network once: delivers Steam callbacks, reads every channel the protocol uses (and
   * the control channel), enforces and dispatches, sends heartbeats, times out silent peers, then
   * flushes batched sends (and updates the local client). Never throws; failures are counted and
   * emitted as `error`.
   */
  update(): void {
    this.#endpoint.update();
  }

  /** Sends every batched message now instead of at the end of the next `update()`. */
  flush(): void {
    this.#endpoint.outbox.flush();
  }

  /**
   * A read-only snapshot of the host's internal bookkeeping: what it still holds for its peers.
   * For leak checks in tests and soak runs; after traffic settles every count but `peers` returns to 0.
   */
  debugState(): EndpointDebugState {
    return this.#endpoint.debugState();
  }

  /**
   * Closes the host: every peer gets a goodbye (`hostClosed`), pending calls reject, handlers stop.
   * Sessions close after `lingerMs` so the goodbyes are delivered.
   */
  close(): void {
    const endpoint = this.#endpoint;
    if (endpoint.state.closed) return;
    for (const peer of [...endpoint.peers.values()]) {
      if (peer.local !== null) {
        endpoint.removePeer(peer, 'hostClosed', '', null);
        this.#local?.link.hostGone('hostClosed', '');
        continue;
      }
      endpoint.removePeer(peer, 'hostClosed', '', { reason: 'hostClosed', detail: '' });
    }
    this.#local = null;
    this.network.off('sessionRequest', this.#onSessionRequest);
    this.network.off('sessionConnectFail', this.#onConnectFail);
    endpoint.shutdown();
  }

  /** The local client left (`disconnect()`). */
  #localLeft(): void {
    const endpoint = this.#endpoint;
    const peer = endpoint.peers.get(this.network.localSteamId);
    if (peer !== undefined && peer.local !== null) endpoint.removePeer(peer, 'left', '', null);
    this.#local = null;
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
