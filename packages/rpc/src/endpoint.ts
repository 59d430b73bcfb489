/**
 * The endpoint: assembles the parts (outbox, inbox and its frame dispatcher, call table, control,
 * reporter) around the peer table, runs the update loop over them, and adds and removes peer
 * records. `Host` and `Client` each own one and give it their {@link SidePolicy}: the parts call the
 * side only through it.
 *
 *     send side (down):  Host/Client → Outbox → Steam (or the local endpoint's Inbox)
 *     receive side (up): Steam → Inbox → Dispatcher → handlers / CallTable
 *                                  └→ Control → SidePolicy (handshake, goodbyes)
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { type AnyRequestHandler, CallTable } from './call-table.js';
import { Control } from './control.js';
import { collectDebugState, type EndpointDebugState } from './debug-state.js';
import { type AnyHandler, Dispatcher } from './dispatch.js';
import { EndpointState } from './endpoint-state.js';
import { PeerEnforcement } from './enforce.js';
import { EnforcementMemory } from './enforce-memory.js';
import { ClosedError, RpcArgumentError } from './errors.js';
import type { DisconnectReason } from './events.js';
import { Inbox } from './inbox.js';
import { EndpointConfig, type EndpointOptions } from './options.js';
import { Outbox } from './outbox.js';
import { PayloadReader } from './payload.js';
import { type LocalDelivery, Peer } from './peer.js';
import type { Protocol, ProtocolEntry } from './protocol.js';
import { Reporter } from './report.js';
import type { PeerStats } from './stats.js';
import type { Side } from './types.js';

/** What the side (host or client) decides; the parts reach their owner only through this. */
export interface SidePolicy {
  /** A control packet that may belong to the handshake; true when the side handled it. */
  handshake(from: SteamId, data: Uint8Array): boolean;
  /** A data packet from a peer that is not connected (`peer` undefined when it is no peer at all). */
  early(from: SteamId, peer: Peer | undefined, channel: number, data: Uint8Array): void;
  /** `peer` said goodbye. */
  bye(peer: Peer, reason: string, detail: string): void;
  /** `peer` did not complete its handshake by its deadline. */
  handshakeTimedOut(peer: Peer): void;
  /** The violation policy wants `peer` gone. */
  violations(peer: Peer): void;
  /** `peer` was removed (its state already released); emit the side's event. */
  peerGone(peer: Peer, reason: DisconnectReason, detail: string, wasConnected: boolean): void;
  /** The end of every update (the host updates its local client here). */
  afterUpdate(): void;
}

/** A goodbye to send a peer that is being removed. */
export interface Goodbye {
  readonly reason: string;
  readonly detail: string;
}

/** The parts of one endpoint and the loop that drives them. */
export class Endpoint {
  readonly config: EndpointConfig;
  readonly state: EndpointState;
  /** Every peer record, by SteamID. */
  readonly peers = new Map<SteamId, Peer>();
  readonly reporter: Reporter;
  readonly outbox: Outbox;
  readonly payloads: PayloadReader;
  readonly calls: CallTable;
  readonly dispatcher: Dispatcher;
  readonly control: Control;
  readonly inbox: Inbox;
  /** What enforcement remembers per SteamID, across sessions. */
  readonly memory: EnforcementMemory;
  private readonly policy: SidePolicy;
  /** False for the host's local client, which reads only its inbox. */
  private readonly usesNetwork: boolean;
  private tickTimer: unknown = null;
  private nextHousekeeping = 0;

  constructor(options: EndpointOptions<Protocol>, side: Side, policy: SidePolicy, usesNetwork: boolean) {
    const config = new EndpointConfig(options, side);
    this.config = config;
    this.policy = policy;
    this.usesNetwork = usesNetwork;
    this.state = new EndpointState(config.clock.now());
    this.memory = new EnforcementMemory(config.rateLimits, config.enforcementMemoryMs);
    this.reporter = new Reporter(config.violationPolicy, (peer) => policy.violations(peer));
    this.outbox = new Outbox(config, this.state, (peer) =>
      // Its Steam queue stayed full: reliable data can no longer be kept for it.
      this.removePeer(peer, 'timeout', 'send queue full', null),
    );
    this.payloads = new PayloadReader(this.reporter);
    this.calls = new CallTable(config, this.state, this.outbox, this.payloads, this.reporter);
    this.dispatcher = new Dispatcher(config, this.reporter, this.payloads, this.calls);
    this.control = new Control(config, this.state, this.peers, this.outbox, this.reporter, this.memory, {
      handshake: (from, data) => policy.handshake(from, data),
      bye: (peer, reason, detail) => policy.bye(peer, reason, detail),
      handshakeTimedOut: (peer) => policy.handshakeTimedOut(peer),
      silent: (peer) => this.removePeer(peer, 'timeout', '', null),
    });
    const control = this.control;
    this.inbox = new Inbox(config, this.state, this.peers, this.reporter, this.dispatcher, {
      control: (from, data) => control.receive(from, data),
      early: (from, peer, channel, data) => policy.early(from, peer, channel, data),
    });
  }

  /**
   * Pumps the network once: Steam callbacks, then the inbox (every channel, then same-process
   * packets), heartbeats, the outbox's flush, and the side's own step. Never throws; failures are
   * counted and emitted as `error`.
   */
  update(): void {
    const state = this.state;
    if (state.closed) return;
    try {
      state.now = this.config.clock.now();
      state.update++;
      if (this.usesNetwork) {
        try {
          this.config.network.runCallbacks();
        } catch (error) {
          this.reporter.error(error, undefined, undefined);
        }
        this.inbox.drain();
      }
      this.inbox.processLocal();
      if (state.now >= this.nextHousekeeping) {
        this.nextHousekeeping = state.now + Math.min(100, this.config.heartbeatIntervalMs);
        this.control.heartbeats();
        this.memory.sweep(state.now);
      }
      this.outbox.flush();
      this.policy.afterUpdate();
    } catch (error) {
      this.reporter.error(error, undefined, undefined);
    }
  }

  /** Starts calling {@link Endpoint.update} every `tickMs` on the clock. */
  startTicking(tickMs: number): void {
    if (this.tickTimer !== null || this.state.closed) return;
    this.tickTimer = this.config.clock.setInterval(() => this.update(), tickMs);
  }

  /** Stops the automatic updates. */
  stopTicking(): void {
    if (this.tickTimer === null) return;
    this.config.clock.clearInterval(this.tickTimer as never);
    this.tickTimer = null;
  }

  /** Marks the endpoint closed and stops its timer; the side sends its goodbyes first. */
  shutdown(): void {
    this.state.closed = true;
    this.stopTicking();
  }

  /** Creates and registers a peer record; `local` is the inbox of a same-process endpoint. */
  addPeer(id: SteamId, local: LocalDelivery | null): Peer {
    const config = this.config;
    const now = this.state.now;
    // A same-process peer runs our own code: no rate limits. A remote one finds what enforcement
    // remembers of its SteamID from earlier sessions.
    const enforcement = local === null ? this.memory.open(id, now) : new PeerEnforcement(false, now);
    const peer = new Peer(
      id,
      local,
      enforcement,
      config.channelNumbers.length,
      config.protocol.entries.length,
      now,
      config.maxMessageBytes,
    );
    this.peers.set(id, peer);
    return peer;
  }

  /**
   * Removes a peer: optionally says goodbye (the session then closes after `lingerMs`, so the
   * goodbye is delivered), rejects its pending calls, frees its buffers, and lets the side emit.
   */
  removePeer(peer: Peer, reason: DisconnectReason, detail: string, bye: Goodbye | null): void {
    if (peer.state === 'closed') return;
    const wasConnected = peer.state === 'connected';
    if (bye !== null && wasConnected) {
      this.outbox.flushPeer(peer);
      this.control.sendBye(peer, bye.reason, bye.detail);
    }
    peer.state = 'closed';
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    if (peer.local === null) {
      this.memory.close(peer.id, peer.enforcement, this.state.now);
      this.control.closeSessionLater(peer.id, bye !== null ? this.config.lingerMs : 0);
    }
    this.calls.failAll(peer, reason);
    peer.release();
    this.policy.peerGone(peer, reason, detail, wasConnected);
  }

  /** Forgets a peer that never joined (refused or timed out), closing its session after `delayMs`. */
  dropPeer(peer: Peer, delayMs: number): void {
    if (peer.state === 'closed') return;
    peer.state = 'closed';
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    this.memory.close(peer.id, peer.enforcement, this.state.now);
    this.control.closeSessionLater(peer.id, delayMs);
  }

  /** Statistics of one peer, or `undefined` when it is not a peer. */
  stats(peerId: SteamId): PeerStats | undefined {
    const peer = this.peers.get(peerId);
    return peer === undefined ? undefined : this.peerStats(peer);
  }

  /** Statistics of a peer record (even one that left). */
  peerStats(peer: Peer): PeerStats {
    const config = this.config;
    let queued = 0;
    if (peer.local === null && this.peers.get(peer.id) === peer) {
      try {
        queued = config.network.getP2PSessionState(peer.id)?.bytesQueuedForSend ?? 0;
      } catch {
        queued = 0;
      }
    }
    return peer.counters.snapshot(
      peer.id,
      config.protocol,
      config.channelNumbers,
      queued,
      peer.enforcement.rejected,
    );
  }

  /** What the endpoint still holds (see {@link EndpointDebugState}). */
  debugState(): EndpointDebugState {
    return collectDebugState(this.peers.values(), {
      closed: this.state.closed,
      inboxPackets: this.inbox.localPackets,
      lingeringSessions: this.control.lingeringSessions,
      unreportedErrors: this.reporter.unreportedErrors,
    });
  }

  /** The entry for sending `name` of `kind` from this side, or a typed error. */
  sendable(name: string, kind: 'message' | 'request'): ProtocolEntry {
    if (this.state.closed) throw new ClosedError();
    const entry = this.config.protocol.entry(name);
    if (entry === undefined || entry.kind !== kind) {
      throw new RpcArgumentError('name', `'${String(name)}' is not a ${kind} of this protocol.`);
    }
    const side = this.config.side;
    if (entry.from !== 'any' && entry.from !== side) {
      throw new RpcArgumentError('name', `'${name}' may only be sent by the ${entry.from}, not the ${side}.`);
    }
    return entry;
  }

  /** Registers a message handler by name. Returns a function that removes it. */
  on(name: string, handler: AnyHandler): () => void {
    const entry = this.receivable(name, 'message', 'on');
    if (typeof handler !== 'function')
      throw new RpcArgumentError('handler', 'The handler must be a function.');
    this.dispatcher.addHandler(entry, handler);
    return () => this.off(name, handler);
  }

  /** Removes a message handler (unknown names and handlers are ignored). */
  off(name: string, handler: AnyHandler): void {
    const entry = this.config.protocol.entry(name);
    if (entry !== undefined) this.dispatcher.removeHandler(entry, handler);
  }

  /** Sets the handler of request `name`. Returns a function that removes it. */
  handle(name: string, handler: AnyRequestHandler): () => void {
    const entry = this.receivable(name, 'request', 'handle');
    if (typeof handler !== 'function')
      throw new RpcArgumentError('handler', 'The handler must be a function.');
    return this.calls.setHandler(entry, handler);
  }

  /** The entry `name` of `kind` that this side receives, or a typed error (for `method`). */
  private receivable(name: string, kind: 'message' | 'request', method: string): ProtocolEntry {
    const entry = this.config.protocol.entry(name);
    if (entry === undefined || entry.kind !== kind) {
      throw new RpcArgumentError('name', `${method}(): '${String(name)}' is not a ${kind} of this protocol.`);
    }
    if (!this.dispatcher.mayReceive(entry)) {
      throw new RpcArgumentError(
        'name',
        `${method}(): '${name}' is sent by the ${entry.from}, so the ${this.config.side} never receives it.`,
      );
    }
    return entry;
  }
}
