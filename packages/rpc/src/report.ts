/**
 * How a problem leaves an endpoint's pipeline: a rejection (counted against the peer, emitted as
 * `rejected`, then judged by the violation policy) or an error (emitted as `error`, or counted when
 * nobody listens). Both events go out on the endpoint's emitter, which this part owns.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type { SteamId } from '@steamwire/transport-steam';
import type { RejectReason, ViolationPolicy } from './enforce.js';
import type { Peer } from './peer.js';

/** Counts and emits rejections and errors for one endpoint. */
export class Reporter {
  /** The endpoint's events (`rejected`, `error`, and the side's own, emitted by its owner). */
  readonly emitter = new EventEmitter();
  /** Errors that had no `error` listener. */
  unreportedErrors = 0;
  /** The reason of the last rejection, so a refused request can be answered with it. */
  lastReason: RejectReason = 'malformed';

  /**
   * @param policy judges a connected remote peer after each of its rejections.
   * @param onViolations called when the policy wants `peer` gone.
   */
  constructor(
    private readonly policy: ViolationPolicy,
    private readonly onViolations: (peer: Peer) => void,
  ) {}

  /** Records a rejection, emits it, and applies the violation policy. */
  reject(peer: Peer | undefined, from: SteamId, reason: RejectReason, messageName: string | undefined): void {
    this.lastReason = reason;
    if (peer !== undefined) peer.enforcement.count(reason);
    if (this.emitter.listenerCount('rejected') > 0) {
      try {
        this.emitter.emit('rejected', from, reason, messageName);
      } catch (error) {
        this.error(error, from, messageName);
      }
    }
    if (peer === undefined || peer.state !== 'connected' || peer.local !== null) return;
    let kick = false;
    try {
      kick = this.policy(peer.enforcement.violation(peer.id, reason));
    } catch (error) {
      this.error(error, from, messageName);
    }
    if (kick) this.onViolations(peer);
  }

  /** Emits `error`, or counts it when nobody listens. */
  error(error: unknown, peer: SteamId | undefined, messageName: string | undefined): void {
    if (this.emitter.listenerCount('error') === 0) {
      this.unreportedErrors++;
      return;
    }
    try {
      this.emitter.emit('error', error, { peer, messageName });
    } catch {
      this.unreportedErrors++;
    }
  }
}
