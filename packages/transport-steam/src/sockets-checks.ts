/**
 * The argument checks of the typed Sockets and Utils APIs, shared by every implementation of
 * `SteamNetworkingSockets` / `SteamNetworkingUtils` (the binding and the testkit's fakes): each one
 * refuses the same arguments with the same `InvalidArgumentError`, before anything reaches Steam.
 * What Steam itself answers (a bad handle, a refused value) is not checked here: that is Steam's
 * answer, returned as Steam returns it.
 * @packageDocumentation
 */
import { InvalidArgumentError } from './errors.js';
import { CONFIG_VALUES, type ConfigDataType, SendFlags, SOCKETS_MAX_LANES } from './sockets-constants.js';
import type {
  ConfigOptions,
  ConfigScope,
  ConfigValueName,
  LaneConfig,
  OutgoingMessage,
  SettableConfigName,
} from './sockets-types.js';

/** How many messages one receive call takes by default, and at most. */
export const SOCKETS_RECEIVE_DEFAULT = 64;
/** The most messages one receive call may ask for. */
export const SOCKETS_RECEIVE_MAX = 1024;

/** A handle argument: an integer from 0 to 2^32-1 (0 is never valid; Steam answers it as such). */
export function checkHandle(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(
      name,
      `${name} must be a handle (an integer from 0 to 4294967295), got ${String(value)}.`,
    );
  }
  return value;
}

/** An integer argument from `min` to `max`. */
export function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      name,
      `${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
    );
  }
  return value;
}

/** A string argument that C can take (no NUL). */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.includes('\0'))
    throw new InvalidArgumentError(name, `${name} must be a string without NUL characters.`);
  return value;
}

/** A boolean flag. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(name, `${name} must be a boolean, got ${typeof value}.`);
  return value;
}

/** Message or packet data: a `Uint8Array` (a `Buffer` is one). */
export function checkData(data: unknown): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      'data',
      `data must be a Uint8Array, got ${data === null ? 'null' : typeof data}.`,
    );
  }
  return data;
}

/** A connection's user data: a bigint that fits in 64 signed bits. */
export function checkUserData(userData: unknown): bigint {
  if (typeof userData !== 'bigint' || BigInt.asIntN(64, userData) !== userData)
    throw new InvalidArgumentError('userData', 'userData must be a bigint that fits in 64 signed bits.');
  return userData;
}

/** The table entry of a settable value, or a typed error for an unknown (or pointer) name. */
export function configDef(name: unknown): (typeof CONFIG_VALUES)[SettableConfigName] {
  const d =
    typeof name === 'string' ? (CONFIG_VALUES as Record<string, { type: ConfigDataType }>)[name] : undefined;
  if (d === undefined || d.type === 'ptr') {
    throw new InvalidArgumentError(
      'name',
      `${String(name)} is not a configuration value this API sets (see CONFIG_VALUES; function pointers are not offered).`,
    );
  }
  return d as (typeof CONFIG_VALUES)[SettableConfigName];
}

/** Checks a value's JS type against its data type: int32 numbers, floats, bigints, strings. */
export function checkConfigValue(name: SettableConfigName, value: unknown): number | bigint | string {
  const type = configDef(name).type;
  const ok =
    type === 'int64'
      ? typeof value === 'bigint'
      : type === 'string'
        ? typeof value === 'string' && !value.includes('\0')
        : type === 'float'
          ? typeof value === 'number' && Number.isFinite(value)
          : typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
  if (!ok) {
    const want =
      type === 'int64'
        ? 'a bigint'
        : type === 'string'
          ? 'a string'
          : type === 'float'
            ? 'a finite number'
            : 'an int32';
    throw new InvalidArgumentError('value', `${name} takes ${want}, got ${String(value)}.`);
  }
  return value as number | bigint | string;
}

/** The values given at creation, checked, in their order (undefined ones left out). */
export function checkConfigOptions(
  options: ConfigOptions | undefined,
): [SettableConfigName, number | bigint | string][] {
  if (options === undefined) return [];
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', 'options must be an object of configuration values.');
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [
      name as SettableConfigName,
      checkConfigValue(name as SettableConfigName, value),
    ]);
}

/** A {@link ConfigScope}, named: where a value is set or read, and the object's handle (0 for none). */
export interface CheckedScope {
  readonly kind: 'global' | 'interface' | 'listenSocket' | 'connection';
  readonly handle: number;
}

/** Checks a {@link ConfigScope}. */
export function checkConfigScope(scope: unknown): CheckedScope {
  if (scope === 'global' || scope === 'interface') return { kind: scope, handle: 0 };
  if (typeof scope === 'object' && scope !== null) {
    if ('connection' in scope)
      return { kind: 'connection', handle: checkHandle('scope.connection', scope.connection) };
    if ('listenSocket' in scope)
      return { kind: 'listenSocket', handle: checkHandle('scope.listenSocket', scope.listenSocket) };
  }
  throw new InvalidArgumentError(
    'scope',
    "scope must be 'global', 'interface', { connection } or { listenSocket }.",
  );
}

/** The id `getConfigValueInfo` asks about: a value's name, or any int32 (Steam answers unknown ones with null). */
export function checkConfigValueId(value: ConfigValueName | number): number {
  if (typeof value === 'number') return checkInt('value', value, -0x80000000, 0x7fffffff);
  const entry = (CONFIG_VALUES as Record<string, { id: number }>)[value];
  if (entry === undefined)
    throw new InvalidArgumentError('value', `${String(value)} is not a configuration value name.`);
  return entry.id;
}

/**
 * Lanes for `configureConnectionLanes`: 1 to {@link SOCKETS_MAX_LANES} of them, int32 priorities
 * (default 0) and uint16 weights (default 1). A zero weight passes: Steam answers it with InvalidParam.
 */
export function checkLanes(lanes: unknown): { priorities: number[]; weights: number[] } {
  if (!Array.isArray(lanes) || lanes.length < 1 || lanes.length > SOCKETS_MAX_LANES)
    throw new InvalidArgumentError(
      'lanes',
      `lanes must be an array of 1 to ${SOCKETS_MAX_LANES} lane settings.`,
    );
  const priorities: number[] = [];
  const weights: number[] = [];
  (lanes as (LaneConfig | undefined)[]).forEach((lane, i) => {
    priorities.push(checkInt(`lanes[${i}].priority`, lane?.priority ?? 0, -0x80000000, 0x7fffffff));
    weights.push(checkInt(`lanes[${i}].weight`, lane?.weight ?? 1, 0, 0xffff));
  });
  return { priorities, weights };
}

/** One message of `sendMessages`, checked, with its defaults filled in. */
export interface CheckedOutgoing {
  readonly connection: number;
  readonly data: Uint8Array;
  readonly flags: number;
  readonly lane: number;
}

/** Checks the messages of `sendMessages` (flags default `SendFlags.Reliable`, lane 0). */
export function checkOutgoing(messages: unknown): CheckedOutgoing[] {
  if (!Array.isArray(messages)) throw new InvalidArgumentError('messages', 'messages must be an array.');
  return (messages as OutgoingMessage[]).map((m, i) => {
    if (typeof m !== 'object' || m === null)
      throw new InvalidArgumentError('messages', `messages[${i}] must be an object.`);
    return {
      connection: checkHandle(`messages[${i}].connection`, m.connection),
      data: checkData(m.data),
      flags: checkInt(`messages[${i}].flags`, m.flags ?? SendFlags.Reliable, 0, 0x7fffffff),
      lane: checkInt(`messages[${i}].lane`, m.lane ?? 0, 0, 0xffff),
    };
  });
}
