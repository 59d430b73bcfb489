/**
 * Declaring a protocol: `defineProtocol({ name: message(...) | request(...) })`. The declaration is
 * the single source of truth for payload types, numeric ids, channels, send types, directions,
 * validation and request timeouts. Ids are derived deterministically (entries sorted by name), and a
 * fingerprint of everything the wire depends on is compared in the handshake.
 * @packageDocumentation
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { P2PSend } from '@steamwire/transport-steam';
import { checkDecodeLimits, type DecodeLimits, resolveDecodeLimits } from './decode-limits.js';
import { ProtocolDefinitionError } from './errors.js';
import type { WireChecked } from './wire-value.js';

/** The four Steam send types by name (`EP2PSend`). */
export type SendTypeName = 'unreliable' | 'unreliableNoDelay' | 'reliable' | 'reliableWithBuffering';

/** Steam's number for each {@link SendTypeName}. */
export const SEND_TYPES: Readonly<Record<SendTypeName, P2PSend>> = Object.freeze({
  unreliable: P2PSend.Unreliable,
  unreliableNoDelay: P2PSend.UnreliableNoDelay,
  reliable: P2PSend.Reliable,
  reliableWithBuffering: P2PSend.ReliableWithBuffering,
});

/** Who may send a message or request: only the host, only clients, or either. */
export type Direction = 'host' | 'client' | 'any';

/** How a message is declared (everything but its payload). */
export interface MessageOptions<F extends Direction = Direction> {
  /** Who may send it. Enforced on receipt: anything else is rejected before any handler. */
  from: F;
  /** Steam channel (a non-negative integer). Ordering holds per (channel, send type). */
  channel: number;
  /** Steam send type. */
  send: SendTypeName;
  /**
   * `'latest'` (unreliable send types only): a message older than the newest one already seen from
   * that peer is dropped, so a handler never goes back in time. Default `'none'`.
   */
  ordering?: 'latest' | 'none';
  /** What one payload may cost to decode (default: the protocol's, else `DEFAULT_DECODE_LIMITS`). */
  limits?: DecodeLimits;
}

/** How a request is declared (everything but its payloads). Requests always travel reliably. */
export interface RequestOptions<F extends Direction = Direction> {
  /** Who may call it (the other side handles it). */
  from: F;
  /** Steam channel for the request and its response. */
  channel: number;
  /** `'reliable'` (default) or `'reliableWithBuffering'`. */
  send?: 'reliable' | 'reliableWithBuffering';
  /** Default timeout of a call, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** What the request and its response may each cost to decode (default: the protocol's). */
  limits?: DecodeLimits;
}

/** Options of {@link defineProtocol}. */
export interface ProtocolOptions {
  /** Decode limits of every entry that declares none (default `DEFAULT_DECODE_LIMITS`). */
  limits?: DecodeLimits;
}

/** Default request timeout when a declaration gives none. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A declared one-way message. `In` is what a sender passes, `Out` what a handler receives (they
 * differ only when a schema transforms), `F` who may send it.
 */
export interface MessageDef<In = unknown, Out = In, F extends Direction = Direction> {
  readonly kind: 'message';
  /** The validator, or `null` for a type-only payload. */
  readonly schema: StandardSchemaV1 | null;
  readonly from: F;
  readonly channel: number;
  readonly send: SendTypeName;
  readonly ordering: 'latest' | 'none';
  /** The decode limits as declared (unset: the protocol's). */
  readonly limits?: DecodeLimits;
  /** Type carrier only; never set at runtime. */
  readonly __types?: { readonly in: In; readonly out: Out };
}

/** A declared request/response pair. */
export interface RequestDef<
  ReqIn = unknown,
  ReqOut = ReqIn,
  ResIn = unknown,
  ResOut = ResIn,
  F extends Direction = Direction,
> {
  readonly kind: 'request';
  /** Validator of the request payload, or `null` when type-only. */
  readonly schema: StandardSchemaV1 | null;
  /** Validator of the response payload, or `null` when type-only. */
  readonly responseSchema: StandardSchemaV1 | null;
  readonly from: F;
  readonly channel: number;
  readonly send: 'reliable' | 'reliableWithBuffering';
  readonly timeoutMs: number;
  /** The decode limits as declared (unset: the protocol's). */
  readonly limits?: DecodeLimits;
  /** Type carrier only; never set at runtime. */
  readonly __types?: {
    readonly reqIn: ReqIn;
    readonly reqOut: ReqOut;
    readonly resIn: ResIn;
    readonly resOut: ResOut;
  };
}

/** Any message or request declaration. */
// biome-ignore lint/suspicious/noExplicitAny: the widest declaration; payload types are any on purpose.
export type AnyDefinition = MessageDef<any, any, Direction> | RequestDef<any, any, any, any, Direction>;

/** The object given to {@link defineProtocol}: names to declarations. */
export type ProtocolDefinitions = Record<string, AnyDefinition>;

const TYPE_ONLY = Symbol('steamwire.typeOnly');

/** A schema that accepts anything and types it as `T`: {@link typed}'s result. */
export interface TypeOnlySchema<T> extends StandardSchemaV1<T, T> {
  readonly [TYPE_ONLY]: true;
}

/**
 * A type-only payload: `message(typed<Input>(), { from: 'client', ... })`. Nothing is checked at
 * runtime beyond msgpack decoding; the declaration still infers its literal `from`, so the compiler
 * checks who sends it.
 */
export function typed<T>(): TypeOnlySchema<T> {
  return {
    [TYPE_ONLY]: true,
    '~standard': { version: 1, vendor: 'steamwire', validate: (value: unknown) => ({ value: value as T }) },
  };
}

function isSchema(value: unknown): value is StandardSchemaV1 {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const std = (value as { '~standard'?: { validate?: unknown } })['~standard'];
  return typeof std === 'object' && std !== null && typeof std.validate === 'function';
}

function schemaOrNull(value: StandardSchemaV1): StandardSchemaV1 | null {
  return (value as Partial<TypeOnlySchema<unknown>>)[TYPE_ONLY] === true ? null : value;
}

/**
 * Declares a one-way message: its payload (a Standard Schema such as zod, valibot or arktype,
 * validated on receipt, or {@link typed} for a type-only payload) and how it travels. The payload
 * type and the direction are inferred, so the compiler checks what each side sends. A payload type
 * holding what cannot travel (a function, a Map…; see `WireProblem`) does not compile.
 *
 * ```ts
 * input: message(typed<Input>(), { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
 * chat: message(z.object({ text: z.string().max(200) }), { from: 'any', channel: 0, send: 'reliable' }),
 * ```
 */
export function message<S extends StandardSchemaV1, const F extends Direction>(
  schema: S & WireChecked<StandardSchemaV1.InferInput<S>>,
  options: MessageOptions<F>,
): MessageDef<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>, F> {
  if (!isSchema(schema)) {
    throw new ProtocolDefinitionError(
      undefined,
      'message(schema, options): the first argument must be a Standard Schema, or typed<T>() for a type-only payload.',
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new ProtocolDefinitionError(
      undefined,
      'message(schema, options): options { from, channel, send } are required.',
    );
  }
  return Object.freeze({
    kind: 'message' as const,
    schema: schemaOrNull(schema),
    from: options.from,
    channel: options.channel,
    send: options.send,
    ordering: options.ordering ?? 'none',
    limits: options.limits,
  });
}

/**
 * Declares a request: the request and response payloads (Standard Schemas, or {@link typed} for
 * type-only ones) and how it travels. Both types and the direction are inferred.
 *
 * ```ts
 * buy: request(typed<BuyReq>(), typed<BuyRes>(), { from: 'client', channel: 0, timeoutMs: 5000 }),
 * ```
 */
export function request<Q extends StandardSchemaV1, R extends StandardSchemaV1, const F extends Direction>(
  requestSchema: Q & WireChecked<StandardSchemaV1.InferInput<Q>>,
  responseSchema: R & WireChecked<StandardSchemaV1.InferInput<R>>,
  options: RequestOptions<F>,
): RequestDef<
  StandardSchemaV1.InferInput<Q>,
  StandardSchemaV1.InferOutput<Q>,
  StandardSchemaV1.InferInput<R>,
  StandardSchemaV1.InferOutput<R>,
  F
> {
  if (!isSchema(requestSchema) || !isSchema(responseSchema)) {
    throw new ProtocolDefinitionError(
      undefined,
      'request(requestSchema, responseSchema, options): both schemas must be Standard Schemas, or typed<T>() for type-only payloads.',
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new ProtocolDefinitionError(
      undefined,
      'request(requestSchema, responseSchema, options): options { from, channel } are required.',
    );
  }
  return Object.freeze({
    kind: 'request' as const,
    schema: schemaOrNull(requestSchema),
    responseSchema: schemaOrNull(responseSchema),
    from: options.from,
    channel: options.channel,
    send: options.send ?? 'reliable',
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    limits: options.limits,
  });
}

/** Frame ids below this are the wire's own (responses); declared entries start here. */
export const FIRST_ENTRY_ID = 2;

/** One declaration with everything derived from it, as the wire and sessions use it. */
export interface ProtocolEntry {
  /** Declared name. */
  readonly name: string;
  /** Wire id: entries sorted by name get 2, 3, 4…; ids 0 and 1 are the ok and error responses. */
  readonly id: number;
  /** Index into {@link Protocol.entries} (`id - FIRST_ENTRY_ID`). */
  readonly index: number;
  readonly kind: 'message' | 'request';
  readonly from: Direction;
  readonly channel: number;
  /** Index of `channel` in {@link Protocol.channels}. */
  readonly channelIndex: number;
  readonly send: SendTypeName;
  /** Steam's send type number. */
  readonly sendType: P2PSend;
  readonly reliable: boolean;
  /** Latest-wins ordering (unreliable messages only). */
  readonly latest: boolean;
  readonly schema: StandardSchemaV1 | null;
  /** Response validator (requests only). */
  readonly responseSchema: StandardSchemaV1 | null;
  /** Default timeout (requests only; 0 for messages). */
  readonly timeoutMs: number;
  /** What one payload (a request's and its response's alike) may cost to decode. */
  readonly limits: Readonly<Required<DecodeLimits>>;
}

/** A defined protocol: the declarations plus derived ids, channels and fingerprint. */
export interface Protocol<D extends ProtocolDefinitions = ProtocolDefinitions> {
  /** The declarations as given. */
  readonly definitions: D;
  /** Entries sorted by name; `entries[i].id === i + FIRST_ENTRY_ID`. */
  readonly entries: readonly ProtocolEntry[];
  /** The distinct channels the protocol uses, ascending. */
  readonly channels: readonly number[];
  /**
   * A short hash of names, ids, kinds, channels, send types, directions and orderings. Two sides
   * with different fingerprints refuse to talk.
   */
  readonly fingerprint: string;
  /** The entry for `name`, or `undefined`. */
  entry(name: string): ProtocolEntry | undefined;
  /** Decode limits of entries that declare none (`defineProtocol`'s `limits`, over the defaults). */
  readonly limits: Readonly<Required<DecodeLimits>>;
}

const SEND_NAMES = new Set<string>(Object.keys(SEND_TYPES));
const DIRECTIONS = new Set<string>(['host', 'client', 'any']);
/** Upper bound on declarations; keeps ids (and the fingerprint string) small. */
const MAX_ENTRIES = 4096;
/** Largest channel number; Steam channels are C ints. */
const MAX_CHANNEL = 0x7fffffff;

function checkDefinition(name: string, def: AnyDefinition): void {
  const fail = (why: string) => {
    throw new ProtocolDefinitionError(name, `Protocol entry '${name}': ${why}.`);
  };
  if (def === null || typeof def !== 'object' || (def.kind !== 'message' && def.kind !== 'request')) {
    fail('declare it with message() or request()');
  }
  if (!DIRECTIONS.has(def.from))
    fail(`from must be 'host', 'client' or 'any', not ${JSON.stringify(def.from)}`);
  if (!Number.isInteger(def.channel) || def.channel < 0 || def.channel > MAX_CHANNEL) {
    fail(`channel must be an integer from 0 to ${MAX_CHANNEL}, not ${String(def.channel)}`);
  }
  if (!SEND_NAMES.has(def.send)) fail(`send must be one of ${[...SEND_NAMES].join(', ')}`);
  if (def.kind === 'message') {
    if (def.ordering !== 'latest' && def.ordering !== 'none') fail("ordering must be 'latest' or 'none'");
    if (def.ordering === 'latest' && (def.send === 'reliable' || def.send === 'reliableWithBuffering')) {
      fail("ordering 'latest' is for unreliable send types (reliable messages already arrive in order)");
    }
  } else {
    if (def.send !== 'reliable' && def.send !== 'reliableWithBuffering') {
      fail('a request travels reliably (send: reliable or reliableWithBuffering)');
    }
    if (!(def.timeoutMs > 0) || !(def.timeoutMs <= 0x7fffffff))
      fail('timeoutMs must be a number of milliseconds above 0, at most 2147483647');
  }
  checkDecodeLimits(def.limits, `Protocol entry '${name}'`, name);
}

/** 53-bit string hash (cyrb53): stable, fast, and plenty to tell protocols apart. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * Defines a protocol from named declarations. Validates every declaration, derives ids (sorted by
 * name, so both sides agree without exchanging a table) and the fingerprint.
 * @throws {@link ProtocolDefinitionError} for an invalid declaration.
 */
export function defineProtocol<const D extends ProtocolDefinitions>(
  definitions: D,
  options?: ProtocolOptions,
): Protocol<D> {
  if (definitions === null || typeof definitions !== 'object') {
    throw new ProtocolDefinitionError(
      undefined,
      'defineProtocol() takes an object of message()/request() declarations.',
    );
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ProtocolDefinitionError(
      undefined,
      'defineProtocol(definitions, options): options must be an object.',
    );
  }
  checkDecodeLimits(options?.limits, 'defineProtocol()', undefined);
  // Plain code-unit order (not localeCompare) so every machine derives the same ids.
  const names = Object.keys(definitions).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length > MAX_ENTRIES) {
    throw new ProtocolDefinitionError(undefined, `A protocol holds at most ${MAX_ENTRIES} entries.`);
  }
  for (const name of names) {
    if (name.length === 0) throw new ProtocolDefinitionError(name, 'Protocol entry names cannot be empty.');
    checkDefinition(name, definitions[name]!);
  }
  const channels = [...new Set(names.map((n) => definitions[n]!.channel))].sort((a, b) => a - b);
  const entries: ProtocolEntry[] = names.map((name, index) => {
    const def = definitions[name]!;
    const reliable = def.send === 'reliable' || def.send === 'reliableWithBuffering';
    return Object.freeze({
      name,
      id: index + FIRST_ENTRY_ID,
      index,
      kind: def.kind,
      from: def.from,
      channel: def.channel,
      channelIndex: channels.indexOf(def.channel),
      send: def.send,
      sendType: SEND_TYPES[def.send],
      reliable,
      latest: def.kind === 'message' && def.ordering === 'latest',
      schema: def.schema,
      responseSchema: def.kind === 'request' ? def.responseSchema : null,
      timeoutMs: def.kind === 'request' ? def.timeoutMs : 0,
      limits: resolveDecodeLimits(def.limits, options?.limits),
    });
  });
  const canonical = entries
    .map((e) => `${e.id}:${e.name}:${e.kind}:${e.channel}:${e.send}:${e.from}:${e.latest ? 'latest' : ''}`)
    .join(';');
  const byName = new Map(entries.map((e) => [e.name, e]));
  return Object.freeze({
    definitions,
    entries: Object.freeze(entries),
    channels: Object.freeze(channels),
    fingerprint: hash53(`steamwire-rpc/1;${canonical}`),
    entry: (name: string) => byName.get(name),
    limits: resolveDecodeLimits(undefined, options?.limits),
  });
}
