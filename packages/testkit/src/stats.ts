/**
 * Counters of a {@link FakeSteamNetwork}: what was sent, delivered, and why anything was dropped.
 * @packageDocumentation
 */

/** Why packets that were accepted by `sendP2PPacket` never became readable. */
export interface FakeDropCounts {
  /** Unreliable packets lost to the link's `loss`. */
  loss: number;
  /** Unreliable packets that landed on an offline, removed or partitioned peer. */
  unreachable: number;
  /** `UnreliableNoDelay` packets sent before the session was connected (Steam drops them). */
  notConnected: number;
  /** Packets queued, in flight or held when their session was closed. */
  sessionClosed: number;
  /** Packets queued, in flight or held on a channel when it was closed. */
  channelClosed: number;
  /** Packets queued or in flight when their session failed to connect (or broke). */
  connectFailed: number;
  /** Packets held from an unaccepted peer for longer than the hold time (or whose unaccepted connection ended). */
  unacceptedTimeout: number;
  /** Unreliable packets that found the receiver's buffer for their sender full (Steam drops them). */
  receiveBufferFull: number;
}

/** Sends `sendP2PPacket` refused (it returned false). */
export interface FakeRejectCounts {
  /** Over 1200 bytes unreliable or 1 MiB reliable. */
  tooLarge: number;
  /** The target was not a valid SteamID. */
  invalidSteamId: number;
  /** Too many bytes already queued for that peer. */
  limitExceeded: number;
  /** `UnreliableNoDelay` before the session was connected, on a backend that refuses it (Messages: `Ignored`). */
  ignored: number;
}

/** A snapshot of the network's counters. */
export interface FakeNetworkStats {
  /** Packets accepted by `sendP2PPacket` (returned true). */
  sent: number;
  /** Payload bytes of those packets. */
  bytesSent: number;
  /** Packets that became readable by their receiver (duplicates included). */
  delivered: number;
  /** Payload bytes of those packets. */
  bytesDelivered: number;
  /** Extra copies of unreliable packets made by the link's `duplicate`. */
  duplicated: number;
  /** Reliable retransmissions (one per simulated loss, or per try while the peer was unreachable). */
  retransmitted: number;
  /**
   * Reliable deliveries put off because the receiver's buffer for that sender was full: not
   * acknowledged, so the sender keeps them and resends after a round trip.
   */
  receiverFull: number;
  /** Packets that never became readable, by reason. */
  dropped: FakeDropCounts;
  /** Readable packets thrown away unread because their session or channel was closed. */
  discardedUnread: number;
  /** Sends refused, by reason. */
  rejected: FakeRejectCounts;
}

/** Fresh zeroed counters. @internal */
export function createStats(): FakeNetworkStats {
  return {
    sent: 0,
    bytesSent: 0,
    delivered: 0,
    bytesDelivered: 0,
    duplicated: 0,
    retransmitted: 0,
    receiverFull: 0,
    dropped: {
      loss: 0,
      unreachable: 0,
      notConnected: 0,
      sessionClosed: 0,
      channelClosed: 0,
      connectFailed: 0,
      unacceptedTimeout: 0,
      receiveBufferFull: 0,
    },
    discardedUnread: 0,
    rejected: { tooLarge: 0, invalidSteamId: 0, limitExceeded: 0, ignored: 0 },
  };
}

/** A deep copy, so callers can keep and compare snapshots. @internal */
export function snapshotStats(stats: FakeNetworkStats): FakeNetworkStats {
  return { ...stats, dropped: { ...stats.dropped }, rejected: { ...stats.rejected } };
}
