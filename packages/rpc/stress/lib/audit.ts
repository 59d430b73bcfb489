/**
 * The referee of every hostile run: handlers that re-check each payload with an independent
 * predicate and count what slipped through, plus counters for internal errors, and helpers to drive
 * a raw fake peer (drain its inbox, complete a handshake by hand).
 * @packageDocumentation
 */
import type { FakePeer } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import type { Client, Host } from '../../src/index.js';
import { type HostileProtocol, prototypeFingerprint, validPayload } from './protocol.js';

/** Default control channel, as the wire uses it. */
export const CONTROL = 0x7fff;
/** Every channel the hostile protocol uses, plus the control channel. */
export const CHANNELS = [0, 1, 2, 3, 4, CONTROL] as const;

/** Counts what handlers saw and what went wrong inside the rpc layer. */
export class Audit {
  /** Payloads handlers received that passed the independent check. */
  valid = 0;
  /** Payloads handlers received that failed it: the number that must stay 0. */
  invalid = 0;
  /** `error` events: with handlers that never throw, each is an internal failure. */
  internalErrors = 0;
  /** Exceptions that escaped a public call (`update()`, `send`, …) or the event loop. */
  escaped = 0;
  /** The first few failures, for the report. */
  readonly samples: string[] = [];
  private readonly prototypes = prototypeFingerprint();

  /** Checks one payload a handler of `name` received. */
  check(name: string, value: unknown): void {
    const ok = validPayload[name]?.(value) ?? false;
    if (ok) this.valid++;
    else this.fail(`invalid ${name}: ${preview(value)}`, 'invalid');
  }

  /** Records an internal error. */
  error(error: unknown, where: string): void {
    this.fail(
      `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      'internal',
    );
  }

  /** Runs `fn`, counting anything it throws as escaped. */
  guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fail(
        `escaped from ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        'escaped',
      );
    }
  }

  /** True while no prototype gained or lost a property. */
  prototypesIntact(): boolean {
    return (
      prototypeFingerprint() === this.prototypes && ({} as { polluted?: unknown }).polluted === undefined
    );
  }

  private fail(text: string, kind: 'invalid' | 'internal' | 'escaped'): void {
    if (kind === 'invalid') this.invalid++;
    else if (kind === 'internal') this.internalErrors++;
    else this.escaped++;
    if (this.samples.length < 20) this.samples.push(text.slice(0, 400));
  }
}

function preview(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 200) ?? String(value)
    );
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Registers auditing handlers for everything a host receives; requests are answered validly. */
export function auditHost(host: Host<HostileProtocol>, audit: Audit): void {
  host.on('input', (m) => audit.check('input', m));
  host.on('aim', (m) => audit.check('aim', m));
  host.on('chat', (m) => audit.check('chat', m));
  host.on('bulk', (m) => audit.check('bulk', m));
  host.on('echo', (m) => audit.check('echo', m));
  host.on('note', (m) => audit.check('note', m));
  host.handle('buy', (req) => {
    audit.check('buy', req);
    return { ok: true, gold: req.qty };
  });
  host.events.on('error', (e) => audit.error(e, 'host error event'));
}

/** Registers auditing handlers for everything a client receives. */
export function auditClient(client: Client<HostileProtocol>, audit: Audit): void {
  client.on('snapshot', (m) => audit.check('snapshot', m));
  client.on('event', (m) => audit.check('event', m));
  client.on('echo', (m) => audit.check('echo', m));
  client.on('note', (m) => audit.check('note', m));
  client.handle('ask', (req) => {
    audit.check('ask', req);
    return { a: req.q };
  });
  client.events.on('error', (e) => audit.error(e, 'client error event'));
}

/** Reads and hands over everything waiting for a raw peer on `channels`. */
export function drainRaw(
  peer: FakePeer,
  onPacket?: (from: SteamId, channel: number, data: Uint8Array) => void,
  channels: readonly number[] = CHANNELS,
): void {
  peer.runCallbacks();
  for (const channel of channels) {
    for (;;) {
      const size = peer.getAvailableP2PPacketSize(channel);
      if (size === null) break;
      const packet = peer.readP2PPacket(size, channel);
      if (packet === null) break;
      onPacket?.(packet.remoteSteamId, channel, packet.data);
    }
  }
}

/** A HELLO with `fingerprint` (session version 1), as a raw peer completes the handshake by hand. */
export function helloPacket(fingerprint: string): Uint8Array {
  const fp = new TextEncoder().encode(fingerprint);
  const out = [0x10, 1];
  let n = fp.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n, ...fp);
  return Uint8Array.from(out);
}

/** The time of a heap measurement after a full GC, when the runtime lets us force one. */
export function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}
