/**
 * Configuration values of a fake peer's Sockets/Utils APIs: defaults and ranges as Valve's open-source
 * build has them (the native fake's `sockets_config.c` is the twin; the Sockets conformance suite reads
 * both back), with the numbers Steam's behaviour table fixes (timeouts, Nagle, buffers) taken from
 * `STEAM_BEHAVIOUR`; set values are clamped to their range, `null` unsets, and a connection inherits
 * from its listen socket, the interface, then the global scope.
 * @internal
 * @packageDocumentation
 */
import { CONFIG_VALUES, type ConfigValueName, type SettableConfigName } from '@steamwire/transport-steam';
import { STEAM_BEHAVIOUR } from '../conformance/steam-behaviour.js';

/** A stored value. */
export type ConfigValue = number | bigint | string;

const BIG = 2_147_483_647;
const steam = STEAM_BEHAVIOUR.sockets;

/** Default and range of each value that is not Valve's 0 (or empty string) in 0..BIG. */
const LIMITS: Partial<Record<ConfigValueName, readonly [ConfigValue, number, number]>> = {
  FakePacketLoss_Send: [0, 0, 100],
  FakePacketLoss_Recv: [0, 0, 100],
  FakePacketLag_Send: [0, 0, 5000],
  FakePacketLag_Recv: [0, 0, 5000],
  FakePacketReorder_Send: [0, 0, 100],
  FakePacketReorder_Recv: [0, 0, 100],
  FakePacketReorder_Time: [15, 0, 5000],
  SendBufferSize: [steam.sendBufferBytes.value, 4096, 0x10000000],
  SendRateMin: [262_144, 1024, 0x10000000],
  SendRateMax: [262_144, 1024, 0x10000000],
  NagleTime: [steam.bufferingDelayMs.value * 1000, 0, 20_000],
  LogLevel_AckRTT: [4, 0, 8],
  LogLevel_PacketDecode: [4, 0, 8],
  LogLevel_Message: [4, 0, 8],
  LogLevel_PacketGaps: [4, 0, 8],
  LogLevel_P2PRendezvous: [4, 0, 8],
  LogLevel_SDRRelayPings: [4, 0, 8],
  IP_AllowWithoutAuth: [0, 0, 2],
  TimeoutInitial: [steam.connectTimeoutMs.value, 0, BIG],
  TimeoutConnected: [steam.connectionLostTimeoutMs.value, 0, BIG],
  FakePacketDup_Send: [0, 0, 100],
  FakePacketDup_Recv: [0, 0, 100],
  FakePacketDup_TimeMax: [10, 0, 5000],
  MTU_PacketSize: [1300, 200, 4096],
  Unencrypted: [0, 0, 3],
  SymmetricConnect: [0, 0, 1],
  LocalVirtualPort: [-1, -1, 65_535],
  DualWifi_Enable: [1, 0, 2],
  ConnectionUserData: [-1n, 0, 0],
  PacketTraceMaxBytes: [-1, -1, 99_999],
  FakeRateLimit_Send_Rate: [0, 0, 1_073_741_824],
  FakeRateLimit_Send_Burst: [16_384, 0, 1_048_576],
  FakeRateLimit_Recv_Rate: [0, 0, 1_073_741_824],
  FakeRateLimit_Recv_Burst: [16_384, 0, 1_048_576],
  EnableDiagnosticsUI: [1, 0, 1],
  RecvBufferSize: [steam.recvBufferBytes.value, 4096, 0x10000000],
  RecvBufferMessages: [steam.recvBufferMessages.value, 2, 0x10000000],
  RecvMaxMessageSize: [steam.maxReliableBytes.value, 64, 0x10000000],
  RecvMaxSegmentsPerPacket: [1300, 1, 1300],
  OutOfOrderCorrectionWindowMicroseconds: [1000, 0, 50_000],
  FakePacketJitter_Send_Max: [100, 0, 5000],
  FakePacketJitter_Send_Pct: [75, 0, 100],
  FakePacketJitter_Send_Avg: [0, 0, 2000],
  FakePacketJitter_Recv_Avg: [0, 0, 2000],
  FakePacketJitter_Recv_Max: [100, 0, 5000],
  FakePacketJitter_Recv_Pct: [75, 0, 100],
  SendTimeSincePreviousPacket: [-1, -1, 1],
  P2P_Transport_ICE_Enable: [-1, -1, BIG],
  P2P_Transport_ICE_Implementation: [0, 0, 2],
};

/** Valve's header: what MTU_DataSize leaves of MTU_PacketSize (k_cbSteamNetworkingSocketsNoFragmentHeaderReserve). */
const NO_FRAGMENT_HEADER_RESERVE = 100;

/** The default of `name`. */
export function configDefault(name: SettableConfigName): ConfigValue {
  const limits = LIMITS[name];
  if (limits !== undefined) return limits[0];
  return CONFIG_VALUES[name].type === 'string' ? '' : 0;
}

/** `value` clamped to the range of `name`, as Steam stores it (float values as a C float). */
function clamped(name: SettableConfigName, value: ConfigValue): ConfigValue {
  if (typeof value !== 'number') return value;
  const [, min, max] = LIMITS[name] ?? [0, 0, BIG];
  const v = Math.min(max, Math.max(min, value));
  return CONFIG_VALUES[name].type === 'float' ? Math.fround(v) : v;
}

/** The values set at one scope object (the global scope, the interface, a listen socket, a connection). */
export class ConfigSet {
  private readonly values = new Map<SettableConfigName, ConfigValue>();

  /** The value set here, if any. */
  get(name: SettableConfigName): ConfigValue | undefined {
    return this.values.get(name);
  }

  /** Sets (clamped) or, with `null`, unsets a value. */
  set(name: SettableConfigName, value: ConfigValue | null): void {
    if (value === null) this.values.delete(name);
    else this.values.set(name, clamped(name, value));
  }

  /** Copies every value of `from` (options given to a creating call). */
  assign(from: readonly [SettableConfigName, ConfigValue][]): void {
    for (const [name, value] of from) this.set(name, value);
  }
}

/** Whether `name` can live below the global scope. */
export function perConnection(name: SettableConfigName): boolean {
  return CONFIG_VALUES[name].scope === 'connection';
}

/** Whether `name` can be set at all (MTU_DataSize is computed from MTU_PacketSize). */
export function settable(name: SettableConfigName): boolean {
  return name !== 'MTU_DataSize';
}

/**
 * The value of `name` as seen through `chain` (most specific scope first; the last is the global one),
 * and whether it was set at the first scope. MTU_DataSize is read as MTU_PacketSize minus Steam's reserve.
 */
export function readConfig(
  name: SettableConfigName,
  chain: readonly ConfigSet[],
): { value: ConfigValue; inherited: boolean } {
  if (name === 'MTU_DataSize') {
    const packet = readConfig('MTU_PacketSize', chain);
    return {
      value: Math.max(0, (packet.value as number) - NO_FRAGMENT_HEADER_RESERVE),
      inherited: packet.inherited,
    };
  }
  for (let i = 0; i < chain.length; i++) {
    const v = chain[i]!.get(name);
    if (v !== undefined) return { value: v, inherited: i > 0 };
  }
  return { value: configDefault(name), inherited: true };
}
