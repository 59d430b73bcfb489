/**
 * {@link FakePeer}: one peer of a {@link FakeSteamNetwork}, implementing `P2PNetworking` with
 * Steam's behaviour (session requests, accept, connect-fail, size limits, channels), checked
 * arguments and no native code.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  InvalidArgumentError,
  isValidSteamId,
  LEGACY_P2P_LIMITS,
  type P2PLimits,
  type P2PNetworking,
  type P2PNetworkingEvents,
  type P2PPacket,
  P2PSend,
  type P2PSendFailure,
  type P2PSendFailureReason,
  type P2PSessionState,
  type SteamId,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import { NetworkDisposedError } from './errors.js';
import { type PeerCore, Session } from './state.js';
import type { Wire } from './wire.js';

/** 127.0.0.1 as the host-order uint32 Steam reports in `m_nRemoteIP`. */
const LOOPBACK_IP = 0x7f000001;
const MAX_INT32 = 0x7fffffff;
const MAX_UINT32 = 0xffffffff;

/** What a peer needs from its network. @internal */
export interface PeerContext {
  readonly wire: Wire;
  /** Cap on bytes queued or unacknowledged per remote, beyond which sends return false. */
  readonly maxQueuedBytesPerPeer: number;
  /** True once the network is disposed. */
  readonly disposed: boolean;
}

const failures = new Map<P2PSendFailureReason, P2PSendFailure>(
  (['tooLarge', 'invalidSteamId', 'limitExceeded', 'noConnection', 'ignored', 'failed'] as const).map(
    (reason) => [reason, Object.freeze({ reason })],
  ),
);

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

const EmitterBase = EventEmitter as unknown as new () => TypedEmitter<P2PNetworkingEvents>;

/**
 * One fake Steam user on a {@link FakeSteamNetwork}. Create it with `network.createPeer()`; it
 * implements `P2PNetworking`, so anything written against the real binding runs on it unchanged.
 * Events fire only from {@link FakePeer.runCallbacks}.
 */
export class FakePeer extends EmitterBase implements P2PNetworking {
  /** This peer's SteamID. */
  readonly localSteamId: SteamId;
  /** The legacy `ISteamNetworking` limits: 1200 bytes unreliable, 1 MiB reliable. */
  readonly limits: P2PLimits = LEGACY_P2P_LIMITS;
  private failure: P2PSendFailure | null = null;

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
  }

  /** Why the last refused send failed; `null` after a send that returned true. */
  get lastSendFailure(): P2PSendFailure | null {
    return this.failure;
  }

  /** Accepts the session `remote` requested, making its held packets readable. @returns false only for an invalid id. */
  acceptP2PSessionWithUser(remote: SteamId): boolean {
    this.alive();
    if (!isValidSteamId(remote)) return false;
    const session = this.core.sessions.get(remote);
    if (session !== undefined) this.context.wire.accept(session);
    return true;
  }

  /** Allows or forbids the relay for sessions created from now on. @returns true. */
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
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    return session !== undefined && this.context.wire.closeChannel(session, ch);
  }

  /** Closes the session with `remote`, dropping its data both ways. @returns false when there was none. */
  closeP2PSessionWithUser(remote: SteamId): boolean {
    this.alive();
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    if (session === undefined) return false;
    this.context.wire.close(session);
    return true;
  }

  /** The state of the session with `remote`, or `null` when there is none. */
  getP2PSessionState(remote: SteamId): P2PSessionState | null {
    this.alive();
    const session = isValidSteamId(remote) ? this.core.sessions.get(remote) : undefined;
    if (session === undefined) return null;
    const topology = this.context.wire.topology;
    const usingRelay = topology.usesRelay(session);
    const active = session.accepted && session.heard;
    const direct = active && !usingRelay;
    return {
      connectionActive: active,
      connecting: session.accepted && !session.heard && session.waitingSince >= 0,
      sessionError: session.sessionError,
      usingRelay,
      bytesQueuedForSend: session.queuedBytes + session.inFlightBytes,
      packetsQueuedForSend: session.outbound.length + session.inFlightPackets,
      remoteIp: direct ? LOOPBACK_IP : 0,
      remotePort: direct ? (topology.peers.get(remote)?.port ?? 0) : 0,
    };
  }

  /** Size of the next packet waiting on `channel`, or 0. Never blocks. */
  getAvailableP2PPacketSize(channel?: number): number {
    const ch = checkChannel(channel);
    return this.core.inbox.get(ch)?.peek()?.data.length ?? 0;
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
    const p = this.core.inbox.get(ch)?.shift();
    if (p === undefined) return null;
    // Steam copies at most `size` bytes and discards the rest of the packet.
    const data = size < p.data.length ? p.data.slice(0, size) : p.data;
    return { data, remoteSteamId: p.session.owner.steamId };
  }

  /**
   * Sends `data` to `remote`. @returns true when queued; false when too large, `remote` is invalid,
   * or too many bytes are queued for it (see {@link FakePeer.lastSendFailure}).
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
    let session = this.core.sessions.get(remote);
    if (session === undefined && !isValidSteamId(remote)) return this.refuse('invalidSteamId');
    const max = sendType >= P2PSend.Reliable ? this.limits.maxReliableBytes : this.limits.maxUnreliableBytes;
    if (data.length > max) return this.refuse('tooLarge');
    const wire = this.context.wire;
    if (sendType === P2PSend.UnreliableNoDelay && (session === undefined || !session.heard)) {
      // Steam drops no-delay packets while the connection is not established yet.
      wire.stats.sent++;
      wire.stats.bytesSent += data.length;
      wire.stats.dropped.notConnected++;
      this.failure = null;
      return true;
    }
    if (session === undefined) {
      session = new Session(this.core, remote, this.core.allowRelay);
      this.core.sessions.set(remote, session);
    }
    if (session.queuedBytes + session.inFlightBytes + data.length > this.context.maxQueuedBytesPerPeer) {
      return this.refuse('limitExceeded');
    }
    wire.accept(session); // sending to a peer accepts its session implicitly
    session.openChannels.add(ch);
    // A private copy: the caller may reuse its buffer as soon as this returns.
    wire.send(session, new Uint8Array(data), sendType, ch);
    this.failure = null;
    return true;
  }

  /** Fires the pending `sessionRequest` / `sessionConnectFail` events. Call once per frame. */
  runCallbacks(): void {
    if (this.context.disposed) return;
    const queue = this.core.callbacks;
    // Only the callbacks pending now; those posted by handlers wait for the next call.
    for (let n = queue.length; n > 0; n--) {
      const cb = queue.shift();
      if (cb === undefined) return;
      if (cb.kind === 'sessionRequest') this.emit('sessionRequest', cb.remote);
      else this.emit('sessionConnectFail', cb.remote, cb.error);
    }
  }

  private refuse(reason: P2PSendFailureReason): false {
    this.failure = failures.get(reason) ?? { reason };
    const rejected = this.context.wire.stats.rejected;
    if (reason === 'tooLarge' || reason === 'invalidSteamId' || reason === 'limitExceeded')
      rejected[reason]++;
    return false;
  }

  private alive(): void {
    if (this.context.disposed) throw new NetworkDisposedError();
  }
}
