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
 * 4. The methods of Host and Client take a name `N` checked by the `…Name` types at the end: a
 *    valid name checks as itself, anything else as a sentence saying what is wrong, which is what the
 *    compiler prints (`'move' is sent by the client; the host cannot broadcast it`). Payloads and
 *    handlers are looked up in mapped types over the valid names (`MessageInputs`,
 *    `RequestHandlers`…), never computed from `N` by a conditional type: TypeScript then checks a
 *    handler's `{ ok: false }` against the declared response instead of widening it to `boolean`.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
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

/** What side `S` passes to send each message it may send. */
export type MessageInputs<P, S extends Side> = {
  [N in SendableMessages<P, S>]: InferMessageInput<P, N>;
};

/** A handler of each message side `S` receives. */
export type MessageHandlers<P, S extends Side> = {
  [N in ReceivableMessages<P, S>]: (message: InferMessage<P, N>, peer: SteamId) => void;
};

/** What side `S` passes to call each request it may call. */
export type RequestInputs<P, S extends Side> = {
  [N in CallableRequests<P, S>]: InferRequestInput<P, N>;
};

/** What each call of side `S` resolves to. */
export type Responses<P, S extends Side> = {
  [N in CallableRequests<P, S>]: InferResponse<P, N>;
};

/** A handler of each request side `S` answers: it returns (or resolves to) the response. */
export type RequestHandlers<P, S extends Side> = {
  [N in HandledRequests<P, S>]: (
    request: InferRequest<P, N>,
    peer: SteamId,
  ) => InferResponseInput<P, N> | Promise<InferResponseInput<P, N>>;
};

/**
 * `N` when side `S` may send message `N` (with `Verb`: `send`, `sendTo`, `broadcast`); otherwise a
 * sentence saying why not, which the compiler prints as the parameter's type.
 */
export type SendableName<P, S extends Side, N, Verb extends string> =
  N extends SendableMessages<P, S>
    ? N
    : N extends MessageNames<P>
      ? `'${N}' is sent by the ${FromOf<P, N>}; the ${S} cannot ${Verb} it`
      : N extends RequestNames<P>
        ? `'${N}' is a request: use call('${N}', …)`
        : `'${N & string}' is not a message of this protocol`;

/** `N` when side `S` may call request `N`; otherwise why not. */
export type CallableName<P, S extends Side, N> =
  N extends CallableRequests<P, S>
    ? N
    : N extends RequestNames<P>
      ? `'${N}' is called by the ${FromOf<P, N>}; the ${S} answers it with handle('${N}', …)`
      : N extends MessageNames<P>
        ? `'${N}' is a message: use ${S extends 'host' ? 'sendTo or broadcast' : 'send'}('${N}', …)`
        : `'${N & string}' is not a request of this protocol`;

/** `N` when side `S` receives message `N` (`on`, `off`); otherwise why not. */
export type ReceivableName<P, S extends Side, N> =
  N extends ReceivableMessages<P, S>
    ? N
    : N extends MessageNames<P>
      ? `'${N}' is sent by the ${S}; the ${S} never receives it`
      : N extends HandledRequests<P, S>
        ? `'${N}' is a request: answer it with handle('${N}', …)`
        : N extends RequestNames<P>
          ? `'${N}' is a request the ${S} calls: use call('${N}', …)`
          : `'${N & string}' is not a message of this protocol`;

/** `N` when side `S` answers request `N` (`handle`); otherwise why not. */
export type HandledName<P, S extends Side, N> =
  N extends HandledRequests<P, S>
    ? N
    : N extends RequestNames<P>
      ? `'${N}' is called by the ${S}; the ${OtherSide<S>} answers it, not the ${S}`
      : N extends MessageNames<P>
        ? `'${N}' is a message: listen with on('${N}', …)`
        : `'${N & string}' is not a request of this protocol`;

/** Any protocol, for generic constraints. */
export type AnyProtocol = Protocol<ProtocolDefinitions>;

/** Re-exported for users writing their own helpers over declarations. */
export type { AnyDefinition };
