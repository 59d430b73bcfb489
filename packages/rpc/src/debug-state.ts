/**
 * What an endpoint still holds for its peers, summed for leak checks in tests and soak runs: the
 * public {@link EndpointDebugState} and the walk over the peer records that fills it.
 * @packageDocumentation
 */
import type { Peer } from './peer.js';

/**
 * What an endpoint holds, from `debugState()` (on a host or a client). Counts are summed over its peers (the
 * host's local client included).
 */
export interface EndpointDebugState {
  /** The endpoint was closed (host closed, client disconnected). */
  readonly closed: boolean;
  /** Peers known in any state. */
  readonly peers: number;
  /** Peers that completed the handshake. */
  readonly connected: number;
  /** Peers still handshaking or authenticating. */
  readonly handshaking: number;
  /** Calls we made that await a response. */
  readonly pendingCalls: number;
  /** Requests from peers whose handler has not answered yet. */
  readonly inflightRequests: number;
  /** Bytes reserved for fragmented messages being reassembled (their declared sizes). */
  readonly reassemblyBytes: number;
  /** Bytes actually buffered for them (grows with what arrived, up to `reassemblyBytes`). */
  readonly reassemblyBufferedBytes: number;
  /** Frames batched and not yet handed to Steam. */
  readonly queuedFrames: number;
  /** Packets held for a retry after Steam's back-pressure, and their bytes. */
  readonly retryPackets: number;
  /** Bytes of {@link EndpointDebugState.retryPackets}. */
  readonly retryBytes: number;
  /** Packets from the host held until its welcome (client side). */
  readonly earlyPackets: number;
  /** Packets (or the rest of one) waiting for their peer's next work budget, and their bytes. */
  readonly deferredPackets: number;
  /** Bytes of {@link EndpointDebugState.deferredPackets}. */
  readonly deferredBytes: number;
  /** Packets from a same-process endpoint waiting for the next update. */
  readonly inboxPackets: number;
  /** Sessions kept open briefly so a goodbye is delivered. */
  readonly lingeringSessions: number;
  /** Errors raised with no `error` listener (counted, not thrown). */
  readonly unreportedErrors: number;
}

/** What the endpoint knows beside its peer records. */
export interface EndpointTotals {
  readonly closed: boolean;
  readonly inboxPackets: number;
  readonly lingeringSessions: number;
  readonly unreportedErrors: number;
}

/** Sums what `peers` hold, next to the endpoint's own `totals`. */
export function collectDebugState(peers: Iterable<Peer>, totals: EndpointTotals): EndpointDebugState {
  let count = 0;
  let connected = 0;
  let handshaking = 0;
  let pendingCalls = 0;
  let inflightRequests = 0;
  let reassemblyBytes = 0;
  let reassemblyBufferedBytes = 0;
  let queuedFrames = 0;
  let retryPackets = 0;
  let retryBytes = 0;
  let earlyPackets = 0;
  let deferredPackets = 0;
  let deferredBytes = 0;
  for (const peer of peers) {
    count++;
    if (peer.state === 'connected') connected++;
    else handshaking++;
    pendingCalls += peer.pending.size;
    inflightRequests += peer.enforcement.inflight;
    reassemblyBytes += peer.reassembler.reserved;
    reassemblyBufferedBytes += peer.reassembler.bufferedBytes;
    for (const q of peer.queues) queuedFrames += q?.frames ?? 0;
    retryPackets += peer.retry.length;
    retryBytes += peer.retryBytes;
    earlyPackets += peer.early?.length ?? 0;
    if (peer.deferred !== null) deferredPackets += peer.deferred.length - peer.deferredHead;
    deferredBytes += peer.deferredBytes;
  }
  return {
    closed: totals.closed,
    peers: count,
    connected,
    handshaking,
    pendingCalls,
    inflightRequests,
    reassemblyBytes,
    reassemblyBufferedBytes,
    queuedFrames,
    retryPackets,
    retryBytes,
    earlyPackets,
    deferredPackets,
    deferredBytes,
    inboxPackets: totals.inboxPackets,
    lingeringSessions: totals.lingeringSessions,
    unreportedErrors: totals.unreportedErrors,
  };
}
