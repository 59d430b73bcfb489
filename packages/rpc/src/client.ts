/**
 * The client, the client's policy over an endpoint's parts: it connects to one host
 * (`client-handshake.ts`), then offers typed `send` / `call` / `on` / `handle`. The host's local
 * client is the same class over a loopback (`loopback.ts`) instead of Steam.
 * @packageDocumentation
 */
import {
  isValidSteamId,
  type P2PNetworking,
  type SteamId,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import type { CallOptions } from './call-table.js';
import {
  CLIENT_INTERNALS,
  ClientHandshake,
  type ClientInternals,
  type ClientState,
  type HandshakeOptions,
} from './client-handshake.js';
import type { EndpointDebugState } from './debug-state.js';
import { Endpoint } from './endpoint.js';
import { ClosedError, DisconnectedError, RpcArgumentError } from './errors.js';
import { type CommonEvents, type DisconnectReason, HOST_GOODBYES } from './events.js';
import type { LocalHostLink } from './loopback.js';
import type { EndpointOptions } from './options.js';
import type { Peer } from './peer.js';
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

export type { ClientState };

/** Options of {@link connectToHost}. */
export interface ConnectOptions<P extends Protocol> extends EndpointOptions<P>, HandshakeOptions {
  /** The host's SteamID. */
  host: SteamId;
  /**
   * Registers handlers before anything can arrive: called once, synchronously, with the client,
   * before the hello leaves. What the host sends as the client joins (a "joined" line, the state
   * of the match, a request to the new player) is handled as soon as the welcome is in, which is
   * before `connectToHost` resolves: handlers registered after `await` would miss it.
   * A throw rejects `connectToHost` with that error, before anything is sent to the host.
   *
   * ```ts
   * const client = await connectToHost({ network, protocol, host, setup: (c) => c.on('chat', show) });
   * ```
   */
  setup?: (client: Client<P>) => void;
}

/** Events of a {@link Client}. */
export type ClientEvents = CommonEvents & {
  /** The host welcomed us (emitted just before `connectToHost` resolves). */
  connected: () => void;
  /**
   * The session ended: the same reason and detail as the host's `peerLeft` for this client (`left`
   * after `disconnect()`, `kicked` with the code, `hostClosed`, `violations`, `hostViolations`, `timeout`…).
   */
  disconnected: (reason: DisconnectReason, detail: string) => void;
};

/**
 * A client connected to one host. Get one from {@link connectToHost} (or `host.localClient`).
 * @typeParam P the protocol.
 */
export class Client<P extends Protocol = Protocol> {
  /** Always `'client'`. */
  readonly side = 'client' as const;
  /** The protocol this client speaks. */
  readonly protocol: P;
  /** The networking it talks through. */
  readonly network: P2PNetworking;
  /** The host's SteamID. */
  readonly hostId: SteamId;
  /** Lifecycle and enforcement events. */
  readonly events: TypedEmitter<ClientEvents>;
  readonly #endpoint: Endpoint;
  readonly #handshake: ClientHandshake;
  readonly #hostPeer: Peer;
  /** For the host's local client: its host. */
  readonly #localHost: LocalHostLink | null;

  /** Use {@link connectToHost} (or `host.localClient`). */
  constructor(options: ConnectOptions<P>) {
    // The host's local client is linked to its host instead of Steam; connectToHost's client starts
    // connecting at once. Both come in under a key only rpc has.
    const internals = (options as { [CLIENT_INTERNALS]?: ClientInternals })[CLIENT_INTERNALS];
    const localHost = internals?.localHost ?? null;
    const endpoint = new Endpoint(
      options,
      'client',
      {
        handshake: (from, data) => this.#handshake.receive(from, data),
        early: (from, peer, channel, data) => this.#handshake.early(from, peer, channel, data),
        // The host's goodbye names one of its own reasons; anything else from it reads as a close.
        bye: (peer, reason, detail) => {
          const why = HOST_GOODBYES.has(reason as DisconnectReason)
            ? (reason as DisconnectReason)
            : 'hostClosed';
          endpoint.removePeer(peer, why, detail, null);
        },
        // The connect timer owns the client's handshake deadline.
        handshakeTimedOut: () => {},
        violations: (peer) => {
          const detail = endpoint.reporter.lastReason;
          endpoint.removePeer(peer, 'hostViolations', detail, { reason: 'hostViolations', detail });
        },
        peerGone: (_peer, reason, detail, wasConnected) => {
          if (this.#handshake.ended(reason, detail, wasConnected))
            endpoint.reporter.emitter.emit('disconnected', reason, detail);
        },
        afterUpdate: () => {},
      },
      localHost === null,
    );
    this.#endpoint = endpoint;
    this.protocol = options.protocol;
    this.network = options.network;
    this.events = endpoint.reporter.emitter as unknown as TypedEmitter<ClientEvents>;
    this.#localHost = localHost;
    if (localHost !== null) {
      this.hostId = this.network.localSteamId;
      this.#hostPeer = endpoint.addPeer(this.hostId, localHost.hostInbox);
      this.#hostPeer.state = 'connected';
      this.#handshake = new ClientHandshake(endpoint, this.#hostPeer, false);
      this.#handshake.state = 'connected';
      localHost.attach({
        inbox: endpoint.inbox,
        update: () => this.update(),
        hostGone: (reason, detail) => endpoint.removePeer(this.#hostPeer, reason, detail, null),
      });
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
    this.#hostPeer = endpoint.addPeer(this.hostId, null);
    this.#handshake = new ClientHandshake(endpoint, this.#hostPeer, options.tickMs !== undefined);
    const connected = internals?.connected;
    if (connected === undefined) return;
    if (options.setup !== undefined) {
      try {
        options.setup(this);
      } catch (error) {
        // Nothing was sent yet: the client just ends, and connecting fails with the setup's error.
        this.#handshake.fail(error as Error);
        connected(error as Error);
        return;
      }
    }
    this.#handshake.begin(options, connected);
  }

  /** Where this client is in its life. */
  get state(): ClientState {
    return this.#handshake.state;
  }

  /**
   * Registers a handler for messages the host sends. Returns a function that unsubscribes.
   * Register in `connectToHost({ setup })` to hear what the host sends as the client joins.
   */
  on<N extends string>(
    name: ReceivableName<P, 'client', N>,
    handler: MessageHandlers<P, 'client'>[N & ReceivableMessages<P, 'client'>],
  ): () => void {
    return this.#endpoint.on(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Removes a handler registered with {@link Client.on}. */
  off<N extends string>(
    name: ReceivableName<P, 'client', N>,
    handler: MessageHandlers<P, 'client'>[N & ReceivableMessages<P, 'client'>],
  ): void {
    this.#endpoint.off(name, handler as (m: unknown, p: SteamId) => void);
  }

  /** Answers request `name` from the host (see `Host.handle` for how errors travel). */
  handle<N extends string>(
    name: HandledName<P, 'client', N>,
    handler: RequestHandlers<P, 'client'>[N & HandledRequests<P, 'client'>],
  ): () => void {
    return this.#endpoint.handle(name, handler as (r: unknown, p: SteamId) => unknown);
  }

  /**
   * Queues message `name` for the host (sent at the end of this update or on `flush()`).
   * In code generic over names, pass a name typed `SendableMessages<P, 'client'>`.
   * @throws {@link DisconnectedError} when not connected; {@link MessageTooLargeError} when it cannot
   *   fit; {@link EncodeError} when the payload holds something that cannot travel (see the README's
   *   "What survives the wire").
   */
  send<N extends string>(
    name: SendableName<P, 'client', N, 'send'>,
    message: MessageInputs<P, 'client'>[N & SendableMessages<P, 'client'>],
  ): void {
    const endpoint = this.#endpoint;
    const entry = endpoint.sendable(name, 'message');
    const hostPeer = this.#hostPeer;
    if (hostPeer.state !== 'connected')
      throw new DisconnectedError(this.hostId, this.#handshake.state, 'The host');
    endpoint.outbox.sendMessage(hostPeer, entry, message);
  }

  /** Calls request `name` on the host; resolves with its response. */
  call<N extends string>(
    name: CallableName<P, 'client', N>,
    request: RequestInputs<P, 'client'>[N & CallableRequests<P, 'client'>],
    options?: CallOptions,
  ): Promise<Responses<P, 'client'>[N & CallableRequests<P, 'client'>]> {
    const endpoint = this.#endpoint;
    let entry: ReturnType<Endpoint['sendable']>;
    try {
      entry = endpoint.sendable(name, 'request');
    } catch (error) {
      return Promise.reject(error);
    }
    return endpoint.calls.call(this.#hostPeer, this.hostId, entry, request, options) as Promise<
      Responses<P, 'client'>[N & CallableRequests<P, 'client'>]
    >;
  }

  /** Statistics of the link to the host. */
  stats(): PeerStats {
    return this.#endpoint.peerStats(this.#hostPeer);
  }

  /**
   * Pumps the network once: delivers Steam callbacks, reads every channel the protocol uses (and
   * the control channel), enforces and dispatches, sends heartbeats, notices a silent host, then
   * flushes batched sends. Never throws; failures are counted and emitted as `error`.
   */
  update(): void {
    this.#endpoint.update();
  }

  /** Sends every batched message now instead of at the end of the next `update()`. */
  flush(): void {
    this.#endpoint.outbox.flush();
  }

  /**
   * A read-only snapshot of the client's internal bookkeeping: what it still holds for its host.
   * For leak checks in tests and soak runs; after traffic settles every count but `peers` returns to 0.
   */
  debugState(): EndpointDebugState {
    return this.#endpoint.debugState();
  }

  /**
   * Leaves the host gracefully: it gets a goodbye, pending calls reject with `DisconnectedError`,
   * and `disconnected('left')` fires here as `peerLeft(…, 'left')` does on the host. Safe to call twice.
   */
  disconnect(): void {
    const endpoint = this.#endpoint;
    if (endpoint.state.closed) return;
    if (this.#handshake.state === 'connecting') {
      this.#handshake.fail(new ClosedError());
      return;
    }
    if (this.#localHost !== null) {
      this.#localHost.clientLeft();
      endpoint.removePeer(this.#hostPeer, 'left', '', null);
      return;
    }
    endpoint.removePeer(this.#hostPeer, 'left', '', { reason: 'left', detail: '' });
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
    let client: Client<P> | null = null;
    // Settles once: on the welcome (never during the constructor), or on a failure.
    const connected = (error: Error | null) => {
      if (error !== null) reject(error);
      else if (client !== null) resolve(client);
    };
    try {
      const internals: ClientInternals = { connected };
      client = new Client({ ...options, [CLIENT_INTERNALS]: internals } as ConnectOptions<P>);
    } catch (error) {
      reject(error);
    }
  });
}
