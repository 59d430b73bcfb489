/**
 * Errors thrown by `@steamwire/testkit`. Each is a {@link SteamwireError} with a stable `code`, so
 * tests branch on `err.code`, never on message text. Bad arguments to a fake peer's
 * `P2PNetworking` methods throw the transport's own `InvalidArgumentError`, as the real binding does.
 * @packageDocumentation
 */
import { type SteamId, SteamwireError } from '@steamwire/transport-steam';

/** `runUntil` gave up: the condition did not become true within `timeoutMs` of (virtual or real) time. */
export class RunUntilTimeoutError extends SteamwireError {
  /** How long it waited, in milliseconds. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(
      'RUN_UNTIL_TIMEOUT',
      `The condition was still false after ${timeoutMs} ms; advance further or check what it waits for.`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `run` gave up: the promise was still pending after `limitMs` of (virtual or real) time. On a
 * virtual clock that usually means nothing left to happen would settle it (a handler never answers,
 * a peer never connects), rather than that it needs longer.
 */
export class RunLimitError extends SteamwireError {
  /** The limit that was reached, in milliseconds. */
  readonly limitMs: number;
  constructor(limitMs: number) {
    super(
      'RUN_LIMIT',
      `The promise was still pending after ${limitMs} ms of clock time (limitMs); raise limitMs, or check what it waits for.`,
    );
    this.limitMs = limitMs;
  }
}

/** A link condition (latency, loss, bandwidth…) is out of its valid range. */
export class InvalidLinkConditionsError extends SteamwireError {
  /** Name of the offending field, e.g. `'loss'`. */
  readonly field: string;
  /** The value that was rejected. */
  readonly value: unknown;
  constructor(field: string, value: unknown, expected: string) {
    super('INVALID_LINK_CONDITIONS', `Link condition "${field}" must be ${expected}; got ${String(value)}.`);
    this.field = field;
    this.value = value;
  }
}

/** A network operation named a peer that the network does not have (never created or removed). */
export class UnknownPeerError extends SteamwireError {
  /** The SteamID that was not found. */
  readonly steamId: SteamId;
  constructor(steamId: SteamId) {
    super('UNKNOWN_PEER', `No peer ${steamId} on this FakeSteamNetwork; create it with createPeer() first.`);
    this.steamId = steamId;
  }
}

/** `createPeer` was given a SteamID that another live peer of the network already has. */
export class DuplicatePeerError extends SteamwireError {
  /** The SteamID already in use. */
  readonly steamId: SteamId;
  constructor(steamId: SteamId) {
    super('DUPLICATE_PEER', `Peer ${steamId} already exists on this FakeSteamNetwork; pick another SteamID.`);
    this.steamId = steamId;
  }
}

/** The network (or one of its peers) was used after `dispose()`. */
export class NetworkDisposedError extends SteamwireError {
  constructor() {
    super('NETWORK_DISPOSED', 'This FakeSteamNetwork was disposed; create a new one for each test.');
  }
}

/**
 * A conformance harness cannot be run: its backend has no row in `STEAM_BEHAVIOUR`, or it tries to
 * skip behaviours (the suite runs every behaviour on every harness).
 */
export class InvalidConformanceHarnessError extends SteamwireError {
  /** The harness's name. */
  readonly harness: string;
  constructor(harness: string, reason: string) {
    super('INVALID_CONFORMANCE_HARNESS', `Conformance harness "${harness}" cannot run: ${reason}`);
    this.harness = harness;
  }
}
