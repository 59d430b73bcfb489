/**
 * {@link FakeNetworkingSockets}: a fake peer's typed `ISteamNetworkingSockets` (`peer.sockets`). The
 * same interface as the binding's `session.sockets`, with the same argument checks and Steam's same
 * answers, over the in-memory network: connections, listen sockets, poll groups, lanes, status.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  type AuthenticationStatus,
  type Availability,
  assertSteamId,
  type ConfigOptions,
  type ConnectionInfo,
  type ConnectionStatusChange,
  checkBoolean,
  checkConfigOptions,
  checkData,
  checkHandle,
  checkInt,
  checkLanes,
  checkOutgoing,
  checkString,
  checkUserData,
  type LaneConfig,
  type LaneStatus,
  type ListenSocket,
  type NetConnection,
  type OutgoingMessage,
  type PollGroup,
  type RealTimeStatus,
  type ReceivedMessage,
  SendFlags,
  type SendResult,
  SOCKETS_MAX_LANES,
  SOCKETS_RECEIVE_DEFAULT,
  SOCKETS_RECEIVE_MAX,
  type SocketsEvents,
  type SteamId,
  SteamNetworkingError,
  type SteamNetworkingSockets,
  type SteamResult,
  steamResultName,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import { ConfigSet, perConnection, readConfig } from './config.js';
import type { FakeConnection } from './connection.js';
import type { SocketsEndpoint } from './endpoint.js';
import { queueMessage, Result, takeFromConnection, takeFromGroup } from './messages.js';
import { detailedStatus, realTimeStatus } from './status.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<SocketsEvents>;

/** What the certificate status says, as the native fake words it. */
function authWords(a: Availability): string {
  return a === 'current' ? 'fake Steam: certificate ready' : 'fake Steam: no certificate yet';
}

/** A fake peer's `ISteamNetworkingSockets`; events fire only from `runCallbacks()`. */
export class FakeNetworkingSockets extends Emitter implements SteamNetworkingSockets {
  /** @internal Made by the fake peer. */
  constructor(
    private readonly endpoint: SocketsEndpoint,
    private readonly pump: () => void,
    private readonly alive: () => void,
  ) {
    super();
    endpoint.events.status = (change) => {
      // The peer's Sockets P2P backend takes its own connections' changes; the app never sees them.
      if (this.backend?.(change) !== true) this.emit('connectionStatusChanged', change);
    };
    endpoint.events.auth = (availability) =>
      this.emit('authenticationStatusChanged', { availability, debugMessage: authWords(availability) });
  }

  private get now(): number {
    return this.endpoint.now;
  }

  private backend: ((change: ConnectionStatusChange) => boolean) | null = null;

  /** @internal The peer's Sockets P2P backend: status changes it claims (returns true for) are not emitted. */
  attachBackend(claims: (change: ConnectionStatusChange) => boolean): void {
    this.backend = claims;
  }

  /** Sends what Nagle lets go now, and wakes up again when the rest may go. */
  private schedule(c: FakeConnection, force = false): void {
    const { transport } = this.endpoint;
    transport.transmit(this.endpoint, c, force);
    if (c.nagleDeadline > this.now)
      transport.later(c.nagleDeadline - this.now, () => transport.transmit(this.endpoint, c, false));
  }

  createListenSocketP2P(virtualPort = 0, options?: ConfigOptions): ListenSocket {
    this.alive();
    const port = checkInt('virtualPort', virtualPort, 0, 0x7fffffff);
    const opts = checkConfigOptions(options);
    const taken = [...this.endpoint.listeners.values()].some((l) => l.vport === port);
    if (taken || opts.some(([name]) => !perConnection(name))) {
      throw new SteamNetworkingError(
        'CREATE_LISTEN_SOCKET_FAILED',
        `Steam would not listen on virtual port ${port}: close the listen socket already on it, or check the options.`,
      );
    }
    const config = new ConfigSet();
    config.assign(opts);
    const handle = this.endpoint.newHandle() as ListenSocket;
    this.endpoint.listeners.set(handle, { handle, vport: port, config });
    this.endpoint.touch('relay');
    return handle;
  }

  closeListenSocket(socket: ListenSocket): boolean {
    this.alive();
    const h = checkHandle('socket', socket);
    if (!this.endpoint.listeners.delete(h)) return false;
    // Its connections go at once, without a word to the peer.
    for (const c of [...this.endpoint.conns.values()]) if (c.listenSocket === h) this.endpoint.destroy(c);
    return true;
  }

  connectP2P(remote: SteamId, virtualPort = 0, options?: ConfigOptions): NetConnection {
    this.alive();
    const id = assertSteamId(remote);
    const port = checkInt('virtualPort', virtualPort, 0, 0x7fffffff);
    const opts = checkConfigOptions(options);
    const ep = this.endpoint;
    const probe = new ConfigSet();
    probe.assign(opts);
    const local = Number(readConfig('LocalVirtualPort', [probe, ep.interfaceConfig, ep.globalConfig]).value);
    const c = ep.newConnection(id, true, opts, null, local >= 0 ? local : port, port);
    const refused = (): never => {
      if (c !== null) ep.destroy(c);
      throw new SteamNetworkingError(
        'CONNECT_FAILED',
        `Steam refused to connect to ${id} on virtual port ${port}: to reach yourself, listen on that port first; otherwise check the options.`,
      );
    };
    if (c === null) return refused();
    if (id === ep.id) {
      // Yourself: an in-process pipe you must accept, if you listen on that port (p2p.cpp:2534-2597).
      const listener = [...ep.listeners.values()].find((l) => l.vport === port);
      if (listener === undefined) return refused();
      const s = ep.newConnection(id, false, [], listener, listener.vport, c.localVport)!;
      c.pipe = s.pipe = true;
      c.remoteHandle = s.handle;
      s.remoteHandle = c.handle;
      ep.startConnecting(c);
      ep.startConnecting(s);
      return c.handle as NetConnection;
    }
    if (c.symmetric) {
      for (const o of ep.conns.values()) {
        if (
          o === c ||
          o.lingering ||
          o.pipe ||
          !o.symmetric ||
          o.remote !== id ||
          o.localVport !== c.localVport
        )
          continue;
        if (!o.outbound && !o.accepted && o.state === 'connecting') {
          // A matching incoming connection is waiting: this call accepts it.
          ep.destroy(c);
          ep.accept(o);
          return o.handle as NetConnection;
        }
        if (o.alive) return refused(); // one live symmetric connection per peer and port
      }
    }
    ep.touch('relay');
    ep.startConnecting(c);
    return c.handle as NetConnection;
  }

  acceptConnection(connection: NetConnection): SteamResult {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    if (c === undefined) return 'invalidParam';
    if (c.accepted && c.symmetric) return 'duplicateRequest';
    if (c.outbound) return 'invalidParam';
    if (c.state !== 'connecting') return 'invalidState';
    this.endpoint.accept(c);
    return 'ok';
  }

  closeConnection(connection: NetConnection, reason = 0, debug = '', linger = false): boolean {
    this.alive();
    const h = checkHandle('connection', connection);
    const r = checkInt('reason', reason, -0x80000000, 0x7fffffff);
    const words = checkString('debug', debug);
    const stay = checkBoolean('linger', linger);
    const c = this.endpoint.conn(h);
    if (c === undefined) return false;
    this.endpoint.close(c, r, words, stay);
    return true;
  }

  setConnectionUserData(connection: NetConnection, userData: bigint): boolean {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const data = checkUserData(userData);
    if (c === undefined) return false;
    c.userData = data;
    c.config.set('ConnectionUserData', data);
    return true;
  }

  getConnectionUserData(connection: NetConnection): bigint {
    this.alive();
    return this.endpoint.conn(checkHandle('connection', connection))?.userData ?? -1n;
  }

  setConnectionName(connection: NetConnection, name: string): void {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const text = checkString('name', name);
    if (c !== undefined) c.name = text.slice(0, 127);
  }

  getConnectionName(connection: NetConnection): string | null {
    this.alive();
    return this.endpoint.conn(checkHandle('connection', connection))?.name ?? null;
  }

  sendMessage(connection: NetConnection, data: Uint8Array, flags: number = SendFlags.Reliable): SendResult {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const bytes = checkData(data);
    const f = checkInt('flags', flags, 0, 0x7fffffff);
    if (c === undefined) return { ok: false, result: 'invalidParam', code: Result.InvalidParam };
    const { result, number } = queueMessage(c, bytes, f, 0, this.now);
    if (result !== Result.OK) return { ok: false, result: steamResultName(result), code: result };
    this.schedule(c);
    return { ok: true, messageNumber: number };
  }

  sendMessages(messages: readonly OutgoingMessage[]): SendResult[] {
    this.alive();
    const checked = checkOutgoing(messages);
    const touched = new Set<FakeConnection>();
    const results = checked.map((m): SendResult => {
      const c = this.endpoint.conn(m.connection);
      if (c === undefined) return { ok: false, result: 'invalidParam', code: Result.InvalidParam };
      const { result, number } = queueMessage(c, m.data, m.flags, m.lane, this.now);
      if (result !== Result.OK) return { ok: false, result: steamResultName(result), code: result };
      touched.add(c);
      return { ok: true, messageNumber: number };
    });
    for (const c of touched) this.schedule(c);
    return results;
  }

  flushMessages(connection: NetConnection): SteamResult {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    if (c === undefined) return 'invalidParam';
    if (c.state === 'closedByPeer' || c.state === 'problemDetectedLocally') return 'noConnection';
    if (c.state === 'connecting') return 'ignored';
    if (c.state !== 'connected') return 'invalidState';
    this.schedule(c, true);
    return 'ok';
  }

  receiveMessages(connection: NetConnection, max = SOCKETS_RECEIVE_DEFAULT): ReceivedMessage[] | null {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const n = checkInt('max', max, 1, SOCKETS_RECEIVE_MAX);
    return c === undefined ? null : takeFromConnection(c, n);
  }

  getConnectionInfo(connection: NetConnection): ConnectionInfo | null {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    return c === undefined ? null : this.endpoint.info(c);
  }

  getRealTimeStatus(
    connection: NetConnection,
    lanes = 0,
  ): { status: RealTimeStatus; lanes: LaneStatus[] } | null {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const n = checkInt('lanes', lanes, 0, SOCKETS_MAX_LANES);
    if (c === undefined) return null;
    if (n > c.lanes.length) {
      throw new SteamNetworkingError(
        'INVALID_LANE_COUNT',
        `Connection ${c.handle} has fewer than ${n} lanes: ask for at most as many lanes as configureConnectionLanes set.`,
      );
    }
    return realTimeStatus(c, n, this.now);
  }

  getDetailedConnectionStatus(connection: NetConnection): string | null {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    if (c === undefined) return null;
    return detailedStatus(c);
  }

  configureConnectionLanes(connection: NetConnection, lanes: readonly LaneConfig[]): SteamResult {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const { priorities, weights } = checkLanes(lanes);
    if (c === undefined) return 'noConnection';
    if (c.state === 'closedByPeer' || c.state === 'problemDetectedLocally') return 'invalidState';
    // Never fewer lanes than before, weights above 0 (isteamnetworkingsockets.h:394-461, snp.cpp:579-581).
    if (priorities.length < c.lanes.length || weights.includes(0)) return 'invalidParam';
    c.lanes = priorities.map((priority, i) => ({
      priority,
      weight: weights[i]!,
      nextNumber: c.lanes[i]?.nextNumber ?? 1n,
    }));
    return 'ok';
  }

  getIdentity(): SteamId | null {
    this.alive();
    return this.endpoint.id;
  }

  initAuthentication(): Availability {
    this.alive();
    return this.endpoint.touch('auth');
  }

  getAuthenticationStatus(): AuthenticationStatus {
    this.alive();
    const availability = this.endpoint.auth;
    return { availability, debugMessage: authWords(availability) };
  }

  createPollGroup(): PollGroup {
    this.alive();
    const handle = this.endpoint.newHandle();
    this.endpoint.groups.set(handle, { handle, messages: [] });
    return handle as PollGroup;
  }

  destroyPollGroup(group: PollGroup): boolean {
    this.alive();
    const g = checkHandle('group', group);
    if (!this.endpoint.groups.delete(g)) return false;
    // Members stay connected, in no group; their messages stay on the connections.
    for (const c of this.endpoint.conns.values()) {
      if (c.group !== g) continue;
      c.group = 0;
      for (const m of c.queue) m.group = 0;
    }
    return true;
  }

  setConnectionPollGroup(connection: NetConnection, group: PollGroup | null): boolean {
    this.alive();
    const c = this.endpoint.conn(checkHandle('connection', connection));
    const g = group === null ? 0 : checkHandle('group', group);
    const target = this.endpoint.groups.get(g);
    if (c === undefined || (g !== 0 && target === undefined)) return false;
    // Messages already queued move with the connection, in their order.
    c.group = g;
    for (const m of c.queue) {
      if (m.taken) continue;
      m.group = g;
      target?.messages.push(m);
    }
    return true;
  }

  receiveMessagesOnPollGroup(group: PollGroup, max = SOCKETS_RECEIVE_DEFAULT): ReceivedMessage[] | null {
    this.alive();
    const g = this.endpoint.groups.get(checkHandle('group', group));
    const n = checkInt('max', max, 1, SOCKETS_RECEIVE_MAX);
    return g === undefined ? null : takeFromGroup(g, n);
  }

  createSocketPair(): [NetConnection, NetConnection] {
    this.alive();
    const ep = this.endpoint;
    const a = ep.newConnection(ep.id, true, [], null, 0, 0)!;
    const b = ep.newConnection(ep.id, false, [], null, 0, 0)!;
    // Already connected, and no status changes at all (isteamnetworkingsockets.h:372-392).
    for (const [end, other] of [
      [a, b],
      [b, a],
    ] as const) {
      end.pipe = true;
      end.accepted = true;
      end.remoteHandle = other.handle;
      end.state = 'connected';
    }
    return [a.handle as NetConnection, b.handle as NetConnection];
  }

  runCallbacks(): void {
    this.alive();
    this.pump();
  }
}
