/**
 * Requests both ways: calls we make (call ids, the pending table, timeouts, aborts, matching each
 * response to its call) and requests we answer (the handler table, the concurrency bound, and the
 * ok / error responses, with internals kept out of what the caller learns).
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import {
  ClosedError,
  DisconnectedError,
  RemoteError,
  RequestAbortedError,
  RequestTimeoutError,
  RpcArgumentError,
  TooManyPendingRequestsError,
  ValidationError,
} from './errors.js';
import type { Peer, PendingCall } from './peer.js';
import type { Protocol, ProtocolEntry } from './protocol.js';
import { REJECTED, ReceivingEndpoint } from './receive.js';
import {
  encodedEnd,
  encodedStart,
  encodeValue,
  RESPONSE_ERROR_ID,
  RESPONSE_OK_ID,
  readVarint,
  varintEnd,
  varintSize,
} from './wire.js';

/** A typed request handler as stored. */
type AnyRequestHandler = (payload: unknown, peer: SteamId) => unknown;

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

/**
 * The calls layer of {@link Endpoint}. Internal.
 * @typeParam P the protocol.
 */
export abstract class CallingEndpoint<P extends Protocol = Protocol> extends ReceivingEndpoint<P> {
  private readonly requestHandlers: (AnyRequestHandler | undefined)[] = new Array(
    this.protocol.entries.length,
  ).fill(undefined);

  /** Sets the handler of a request (replacing any). Returns a function that removes it. */
  protected setRequestHandler(name: string, handler: AnyRequestHandler): () => void {
    const entry = this.receivableEntry(name, 'request', 'handle');
    if (typeof handler !== 'function')
      throw new RpcArgumentError('handler', 'The handler must be a function.');
    this.requestHandlers[entry.index] = handler;
    return () => {
      if (this.requestHandlers[entry.index] === handler) this.requestHandlers[entry.index] = undefined;
    };
  }

  /** Calls request `entry` on `peer`. */
  protected callPeer(
    peer: Peer | undefined,
    peerId: SteamId,
    entry: ProtocolEntry,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ClosedError());
      if (peer === undefined || peer.state !== 'connected')
        return reject(new DisconnectedError(peerId, 'not connected'));
      const timeoutMs = options?.timeoutMs ?? entry.timeoutMs;
      if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
        return reject(
          new RpcArgumentError('timeoutMs', 'timeoutMs must be a positive number of milliseconds.'),
        );
      }
      const signal = options?.signal;
      if (signal?.aborted) return reject(new RequestAbortedError(entry.name, signal.reason));
      if (peer.pending.size >= this.maxPendingRequests) {
        return reject(new TooManyPendingRequestsError(entry.name, this.maxPendingRequests));
      }
      let callId = peer.nextCallId;
      while (peer.pending.has(callId)) callId = (callId + 1) & 0x0fffffff;
      peer.nextCallId = (callId + 1) & 0x0fffffff;
      if (peer.nextCallId === 0) peer.callIdsWrapped = true;
      try {
        const bodyLen = this.encodeFor(entry, payload, varintSize(callId));
        this.queueEncoded(
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
      call.timer = this.clock.setTimeout(() => {
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

  /** Forgets pending call `callId` of `peer`; true when it was still pending. */
  protected settle(peer: Peer, callId: number): PendingCall | undefined {
    const call = peer.pending.get(callId);
    if (call === undefined) return undefined;
    peer.pending.delete(callId);
    if (call.timer !== null) this.clock.clearTimeout(call.timer as never);
    if (call.signal !== undefined && call.onAbort !== undefined)
      call.signal.removeEventListener('abort', call.onAbort);
    return call;
  }

  protected override dispatchRequest(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    const handler = this.requestHandlers[entry.index];
    if (handler === undefined) {
      this.respondError(peer, entry, callId, 'NO_HANDLER', `No handler for request '${entry.name}'.`);
      return;
    }
    if (peer.inflight >= this.maxConcurrentRequests) {
      this.reject(peer, peer.id, 'tooManyRequests', entry.name);
      this.respondError(peer, entry, callId, 'BUSY', 'Too many requests at once; retry later.');
      return;
    }
    peer.inflight++;
    let result: unknown;
    try {
      result = handler(value, peer.id);
    } catch (error) {
      peer.inflight--;
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
          peer.inflight--;
          this.respond(peer, entry, callId, res);
        },
        (error: unknown) => {
          peer.inflight--;
          this.respondFailure(peer, entry, callId, error);
        },
      );
    } else {
      peer.inflight--;
      this.respond(peer, entry, callId, result);
    }
  }

  private respond(peer: Peer, entry: ProtocolEntry, callId: number, value: unknown): void {
    if (peer.state !== 'connected' || this.closed) return;
    let bodyLen: number;
    try {
      encodeValue(value);
      bodyLen = encodedEnd - encodedStart + varintSize(callId);
      this.checkSize(entry.name, true, RESPONSE_OK_ID, bodyLen);
    } catch (error) {
      this.reportError(error, peer.id, entry.name);
      this.respondError(
        peer,
        entry,
        callId,
        'BAD_RESPONSE',
        'The handler returned a response that cannot be sent.',
      );
      return;
    }
    this.queueEncoded(peer, RESPONSE_OK_ID, entry.channelIndex, entry.sendType, true, callId, bodyLen, -1);
  }

  private respondFailure(peer: Peer, entry: ProtocolEntry, callId: number, error: unknown): void {
    this.reportError(error, peer.id, entry.name);
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
    if (peer.state !== 'connected' || this.closed) return;
    encodeValue([code.slice(0, MAX_ERROR_CODE), message.slice(0, MAX_ERROR_MESSAGE)]);
    const bodyLen = encodedEnd - encodedStart + varintSize(callId);
    this.queueEncoded(peer, RESPONSE_ERROR_ID, entry.channelIndex, entry.sendType, true, callId, bodyLen, -1);
  }

  protected override handleResponse(
    peer: Peer,
    id: number,
    data: Uint8Array,
    start: number,
    end: number,
  ): void {
    const callId = readVarint(data, start, end);
    if (callId < 0) {
      this.reject(peer, peer.id, 'malformed', undefined);
      return;
    }
    const call = this.settle(peer, callId);
    if (call === undefined) {
      // An id we issued whose call already timed out or was aborted: a late answer over a slow
      // link, not a violation (counting it would let a bad network kick honest peers).
      if (callId < peer.nextCallId || peer.callIdsWrapped) peer.counters.lateResponses++;
      else this.reject(peer, peer.id, 'unexpectedResponse', undefined);
      return;
    }
    const entry = call.entry;
    if (id === RESPONSE_OK_ID) {
      const value = this.decode(peer, entry.responseSchema, entry.name, data, varintEnd, end);
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
    const value = this.decode(peer, null, entry.name, data, varintEnd, end);
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
      if (value !== REJECTED) this.reject(peer, peer.id, 'decodeFailed', entry.name);
      call.reject(
        new RemoteError(entry.name, 'BAD_RESPONSE', 'The remote answered with an unreadable error.'),
      );
    }
  }
}
