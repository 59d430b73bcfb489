/**
 * The call table: requests both ways. Calls we make (call ids, the pending calls of each peer,
 * timeouts, aborts, matching each response to its call) and requests we answer (the handler table,
 * the per-peer concurrency bound, and the ok / error responses, with internals kept out of what the
 * caller learns).
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { RequestSink } from './dispatch.js';
import type { EndpointState } from './endpoint-state.js';
import { REJECT_INDEX, type RejectReason, RejectReasons } from './enforce.js';
import {
  ClosedError,
  DisconnectedError,
  RemoteError,
  RequestAbortedError,
  RequestRejectedError,
  RequestTimeoutError,
  RpcArgumentError,
  TooManyPendingRequestsError,
  ValidationError,
} from './errors.js';
import { describeValue, type EndpointConfig, MAX_TIMER_MS } from './options.js';
import type { Outbox } from './outbox.js';
import { type PayloadReader, REJECTED } from './payload.js';
import type { Peer, PendingCall } from './peer.js';
import type { ProtocolEntry } from './protocol.js';
import type { Reporter } from './report.js';
import { RESPONSE_ERROR_ID, RESPONSE_OK_ID, VarintReader, varintSize } from './wire.js';

/** A request handler as stored (the typed signatures live on Host and Client). */
export type AnyRequestHandler = (payload: unknown, peer: SteamId) => unknown;

/** Options of one call. */
export interface CallOptions {
  /** Overrides the declared timeout (ms). */
  timeoutMs?: number;
  /** Aborts the call (it rejects with `RequestAbortedError`; a late response is ignored). */
  signal?: AbortSignal;
}

/** Longest code / message of an error response we accept or send. */
const MAX_ERROR_CODE = 64;
const MAX_ERROR_MESSAGE = 1024;

/** Requests and responses of one endpoint. */
export class CallTable implements RequestSink {
  private readonly handlers: (AnyRequestHandler | undefined)[];
  private readonly varint = new VarintReader();

  constructor(
    private readonly config: EndpointConfig,
    private readonly state: EndpointState,
    private readonly outbox: Outbox,
    private readonly payloads: PayloadReader,
    private readonly reporter: Reporter,
  ) {
    this.handlers = new Array(config.protocol.entries.length).fill(undefined);
  }

  /** Sets the handler of request `entry` (replacing any). Returns a function that removes it. */
  setHandler(entry: ProtocolEntry, handler: AnyRequestHandler): () => void {
    this.handlers[entry.index] = handler;
    return () => {
      if (this.handlers[entry.index] === handler) this.handlers[entry.index] = undefined;
    };
  }

  /** Calls request `entry` on `peer` (whose id is `peerId`, even when it is no peer). */
  call(
    peer: Peer | undefined,
    peerId: SteamId,
    entry: ProtocolEntry,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.state.closed) return reject(new ClosedError());
      if (peer === undefined || peer.state !== 'connected')
        return reject(new DisconnectedError(peerId, 'not connected'));
      const given = options?.timeoutMs;
      const timeoutMs = given === undefined ? entry.timeoutMs : given;
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !(timeoutMs <= MAX_TIMER_MS)) {
        return reject(
          new RpcArgumentError(
            'timeoutMs',
            `timeoutMs must be a number of milliseconds above 0, at most ${MAX_TIMER_MS}, not ${describeValue(timeoutMs)}.`,
          ),
        );
      }
      const signal = options?.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal))
        return reject(
          new RpcArgumentError('signal', `signal must be an AbortSignal, not ${describeValue(signal)}.`),
        );
      if (signal?.aborted) return reject(new RequestAbortedError(entry.name, signal.reason));
      const max = this.config.maxPendingRequests;
      if (peer.pending.size >= max) return reject(new TooManyPendingRequestsError(entry.name, max));
      let callId = peer.nextCallId;
      while (peer.pending.has(callId)) callId = (callId + 1) & 0x0fffffff;
      peer.nextCallId = (callId + 1) & 0x0fffffff;
      if (peer.nextCallId === 0) peer.callIdsWrapped = true;
      try {
        const bodyLen = this.outbox.encodeFor(entry, payload, varintSize(callId));
        this.outbox.queueEncoded(
          peer,
          entry.id,
          entry.channelIndex,
          entry.sendType,
          true,
          callId,
          bodyLen,
          entry.index,
        );
      } catch (error) {
        return reject(error);
      }
      const call: PendingCall = { entry, resolve, reject, timer: null, signal, onAbort: undefined };
      peer.pending.set(callId, call);
      call.timer = this.config.clock.setTimeout(() => {
        if (this.settle(peer, callId)) reject(new RequestTimeoutError(entry.name, timeoutMs));
      }, timeoutMs);
      if (signal !== undefined) {
        call.onAbort = () => {
          if (this.settle(peer, callId)) reject(new RequestAbortedError(entry.name, signal.reason));
        };
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
    });
  }

  /** Rejects every pending call of `peer` with {@link DisconnectedError} (it left for `reason`). */
  failAll(peer: Peer, reason: string): void {
    for (const callId of [...peer.pending.keys()]) {
      const call = this.settle(peer, callId);
      call?.reject(new DisconnectedError(peer.id, reason));
    }
  }

  /** Forgets pending call `callId` of `peer`; returns it when it was still pending. */
  private settle(peer: Peer, callId: number): PendingCall | undefined {
    const pending = peer.pending;
    const call = pending.get(callId);
    if (call === undefined) return undefined;
    pending.delete(callId);
    if (call.timer !== null) this.config.clock.clearTimeout(call.timer as never);
    if (call.signal !== undefined && call.onAbort !== undefined)
      call.signal.removeEventListener('abort', call.onAbort);
    return call;
  }

  /** A decoded, validated request to answer. */
  handleRequest(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    const handler = this.handlers[entry.index];
    if (handler === undefined) {
      this.respondError(peer, entry, callId, 'NO_HANDLER', `No handler for request '${entry.name}'.`);
      return;
    }
    const enforcement = peer.enforcement;
    if (enforcement.inflight >= this.config.maxConcurrentRequests) {
      this.reporter.reject(peer, peer.id, 'tooManyRequests', entry.name);
      this.refused(peer, entry, callId, 'tooManyRequests');
      return;
    }
    enforcement.inflight++;
    let result: unknown;
    try {
      result = handler(value, peer.id);
    } catch (error) {
      enforcement.inflight--;
      this.respondFailure(peer, entry, callId, error);
      return;
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      (result as PromiseLike<unknown>).then(
        (res) => {
          enforcement.inflight--;
          this.respond(peer, entry, callId, res);
        },
        (error: unknown) => {
          enforcement.inflight--;
          this.respondFailure(peer, entry, callId, error);
        },
      );
    } else {
      enforcement.inflight--;
      this.respond(peer, entry, callId, result);
    }
  }

  /**
   * Answers a request refused on receipt (already counted): an error response whose body is the
   * reason's index in `RejectReasons`, one msgpack byte, so the answer is never larger than the
   * request. Answers draw on the peer's answer budget (its own message rate): a flood of refused
   * requests gets at most that many answers.
   */
  refused(peer: Peer, entry: ProtocolEntry, callId: number, reason: RejectReason): void {
    if (peer.state !== 'connected' || this.state.closed) return;
    if (!peer.enforcement.answerBucket.take(1, this.state.now)) return;
    const outbox = this.outbox;
    outbox.encoder.encode(REJECT_INDEX[reason]);
    const bodyLen = outbox.encoder.end - outbox.encoder.start + varintSize(callId);
    outbox.queueEncoded(
      peer,
      RESPONSE_ERROR_ID,
      entry.channelIndex,
      entry.sendType,
      true,
      callId,
      bodyLen,
      -1,
    );
  }

  private respond(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    if (peer.state !== 'connected' || this.state.closed) return;
    const outbox = this.outbox;
    let bodyLen: number;
    try {
      outbox.encoder.encode(value);
      bodyLen = outbox.encoder.end - outbox.encoder.start + varintSize(callId);
      outbox.checkSize(entry.name, true, RESPONSE_OK_ID, bodyLen);
      outbox.checkComplexity(entry);
    } catch (error) {
      this.reporter.error(error, peer.id, entry.name);
      this.respondError(
        peer,
        entry,
        callId,
        'BAD_RESPONSE',
        'The handler returned a response that cannot be sent.',
      );
      return;
    }
    outbox.queueEncoded(peer, RESPONSE_OK_ID, entry.channelIndex, entry.sendType, true, callId, bodyLen, -1);
  }

  private respondFailure(peer: Peer, entry: ProtocolEntry, callId: number, error: unknown): void {
    this.reporter.error(error, peer.id, entry.name);
    // Only errors that carry their own string `code` are meant for the caller; anything else may
    // reveal internals, so the caller learns only that the handler failed. Never a stack.
    const e = error as { code?: unknown; message?: unknown } | null;
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
      this.respondError(peer, entry, callId, e.code, e.message);
    } else {
      this.respondError(peer, entry, callId, 'HANDLER_FAILED', `The handler of '${entry.name}' failed.`);
    }
  }

  private respondError(
    peer: Peer,
    entry: ProtocolEntry,
    callId: number,
    code: string,
    message: string,
  ): void {
    if (peer.state !== 'connected' || this.state.closed) return;
    const outbox = this.outbox;
    outbox.encoder.encode([code.slice(0, MAX_ERROR_CODE), message.slice(0, MAX_ERROR_MESSAGE)]);
    const bodyLen = outbox.encoder.end - outbox.encoder.start + varintSize(callId);
    outbox.queueEncoded(
      peer,
      RESPONSE_ERROR_ID,
      entry.channelIndex,
      entry.sendType,
      true,
      callId,
      bodyLen,
      -1,
    );
  }

  /** A response frame to a call we made. */
  handleResponse(peer: Peer, id: number, data: Uint8Array, start: number, end: number): void {
    const callId = this.varint.read(data, start, end);
    if (callId < 0) {
      this.reporter.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    const bodyStart = this.varint.end;
    const call = this.settle(peer, callId);
    if (call === undefined) {
      // An id we issued whose call already timed out or was aborted: a late answer over a slow
      // link, not a violation (counting it would let a bad network kick honest peers).
      if (callId < peer.nextCallId || peer.callIdsWrapped) peer.counters.lateResponses++;
      else this.reporter.reject(peer, peer.id, 'unexpectedResponse', undefined);
      return;
    }
    const entry = call.entry;
    if (id === RESPONSE_OK_ID) {
      const value = this.payloads.read(
        peer,
        entry.responseSchema,
        entry.limits,
        entry.name,
        data,
        bodyStart,
        end,
      );
      if (value === REJECTED) {
        call.reject(
          new ValidationError(entry.name, [
            { message: 'the response failed decoding or validation', path: [] },
          ]),
        );
      } else {
        call.resolve(value);
      }
      return;
    }
    const value = this.payloads.read(peer, null, entry.limits, entry.name, data, bodyStart, end);
    if (typeof value === 'number') {
      const reason = RejectReasons[value];
      if (reason !== undefined) {
        call.reject(
          new RequestRejectedError(entry.name, reason, this.config.side === 'host' ? 'client' : 'host'),
        );
        return;
      }
    }
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      value[0].length <= MAX_ERROR_CODE &&
      value[1].length <= MAX_ERROR_MESSAGE
    ) {
      call.reject(new RemoteError(entry.name, value[0], value[1]));
    } else {
      if (value !== REJECTED) this.reporter.reject(peer, peer.id, 'decodeFailed', entry.name);
      call.reject(
        new RemoteError(entry.name, 'BAD_RESPONSE', 'The remote answered with an unreadable error.'),
      );
    }
  }
}
