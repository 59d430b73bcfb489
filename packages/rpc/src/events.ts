/**
 * The event types both sides share: why a session ended, and the `rejected` and `error` events
 * every endpoint emits. Host and client add their own lifecycle events on top.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { RejectReason } from './enforce.js';

/** Why a peer left or a client got disconnected. */
export type DisconnectReason =
  /** The other side said goodbye (`disconnect()` / `close()`). */
  | 'left'
  /** The host removed this peer (`kick`); the detail carries the kick code. */
  | 'kicked'
  /** Too many rejected frames, per the violation policy. */
  | 'violations'
  /** Nothing heard within the heartbeat timeout. */
  | 'timeout'
  /** Steam reported the session failed (`sessionConnectFail`). */
  | 'connectFailed'
  /** The host closed. */
  | 'hostClosed'
  /** This side closed. */
  | 'closed'
  /** The same SteamID said hello again (it restarted); the old session is gone. */
  | 'reconnected';

/** Events both sides emit. */
export type CommonEvents = {
  /**
   * A packet or frame from `peer` was dropped before any handler (counted per peer and reason).
   * `messageName` is set once the frame's id was read.
   */
  rejected: (peer: SteamId, reason: RejectReason, messageName: string | undefined) => void;
  /**
   * A handler threw, an async schema was met, or an internal step failed. Never thrown from
   * `update()`: without a listener it is only counted.
   */
  error: (error: unknown, context: { peer?: SteamId; messageName?: string }) => void;
};
