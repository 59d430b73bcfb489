/**
 * The typed `ISteamNetworkingSockets` API over Valve's library (`session.sockets`): every call checks
 * its arguments, calls the flat function, and turns Steam's answer into typed values. Status changes
 * (1221) and certificate changes (1222) become events from `runCallbacks()` (manual dispatch, never a
 * native callback). Connections owned by the Sockets P2P backend are hidden from these events.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { CallbackId } from './constants.js';
import type { SteamContext } from './context.js';
import { CallbackPump } from './dispatch.js';
import type { TypedEmitter } from './p2p.js';
import {
  checkBoolean,
  checkData,
  checkHandle,
  checkInt,
  checkLanes,
  checkOutgoing,
  checkString,
  checkUserData,
  configDef,
  SOCKETS_RECEIVE_DEFAULT,
  SOCKETS_RECEIVE_MAX,
} from './sockets-checks.js';
import {
  type Availability,
  availabilityName,
  SendFlags,
  SOCKETS_MAX_LANES,
  type SteamResult,
  steamResultName,
} from './sockets-constants.js';
import {
  CONFIG_DATA_TYPE,
  decodeAuthStatus,
  decodeConnectionInfo,
  decodeLaneStatus,
  decodeRealTimeStatus,
  encodeConfigOptions,
  type SocketsCore,
} from './sockets-core.js';
import { SteamNetworkingError } from './sockets-errors.js';
import type {
  AuthenticationStatus,
  ConfigOptions,
  ConnectionInfo,
  LaneConfig,
  LaneStatus,
  ListenSocket,
  NetConnection,
  OutgoingMessage,
  PollGroup,
  RealTimeStatus,
  ReceivedMessage,
  SendResult,
  SettableConfigName,
  SocketsEvents,
  SteamNetworkingSockets,
} from './sockets-types.js';
import { assertSteamId, type SteamId } from './steam-id.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<SocketsEvents>;

/** `session.sockets`: the typed `ISteamNetworkingSockets`. */
export class SocketsApi extends Emitter implements SteamNetworkingSockets {
  private readonly core: SocketsCore;
  private readonly ctx: SteamContext;
  private readonly pump: CallbackPump;
  private readonly pointers = new BigUint64Array(SOCKETS_RECEIVE_MAX);
  private readonly info = new Uint8Array(696);
  private readonly status = new Uint8Array(120);
  private readonly number = new BigInt64Array(1);

  /** @internal Built by the session on first use of `session.sockets`. */
  constructor(core: SocketsCore) {
    super();
    this.core = core;
    this.ctx = core.ctx;
    this.pump = new CallbackPump(core.ctx);
    core.ctx.callbackHandlers.add(this.onCallback);
  }

  private live(method: string): void {
    this.ctx.assertLive(method);
  }

  private readonly onCallback = (id: number, param: bigint, size: number): void => {
    if (id === CallbackId.ConnectionStatusChanged && size >= this.core.statusOldStateAt + 4) {
      const change = this.core.decodeStatusChange(param, size);
      const backend = this.core.backendListenSocket;
      if (this.core.backendConnections.has(change.connection)) return;
      if (backend !== 0 && change.info.listenSocket === backend) return;
      this.emit('connectionStatusChanged', change);
    } else if (id === CallbackId.AuthenticationStatusChanged && size >= 260) {
      this.emit(
        'authenticationStatusChanged',
        decodeAuthStatus(this.ctx.koffi.decode(param, 'uint8_t', 260) as Uint8Array),
      );
    }
  };

  /** Applies the string options the creating call cannot carry (a char* in the array), right after creation. */
  private applyStrings(strings: [SettableConfigName, string][], scope: number, object: number): void {
    for (const [name, value] of strings) {
      const text = new TextEncoder().encode(`${value}\0`);
      this.core.utilsFn.SetConfigValue(
        this.core.utils,
        configDef(name).id,
        scope,
        object,
        CONFIG_DATA_TYPE.string,
        text,
      );
    }
  }

  createListenSocketP2P(virtualPort = 0, options?: ConfigOptions): ListenSocket {
    this.live('createListenSocketP2P');
    const port = checkInt('virtualPort', virtualPort, 0, 0x7fffffff);
    const { array, count, strings } = encodeConfigOptions(options);
    const h = this.core.fn.CreateListenSocketP2P(this.core.self, port, count, array);
    if (h === 0) {
      throw new SteamNetworkingError(
        'CREATE_LISTEN_SOCKET_FAILED',
        `Steam would not listen on virtual port ${port}: close the listen socket already on it, or check the options.`,
      );
    }
    this.applyStrings(strings, 3, h);
    return h as ListenSocket;
  }

  closeListenSocket(socket: ListenSocket): boolean {
    this.live('closeListenSocket');
    return this.core.fn.CloseListenSocket(this.core.self, checkHandle('socket', socket));
  }

  connectP2P(remote: SteamId, virtualPort = 0, options?: ConfigOptions): NetConnection {
    this.live('connectP2P');
    const id = assertSteamId(remote);
    const port = checkInt('virtualPort', virtualPort, 0, 0x7fffffff);
    const { array, count, strings } = encodeConfigOptions(options);
    const h = this.core.fn.ConnectP2P(this.core.self, this.core.identity(id), port, count, array);
    if (h === 0) {
      throw new SteamNetworkingError(
        'CONNECT_FAILED',
        `Steam refused to connect to ${id} on virtual port ${port}: to reach yourself, listen on that port first; otherwise check the options.`,
      );
    }
    this.applyStrings(strings, 4, h);
    return h as NetConnection;
  }

  acceptConnection(connection: NetConnection): SteamResult {
    this.live('acceptConnection');
    return steamResultName(
      this.core.fn.AcceptConnection(this.core.self, checkHandle('connection', connection)),
    );
  }

  closeConnection(connection: NetConnection, reason = 0, debug = '', linger = false): boolean {
    this.live('closeConnection');
    const h = checkHandle('connection', connection);
    const r = checkInt('reason', reason, -0x80000000, 0x7fffffff);
    return this.core.fn.CloseConnection(
      this.core.self,
      h,
      r,
      checkString('debug', debug),
      checkBoolean('linger', linger),
    );
  }

  setConnectionUserData(connection: NetConnection, userData: bigint): boolean {
    this.live('setConnectionUserData');
    const h = checkHandle('connection', connection);
    return this.core.fn.SetConnectionUserData(this.core.self, h, checkUserData(userData));
  }

  getConnectionUserData(connection: NetConnection): bigint {
    this.live('getConnectionUserData');
    return BigInt(this.core.fn.GetConnectionUserData(this.core.self, checkHandle('connection', connection)));
  }

  setConnectionName(connection: NetConnection, name: string): void {
    this.live('setConnectionName');
    this.core.fn.SetConnectionName(
      this.core.self,
      checkHandle('connection', connection),
      checkString('name', name),
    );
  }

  getConnectionName(connection: NetConnection): string | null {
    this.live('getConnectionName');
    const out = new Uint8Array(128);
    if (
      !this.core.fn.GetConnectionName(this.core.self, checkHandle('connection', connection), out, out.length)
    )
      return null;
    const end = out.indexOf(0);
    return new TextDecoder().decode(out.subarray(0, end === -1 ? out.length : end));
  }

  sendMessage(connection: NetConnection, data: Uint8Array, flags: number = SendFlags.Reliable): SendResult {
    this.live('sendMessage');
    const h = checkHandle('connection', connection);
    const bytes = checkData(data);
    const f = checkInt('flags', flags, 0, 0x7fffffff);
    const code = this.core.fn.SendMessageToConnection(
      this.core.self,
      h,
      bytes,
      bytes.byteLength,
      f,
      this.number,
    );
    return code === 1
      ? { ok: true, messageNumber: this.number[0]! }
      : { ok: false, result: steamResultName(code), code };
  }

  sendMessages(messages: readonly OutgoingMessage[]): SendResult[] {
    this.live('sendMessages');
    const checked = checkOutgoing(messages);
    if (checked.length === 0) return [];
    const words = new Uint32Array(checked.length * 2);
    const { core } = this;
    // Allocate every message first, so a failure leaves nothing half-handed to Steam.
    const addresses: number[] = [];
    try {
      for (const m of checked) {
        const address = core.utilsFn.AllocateMessage(core.utils, m.data.byteLength);
        if (address === 0)
          throw new SteamNetworkingError(
            'ALLOCATE_FAILED',
            'Steam could not allocate a message buffer: free memory, or send less at once.',
          );
        addresses.push(address);
      }
    } catch (err) {
      for (const a of addresses) core.fn.Message_Release(a);
      throw err;
    }
    checked.forEach((m, i) => {
      const address = addresses[i]!;
      core.writeOutgoing(address, m.connection, m.flags, m.lane, m.data);
      words[i * 2] = address >>> 0;
      words[i * 2 + 1] = Math.floor(address / 0x1_0000_0000);
    });
    const results = new BigInt64Array(checked.length);
    // Steam owns every message from here on, sent or not (SDK 1.62 semantics).
    core.fn.SendMessages(core.self, checked.length, words, results);
    return Array.from(results, (r): SendResult => {
      if (r > 0n) return { ok: true, messageNumber: r };
      const code = Number(-r);
      return { ok: false, result: steamResultName(code), code };
    });
  }

  flushMessages(connection: NetConnection): SteamResult {
    this.live('flushMessages');
    return steamResultName(
      this.core.fn.FlushMessagesOnConnection(this.core.self, checkHandle('connection', connection)),
    );
  }

  private collect(count: number): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    let failure: unknown;
    for (let i = 0; i < count; i++) {
      const address = Number(this.pointers[i]!);
      if (address === 0) continue;
      try {
        if (failure === undefined) out.push(this.core.readMessage(address));
      } catch (err) {
        failure = err;
      } finally {
        this.core.fn.Message_Release(address);
      }
    }
    if (failure !== undefined) throw failure;
    return out;
  }

  receiveMessages(connection: NetConnection, max = SOCKETS_RECEIVE_DEFAULT): ReceivedMessage[] | null {
    this.live('receiveMessages');
    const h = checkHandle('connection', connection);
    const n = checkInt('max', max, 1, SOCKETS_RECEIVE_MAX);
    const count = this.core.fn.ReceiveMessagesOnConnection(this.core.self, h, this.pointers, n);
    return count < 0 ? null : this.collect(Math.min(count, n));
  }

  getConnectionInfo(connection: NetConnection): ConnectionInfo | null {
    this.live('getConnectionInfo');
    if (!this.core.fn.GetConnectionInfo(this.core.self, checkHandle('connection', connection), this.info))
      return null;
    return decodeConnectionInfo(this.info);
  }

  getRealTimeStatus(
    connection: NetConnection,
    lanes = 0,
  ): { status: RealTimeStatus; lanes: LaneStatus[] } | null {
    this.live('getRealTimeStatus');
    const h = checkHandle('connection', connection);
    const n = checkInt('lanes', lanes, 0, SOCKETS_MAX_LANES);
    const laneBytes = n > 0 ? new Uint8Array(64 * n) : null;
    const code = this.core.fn.GetConnectionRealTimeStatus(this.core.self, h, this.status, n, laneBytes);
    if (code === 8) {
      throw new SteamNetworkingError(
        'INVALID_LANE_COUNT',
        `Connection ${h} has fewer than ${n} lanes: ask for at most as many lanes as configureConnectionLanes set.`,
      );
    }
    if (code !== 1) return null;
    return {
      status: decodeRealTimeStatus(this.status),
      lanes: laneBytes === null ? [] : decodeLaneStatus(laneBytes, n),
    };
  }

  getDetailedConnectionStatus(connection: NetConnection): string | null {
    this.live('getDetailedConnectionStatus');
    const h = checkHandle('connection', connection);
    // A first call with no buffer says how big one must be (> 0), or -1 for a bad handle.
    const need = this.core.fn.GetDetailedConnectionStatus(this.core.self, h, null, 0);
    if (need < 0) return null;
    const out = new Uint8Array(Math.max(need, 1));
    if (this.core.fn.GetDetailedConnectionStatus(this.core.self, h, out, out.length) !== 0) return null;
    const end = out.indexOf(0);
    return new TextDecoder().decode(out.subarray(0, end === -1 ? out.length : end));
  }

  configureConnectionLanes(connection: NetConnection, lanes: readonly LaneConfig[]): SteamResult {
    this.live('configureConnectionLanes');
    const h = checkHandle('connection', connection);
    const checked = checkLanes(lanes);
    const priorities = Int32Array.from(checked.priorities);
    const weights = Uint16Array.from(checked.weights);
    return steamResultName(
      this.core.fn.ConfigureConnectionLanes(this.core.self, h, lanes.length, priorities, weights),
    );
  }

  getIdentity(): SteamId | null {
    this.live('getIdentity');
    const out = new Uint8Array(136);
    if (!this.core.fn.GetIdentity(this.core.self, out)) return null;
    const v = new DataView(out.buffer);
    return v.getInt32(0, true) === 16 ? v.getBigUint64(8, true) : null;
  }

  initAuthentication(): Availability {
    this.live('initAuthentication');
    return availabilityName(this.core.fn.InitAuthentication(this.core.self));
  }

  getAuthenticationStatus(): AuthenticationStatus {
    this.live('getAuthenticationStatus');
    const out = new Uint8Array(260);
    this.core.fn.GetAuthenticationStatus(this.core.self, out);
    return decodeAuthStatus(out);
  }

  createPollGroup(): PollGroup {
    this.live('createPollGroup');
    const h = this.core.fn.CreatePollGroup(this.core.self);
    if (h === 0)
      throw new SteamNetworkingError(
        'CREATE_POLL_GROUP_FAILED',
        'Steam could not create a poll group: destroy unused ones and try again.',
      );
    return h as PollGroup;
  }

  destroyPollGroup(group: PollGroup): boolean {
    this.live('destroyPollGroup');
    return this.core.fn.DestroyPollGroup(this.core.self, checkHandle('group', group));
  }

  setConnectionPollGroup(connection: NetConnection, group: PollGroup | null): boolean {
    this.live('setConnectionPollGroup');
    const g = group === null ? 0 : checkHandle('group', group);
    return this.core.fn.SetConnectionPollGroup(this.core.self, checkHandle('connection', connection), g);
  }

  receiveMessagesOnPollGroup(group: PollGroup, max = SOCKETS_RECEIVE_DEFAULT): ReceivedMessage[] | null {
    this.live('receiveMessagesOnPollGroup');
    const g = checkHandle('group', group);
    const n = checkInt('max', max, 1, SOCKETS_RECEIVE_MAX);
    const count = this.core.fn.ReceiveMessagesOnPollGroup(this.core.self, g, this.pointers, n);
    return count < 0 ? null : this.collect(Math.min(count, n));
  }

  createSocketPair(): [NetConnection, NetConnection] {
    this.live('createSocketPair');
    const a = new Uint32Array(1);
    const b = new Uint32Array(1);
    if (!this.core.fn.CreateSocketPair(this.core.self, a, b, false, null, null)) {
      throw new SteamNetworkingError(
        'CREATE_SOCKET_PAIR_FAILED',
        'Steam could not create a socket pair: it is for in-process tests only.',
      );
    }
    return [a[0]! as NetConnection, b[0]! as NetConnection];
  }

  runCallbacks(): void {
    this.live('runCallbacks');
    this.pump.run();
  }
}
