/**
 * The client's connection to its host: the hello (with the optional auth payload), resent with
 * backoff until the host answers (first sends may fail, or be dropped, until the peers find each
 * other, or until the host's Steam shows us in its lobby), the connect timeout (whose error says
 * whether any hello got out and whether the host was heard at all) and `AbortSignal`, the host's
 * welcome or refusal, the host's data that overtakes its welcome (held, then replayed: connecting
 * succeeds only if the client is still connected afterwards), and how the client's life ends. Also
 * the public {@link ClientState} (the public `ConnectOptions` live in `client.ts`, next to the client
 * they configure).
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import {
  ControlKind,
  ControlReader,
  helloPacket,
  MAX_AUTH_BYTES,
  MAX_REFUSAL_DIFFERENCES,
  MAX_REFUSAL_DIFFERENCES_BYTES,
} from './control-packets.js';
import type { Endpoint } from './endpoint.js';
import {
  ConnectAbortedError,
  ConnectFailedError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  EncodeError,
  HostViolationsError,
  ProtocolMismatchError,
  RpcArgumentError,
} from './errors.js';
import type { DisconnectReason } from './events.js';
import type { LocalHostLink } from './loopback.js';
import { MAX_TIMER_MS, numberOption, signalOption } from './options.js';
import type { Peer } from './peer.js';
import { entryListJson, parseDifferences } from './protocol-diff.js';

/** What the handshake reads of `connectToHost`'s options (`ConnectOptions`, in `client.ts`). */
export interface HandshakeOptions {
  /** Sent with the hello and given to the host's `authenticate` hook (msgpack, at most 4 KiB). */
  auth?: unknown;
  /** Give up when the host has not welcomed us within this (default 10 000 ms). */
  timeoutMs?: number;
  /** Abort connecting. */
  signal?: AbortSignal;
  /** The interval of the updates that run while connecting (default 16 ms). */
  tickMs?: number;
}

/**
 * What only rpc itself gives the `Client` constructor, inside its options under the key
 * {@link CLIENT_INTERNALS} (a symbol the package does not export): the host's link, for its local
 * client, or the callback `connectToHost` settles on, for a client that connects now.
 */
export interface ClientInternals {
  readonly localHost?: LocalHostLink;
  readonly connected?: (error: Error | null) => void;
}

/** The options key of {@link ClientInternals}. */
export const CLIENT_INTERNALS: unique symbol = Symbol('steamwire.clientInternals');

/** Where a client is in its life. */
export type ClientState = 'connecting' | 'connected' | 'disconnected';

/** Packets from the host held until its welcome, at most. */
const MAX_EARLY_PACKETS = 1024;
/** The first hello is resent after this long, then twice as long each time, up to the maximum. */
const HELLO_RESEND_FIRST_MS = 250;
const HELLO_RESEND_MAX_MS = 2000;

/** The connection of one client to its host. */
export class ClientHandshake {
  /** Where the client is in its life. */
  state: ClientState = 'connecting';
  private connectTimer: unknown = null;
  private resendTimer: unknown = null;
  private settle: ((error: Error | null) => void) | null = null;
  /** Hellos tried, and how many of them Steam took. */
  private hellosTried = 0;
  private hellosSent = 0;
  /** Anything at all came from the host while connecting. */
  private heardFromHost = false;
  private listening = false;
  private readonly onSessionRequest = (remote: SteamId) => {
    if (remote === this.hostPeer.id && !this.endpoint.state.closed)
      this.endpoint.config.network.acceptP2PSessionWithUser(remote);
  };
  private readonly onConnectFail = (remote: SteamId, error: number) => {
    if (remote !== this.hostPeer.id || this.endpoint.state.closed) return;
    if (this.state === 'connecting') this.fail(new ConnectFailedError(remote, error));
    else this.endpoint.removePeer(this.hostPeer, 'connectFailed', String(error), null);
  };

  /**
   * @param keepTicking the user asked for `tickMs`: keep the timer after connecting (otherwise it
   *   runs only while connecting, when nobody else knows the client exists).
   */
  constructor(
    private readonly endpoint: Endpoint,
    private readonly hostPeer: Peer,
    private readonly keepTicking: boolean,
  ) {}

  /** Sends the hello and starts the connect timeout; `done` settles once, with null on welcome. */
  begin(options: HandshakeOptions, done: (error: Error | null) => void): void {
    const endpoint = this.endpoint;
    let timeoutMs: number;
    let signal: AbortSignal | undefined;
    try {
      timeoutMs = numberOption('timeoutMs', options.timeoutMs, 10_000, 1, MAX_TIMER_MS);
      signal = signalOption('signal', options.signal);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (signal?.aborted) {
      done(new ConnectAbortedError(signal.reason));
      return;
    }
    let auth: Uint8Array | undefined;
    if (options.auth !== undefined) {
      const encoder = endpoint.outbox.encoder;
      try {
        encoder.encode(options.auth);
      } catch (error) {
        done(new EncodeError('auth', error));
        return;
      }
      if (encoder.end - encoder.start > MAX_AUTH_BYTES) {
        done(
          new RpcArgumentError('auth', `The auth payload must encode to at most ${MAX_AUTH_BYTES} bytes.`),
        );
        return;
      }
      auth = encoder.bytes.slice(encoder.start, encoder.end);
    }
    const clock = endpoint.config.clock;
    const onAbort = () => this.fail(new ConnectAbortedError(signal?.reason));
    this.settle = (error) => {
      this.settle = null;
      if (this.connectTimer !== null) clock.clearTimeout(this.connectTimer as never);
      this.connectTimer = null;
      if (this.resendTimer !== null) clock.clearTimeout(this.resendTimer as never);
      this.resendTimer = null;
      signal?.removeEventListener('abort', onAbort);
      done(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.connectTimer = clock.setTimeout(
      () =>
        this.fail(
          new ConnectTimeoutError(this.hostPeer.id, timeoutMs, {
            hellosTried: this.hellosTried,
            hellosSent: this.hellosSent,
            heardFromHost: this.heardFromHost,
          }),
        ),
      timeoutMs,
    );
    const network = endpoint.config.network;
    network.on('sessionRequest', this.onSessionRequest);
    network.on('sessionConnectFail', this.onConnectFail);
    this.listening = true;
    // Sending opens the session (and accepts one the host may have opened). Resent with backoff
    // until the host answers: a first send may fail or be dropped before the peers find each other.
    // The entry list lets a host of another protocol say which entries differ.
    const protocol = endpoint.config.protocol;
    const hello = helloPacket(protocol.fingerprint, auth, entryListJson(protocol.entries));
    const sendHello = (nextMs: number) => {
      this.resendTimer = null;
      if (this.state !== 'connecting' || endpoint.state.closed) return;
      this.hellosTried++;
      if (endpoint.outbox.sendControl(this.hostPeer, hello, true)) this.hellosSent++;
      this.resendTimer = clock.setTimeout(() => sendHello(Math.min(nextMs * 2, HELLO_RESEND_MAX_MS)), nextMs);
    };
    sendHello(HELLO_RESEND_FIRST_MS);
    // Pump while connecting even in manual mode: nobody else knows the client exists yet.
    endpoint.startTicking(options.tickMs ?? 16);
  }

  /** A control packet: the welcome or the refusal are ours; anything not from the host is dropped. */
  receive(from: SteamId, data: Uint8Array): boolean {
    const peer = this.hostPeer;
    if (from !== peer.id) return true;
    this.heardFromHost = true;
    if (data[0] === ControlKind.Welcome) {
      if (this.state !== 'connecting' || peer.state !== 'handshaking') return true;
      peer.state = 'connected';
      peer.lastHeard = this.endpoint.state.now;
      this.state = 'connected';
      if (this.resendTimer !== null) this.endpoint.config.clock.clearTimeout(this.resendTimer as never);
      this.resendTimer = null;
      if (!this.keepTicking) this.endpoint.stopTicking();
      this.endpoint.reporter.emitter.emit('connected');
      // What overtook the welcome is judged like anything else: if it makes us leave (violations),
      // `ended` settles connecting with the error, and this settles nothing.
      this.endpoint.inbox.replayEarly(peer);
      this.settle?.(null);
      return true;
    }
    if (data[0] === ControlKind.Refuse) {
      if (this.state !== 'connecting') return true;
      const reader = new ControlReader(data, 1);
      const reason = reader.string() ?? 'refused';
      const detail = reader.string() ?? '';
      const hostFingerprint = reader.string() ?? '';
      if (reason !== 'protocolMismatch') {
        this.fail(new ConnectionRefusedError(reason, detail));
        return true;
      }
      const listed = reader.blob(MAX_REFUSAL_DIFFERENCES_BYTES);
      const differences =
        typeof listed === 'string'
          ? parseDifferences(listed, MAX_REFUSAL_DIFFERENCES_BYTES, MAX_REFUSAL_DIFFERENCES)
          : null;
      const fingerprint = this.endpoint.config.protocol.fingerprint;
      this.fail(new ProtocolMismatchError(fingerprint, hostFingerprint, differences));
      return true;
    }
    return false;
  }

  /** Data from a peer that is not connected: the host's, before its welcome, is held. */
  early(from: SteamId, peer: Peer | undefined, channel: number, data: Uint8Array): void {
    // The host's first messages may overtake its welcome (channels are independent): hold them.
    if (from === this.hostPeer.id) this.heardFromHost = true;
    if (from === this.hostPeer.id && peer !== undefined && peer.state === 'handshaking') {
      peer.early ??= [];
      if (
        peer.early.length < MAX_EARLY_PACKETS &&
        peer.earlyBytes + data.length <= this.endpoint.config.maxMessageBytes * 2
      ) {
        peer.early.push({ from, channel, data });
        peer.earlyBytes += data.length;
        return;
      }
    }
    this.endpoint.reporter.reject(peer, from, 'notConnected', undefined);
  }

  /** Connecting failed with `error` (nothing to do once connected). */
  fail(error: Error): void {
    if (this.state !== 'connecting') return;
    this.state = 'disconnected';
    const endpoint = this.endpoint;
    endpoint.dropPeer(this.hostPeer, 0);
    this.detach();
    endpoint.shutdown();
    this.settle?.(error);
  }

  /**
   * The host peer is gone: the client is over. Returns true when the user should hear about it
   * (`disconnected`), i.e. when it had connected.
   */
  ended(reason: DisconnectReason, detail: string, wasConnected: boolean): boolean {
    if (this.state === 'disconnected') return false;
    this.state = 'disconnected';
    this.detach();
    this.endpoint.shutdown();
    // Before connectToHost settled — a goodbye before the welcome, or what overtook the welcome made
    // us leave — connecting fails now instead of never settling, or resolving with a client that is
    // already gone.
    this.settle?.(
      reason === 'hostViolations'
        ? new HostViolationsError(this.hostPeer.id)
        : new ConnectionRefusedError(reason, detail),
    );
    return wasConnected;
  }

  private detach(): void {
    if (!this.listening) return;
    this.listening = false;
    const network = this.endpoint.config.network;
    network.off('sessionRequest', this.onSessionRequest);
    network.off('sessionConnectFail', this.onConnectFail);
  }
}
