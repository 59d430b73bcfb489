/**
 * The event types both sides share: why a session ended, and the `rejected` and `error` events
 * every endpoint emits. Host and client add their own lifecycle events on top.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { RejectReason } from './enforce.js';

/**
 * Why a session ended: one vocabulary for both sides. The host's `peerLeft` and the client's
 * `disconnected` give the same reason, and the same detail, for the same ending.
 */
export type DisconnectReason =
  /** The client left (`client.disconnect()`). */
  | 'left'
  /** The host removed the client with `kick(peer, code)`; the detail is the code. */
  | 'kicked'
  /**
   * The host's violation policy removed the client for its rejected frames; the detail is the reason
   * of the last one (e.g. `wrongDirection`).
   */
  | 'violations'
  /**
   * The client's violation policy left the host for its rejected frames (a host is just another
   * player's machine); the detail is the reason of the last one.
   */
  | 'hostViolations'
  /** Nothing was heard within the heartbeat timeout (each side notices on its own). */
  | 'timeout'
  /** Steam reported the session failed (`sessionConnectFail`); the detail is Steam's error number. */
  | 'connectFailed'
  /** The host closed (`host.close()`). */
  | 'hostClosed'
  /** The same SteamID said hello again (it restarted): the host dropped the old session. Host only. */
  | 'reconnected';

/** The reasons a host may give in its goodbye. */
export const HOST_GOODBYES: ReadonlySet<DisconnectReason> = new Set(['kicked', 'violations', 'hostClosed']);
/** The reasons a client may give in its goodbye. */
export const CLIENT_GOODBYES: ReadonlySet<DisconnectReason> = new Set(['left', 'hostViolations']);

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
