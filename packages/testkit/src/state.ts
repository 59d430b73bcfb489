/**
 * The state a fake peer keeps: its sessions (one per remote SteamID), what they hold, and the
 * packets on their way. Plain data with no behaviour; `wire.ts` moves packets through it and
 * `peer.ts` exposes it as `P2PNetworking`.
 * @internal
 * @packageDocumentation
 */
import type { P2PSend, P2PSessionError, SteamId } from '@steamwire/transport-steam';
import type { BackendRules } from './backend.js';
import { Deque } from './internal/deque.js';
import type { LinkConditions } from './link.js';

/** What a scheduled item does when due (plain numbers: the hot path switches on them). */
export const TaskKind = {
  /** An unreliable packet reaches its destination. */
  Arrive: 0,
  /** The head of a reliable stream is due at its destination. */
  Stream: 1,
  /** A session's send queue may transmit again (bandwidth cap, route back up). */
  Pump: 2,
  /** A session's connect / liveness deadline. */
  Check: 3,
  /** Packets held from an unaccepted peer expire. */
  Purge: 4,
  /** The answer to a session request reaches the requester. */
  Answer: 5,
  /** `ReliableWithBuffering` data has waited its Nagle delay and goes out. */
  Nagle: 6,
  /** A session may have been idle long enough to close (backends with an idle timeout). */
  Idle: 7,
} as const;

/** One packet from its send to its read: queued, in flight, held, then in an inbox. */
export class Packet {
  /** When it arrives (in flight) or arrived (held, in an inbox). */
  at = 0;
  seq = 0;
  readonly kind: number = TaskKind.Arrive;
  /** The receiver's session that counts this packet against its receive buffer, once held or readable. */
  rx: Session | null = null;
  /** A connection probe (a no-delay send before the connection): it raises a request, carries nothing. */
  probe = false;
  constructor(
    /** The sender's session with the destination. */
    readonly session: Session,
    /** `session.epoch` at send time: a closed or failed session drops what it had sent. */
    readonly epoch: number,
    /** A private copy of the payload. */
    readonly data: Uint8Array,
    readonly sendType: P2PSend,
    readonly channel: number,
  ) {}
}

/** A reusable scheduled item owned by a session or a stream (at most one pending at a time). */
export class Task {
  at = 0;
  seq = 0;
  /** True while in the scheduler's heap, so it is never pushed twice. */
  scheduled = false;
  constructor(
    readonly kind: number,
    readonly session: Session,
    /** The stream's channel, for {@link TaskKind.Stream}. */
    readonly channel: number,
  ) {}
}

/**
 * The reliable packets of one (sender, receiver, channel) in flight, in send order. Only the head
 * may be delivered, which is what makes reliable delivery exactly-once and in order even when a
 * lost transmission delays one packet by a round trip.
 */
export class Stream {
  readonly queue = new Deque<Packet>();
  /** Arrival time of the last packet queued: later packets never arrive before it. */
  lastAt = Number.NEGATIVE_INFINITY;
  readonly task: Task;
  constructor(session: Session, channel: number) {
    this.task = new Task(TaskKind.Stream, session, channel);
  }
}

/** A callback waiting for `runCallbacks()`. */
export interface PendingCallback {
  readonly kind: 'sessionRequest' | 'sessionConnectFail';
  readonly remote: SteamId;
  readonly error: P2PSessionError;
}

/** Everything one fake peer holds. */
export class PeerCore {
  online = true;
  removed = false;
  /** Relay allowed for sessions created from now on (`allowP2PPacketRelay`). */
  allowRelay = true;
  readonly sessions = new Map<SteamId, Session>();
  /** Readable packets per channel, in arrival order, from any remote. */
  readonly inbox = new Map<number, Deque<Packet>>();
  readonly callbacks = new Deque<PendingCallback>();
  /** A send to oneself opened the local loopback (backends whose binding loops back in JS). */
  loopbackOpen = false;
  constructor(
    readonly steamId: SteamId,
    /** The UDP port others see when connected directly. */
    readonly port: number,
    /** The rules of this peer's backend. */
    readonly rules: BackendRules,
  ) {}

  /** Queues a callback for the next `runCallbacks()`. */
  post(kind: PendingCallback['kind'], remote: SteamId, error: P2PSessionError): void {
    this.callbacks.push({ kind, remote, error });
  }
}

/** One peer's session with one remote: both the sending and the receiving side of that pair. */
export class Session {
  /** Set when closed; a new session object replaces it. */
  closed = false;
  /** Bumped when the session closes or fails, so packets it had sent are dropped. */
  epoch = 0;
  /** The local side accepted (explicitly, or by sending). */
  accepted = false;
  /** Something arrived from the remote, or it answered: the remote's side is open. */
  heard = false;
  /** Last error (`P2PSessionState.sessionError`). */
  sessionError: P2PSessionError = 0;
  /** `sessionConnectFail` already posted for this session (Steam posts it once). */
  failPosted = false;
  /** Since when the local side waits for the remote to answer or acknowledge; -1 when not waiting. */
  waitingSince = -1;
  /** When the last `sessionRequest` was posted for this session. */
  lastRequestAt = Number.NEGATIVE_INFINITY;
  /** When the local side accepted (the answer is retried for a while from then). */
  acceptedAt = 0;
  /** Packets from the remote while unaccepted: not readable, expire after `unacceptedDropMs`. */
  readonly held = new Deque<Packet>();
  /** Packets not yet transmitted (no route yet, or over the bandwidth cap). */
  readonly outbound = new Deque<Packet>();
  queuedBytes = 0;
  /** Reliable bytes and packets transmitted but not yet delivered (still in the sender's buffer). */
  inFlightBytes = 0;
  inFlightPackets = 0;
  /** When the link's bandwidth cap lets the next packet go. */
  nextFreeAt = 0;
  readonly streams = new Map<number, Stream>();
  /** Channels used with this remote (sent or received); closing the last one closes the session. */
  readonly openChannels = new Set<number>();
  /** `ReliableWithBuffering` packets waiting for the Nagle delay, a flush, or enough bytes. */
  readonly nagle = new Deque<Packet>();
  nagleBytes = 0;
  /** When the oldest packet now in {@link nagle} was buffered. */
  nagleSince = 0;
  /** Messages and payload bytes held for the owner from the remote (readable or awaiting accept). */
  rxCount = 0;
  rxBytes = 0;
  /** When the session was created (an unaccepted Messages connection ends a hold time later). */
  readonly createdAt: number;
  /** Last send, accept or connection on this side (idle timeout). */
  lastUsedAt: number;
  readonly pumpTask: Task;
  readonly checkTask: Task;
  readonly purgeTask: Task;
  readonly answerTask: Task;
  readonly nagleTask: Task;
  readonly idleTask: Task;
  /**
   * The remote's own session for this pair, cached so that the hot path skips two map lookups;
   * valid while it is open and belongs to the live peer with that SteamID.
   */
  mirror: Session | null = null;
  /** Cached conditions of the link to the remote, valid while `conditionsVersion` matches. */
  conditions: LinkConditions | null = null;
  conditionsVersion = -1;

  constructor(
    readonly owner: PeerCore,
    readonly remote: SteamId,
    /** Relay allowed when the session was created (`allowP2PPacketRelay` affects new sessions only). */
    readonly relayAllowed: boolean,
    now: number,
  ) {
    this.createdAt = now;
    this.lastUsedAt = now;
    this.pumpTask = new Task(TaskKind.Pump, this, 0);
    this.checkTask = new Task(TaskKind.Check, this, 0);
    this.purgeTask = new Task(TaskKind.Purge, this, 0);
    this.answerTask = new Task(TaskKind.Answer, this, 0);
    this.nagleTask = new Task(TaskKind.Nagle, this, 0);
    this.idleTask = new Task(TaskKind.Idle, this, 0);
  }

  /** True for a session with oneself (send to self). */
  get loopback(): boolean {
    return this.owner.steamId === this.remote;
  }
}
