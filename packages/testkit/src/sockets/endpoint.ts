/**
 * One fake peer's `ISteamNetworkingSockets`: its handles (connections, listen sockets, poll groups),
 * the connection life cycle of STEAM_API.md §15.4 (connect, the request on the listener, accept or
 * close, Steam's timeouts and end reasons, symmetric connects, connections to oneself), status
 * changes queued as events for `runCallbacks()`, and what arrives for the app. The native fake's
 * `sockets_conn.c`/`sockets_wire.c` are the twin; the Sockets conformance suite holds both to the
 * same answers.
 * @internal
 * @packageDocumentation
 */
import {
  type Availability,
  type ConnectionInfo,
  type ConnectionStatusChange,
  type ListenSocket,
  type NetConnection,
  NetConnectionEnd,
  type NetConnectionState,
  type SettableConfigName,
  type SteamId,
} from '@steamwire/transport-steam';
import type { SeededRng } from '../rng.js';
import { ConfigSet, type ConfigValue, perConnection } from './config.js';
import { FakeConnection, type InMessage, type WireMessage } from './connection.js';
import { receiveFrame } from './inbound.js';
import { CONNECT_RETRY_MS, type Frame, type SocketsTransport, type TransportPeer } from './transport.js';

/** Relay access and certificates "usually complete in a few seconds"; the fakes take this long. */
export const AVAILABILITY_DELAY_MS = 20;

/** A listen socket. */
export interface Listener {
  readonly handle: ListenSocket;
  readonly vport: number;
  readonly config: ConfigSet;
}

/** A poll group: its messages in arrival order (taken or moved ones are skipped when read). */
export interface Group {
  readonly handle: number;
  messages: InMessage[];
}

/** One fake peer's Sockets state. */
export class SocketsEndpoint implements TransportPeer {
  readonly globalConfig = new ConfigSet();
  readonly interfaceConfig = new ConfigSet();
  /** Every connection, lingering ones included. */
  readonly conns = new Map<number, FakeConnection>();
  readonly listeners = new Map<number, Listener>();
  readonly groups = new Map<number, Group>();
  relay: Availability = 'neverTried';
  auth: Availability = 'neverTried';
  /** Where the events go (the typed APIs' emitters), when they fire from `run()`. */
  readonly events: {
    status?: (change: ConnectionStatusChange) => void;
    auth?: (availability: Availability) => void;
    relay?: (availability: Availability) => void;
  } = {};
  private nextHandle: number;
  private queued: (() => void)[] = [];

  constructor(
    readonly id: SteamId,
    readonly transport: SocketsTransport,
    rng: SeededRng,
  ) {
    // Handles from a random base: a stale handle from another peer or an earlier run is never valid.
    this.nextHandle = (rng.int(0x7fff) << 16) | 0x100;
    transport.peers.set(id, this);
  }

  get now(): number {
    return this.transport.clock.now();
  }

  newHandle(): number {
    this.nextHandle = (this.nextHandle + 1) >>> 0 || 1;
    return this.nextHandle;
  }

  /** A connection the app can see (not lingering). */
  conn(handle: number): FakeConnection | undefined {
    const c = this.conns.get(handle);
    return c === undefined || c.lingering ? undefined : c;
  }

  /** Fires the events queued so far (those they queue wait for the next call). */
  run(): void {
    const now = this.queued;
    this.queued = [];
    for (const fire of now) fire();
  }

  fakeNetwork() {
    const g = (name: SettableConfigName) => Number(this.globalConfig.get(name) ?? 0);
    return {
      lossSend: g('FakePacketLoss_Send'),
      lossRecv: g('FakePacketLoss_Recv'),
      lagSend: g('FakePacketLag_Send'),
      lagRecv: g('FakePacketLag_Recv'),
    };
  }

  /** What Steam knows about `c` now. */
  info(c: FakeConnection): ConnectionInfo {
    const relayed = !c.pipe && this.transport.relayed(this.id, c.remote);
    const port = this.transport.portOf(c.remote);
    return c.info(relayed || port === 0 ? null : { ip: '127.0.0.1', port }, relayed);
  }

  /** Moves `c` to `state` (with an end reason), posting the status change unless it lingers. */
  setState(c: FakeConnection, state: NetConnectionState, reason = 0, debug = ''): void {
    const old = c.state;
    if (old === state) return;
    c.state = state;
    if (reason !== 0) {
      c.endReason = reason;
      c.endDebug = debug.slice(0, 127);
    }
    // Nothing more goes out; what was received can still be read (steamnetworkingtypes.h:398-405).
    if (state === 'closedByPeer' || state === 'problemDetectedLocally') c.clearOutgoing();
    if (!c.lingering) this.postStatus(c, old);
  }

  postStatus(c: FakeConnection, oldState: NetConnectionState): void {
    const change = { connection: c.handle, info: this.info(c), oldState };
    this.queued.push(() => this.events.status?.(change));
  }

  /** Steam's relay network access (or certificates): attempting now, current shortly after, with events. */
  touch(what: 'relay' | 'auth'): Availability {
    if (this[what] === 'current' || this[what] === 'attempting') return this[what];
    this[what] = 'attempting';
    const post = () => {
      const a = this[what];
      this.queued.push(() => this.events[what]?.(a));
    };
    post();
    this.transport.later(AVAILABILITY_DELAY_MS, () => {
      this[what] = 'current';
      post();
    });
    return 'attempting';
  }

  /** A new connection of ours, its options set; null when an option cannot live on a connection. */
  newConnection(
    remote: SteamId,
    outbound: boolean,
    options: readonly [SettableConfigName, ConfigValue][],
    listener: Listener | null,
    localVport: number,
    remoteVport: number,
  ): FakeConnection | null {
    if (options.some(([name]) => !perConnection(name))) return null;
    const config = new ConfigSet();
    config.assign(options);
    const parents = [...(listener ? [listener.config] : []), this.interfaceConfig, this.globalConfig];
    const c = new FakeConnection(
      this.newHandle() as NetConnection,
      remote,
      outbound,
      config,
      parents,
      listener?.handle ?? null,
      localVport,
      remoteVport,
      this.now,
    );
    this.conns.set(c.handle, c);
    return c;
  }

  send(c: FakeConnection, frame: Frame): void {
    this.transport.send(this, c.remote, frame, c);
  }

  private connectRequest(c: FakeConnection): void {
    this.send(c, {
      kind: 'connect',
      src: c.handle,
      vport: c.remoteVport,
      srcVport: c.localVport,
      symmetric: c.symmetric,
    });
  }

  /** Starts `c` connecting: retries every 0.5 s, and gives up after TimeoutInitial (either end). */
  startConnecting(c: FakeConnection): void {
    this.setState(c, 'connecting');
    if (c.outbound && !c.pipe) {
      this.connectRequest(c);
      const retry = (): void =>
        this.transport.later(CONNECT_RETRY_MS, () => {
          if (c.state !== 'connecting' || c.lingering) return;
          this.connectRequest(c);
          retry();
        });
      retry();
    }
    // A pipe's own end never times out; only an incoming end nobody accepts gives up.
    if (c.pipe && c.outbound) return;
    const check = (): void =>
      this.transport.later(c.startedAt + c.num('TimeoutInitial') - this.now, () => {
        if (c.state !== 'connecting' || c.lingering) return;
        if (this.now - c.startedAt < c.num('TimeoutInitial')) return check();
        this.setState(
          c,
          'problemDetectedLocally',
          NetConnectionEnd.Misc_Timeout,
          c.outbound
            ? 'Timed out attempting to connect'
            : "App didn't accept or close incoming connection in time.",
        );
      });
    check();
  }

  /** `c` is up: both ends may send, pings start, what waited goes out. */
  connected(c: FakeConnection): void {
    this.setState(c, 'connected');
    if (!c.pipe) this.send(c, { kind: 'ping', src: c.handle, dst: c.remoteHandle, value: this.now });
    this.transport.keepAlive(this, c);
    this.transport.transmit(this, c, true);
  }

  /** Accepts an incoming connection in Connecting (AcceptConnection, or a symmetric ConnectP2P). */
  accept(c: FakeConnection): void {
    c.accepted = true;
    this.connected(c);
    if (c.pipe) {
      const other = this.conns.get(c.remoteHandle);
      if (other?.state === 'connecting') this.connected(other);
      return;
    }
    this.send(c, { kind: 'accept', src: c.handle, dst: c.remoteHandle, value: 0 });
  }

  /** Frees `c` at once; its unread messages go with it. */
  destroy(c: FakeConnection): void {
    this.conns.delete(c.handle);
    for (const m of c.queue) m.taken = true;
    c.queue = [];
    c.queueCount = c.queueBytes = 0;
    c.clearOutgoing();
    c.lingering = false;
    c.state = 'none';
  }

  lost(c: FakeConnection): void {
    this.setState(c, 'problemDetectedLocally', NetConnectionEnd.Misc_Timeout, 'Timed out');
  }

  take(c: FakeConnection, m: WireMessage): boolean {
    const max = c.num('RecvMaxMessageSize');
    if (m.data.length > max) {
      if (!m.reliable) return true; // dropped
      const why = `Reliable message size too large.  (${m.data.length} > ${max})`;
      this.send(c, {
        kind: 'close',
        src: c.handle,
        dst: c.remoteHandle,
        reason: NetConnectionEnd.Misc_Generic,
        debug: why,
      });
      this.setState(c, 'problemDetectedLocally', NetConnectionEnd.Misc_Generic, why);
      return true;
    }
    if (!c.fits(m.data.length)) return false;
    const message: InMessage = {
      conn: c,
      data: m.data,
      lane: m.lane,
      number: m.number,
      reliable: m.reliable,
      receivedAt: this.now,
      group: c.group,
      taken: false,
    };
    c.queue.push(message);
    c.queueCount++;
    c.queueBytes += m.data.length;
    this.groups.get(c.group)?.messages.push(message);
    return true;
  }

  receive(frame: Frame, from: SteamId): void {
    receiveFrame(this, frame, from);
  }

  /** Closes `c` (CloseConnection). */
  close(c: FakeConnection, reason: number, debug: string, linger: boolean): void {
    const old = c.state;
    if (c.alive) {
      let r = reason === 0 ? NetConnectionEnd.App_Generic : reason;
      let words = debug;
      if (r < NetConnectionEnd.App_Generic || r > NetConnectionEnd.AppException_Max) {
        r = NetConnectionEnd.App_Max;
        words = 'Invalid numeric reason code';
      }
      c.endReason = r;
      c.endDebug = words.slice(0, 127);
      if (
        linger &&
        old === 'connected' &&
        !c.symmetric &&
        !c.pipe &&
        (c.pending.length > 0 || c.unacked.size > 0)
      ) {
        // Keep sending what is queued; the close follows once it is acknowledged.
        this.transport.transmit(this, c, true);
        for (const m of c.queue) m.taken = true;
        c.queue = [];
        c.queueCount = c.queueBytes = 0;
        c.state = 'none';
        this.postStatus(c, old);
        c.lingering = true;
        this.transport.later(c.num('TimeoutConnected'), () => this.finishLinger(c));
        return;
      }
      this.send(c, { kind: 'close', src: c.handle, dst: c.remoteHandle, reason: r, debug: c.endDebug });
    }
    // The handle dies now; a last status change says None (connections.cpp:2545-2568).
    c.state = 'none';
    this.postStatus(c, old);
    this.destroy(c);
  }

  /** A lingering close is done (everything acknowledged, or it gave up): the close goes out. */
  finishLinger(c: FakeConnection): void {
    if (!c.lingering || this.conns.get(c.handle) !== c) return;
    this.send(c, {
      kind: 'close',
      src: c.handle,
      dst: c.remoteHandle,
      reason: c.endReason,
      debug: c.endDebug,
    });
    this.destroy(c);
  }
}
