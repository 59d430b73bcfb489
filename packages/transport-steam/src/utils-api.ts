/**
 * The typed `ISteamNetworkingUtils` API over Valve's library (`session.utils`): relay network access
 * and status, the local clock, and configuration values by name with their JS types, at any scope.
 * Steam's fake network settings (`FakePacketLoss_Send`, `FakePacketLag_Send`, ...) are set here, so a
 * game can be tried on real Steam under bad conditions.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { CallbackId } from './constants.js';
import { CallbackPump } from './dispatch.js';
import type { TypedEmitter } from './p2p.js';
import { checkConfigScope, checkConfigValue, checkConfigValueId, configDef } from './sockets-checks.js';
import { CONFIG_DATA_TYPE, configDataTypeName, decodeRelayStatus, type SocketsCore } from './sockets-core.js';
import type {
  ConfigReading,
  ConfigScope,
  ConfigValueInfo,
  ConfigValueName,
  ConfigValueOf,
  RelayNetworkStatus,
  SettableConfigName,
  SteamNetworkingUtils,
  UtilsEvents,
} from './sockets-types.js';

/** `ESteamNetworkingConfigScope` numbers. */
const SCOPE = { global: 1, interface: 2, listenSocket: 3, connection: 4 } as const;
const GET_OK = 1;
const GET_OK_INHERITED = 2;
const GET_BUFFER_TOO_SMALL = -3;

const Emitter = EventEmitter as unknown as new () => TypedEmitter<UtilsEvents>;

/** `session.utils`: the typed `ISteamNetworkingUtils`. */
export class UtilsApi extends Emitter implements SteamNetworkingUtils {
  private readonly core: SocketsCore;
  private readonly pump: CallbackPump;
  private readonly relay = new Uint8Array(272);

  /** @internal Built by the session on first use of `session.utils`. */
  constructor(core: SocketsCore) {
    super();
    this.core = core;
    this.pump = new CallbackPump(core.ctx);
    core.ctx.callbackHandlers.add(this.onCallback);
  }

  private readonly onCallback = (id: number, param: bigint, size: number): void => {
    if (id === CallbackId.RelayNetworkStatusChanged && size >= 272) {
      this.emit(
        'relayNetworkStatusChanged',
        decodeRelayStatus(this.core.ctx.koffi.decode(param, 'uint8_t', 272) as Uint8Array),
      );
    }
  };

  /** The scope number and object a {@link ConfigScope} names. */
  private scopeOf(scope: ConfigScope): [number, number] {
    const { kind, handle } = checkConfigScope(scope);
    return [SCOPE[kind], kind === 'interface' ? this.core.self : handle];
  }

  initRelayNetworkAccess(): void {
    this.core.ctx.assertLive('initRelayNetworkAccess');
    this.core.utilsFn.InitRelayNetworkAccess(this.core.utils);
  }

  getRelayNetworkStatus(): RelayNetworkStatus {
    this.core.ctx.assertLive('getRelayNetworkStatus');
    this.core.utilsFn.GetRelayNetworkStatus(this.core.utils, this.relay);
    return decodeRelayStatus(this.relay);
  }

  getLocalTimestamp(): bigint {
    this.core.ctx.assertLive('getLocalTimestamp');
    return BigInt(this.core.utilsFn.GetLocalTimestamp(this.core.utils));
  }

  setConfigValue<N extends SettableConfigName>(
    name: N,
    value: ConfigValueOf<N> | null,
    scope: ConfigScope = 'global',
  ): boolean {
    this.core.ctx.assertLive('setConfigValue');
    const def = configDef(name);
    const [scopeType, object] = this.scopeOf(scope);
    if (value === null)
      return this.core.utilsFn.SetConfigValue(
        this.core.utils,
        def.id,
        scopeType,
        object,
        CONFIG_DATA_TYPE[def.type],
        null,
      );
    const checked = checkConfigValue(name, value);
    let arg: ArrayBufferView;
    if (def.type === 'int64') arg = BigInt64Array.of(checked as bigint);
    else if (def.type === 'float') arg = Float32Array.of(checked as number);
    else if (def.type === 'string') arg = new TextEncoder().encode(`${checked as string}\0`);
    else arg = Int32Array.of(checked as number);
    return this.core.utilsFn.SetConfigValue(
      this.core.utils,
      def.id,
      scopeType,
      object,
      CONFIG_DATA_TYPE[def.type],
      arg,
    );
  }

  getConfigValue<N extends SettableConfigName>(
    name: N,
    scope: ConfigScope = 'global',
  ): ConfigReading<ConfigValueOf<N>> | null {
    this.core.ctx.assertLive('getConfigValue');
    const def = configDef(name);
    const [scopeType, object] = this.scopeOf(scope);
    const type = new Int32Array(1);
    const size = new BigUint64Array(1);
    // Strings: ask for the size first (NULL buffer → BufferTooSmall with the size), then read.
    let out = new Uint8Array(def.type === 'string' ? 0 : 8);
    size[0] = BigInt(out.byteLength);
    let r = this.core.utilsFn.GetConfigValue(
      this.core.utils,
      def.id,
      scopeType,
      object,
      type,
      out.byteLength ? out : null,
      size,
    );
    if (r === GET_BUFFER_TOO_SMALL) {
      out = new Uint8Array(Number(size[0]));
      r = this.core.utilsFn.GetConfigValue(this.core.utils, def.id, scopeType, object, type, out, size);
    }
    if (r !== GET_OK && r !== GET_OK_INHERITED) return null;
    const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let value: number | bigint | string;
    if (def.type === 'int64') value = v.getBigInt64(0, true);
    else if (def.type === 'float') value = v.getFloat32(0, true);
    else if (def.type === 'string')
      value = new TextDecoder().decode(out.subarray(0, Math.max(0, out.indexOf(0))));
    else value = v.getInt32(0, true);
    return { value: value as ConfigValueOf<N>, inherited: r === GET_OK_INHERITED };
  }

  getConfigValueInfo(value: ConfigValueName | number): ConfigValueInfo | null {
    this.core.ctx.assertLive('getConfigValueInfo');
    const id = checkConfigValueId(value);
    const type = new Int32Array(1);
    const scope = new Int32Array(1);
    const name = this.core.utilsFn.GetConfigValueInfo(this.core.utils, id, type, scope);
    if (name === null) return null;
    return {
      id,
      name,
      dataType: configDataTypeName(type[0]!),
      scope: scope[0] === SCOPE.global ? 'global' : 'connection',
    };
  }

  runCallbacks(): void {
    this.core.ctx.assertLive('runCallbacks');
    this.pump.run();
  }
}
