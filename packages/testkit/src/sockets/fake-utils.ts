/**
 * {@link FakeNetworkingUtils}: a fake peer's typed `ISteamNetworkingUtils` (`peer.utils`): relay
 * access, the local clock, and configuration values at every scope with Steam's clamping and
 * inheritance. Steam's fake lag and loss settings act on the fake network's Sockets traffic.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  type Availability,
  CONFIG_VALUES,
  type ConfigReading,
  type ConfigScope,
  type ConfigValueInfo,
  type ConfigValueName,
  type ConfigValueOf,
  checkConfigScope,
  checkConfigValue,
  checkConfigValueId,
  configDef,
  type RelayNetworkStatus,
  type SettableConfigName,
  type SteamNetworkingUtils,
  type TypedEmitter,
  type UtilsEvents,
} from '@steamwire/transport-steam';
import { type ConfigSet, type ConfigValue, perConnection, readConfig, settable } from './config.js';
import type { SocketsEndpoint } from './endpoint.js';
import { timestampUs } from './messages.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<UtilsEvents>;

/** The relay network status, as the native fake words it. */
function relayStatus(a: Availability): RelayNetworkStatus {
  return {
    availability: a,
    pingMeasurementInProgress: a === 'attempting',
    networkConfig: a,
    anyRelay: a,
    debugMessage:
      a === 'current'
        ? 'fake Steam: relays reachable'
        : a === 'attempting'
          ? 'fake Steam: measuring relay pings'
          : 'fake Steam: relay access not requested yet',
  };
}

/** A fake peer's `ISteamNetworkingUtils`; events fire only from `runCallbacks()`. */
export class FakeNetworkingUtils extends Emitter implements SteamNetworkingUtils {
  /** @internal Made by the fake peer. */
  constructor(
    private readonly endpoint: SocketsEndpoint,
    private readonly pump: () => void,
    private readonly alive: () => void,
  ) {
    super();
    endpoint.events.relay = (a) => this.emit('relayNetworkStatusChanged', relayStatus(a));
  }

  /**
   * The scopes a value is read through at `scope`, most specific first (`null`: the object does not
   * exist, or the value cannot live there).
   */
  private chain(name: SettableConfigName, scope: ConfigScope): ConfigSet[] | null {
    const { kind, handle } = checkConfigScope(scope);
    const ep = this.endpoint;
    if (kind === 'global') return [ep.globalConfig];
    if (!perConnection(name)) return null;
    if (kind === 'interface') return [ep.interfaceConfig, ep.globalConfig];
    if (kind === 'listenSocket') {
      const l = ep.listeners.get(handle);
      return l === undefined ? null : [l.config, ep.interfaceConfig, ep.globalConfig];
    }
    const c = ep.conn(handle);
    return c === undefined ? null : [c.config, ...c.parents];
  }

  initRelayNetworkAccess(): void {
    this.alive();
    this.endpoint.touch('relay');
  }

  getRelayNetworkStatus(): RelayNetworkStatus {
    this.alive();
    return relayStatus(this.endpoint.relay);
  }

  getLocalTimestamp(): bigint {
    this.alive();
    return timestampUs(this.endpoint.now);
  }

  setConfigValue<N extends SettableConfigName>(
    name: N,
    value: ConfigValueOf<N> | null,
    scope: ConfigScope = 'global',
  ): boolean {
    this.alive();
    configDef(name);
    const checked = value === null ? null : (checkConfigValue(name, value) as ConfigValue);
    const chain = this.chain(name, scope);
    if (chain === null || !settable(name)) return false;
    chain[0]!.set(name, checked);
    const c =
      typeof scope === 'object' && 'connection' in scope ? this.endpoint.conn(scope.connection) : undefined;
    // The user data value and the connection's user data are one thing.
    if (c !== undefined && name === 'ConnectionUserData') c.userData = c.cfg('ConnectionUserData') as bigint;
    return true;
  }

  getConfigValue<N extends SettableConfigName>(
    name: N,
    scope: ConfigScope = 'global',
  ): ConfigReading<ConfigValueOf<N>> | null {
    this.alive();
    configDef(name);
    const chain = this.chain(name, scope);
    if (chain === null) return null;
    const { value, inherited } = readConfig(name, chain);
    return { value: value as ConfigValueOf<N>, inherited };
  }

  getConfigValueInfo(value: ConfigValueName | number): ConfigValueInfo | null {
    this.alive();
    const id = checkConfigValueId(value);
    const entry = Object.entries(CONFIG_VALUES).find(([, d]) => d.id === id);
    if (entry === undefined) return null;
    const [name, d] = entry;
    return { id, name, dataType: d.type, scope: d.scope };
  }

  runCallbacks(): void {
    this.alive();
    this.pump();
  }
}
