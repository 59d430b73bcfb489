/**
 * One end of a fake Sockets connection: its state with Steam's end reasons, its lanes and message
 * numbers, what waits to be sent (Nagle) or to be acknowledged, and what was received and not yet
 * read, with the receive buffer's limits. Plain state and the small rules on it; the endpoint and the
 * transport move things through it.
 * @internal
 * @packageDocumentation
 */
import {
  type ConnectionInfo,
  type ListenSocket,
  type NetConnection,
  type NetConnectionState,
  netConnectionEndName,
  type PollGroup,
  type SettableConfigName,
  type SteamId,
} from '@steamwire/transport-steam';
import { type ConfigSet, type ConfigValue, readConfig } from './config.js';

/** One message on the wire. */
export interface WireMessage {
  readonly data: Uint8Array;
  readonly lane: number;
  readonly number: bigint;
  readonly reliable: boolean;
  /** Reliable: the connection-wide sequence number, in send order. */
  readonly seq: number;
}

/** A message waiting to be sent, or sent and waiting for its acknowledgement. */
export interface OutMessage {
  readonly data: Uint8Array;
  readonly lane: number;
  readonly number: bigint;
  readonly reliable: boolean;
  /** Reliable: the connection-wide sequence number, in send order. */
  seq: number;
  /** Retransmissions so far (reliable). */
  tries: number;
  /** When it was first sent (reliable, for the round-trip estimate). */
  sentAt: number;
}

/** A message received and not yet read, on its connection's queue and maybe its poll group's. */
export interface InMessage {
  readonly conn: FakeConnection;
  readonly data: Uint8Array;
  readonly lane: number;
  readonly number: bigint;
  readonly reliable: boolean;
  readonly receivedAt: number;
  /** The poll group it is listed in (0: none). */
  group: number;
  taken: boolean;
}

/** One lane of a connection. */
export interface Lane {
  priority: number;
  weight: number;
  nextNumber: bigint;
}

/** A connection of one fake peer. */
export class FakeConnection {
  state: NetConnectionState = 'none';
  endReason = 0;
  endDebug = '';
  name = '';
  userData: bigint;
  /** Our end of it was accepted (incoming), or paired (symmetric); for outgoing ones, the remote accepted. */
  accepted = false;
  /** Closed by the app with linger: invisible to the API, still sending what is queued. */
  lingering = false;
  /** The remote end's handle, once known. */
  remoteHandle = 0;
  /** A connection to ourselves (or a socket pair): no network, no loss, no lag. */
  pipe = false;
  /** Made or accepted with SymmetricConnect: two crossing connects pair up. */
  readonly symmetric: boolean;
  group = 0;
  lanes: Lane[] = [{ priority: 0, weight: 1, nextNumber: 1n }];

  /** Waiting for Nagle or a flush, in send order. */
  pending: OutMessage[] = [];
  pendingReliableBytes = 0;
  pendingUnreliableBytes = 0;
  /** Sent reliably and not acknowledged yet, by sequence number. */
  readonly unacked = new Map<number, OutMessage>();
  unackedBytes = 0;
  nextSeq = 1;
  /** When Nagle lets the pending messages go (0: nothing waits for it). */
  nagleDeadline = 0;

  /** The next reliable sequence number the receiver takes, and what arrived ahead of it. */
  rxNext = 1;
  readonly ahead = new Map<number, WireMessage>();
  aheadBytes = 0;
  /** Received, not yet read. */
  queue: InMessage[] = [];
  queueCount = 0;
  queueBytes = 0;

  /** Round-trip estimate, ms (-1 until measured). */
  rtt = -1;
  /** First packet sent after the last one heard (0: none): TimeoutConnected counts from it. */
  waitingSince = 0;
  /** A timer watches TimeoutConnected. */
  lostArmed = false;
  /** When the retransmission timer is due (0: not armed), and its generation (older timers do nothing). */
  retryAt = 0;
  retryGen = 0;
  readonly startedAt: number;
  /** Packets and bytes each way, for the rates of the real-time status. */
  readonly counts = { outPackets: 0, outBytes: 0, inPackets: 0, inBytes: 0, since: 0 };

  constructor(
    readonly handle: NetConnection,
    readonly remote: SteamId,
    /** We called connect (not the remote). */
    readonly outbound: boolean,
    readonly config: ConfigSet,
    /** The scopes it inherits from: its listen socket's (if any), the interface's, the global one. */
    readonly parents: readonly ConfigSet[],
    readonly listenSocket: ListenSocket | null,
    readonly localVport: number,
    readonly remoteVport: number,
    now: number,
  ) {
    this.startedAt = now;
    this.counts.since = now;
    this.userData = this.cfg('ConnectionUserData') as bigint;
    this.symmetric = this.num('SymmetricConnect') !== 0;
  }

  /** The effective value of a configuration value for this connection. */
  cfg(name: SettableConfigName): ConfigValue {
    return readConfig(name, [this.config, ...this.parents]).value;
  }

  /** The effective value of a numeric configuration value. */
  num(name: SettableConfigName): number {
    return Number(this.cfg(name));
  }

  /** Still able to carry messages (connecting or connected). */
  get alive(): boolean {
    return this.state === 'connecting' || this.state === 'connected';
  }

  /** Bytes the send buffer holds: queued, or sent and not acknowledged. */
  get heldBytes(): number {
    return this.pendingReliableBytes + this.pendingUnreliableBytes + this.unackedBytes;
  }

  /** Whether a received message of `size` bytes fits the receive buffer (what is readable counts). */
  fits(size: number): boolean {
    return (
      this.queueCount + 1 <= this.num('RecvBufferMessages') &&
      this.queueBytes + size <= this.num('RecvBufferSize')
    );
  }

  /** Drops everything queued to send (the connection ended). */
  clearOutgoing(): void {
    this.pending = [];
    this.pendingReliableBytes = this.pendingUnreliableBytes = 0;
    this.unacked.clear();
    this.unackedBytes = 0;
    this.nagleDeadline = 0;
  }

  /** What `getConnectionInfo` and a status change say about it now. */
  info(address: { ip: string; port: number } | null, relayed: boolean): ConnectionInfo {
    const pipe = this.pipe;
    return {
      remote: this.remote,
      userData: this.userData,
      listenSocket: this.listenSocket,
      remoteAddress: pipe ? { ip: '127.0.0.1', port: 0 } : address,
      popRemote: 0,
      popRelay: 0,
      state: this.state,
      endReason: this.endReason,
      endReasonName: this.endReason === 0 ? null : netConnectionEndName(this.endReason),
      endDebug: this.endDebug,
      description: `#${this.handle} ${this.name}${this.name ? ' ' : ''}P2P steamid:${this.remote} vport ${
        this.outbound ? this.remoteVport : this.localVport
      }`,
      flags: {
        unauthenticated: false,
        unencrypted: pipe,
        loopbackBuffers: pipe,
        fast: !relayed,
        relayed,
        dualWifi: false,
      },
    };
  }
}

/** The handle types, as numbers (every kind of handle shares one counter per peer). */
export type AnyHandle = NetConnection | ListenSocket | PollGroup;
