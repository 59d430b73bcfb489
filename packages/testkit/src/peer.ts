/**
 * {@link FakePeer}: one peer of a {@link FakeSteamNetwork}, implementing `P2PNetworking` as the real
 * binding does over the peer's backend (legacy `ISteamNetworking` or `ISteamNetworkingMessages`):
 * session requests, accept, connect-fail, size limits, channels, send failures and their reasons,
 * with checked arguments and no native code. The numbers come from the backend's rules.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  type Clock,
  InvalidArgumentError,
  isValidSteamId,
  type P2PLimits,
  type P2PNetworking,
  type P2PNetworkingEvents,
  type P2PPacket,
  P2PSend,
  type P2PSendFailure,
  type P2PSendFailureReason,
  P2PSessionError,
  type P2PSessionState,
  type SteamId,
  type SteamNetworkingSockets,
  type SteamNetworkingUtils,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import type { FakeBackend } from './backend.js';
import { STEAM_BEHAVIOUR } from './conformance/steam-behaviour.js';
import { NetworkDisposedError } from './errors.js';
import type { Deque } from './internal/deque.js';
import type { LobbyEndpoint } from './lobby/endpoint.js';
import { FakeFriends } from './lobby/fake-friends.js';
import { FakeLobbies } from './lobby/fake-lobbies.js';
import type { FakeLobbyService } from './lobby/service.js';
import type { SocketsEndpoint } from './sockets/endpoint.js';
import { FakeNetworkingSockets } from './sockets/fake-sockets.js';
import { FakeNetworkingUtils } from './sockets/fake-utils.js';
import { SocketsP2P, type SocketsP2PHost } from './sockets/p2p.js';
import { Packet, type PeerCore, Session } from './state.js';
import type { Wire } from './wire.js';
import { release } from './wire-receive.js';

/** 127.0.0.1 as the host-order uint32 Steam reports in `m_nRemoteIP`. */
const LOOPBACK_IP = 0x7f000001;
const MAX_INT32 = 0x7fffffff;
const MAX_UINT32 = 0xffffffff;
/** `k_EResultIgnored`: a no-delay message dropped because the connection is not ready. */
const RESULT_IGNORED = 41;

/** What a peer needs from its network. @internal */
export interface PeerContext {
  readonly wire: Wire;
  /** The network's clock. */
  readonly clock: Clock;
  /** True once the network is disposed. */
  readonly disposed: boolean;
  /** The network's lobby and friends backend. */
  readonly lobbyService: FakeLobbyService;
  /** Makes the peer's `ISteamNetworkingSockets` state on the network's Sockets traffic. */
  readonly socketsEndpoint: (id: SteamId) => SocketsEndpoint;
}

function failure(reason: P2PSendFailureReason, result: number | null): P2PSendFailure {
  return Object.freeze(result === null ? { reason } : { reason, result });
}

function checkChannel(channel: unknown): number {
  if (channel === undefined) return 0;
  if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < 0 || channel > MAX_INT32) {
    throw new InvalidArgumentError(
      'channel',
      `A channel is an integer from 0 to ${MAX_INT32}; got ${String(channel)}.`,
    );
  }
  return channel;
}

/** The send failures a fake peer reports itself. */
type Refusal = 'tooLarge' | 'invalidSteamId' | 'limitExceeded' | 'ignored';

const EmitterBase = EventEmitter as unknown as new () => TypedEmitter<P2PNetworkingEvents>;

/**
 * One fake Steam user on a {@link FakeSteamNetwork}. Create it with `network.createPeer()`; it
 * implements `P2PNetworking`, so anything written against the real binding runs on it unchanged.
 * Events fire only from {@link FakePeer.runCallbacks}.
 */
export class FakePeer extends EmitterBase implements P2PNetworking {
  /** This peer's SteamID. */
  readonly localSteamId: SteamId;
  /** The Steam API this peer behaves like. */
  readonly backend: FakeBackend;
  /** The backend's limits: 1200 bytes unreliable; 1 MiB reliable (legacy) or 512 KiB (Messages). */
  readonly limits: P2PLimits;
  /** This peer's Steam lobbies (`ISteamMatchmaking`); events fire from {@link FakePeer.runCallbacks}. */
  readonly lobbies: FakeLobbies;
  /** This peer's Steam friends and launch APIs; events fire from {@link FakePeer.runCallbacks}. */
  readonly friends: FakeFriends;
  /**
   * This peer's typed `ISteamNetworkingSockets` (as `session.sockets` of the binding): connections to
   * other fake peers over the network's links, whatever this peer's backend. Events fire from
   * {@link FakePeer.runCallbacks}.
   */
  readonly sockets: SteamNetworkingSockets;
  /** This peer's typed `ISteamNetworkingUtils`; Steam's fake lag and loss settings act on `sockets`. */
  readonly utils: SteamNetworkingUtils;
  private failure: P2PSendFailure | null = null;
  private readonly refusals: Record<Refusal, P2PSendFailure>;
  /** The session a send to oneself is attributed to, on backends that loop back locally. */
  private selfSession: Session | null = null;
  private readonly lobbyEndpoint: LobbyEndpoint;
  private readonly socketsEndpoint: SocketsEndpoint;
  /** The `sockets` backend: `P2PNetworking` over this peer's own Sockets API, as the binding does it. */
  private readonly socketsP2P: SocketsP2P | null;

  /**
   * Use `FakeSteamNetwork.createPeer()`. Internal: stripped from the `.d.ts` and hidden from the docs.
   * @internal
   * @hidden
   */
  constructor(
    private readonly core: PeerCore,
    private readonly context: PeerContext,
  ) {
    super();
    this.localSteamId = core.steamId;
    this.backend = core.rules.backend;
    this.limits = core.rules.limits;
    this.refusals = {
      tooLarge: failure('tooLarge', null),
      invalidSteamId: failure('invalidSteamId', null),
      limitExceeded: failure('limitExceeded', core.rules.sendBufferResult),
      ignored: failure('ignored', RESULT_IGNORED),
    };
    this.lobbyEndpoint = context.lobbyService.attach(core.steamId);
    this.lobbies = new FakeLobbies(context.lobbyService, this.lobbyEndpoint, () => this.runCallbacks());
    this.friends = new FakeFriends(context.lobbyService, this.lobbyEndpoint, () => this.runCallbacks());
    this.socketsEndpoint = context.socketsEndpoint(core.steamId);
    const sockets = new FakeNetworkingSockets(
      this.socketsEndpoint,
      () => this.runCallbacks(),
      () => this.alive(),
    );
    const utils = new FakeNetworkingUtils(
      this.socketsEndpoint,
      () => this.runCallbacks(),
      () => this.alive(),
    );
    this.sockets = sockets;
    this.utils = utils;
    const host = { emit: (...args: unknown[]) => (this.emit as (...a: unknown[]) => boolean)(...args) };
    this.socketsP2P =
      this.backend === 'sockets'
        ? new SocketsP2P(sockets, utils, core.steamId, host as SocketsP2PHost)
        : null;
    if (this.socketsP2P !== null) this.applyOverrides();
  }

  /** A network that departs from Steam's timeouts or send buffer does so through Steam's own values here. */
  private applyOverrides(): void {
    const rules = this.core.rules;
    const steam = STEAM_BEHAVIOUR.sockets;
    if (rules.connectTimeoutMs !== steam.connectTimeoutMs.value)
      this.utils.setConfigValue('TimeoutInitial', rules.connectTimeoutMs);
    if (rules.connectionLostTimeoutMs !== steam.connectionLostTimeoutMs.value)
      this.utils.setConfigValue('TimeoutConnected', rules.connectionLostTimeoutMs);
    if (rules.sendBufferBytes !== steam.sendBufferBytes.value)
      this.utils.setConfigValue('SendBufferSize', rules.sendBufferBytes);
  }

  /**
   * The network's clock (virtual unless the network runs on real time). rpc hosts and clients built
   * on this peer use it by default, so a test never has to pass it twice.
   */
  get clock(): Clock {
    return this.context.clock;
  }

  /** Why the last refused send failed; `null` after a send that returned true. */
  get lastSendFailure(): P2PSendFailure | null {
    return this.failure;
  }

  /** Accepts the session `remote` requested, making its held packets readable. @returns false only for an invalid id. */
  acceptP2PSessionWithUser(remote: SteamId): boolean {
    this.alive();
    if (!isValidSteamId(remote)) return false;
    if (this.socketsP2P !== null) {
      this.socketsP2P.acceptFrom(remote);
      return true;
    }
    const session = this.core.sessions.get(remote);
    if (session !== undefined) this.context.wire.accept(session);
    return true;
  }

  /**
   * Allows or forbids the relay (legacy: for sessions created from now on; Messages: recorded only,
   * relaying is a global Steam setting there). @returns true.
   */
  allowP2PPacketRelay(allow: boolean): boolean {
    this.alive();
    if (typeof allow !== 'boolean') {
      throw new InvalidArgumentError('allow', `allowP2PPacketRelay takes a boolean; got ${typeof allow}.`);
    }
    this.core.allowRelay = allow;
    return true;
  }

  /** Closes one channel with `remote` (the last one closes the session). @returns false when it was not open. */
  closeP2PChannelWithUser(remote: SteamId, channel: number): boolean {
    this.alive();
    const ch = checkChannel(channel);
    if (this.socketsP2P !== null) return isValidSteamId(remote) && this.socketsP2P.closeChannel(remote, ch);
    if (this.isLocalLoopback(remote)) return this.closeLoopback(ch);
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    return session !== undefined && this.context.wire.closeChannel(session, ch);
  }

  /** Closes the session with `remote`, dropping its data both ways. @returns false when there was none. */
  closeP2PSessionWithUser(remote: SteamId): boolean {
    this.alive();
    if (this.socketsP2P !== null) return isValidSteamId(remote) && this.socketsP2P.closeSession(remote);
    if (this.isLocalLoopback(remote)) return this.closeLoopback(null);
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    if (session === undefined) return false;
    this.context.wire.close(session);
    return true;
  }

  /** The state of the session with `remote`, or `null` when there is none. */
  getP2PSessionState(remote: SteamId): P2PSessionState | null {
    this.alive();
    if (this.socketsP2P !== null) return isValidSteamId(remote) ? this.socketsP2P.sessionState(remote) : null;
    if (this.isLocalLoopback(remote)) {
      if (!this.core.loopbackOpen) return null;
      return {
        connectionActive: true,
        connecting: false,
        sessionError: P2PSessionError.None,
        usingRelay: false,
        bytesQueuedForSend: 0,
        packetsQueuedForSend: 0,
        remoteIp: LOOPBACK_IP,
        remotePort: 0,
      };
    }
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    if (session === undefined) return null;
    const topology = this.context.wire.topology;
    const usingRelay = topology.usesRelay(session);
    const active = session.accepted && session.heard;
    const direct = active && !usingRelay;
    const counted = this.core.rules.reportsPacketCount;
    return {
      connectionActive: active,
      connecting: session.accepted && !session.heard && session.waitingSince >= 0,
      sessionError: session.sessionError,
      usingRelay,
      // Legacy counts what is not yet acknowledged; Messages reports only bytes not yet sent.
      bytesQueuedForSend: session.queuedBytes + session.nagleBytes + (counted ? session.inFlightBytes : 0),
      packetsQueuedForSend: counted
        ? session.outbound.length + session.nagle.length + session.inFlightPackets
        : 0,
      remoteIp: direct ? LOOPBACK_IP : 0,
      remotePort: direct ? (topology.peers.get(remote)?.port ?? 0) : 0,
    };
  }

  /** Size of the next packet waiting on `channel` (0 for an empty packet), or `null` when none waits. Never blocks. */
  getAvailableP2PPacketSize(channel?: number): number | null {
    const ch = checkChannel(channel);
    if (this.socketsP2P !== null) return this.socketsP2P.next(ch, false)?.data.length ?? null;
    return this.core.inbox.get(ch)?.peek()?.data.length ?? null;
  }

  /** Reads the next packet on `channel`, truncated to `size` bytes; `null` when none waits. Never blocks. */
  readP2PPacket(size: number, channel?: number): P2PPacket | null {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_UINT32) {
      throw new InvalidArgumentError(
        'size',
        `size is an integer from 0 to ${MAX_UINT32}; got ${String(size)}.`,
      );
    }
    const ch = checkChannel(channel);
    if (this.socketsP2P !== null) {
      const packet = this.socketsP2P.next(ch, true);
      if (packet === undefined) return null;
      return size < packet.data.length ? { ...packet, data: packet.data.slice(0, size) } : packet;
    }
    const p = this.core.inbox.get(ch)?.shift();
    if (p === undefined) return null;
    release(p); // read: it no longer counts against the receive buffer
    // Steam copies at most `size` bytes and discards the rest of the packet.
    const data = size < p.data.length ? p.data.slice(0, size) : p.data;
    return { data, remoteSteamId: p.session.owner.steamId };
  }

  /**
   * Sends `data` to `remote`. @returns true when queued; false when too large, `remote` is invalid,
   * too many bytes are queued for it, or (Messages) a no-delay packet meets a session that is not
   * connected yet (see {@link FakePeer.lastSendFailure}).
   */
  sendP2PPacket(remote: SteamId, data: Uint8Array, sendType: P2PSend, channel?: number): boolean {
    this.alive();
    if (!(data instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        'data',
        'sendP2PPacket takes the payload as a Uint8Array (a Buffer is one).',
      );
    }
    if (sendType !== 0 && sendType !== 1 && sendType !== 2 && sendType !== 3) {
      throw new InvalidArgumentError(
        'sendType',
        `sendType is a P2PSend value from 0 to 3; got ${String(sendType)}.`,
      );
    }
    const ch = checkChannel(channel);
    const core = this.core;
    const rules = core.rules;
    let session = core.sessions.get(remote);
    if (session === undefined && !isValidSteamId(remote)) return this.refuse('invalidSteamId');
    const max = sendType >= P2PSend.Reliable ? this.limits.maxReliableBytes : this.limits.maxUnreliableBytes;
    if (data.length > max) return this.refuse('tooLarge');
    if (this.socketsP2P !== null) {
      const sent = this.socketsP2P.send(remote, data, sendType, ch);
      this.failure = this.socketsP2P.lastSendFailure;
      return sent;
    }
    if (rules.localLoopback && remote === core.steamId) return this.sendToSelf(data, ch);
    const wire = this.context.wire;
    const held = session === undefined ? 0 : session.queuedBytes + session.inFlightBytes + session.nagleBytes;
    if (held + data.length > rules.sendBufferBytes) return this.refuse('limitExceeded');
    session ??= wire.openSession(core, remote, rules.relayPerSession ? core.allowRelay : true);
    wire.accept(session); // sending to a peer accepts its session implicitly
    session.openChannels.add(ch);
    if (sendType === P2PSend.UnreliableNoDelay && !session.heard) {
      // Steam drops no-delay packets while the connection is not established yet, though the send
      // starts connecting; legacy says the send worked, Messages says k_EResultIgnored.
      wire.probe(session, ch);
      if (rules.noDelayBeforeConnected === 'ignored') return this.refuse('ignored');
      wire.stats.sent++;
      wire.stats.bytesSent += data.length;
      wire.stats.dropped.notConnected++;
      this.failure = null;
      return true;
    }
    // A private copy: the caller may reuse its buffer as soon as this returns.
    wire.send(session, new Uint8Array(data), sendType, ch);
    this.failure = null;
    return true;
  }

  /**
   * Fires the pending `sessionRequest` / `sessionConnectFail` events, and those of `lobbies`,
   * `friends`, `sockets` and `utils`. Call once per frame.
   */
  runCallbacks(): void {
    if (this.context.disposed) return;
    this.lobbyEndpoint.run();
    this.socketsEndpoint.run();
    this.socketsP2P?.afterCallbacks();
    const queue = this.core.callbacks;
    // Only the callbacks pending now; those posted by handlers wait for the next call.
    for (let n = queue.length; n > 0; n--) {
      const cb = queue.shift();
      if (cb === undefined) return;
      if (cb.kind === 'sessionRequest') this.emit('sessionRequest', cb.remote);
      else this.emit('sessionConnectFail', cb.remote, cb.error);
    }
  }

  /** True when a send to `remote` would take the binding's local loopback (Messages, to oneself). */
  private isLocalLoopback(remote: SteamId): boolean {
    return this.core.rules.localLoopback && remote === this.core.steamId;
  }

  /** The binding's loopback: the packet is readable at once, never touching Steam. */
  private sendToSelf(data: Uint8Array, channel: number): true {
    const core = this.core;
    const wire = this.context.wire;
    this.selfSession ??= new Session(core, core.steamId, false, this.context.clock.now());
    core.loopbackOpen = true;
    wire.stats.sent++;
    wire.stats.bytesSent += data.length;
    wire.makeReadable(core, new Packet(this.selfSession, 0, new Uint8Array(data), P2PSend.Reliable, channel));
    this.failure = null;
    return true;
  }

  /** The binding's close of the loopback: drops what waits from oneself (on `channel`, or all). */
  private closeLoopback(channel: number | null): boolean {
    const core = this.core;
    const self = core.steamId;
    let dropped = 0;
    for (const [ch, inbox] of core.inbox) {
      if (channel === null || ch === channel)
        dropped += inbox.filter((p) => p.session.owner.steamId !== self);
    }
    const was = core.loopbackOpen;
    if (channel === null || [...core.inbox.values()].every((q: Deque<Packet>) => q.length === 0)) {
      core.loopbackOpen = false;
    }
    return channel === null ? was : was || dropped > 0;
  }

  private refuse(reason: Refusal): false {
    this.failure = this.refusals[reason];
    this.context.wire.stats.rejected[reason]++;
    return false;
  }

  private alive(): void {
    if (this.context.disposed) throw new NetworkDisposedError();
  }
}
