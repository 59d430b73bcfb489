/**
 * All of rpc's type machinery, in one place. Everything is derived from `typeof protocol`:
 * no code generation, no second declaration.
 *
 * How it works, in three steps:
 * 1. `message()` / `request()` return a `MessageDef` / `RequestDef` whose phantom `__types` field
 *    carries the payload types (what a sender passes = `in`, what a handler receives = `out`), and
 *    whose `from` field keeps its literal type (`'host' | 'client' | 'any'`).
 * 2. `defineProtocol()` keeps the object's exact shape in `Protocol<D>` (a `const` type parameter).
 * 3. The helpers below index `D` by name and filter names by kind and direction, so that
 *    `host.on('input', (msg) => …)` types `msg`, and `client.send('snapshot', …)` fails to compile
 *    when only the host may send `snapshot`.
 * @packageDocumentation
 */
import type {
  AnyDefinition,
  Direction,
  MessageDef,
  Protocol,
  ProtocolDefinitions,
  RequestDef,
} from './protocol.js';

/** The declarations object of a protocol type. */
export type DefinitionsOf<P> = P extends Protocol<infer D> ? D : never;

/** Which side an endpoint plays. */
export type Side = 'host' | 'client';
/** The side opposite to `S`. */
export type OtherSide<S extends Side> = S extends 'host' ? 'client' : 'host';

/**
 * True when a declaration with direction `F` may be sent by side `S`. A wide `Direction` (a type-only
 * declaration whose literal could not be inferred) counts as sendable by both.
 */
export type MaySend<F extends Direction, S extends Side> = S extends F
  ? true
  : 'any' extends F
    ? true
    : false;

/** Names of one-way messages in `P`. */
export type MessageNames<P> = {
  [K in keyof DefinitionsOf<P>]: DefinitionsOf<P>[K] extends MessageDef<unknown, unknown, Direction>
    ? K
    : never;
}[keyof DefinitionsOf<P>] &
  string;

/** Names of requests in `P`. */
export type RequestNames<P> = {
  [K in keyof DefinitionsOf<P>]: DefinitionsOf<P>[K] extends RequestDef<
    unknown,
    unknown,
    unknown,
    unknown,
    Direction
  >
    ? K
    : never;
}[keyof DefinitionsOf<P>] &
  string;

/** The `from` of entry `N` in `P`. */
export type FromOf<P, N extends keyof DefinitionsOf<P>> = DefinitionsOf<P>[N] extends {
  from: infer F extends Direction;
}
  ? F
  : never;

/** Messages side `S` may send. */
export type SendableMessages<P, S extends Side> = {
  [N in MessageNames<P>]: MaySend<FromOf<P, N>, S> extends true ? N : never;
}[MessageNames<P>];

/** Messages side `S` may receive (and register handlers for): those the other side may send. */
export type ReceivableMessages<P, S extends Side> = SendableMessages<P, OtherSide<S>>;

/** Requests side `S` may call. */
export type CallableRequests<P, S extends Side> = {
  [N in RequestNames<P>]: MaySend<FromOf<P, N>, S> extends true ? N : never;
}[RequestNames<P>];

/** Requests side `S` answers (registers handlers for): those the other side may call. */
export type HandledRequests<P, S extends Side> = CallableRequests<P, OtherSide<S>>;

/** The payload a handler of message `N` receives (a schema's output type). */
export type InferMessage<P, N extends MessageNames<P>> =
  DefinitionsOf<P>[N] extends MessageDef<unknown, infer Out, Direction> ? Out : never;

/** The payload a sender of message `N` passes (a schema's input type). */
export type InferMessageInput<P, N extends MessageNames<P>> =
  DefinitionsOf<P>[N] extends MessageDef<infer In, unknown, Direction> ? In : never;

/** The request payload a handler of request `N` receives. */
export type InferRequest<P, N extends RequestNames<P>> =
  DefinitionsOf<P>[N] extends RequestDef<unknown, infer ReqOut, unknown, unknown, Direction> ? ReqOut : never;

/** The request payload a caller of request `N` passes. */
export type InferRequestInput<P, N extends RequestNames<P>> =
  DefinitionsOf<P>[N] extends RequestDef<infer ReqIn, unknown, unknown, unknown, Direction> ? ReqIn : never;

/** What `call(N, …)` resolves to (the response schema's output type). */
export type InferResponse<P, N extends RequestNames<P>> =
  DefinitionsOf<P>[N] extends RequestDef<unknown, unknown, unknown, infer ResOut, Direction> ? ResOut : never;

/** What a handler of request `N` returns (the response schema's input type). */
export type InferResponseInput<P, N extends RequestNames<P>> =
  DefinitionsOf<P>[N] extends RequestDef<unknown, unknown, infer ResIn, unknown, Direction> ? ResIn : never;

/** Any protocol, for generic constraints. */
export type AnyProtocol = Protocol<ProtocolDefinitions>;

/** Re-exported for users writing their own helpers over declarations. */
export type { AnyDefinition };
