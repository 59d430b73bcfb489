/**
 * Every error `@steamwire/rpc` throws or rejects with is an {@link RpcError} with a stable `code`,
 * so callers branch on `err.code` (or `instanceof`), never on message text.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { RejectReason } from './enforce.js';
import { describeDifferences, type ProtocolDifference, quoted } from './protocol-diff.js';
import { UnencodableValue } from './wire-check.js';

/** Base class of every rpc error. `code` is stable across versions. */
export class RpcError extends Error {
  /** Stable, machine-readable code (e.g. `'REQUEST_TIMEOUT'`). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A protocol declaration is invalid (bad channel, duplicate id, unreliable request…). */
export class ProtocolDefinitionError extends RpcError {
  /** The message or request name at fault, when there is one. */
  readonly messageName: string | undefined;
  constructor(messageName: string | undefined, message: string) {
    super('PROTOCOL_DEFINITION', message);
    this.messageName = messageName;
  }
}

/** An argument is out of range or of the wrong kind (unknown message name, bad option…). */
export class RpcArgumentError extends RpcError {
  /** Name of the offending parameter or option. */
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('INVALID_ARGUMENT', message);
    this.argument = argument;
  }
}

/** A message does not fit: unreliable above one packet, or reliable above the configured maximum. */
export class MessageTooLargeError extends RpcError {
  /** The message or request name. */
  readonly messageName: string;
  /** Encoded size in bytes, framing included. */
  readonly size: number;
  /** The largest size allowed for this send type. */
  readonly limit: number;
  constructor(messageName: string, size: number, limit: number, reliable: boolean) {
    super(
      'MESSAGE_TOO_LARGE',
      reliable
        ? `Message '${messageName}' is ${size} bytes, above the ${limit}-byte maximum (raise maxMessageBytes or send less).`
        : `Unreliable message '${messageName}' is ${size} bytes, above the ${limit} bytes one packet holds; send it reliably or split it.`,
    );
    this.messageName = messageName;
    this.size = size;
    this.limit = limit;
  }
}

/** What {@link MessageTooComplexError} reports of the limits a payload passed. */
export interface DecodeLimitsInForce {
  readonly maxElements: number;
  readonly maxDepth: number;
  readonly maxMapKeys: number;
  readonly maxStringBytes: number;
}

/**
 * A payload is over its declaration's decode limits (elements, nesting, keys per map, string bytes):
 * the receiver would refuse it, so it is not sent.
 */
export class MessageTooComplexError extends RpcError {
  /** The message or request name. */
  readonly messageName: string;
  /** The limits it passed. */
  readonly limits: DecodeLimitsInForce;
  constructor(messageName: string, limits: DecodeLimitsInForce) {
    super(
      'MESSAGE_TOO_COMPLEX',
      `Message '${messageName}' is over its decode limits (maxElements ${limits.maxElements}, maxDepth ${limits.maxDepth}, maxMapKeys ${limits.maxMapKeys}, maxStringBytes ${limits.maxStringBytes}); send less, or raise the limits in its declaration.`,
    );
    this.messageName = messageName;
    this.limits = limits;
  }
}

/**
 * A payload holds something that would not arrive as itself (a function, a symbol, `undefined` in
 * an array, a Map, a Set, a class instance, a bigint beyond 64 bits, a cycle…; see "What survives
 * the wire" in the rpc README). Thrown at the send, before anything is queued.
 */
export class EncodeError extends RpcError {
  /** The message or request name. */
  readonly messageName: string;
  /** Where the value is in the payload, e.g. `payload.players[3].onHit` (`undefined` when unknown). */
  readonly path: string | undefined;
  /** What is wrong with it, e.g. `is a function, which cannot travel` (`undefined` when unknown). */
  readonly problem: string | undefined;
  constructor(messageName: string, cause: unknown) {
    const where = cause instanceof UnencodableValue ? cause : undefined;
    super(
      'ENCODE_FAILED',
      where === undefined
        ? `Message '${messageName}' could not be encoded with msgpack; send plain data.`
        : `Message '${messageName}' cannot be sent: ${where.path} ${where.problem}. Send plain data (see "What survives the wire" in the rpc README).`,
      { cause },
    );
    this.messageName = messageName;
    this.path = where?.path;
    this.problem = where?.problem;
  }
}

/** One issue from a Standard Schema validator. */
export interface ValidationIssue {
  /** What is wrong, as the validator worded it. */
  readonly message: string;
  /** Where, as property keys from the root (empty for the root). */
  readonly path: readonly PropertyKey[];
}

/** A payload failed its schema (a response from a peer, or a local loopback payload). */
export class ValidationError extends RpcError {
  /** The message or request name. */
  readonly messageName: string;
  /** The validator's issues. */
  readonly issues: readonly ValidationIssue[];
  constructor(messageName: string, issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
    super(
      'VALIDATION_FAILED',
      `Payload of '${messageName}' failed validation${where}: ${first?.message ?? 'invalid'}.`,
    );
    this.messageName = messageName;
    this.issues = issues;
  }
}

/** A schema's `validate` returned a Promise; validation on receipt must be synchronous. */
export class AsyncSchemaError extends RpcError {
  /** The message or request name. */
  readonly messageName: string;
  constructor(messageName: string) {
    super(
      'ASYNC_SCHEMA',
      `The schema of '${messageName}' validates asynchronously; use a synchronous schema (no async refinements).`,
    );
    this.messageName = messageName;
  }
}

/** A request got no response within its timeout. */
export class RequestTimeoutError extends RpcError {
  /** The request name. */
  readonly requestName: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(requestName: string, timeoutMs: number) {
    super('REQUEST_TIMEOUT', `Request '${requestName}' got no response within ${timeoutMs} ms.`);
    this.requestName = requestName;
    this.timeoutMs = timeoutMs;
  }
}

/** A request was aborted through its `AbortSignal`. */
export class RequestAbortedError extends RpcError {
  /** The request name. */
  readonly requestName: string;
  constructor(requestName: string, reason?: unknown) {
    super('REQUEST_ABORTED', `Request '${requestName}' was aborted by its signal.`, { cause: reason });
    this.requestName = requestName;
  }
}

/** Too many requests to one peer are waiting for a response. */
export class TooManyPendingRequestsError extends RpcError {
  /** The request name. */
  readonly requestName: string;
  /** The configured maximum. */
  readonly limit: number;
  constructor(requestName: string, limit: number) {
    super(
      'TOO_MANY_PENDING_REQUESTS',
      `Request '${requestName}' refused: ${limit} requests to this peer already await a response; await some first.`,
    );
    this.requestName = requestName;
    this.limit = limit;
  }
}

/** The peer is not (or no longer) connected: a call failed mid-flight, or a send targets nobody. */
export class DisconnectedError extends RpcError {
  /** The peer concerned. */
  readonly peer: SteamId;
  /** Why the session ended (see `DisconnectReason`). */
  readonly reason: string;
  constructor(peer: SteamId, reason: string, what = 'The peer') {
    super('DISCONNECTED', `${what} ${peer} is not connected (${reason}).`);
    this.peer = peer;
    this.reason = reason;
  }
}

/**
 * The remote request handler failed. Carries the remote `code` and message only, never a remote
 * stack: the remote side decides what to reveal.
 */
export class RemoteError extends RpcError {
  /** The request name. */
  readonly requestName: string;
  constructor(requestName: string, code: string, message: string) {
    super(code, message);
    this.requestName = requestName;
  }
}

/**
 * The host refused the connection because the two sides declare different protocols. The host
 * compares the entry list the client's hello carries with its own, and sends back the entries that
 * differ: `differences`, from this client's point of view (`here` is this client).
 */
export class ProtocolMismatchError extends RpcError {
  /** This side's protocol fingerprint. */
  readonly localFingerprint: string;
  /** The other side's fingerprint, when it told us. */
  readonly remoteFingerprint: string;
  /**
   * The entries that differ (the first 16 at most), or `null` when the host could not tell (a
   * protocol too large to list in the hello, or a host that did not say).
   */
  readonly differences: readonly ProtocolDifference[] | null;
  constructor(
    localFingerprint: string,
    remoteFingerprint: string,
    differences: readonly ProtocolDifference[] | null = null,
  ) {
    const which =
      differences !== null && differences.length > 0
        ? ` Entries that differ: ${describeDifferences(differences)}.`
        : '';
    super(
      'PROTOCOL_MISMATCH',
      `The host runs protocol ${quoted(remoteFingerprint) || '(unknown)'} but this client runs ${localFingerprint}; build both from the same defineProtocol().${which}`,
    );
    this.localFingerprint = localFingerprint;
    this.remoteFingerprint = remoteFingerprint;
    this.differences = differences;
  }
}

/** The host refused the connection for a reason other than the protocol (full, auth failed…). */
export class ConnectionRefusedError extends RpcError {
  /** The host's reason code, e.g. `'full'` or `'authFailed'`. */
  readonly reason: string;
  constructor(reason: string, detail: string) {
    super('CONNECTION_REFUSED', `The host refused the connection (${reason})${detail ? `: ${detail}` : ''}.`);
    this.reason = reason;
  }
}

/** What a client saw of its host while it tried to connect (see {@link ConnectTimeoutError}). */
export interface ConnectAttempt {
  /** Hellos the client tried to send (it resends until the host answers). */
  readonly hellosTried: number;
  /** Of those, how many Steam took (`sendP2PPacket` returned true). */
  readonly hellosSent: number;
  /** Whether anything at all came back from the host. */
  readonly heardFromHost: boolean;
}

/** The host did not welcome us within the connect timeout. */
export class ConnectTimeoutError extends RpcError {
  /** The host we tried. */
  readonly host: SteamId;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /** Hellos tried and sent, and whether the host was heard (absent when unknown). */
  readonly attempt: ConnectAttempt | undefined;
  constructor(host: SteamId, timeoutMs: number, attempt?: ConnectAttempt) {
    super(
      'CONNECT_TIMEOUT',
      `Host ${host} did not welcome us within ${timeoutMs} ms: ${explainAttempt(attempt)}`,
    );
    this.host = host;
    this.timeoutMs = timeoutMs;
    this.attempt = attempt;
  }
}

function explainAttempt(attempt: ConnectAttempt | undefined): string {
  if (attempt === undefined) return 'check that it is running and accepts this peer.';
  if (attempt.hellosSent === 0)
    return `Steam refused all ${attempt.hellosTried} hellos; check that Steam's networking is up and the host's SteamID is right.`;
  if (!attempt.heardFromHost)
    return `${attempt.hellosSent} of ${attempt.hellosTried} hellos were sent and nothing came back; check that the host is running and accepts this peer (a lobby member, not cooling down after a kick).`;
  return `${attempt.hellosSent} hellos were sent and the host answered, but never welcomed us; check the host's logs (authenticate, maxPeers).`;
}

/** Connecting failed at the Steam level (session connect-fail) before the handshake completed. */
export class ConnectFailedError extends RpcError {
  /** The host we tried. */
  readonly host: SteamId;
  /** Steam's `P2PSessionError` number. */
  readonly sessionError: number;
  constructor(host: SteamId, sessionError: number) {
    super('CONNECT_FAILED', `Steam could not reach host ${host} (P2PSessionError ${sessionError}).`);
    this.host = host;
    this.sessionError = sessionError;
  }
}

/** The client left its host because the host broke the protocol (its violation policy said so). */
export class HostViolationsError extends RpcError {
  /** The host. */
  readonly host: SteamId;
  constructor(host: SteamId) {
    super(
      'HOST_VIOLATIONS',
      `Host ${host} sent data this client refuses (see the rejected events), so the client left; the host may run another build of the protocol, or be hostile.`,
    );
    this.host = host;
  }
}

/** Connecting was aborted through the `AbortSignal`. */
export class ConnectAbortedError extends RpcError {
  constructor(reason?: unknown) {
    super('CONNECT_ABORTED', 'Connecting to the host was aborted by its signal.', { cause: reason });
  }
}

/** The endpoint was closed; it can no longer send or call. */
export class ClosedError extends RpcError {
  constructor() {
    super('CLOSED', 'This endpoint is closed; create a new one to talk again.');
  }
}

/**
 * The other side refused a request on receipt, before any handler ran, and said so at once instead
 * of leaving the call to time out. `reason` is the one its `rejected` event names (the payload failed
 * its schema, a rate limit, too many requests at once, a disagreement about the declaration…).
 */
export class RequestRejectedError extends RpcError {
  /** The request name. */
  readonly requestName: string;
  /** Why it was refused, as the refusing side's `rejected` event and `stats().rejected` say. */
  readonly reason: RejectReason;
  /** The side that refused it. */
  readonly by: 'host' | 'client';
  constructor(requestName: string, reason: RejectReason, by: 'host' | 'client') {
    super(
      'REQUEST_REJECTED',
      `The ${by} refused request '${requestName}' (${reason}): ${rejectionAdvice(reason, by)}`,
    );
    this.requestName = requestName;
    this.reason = reason;
    this.by = by;
  }
}

/** What a caller should do about a refusal, in a sentence. */
function rejectionAdvice(reason: RejectReason, by: 'host' | 'client'): string {
  switch (reason) {
    case 'invalid':
      return `its payload failed the ${by}'s schema; check what you send against the protocol.`;
    case 'rateLimited':
      return `you are over the ${by}'s rate limit; call less often.`;
    case 'tooManyRequests':
      return `too many of your requests are being handled at once; await some before calling again.`;
    case 'tooLarge':
      return `it is larger than the ${by}'s maxMessageBytes; send less.`;
    case 'decodeFailed':
      return `its payload could not be decoded, or would cost too much to; send plain data.`;
    case 'wrongDirection':
    case 'wrongChannel':
    case 'wrongSendType':
      return 'the two sides declare it differently; build both from the same defineProtocol().';
    default:
      return 'it broke a rule of the session; see the other side’s rejected event.';
  }
}
