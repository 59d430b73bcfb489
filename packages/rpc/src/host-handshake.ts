/**
 * The host's admission and handshake: which session requests it accepts (`acceptPeer`, kick
 * cooldowns, half-open handshakes bounded by count and age, with the oldest silent one evicted for a
 * newcomer), and how a hello becomes a peer (session version, protocol fingerprint, join rate,
 * optional `authenticate`, `maxPeers`) or a refusal. A hello repeated before the peer sent anything
 * is answered with the welcome again (clients resend hellos until welcomed). Also the public
 * {@link HostOptions} that tune it.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import {
  ControlKind,
  ControlReader,
  controlPacket,
  MAX_AUTH_BYTES,
  MAX_HELLO_ENTRIES_BYTES,
  MAX_REFUSAL_DIFFERENCES,
  MAX_REFUSAL_DIFFERENCES_BYTES,
  refusePacket,
  SESSION_VERSION,
} from './control-packets.js';
import type { Endpoint } from './endpoint.js';
import { KickCooldowns, TokenBucket } from './enforce.js';
import { type EndpointOptions, functionOption, intOption, MAX_TIMER_MS, numberOption } from './options.js';
import type { Peer } from './peer.js';
import type { Protocol } from './protocol.js';
import {
  describeDifferences,
  differencesBetween,
  differencesJson,
  type EntryList,
  entryListOf,
  parseEntryList,
  quoted,
} from './protocol-diff.js';

/** Why the host turned a peer away before it joined. */
export type RefuseReason =
  /** `acceptPeer` returned false (the session was not even accepted). */
  | 'notAccepted'
  /** Its protocol fingerprint differs from ours. */
  | 'protocolMismatch'
  /** It speaks another version of the session protocol. */
  | 'versionMismatch'
  /** `maxPeers` are already connected. */
  | 'full'
  /** `authenticate` returned false or threw. */
  | 'authFailed'
  /** Its hello was unreadable. */
  | 'badHello'
  /** It never completed the handshake. */
  | 'handshakeTimeout'
  /** It was kicked less than `kickCooldownMs` ago. */
  | 'coolingDown'
  /** It joined `maxJoinsPerMinute` times within the last minute already. */
  | 'tooManyJoins'
  /**
   * It opened a session and had not said hello when `maxPendingPeers` were handshaking and another
   * peer came: the oldest silent one makes room (or, if every one has said hello, the newcomer waits).
   */
  | 'evicted';

/** Options of `createHost`. */
export interface HostOptions<P extends Protocol> extends EndpointOptions<P> {
  /**
   * Whether to accept a session request from `peer` (lobby membership, ban list). Default: everyone.
   * A refused peer gets no answer at all, as Steam does for an unaccepted session; its session is
   * closed, so what it already sent is dropped at once instead of being held by Steam.
   */
  acceptPeer?: (peer: SteamId) => boolean;
  /** Most connected peers at once, the local client included (default 64, at most 65 536). */
  maxPeers?: number;
  /**
   * Most peers handshaking at once (sessions opened, not yet welcomed; default twice `maxPeers`).
   * When they are all taken, the oldest that has not said hello yet is evicted for a newcomer.
   */
  maxPendingPeers?: number;
  /**
   * Checks the auth payload a client sent with `connectToHost({ auth })`. Return (or resolve) false
   * to refuse. Runs before the peer joins; its messages wait until then.
   */
  authenticate?: (peer: SteamId, payload: unknown) => boolean | Promise<boolean>;
  /**
   * A peer that accepted a session must complete its handshake within this (default 10 000 ms); one
   * that has not even said hello is dropped after 3 000 ms (or this, if shorter).
   */
  handshakeTimeoutMs?: number;
  /**
   * A peer kicked (by `host.kick` or for violations) is refused for this long, so a flooder
   * cannot simply reconnect and start again (default 30 000 ms; 0 disables). Use `acceptPeer` for
   * permanent bans.
   */
  kickCooldownMs?: number;
  /**
   * How long what enforcement knows of a SteamID (rate budgets, rejections counted by the violation
   * policy, requests in flight, join rate) outlives its last session, so that saying hello again,
   * goodbye then hello, or reconnecting does not start it afresh (default 60 000 ms; 0 forgets at
   * once). At most 4 096 SteamIDs without a session are remembered; the longest idle go first.
   */
  enforcementMemoryMs?: number;
  /**
   * Joins (welcomes) one SteamID may make per minute; past it, hellos are refused with
   * `tooManyJoins`, so a hello/goodbye loop cannot flood every player with join events (default 6).
   */
  maxJoinsPerMinute?: number;
}

/** How long a peer that opened a session may stay silent before saying hello. */
const HELLO_WAIT_MS = 3000;

/** Admission and handshakes of one host. */
export class HostHandshake {
  private readonly acceptPeer: (peer: SteamId) => boolean;
  /** Most connected peers at once. */
  readonly maxPeers: number;
  private readonly authenticate: HostOptions<Protocol>['authenticate'];
  private readonly maxPendingPeers: number;
  private readonly handshakeTimeoutMs: number;
  private readonly helloWaitMs: number;
  private readonly joinsPerMinute: number;
  private readonly cooldowns: KickCooldowns;
  /** Our protocol's entry list, made on the first mismatch. */
  private entries: EntryList | null = null;

  /** @throws {@link RpcArgumentError} naming a bad option and its valid range. */
  constructor(
    private readonly endpoint: Endpoint,
    options: HostOptions<Protocol>,
  ) {
    this.acceptPeer = functionOption('acceptPeer', options.acceptPeer) ?? (() => true);
    this.maxPeers = intOption('maxPeers', options.maxPeers, 64, 1, 65_536);
    this.maxPendingPeers = intOption(
      'maxPendingPeers',
      options.maxPendingPeers,
      this.maxPeers * 2,
      1,
      131_072,
    );
    this.authenticate = functionOption('authenticate', options.authenticate);
    this.handshakeTimeoutMs = numberOption(
      'handshakeTimeoutMs',
      options.handshakeTimeoutMs,
      10_000,
      1,
      MAX_TIMER_MS,
    );
    this.helloWaitMs = Math.min(HELLO_WAIT_MS, this.handshakeTimeoutMs);
    const kickCooldownMs = numberOption('kickCooldownMs', options.kickCooldownMs, 30_000, 0, MAX_TIMER_MS);
    this.cooldowns = new KickCooldowns(kickCooldownMs);
    this.joinsPerMinute = intOption('maxJoinsPerMinute', options.maxJoinsPerMinute, 6, 1, 1_000_000);
  }

  /** Refuses `peer` for `kickCooldownMs` from now (it was just kicked). */
  coolDown(peer: SteamId): void {
    this.cooldowns.add(peer, this.endpoint.config.clock.now());
  }

  /** Steam raised a session request from `remote`. */
  sessionRequested(remote: SteamId): void {
    const endpoint = this.endpoint;
    if (endpoint.state.closed) return;
    const network = endpoint.config.network;
    if (endpoint.peers.has(remote)) {
      // A known peer whose session was closed and reopened (e.g. it restarted): accept, and let
      // its hello decide.
      network.acceptP2PSessionWithUser(remote);
      return;
    }
    if (!this.admit(remote)) {
      // Refused: close instead of ignoring, so the packets Steam holds for an unaccepted session are
      // dropped now rather than kept for ~20 s (a refused peer that floods cannot grow memory).
      endpoint.control.closeSessionQuietly(remote);
      return;
    }
    network.acceptP2PSessionWithUser(remote);
    this.start(remote);
  }

  /** A control packet: the host's handshake is its hello. True when it was one. */
  receive(from: SteamId, data: Uint8Array): boolean {
    if (data[0] !== ControlKind.Hello) return false;
    this.hello(from, data);
    return true;
  }

  /** A peer did not complete its handshake in time. */
  timedOut(peer: Peer): void {
    this.endpoint.dropPeer(peer, 0);
    this.emit('peerRefused', peer.id, 'handshakeTimeout', '');
  }

  /** Runs the cooldown, `acceptPeer` and the pending-handshake bound. */
  private admit(remote: SteamId): boolean {
    const endpoint = this.endpoint;
    if (this.cooldowns.has(remote, endpoint.config.clock.now())) {
      // Like an unaccepted session: no answer at all, so the peer learns nothing.
      this.emit('peerRefused', remote, 'coolingDown', '');
      return false;
    }
    let ok = false;
    try {
      ok = this.acceptPeer(remote) === true;
    } catch (error) {
      endpoint.reporter.error(error, remote, undefined);
    }
    if (!ok) {
      // No cooldown and no answer: a joiner Steam has not shown to be a lobby member yet resends its
      // hello, and the next session request asks again.
      this.emit('peerRefused', remote, 'notAccepted', '');
      return false;
    }
    // Half-open handshakes are bounded by count (and by age, in `timedOut`) so a flood of session
    // requests cannot grow memory. When full, the oldest that has not said hello makes room: an
    // honest peer says hello in its first packet, so churning silent ids cannot lock players out.
    let pending = 0;
    let oldestSilent: Peer | undefined;
    for (const p of endpoint.peers.values()) {
      if (p.state === 'connected' || p.state === 'closed') continue;
      pending++;
      if (oldestSilent === undefined && p.state === 'handshaking') oldestSilent = p;
    }
    if (pending < this.maxPendingPeers) return true;
    if (oldestSilent === undefined) {
      this.emit('peerRefused', remote, 'full', `${this.maxPendingPeers} peers are handshaking`);
      return false;
    }
    this.endpoint.dropPeer(oldestSilent, 0);
    this.emit('peerRefused', oldestSilent.id, 'evicted', 'it had not said hello');
    return true;
  }

  private start(remote: SteamId): Peer {
    const peer = this.endpoint.addPeer(remote, null);
    peer.deadline = this.endpoint.state.now + this.helloWaitMs;
    return peer;
  }

  private hello(from: SteamId, data: Uint8Array): void {
    const endpoint = this.endpoint;
    let peer = endpoint.peers.get(from);
    if (peer !== undefined && peer.local !== null) return;
    if (peer !== undefined && peer.state === 'connected') {
      if (!sentData(peer, endpoint.config.controlSlot)) {
        // Nothing but control since its welcome: a resent hello (clients resend until welcomed),
        // answered with the welcome again. Its control budget bounds how often.
        endpoint.outbox.sendControl(peer, controlPacket(ControlKind.Welcome, []), true);
        return;
      }
      endpoint.removePeer(peer, 'reconnected', '', null);
      endpoint.config.network.acceptP2PSessionWithUser(from);
      peer = undefined;
    }
    if (peer === undefined) {
      // Hello without a session request: the session was accepted implicitly (we sent to them).
      if (!this.admit(from)) {
        endpoint.control.closeSessionQuietly(from);
        return;
      }
      peer = this.start(from);
    }
    if (peer.state !== 'handshaking') return;
    if (data.length < 2 || data[1] !== SESSION_VERSION) {
      this.refuse(peer, 'versionMismatch', `this host speaks session version ${SESSION_VERSION}`);
      return;
    }
    const reader = new ControlReader(data, 2);
    const fingerprint = reader.string();
    const entries = fingerprint === null ? null : reader.helloEntries();
    if (fingerprint === null || entries === null) {
      this.refuse(peer, 'badHello', 'unreadable hello');
      return;
    }
    const ours = endpoint.config.protocol.fingerprint;
    if (fingerprint !== ours) {
      this.mismatch(peer, fingerprint, entries ?? '');
      return;
    }
    let auth: unknown;
    if (reader.pos < data.length) {
      const decoder = endpoint.payloads.decoder;
      if (
        data.length - reader.pos > MAX_AUTH_BYTES ||
        decoder.check(data, reader.pos, data.length, endpoint.config.protocol.limits) < 0
      ) {
        this.refuse(peer, 'badHello', 'unreadable auth payload');
        return;
      }
      try {
        auth = decoder.decode(data, reader.pos, data.length);
      } catch {
        this.refuse(peer, 'badHello', 'unreadable auth payload');
        return;
      }
    }
    const now = endpoint.state.now;
    const record = peer.enforcement;
    record.joins ??= new TokenBucket(this.joinsPerMinute / 60, 60, now);
    if (!record.joins.take(1, now)) {
      this.refuse(peer, 'tooManyJoins', `at most ${this.joinsPerMinute} joins a minute`);
      return;
    }
    if (this.connectedCount() >= this.maxPeers) {
      this.refuse(peer, 'full', `the host holds ${this.maxPeers} peers`);
      return;
    }
    peer.deadline = now + this.handshakeTimeoutMs;
    if (this.authenticate === undefined) {
      this.welcome(peer);
      return;
    }
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = this.authenticate(from, auth);
    } catch (error) {
      endpoint.reporter.error(error, from, undefined);
      this.refuse(peer, 'authFailed', '');
      return;
    }
    if (
      verdict !== null &&
      typeof verdict === 'object' &&
      typeof (verdict as Promise<boolean>).then === 'function'
    ) {
      peer.state = 'authenticating';
      const p = peer;
      (verdict as Promise<boolean>).then(
        (ok) => this.authDone(p, ok === true),
        (error: unknown) => {
          endpoint.reporter.error(error, from, undefined);
          this.authDone(p, false);
        },
      );
      return;
    }
    this.authDone(peer, verdict === true);
  }

  private authDone(peer: Peer, ok: boolean): void {
    const endpoint = this.endpoint;
    const state = peer.state;
    if (
      endpoint.state.closed ||
      endpoint.peers.get(peer.id) !== peer ||
      state === 'closed' ||
      state === 'connected'
    )
      return;
    if (!ok) {
      this.refuse(peer, 'authFailed', '');
      return;
    }
    if (this.connectedCount() >= this.maxPeers) {
      this.refuse(peer, 'full', `the host holds ${this.maxPeers} peers`);
      return;
    }
    this.welcome(peer);
  }

  private connectedCount(): number {
    let n = 0;
    for (const p of this.endpoint.peers.values()) if (p.state === 'connected') n++;
    return n;
  }

  private welcome(peer: Peer): void {
    peer.state = 'connected';
    peer.lastHeard = this.endpoint.state.now;
    peer.deadline = Number.POSITIVE_INFINITY;
    this.endpoint.outbox.sendControl(peer, controlPacket(ControlKind.Welcome, []), true);
    this.emit('peerJoined', peer.id);
  }

  /**
   * Refuses a client of another protocol, naming the entries that differ when its hello listed its
   * own (read only here, bounded; an unreadable list just leaves the entries unnamed).
   */
  private mismatch(peer: Peer, fingerprint: string, listed: string): void {
    const ours = this.endpoint.config.protocol;
    const theirs = parseEntryList(listed, MAX_HELLO_ENTRIES_BYTES);
    let detail = `the client runs protocol ${quoted(fingerprint, 32)}, the host ${ours.fingerprint}`;
    if (theirs === null) {
      this.refuse(peer, 'protocolMismatch', detail);
      return;
    }
    this.entries ??= entryListOf(ours.entries);
    const differences = differencesBetween(this.entries, theirs);
    if (differences.length > 0)
      detail += `; entries that differ: ${describeDifferences(differences, 'the client')}`;
    const sent = differencesJson(differences, MAX_REFUSAL_DIFFERENCES_BYTES, MAX_REFUSAL_DIFFERENCES);
    this.refuse(peer, 'protocolMismatch', detail, sent);
  }

  private refuse(peer: Peer, reason: RefuseReason, detail: string, differences?: string): void {
    const endpoint = this.endpoint;
    const fingerprint = endpoint.config.protocol.fingerprint;
    endpoint.outbox.sendControl(peer, refusePacket(reason, detail, fingerprint, differences), true);
    endpoint.dropPeer(peer, endpoint.config.lingerMs);
    this.emit('peerRefused', peer.id, reason, detail);
  }

  private emit(event: 'peerJoined' | 'peerRefused', ...args: unknown[]): void {
    this.endpoint.reporter.emitter.emit(event, ...args);
  }
}

/** True when `peer` sent anything but control packets in this session. */
function sentData(peer: Peer, controlSlot: number): boolean {
  const c = peer.counters.channel;
  for (let slot = 0; slot < controlSlot; slot++) if (c[slot * 4]! > 0) return true;
  return false;
}
