import type { P2PNetworking } from '@steamwire/transport-steam';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type CallableRequests,
  type Client,
  connectToHost,
  defineProtocol,
  type Host,
  type InferMessage,
  type InferRequest,
  type InferResponse,
  message,
  type ReceivableMessages,
  request,
  type SendableMessages,
  typed,
  type WireProblem,
} from '../src/index.js';
import { createTestMatch } from '../src/testing.js';

interface Input {
  seq: number;
  dx: number;
}
interface BuyReq {
  item: string;
}
interface BuyRes {
  ok: boolean;
  gold: number;
}

type Respawn = { ok: true; x: number } | { ok: false; reason: 'alive' | 'too-soon' };
type Line = { kind: 'system'; text: string } | { kind: 'player'; from: string; text: string };

const zodSnapshot = z.object({ tick: z.number(), ids: z.array(z.string()) });
const valibotChat = v.object({ text: v.pipe(v.string(), v.maxLength(200)) });
const zodTransform = z.object({ at: z.string().transform((s) => s.length) });

const protocol = defineProtocol({
  input: message(typed<Input>(), { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  move: message(typed<Input>(), { from: 'client', channel: 1, send: 'unreliable' }),
  snapshot: message(zodSnapshot, { from: 'host', channel: 2, send: 'unreliable', ordering: 'latest' }),
  chat: message(valibotChat, { from: 'any', channel: 0, send: 'reliable' }),
  stamp: message(zodTransform, { from: 'client', channel: 0, send: 'reliable' }),
  buy: request(typed<BuyReq>(), typed<BuyRes>(), { from: 'client', channel: 0, timeoutMs: 5000 }),
  respawn: request(typed<{ now: boolean }>(), typed<Respawn>(), { from: 'client', channel: 0 }),
  line: message(typed<Line>(), { from: 'any', channel: 0, send: 'reliable' }),
  rename: request(v.object({ name: v.string() }), z.object({ ok: z.boolean() }), {
    from: 'client',
    channel: 0,
  }),
  ping: request(typed<{ t: number }>(), typed<{ t: number }>(), { from: 'host', channel: 0 }),
});
type P = typeof protocol;

describe('inference', () => {
  it('from type-only generics', () => {
    expectTypeOf<InferMessage<P, 'input'>>().toEqualTypeOf<Input>();
    expectTypeOf<InferMessage<P, 'move'>>().toEqualTypeOf<Input>();
    expectTypeOf<InferRequest<P, 'buy'>>().toEqualTypeOf<BuyReq>();
    expectTypeOf<InferResponse<P, 'buy'>>().toEqualTypeOf<BuyRes>();
  });

  it('from zod and valibot schemas (output type for handlers)', () => {
    expectTypeOf<InferMessage<P, 'snapshot'>>().toEqualTypeOf<{ tick: number; ids: string[] }>();
    expectTypeOf<InferMessage<P, 'chat'>>().toEqualTypeOf<{ text: string }>();
    expectTypeOf<InferMessage<P, 'stamp'>>().toEqualTypeOf<{ at: number }>();
    expectTypeOf<InferRequest<P, 'rename'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<InferResponse<P, 'rename'>>().toEqualTypeOf<{ ok: boolean }>();
  });

  it('directions: what each side may send and receive', () => {
    expectTypeOf<SendableMessages<P, 'host'>>().toEqualTypeOf<'snapshot' | 'chat' | 'line'>();
    expectTypeOf<SendableMessages<P, 'client'>>().toEqualTypeOf<
      'input' | 'move' | 'chat' | 'stamp' | 'line'
    >();
    expectTypeOf<ReceivableMessages<P, 'client'>>().toEqualTypeOf<'snapshot' | 'chat' | 'line'>();
    expectTypeOf<CallableRequests<P, 'client'>>().toEqualTypeOf<'buy' | 'rename' | 'respawn'>();
    expectTypeOf<CallableRequests<P, 'host'>>().toEqualTypeOf<'ping'>();
  });

  it('in handlers and calls', () => {
    const host = {} as Host<P>;
    const client = {} as Client<P>;
    host.on('move', (msg, peer) => {
      expectTypeOf(msg).toEqualTypeOf<Input>();
      expectTypeOf(peer).toEqualTypeOf<bigint>();
    });
    host.on('stamp', (msg) => expectTypeOf(msg.at).toBeNumber());
    client.on('snapshot', (msg) => expectTypeOf(msg.ids).toEqualTypeOf<string[]>());
    host.handle('buy', async (req) => {
      expectTypeOf(req).toEqualTypeOf<BuyReq>();
      return { ok: true, gold: 1 };
    });
    expectTypeOf(client.call('buy', { item: 'x' })).toEqualTypeOf<Promise<BuyRes>>();
    expectTypeOf(host.call(1n, 'ping', { t: 1 })).toEqualTypeOf<Promise<{ t: number }>>();
    client.send('stamp', { at: 'input type of the transform' });
  });

  it('literal types in handler results and payloads are checked against the declaration, not widened', () => {
    const host = {} as Host<P>;
    const client = {} as Client<P>;
    host.handle('respawn', (req) => {
      if (req.now) return { ok: false, reason: 'too-soon' };
      return { ok: true, x: 1 };
    });
    host.handle('respawn', async (req) => {
      if (req.now) return { ok: false, reason: 'alive' };
      return { ok: true, x: 2 };
    });
    // @ts-expect-error 'later' is not a reason the response declares
    host.handle('respawn', () => ({ ok: false, reason: 'later' }));
    client.send('line', { kind: 'player', from: 'Ada', text: 'hi' });
    host.broadcast('line', { kind: 'system', text: 'Ada joined' });
    expectTypeOf(client.call('respawn', { now: true })).toEqualTypeOf<Promise<Respawn>>();
  });

  it('createTestMatch gives a tuple of clients for a literal count, an array otherwise', async () => {
    const two = await createTestMatch({ protocol, clients: 2 });
    expectTypeOf(two.clients).toEqualTypeOf<[Client<P>, Client<P>]>();
    const some = await createTestMatch({ protocol, clients: 2 as number });
    expectTypeOf(some.clients).toEqualTypeOf<Client<P>[]>();
    const one = await createTestMatch({ protocol });
    expectTypeOf(one.clients).toEqualTypeOf<[Client<P>]>();
  });

  it('connectToHost’s setup gets the typed client', () => {
    void connectToHost({
      network: {} as P2PNetworking,
      protocol,
      host: 1n,
      setup: (c) => {
        expectTypeOf(c).toEqualTypeOf<Client<P>>();
        c.on('snapshot', (snap) => expectTypeOf(snap.tick).toBeNumber());
      },
    });
  });
});

describe('compile errors', () => {
  it('for wrong names, directions and payloads', () => {
    const host = {} as Host<P>;
    const client = {} as Client<P>;
    // @ts-expect-error unknown message name
    client.send('teleport', {});
    // @ts-expect-error snapshot is host-only
    client.send('snapshot', { tick: 1, ids: [] });
    // @ts-expect-error move is client-only (declared with typed<>(), so the direction is known)
    host.broadcast('move', { seq: 1, dx: 1 });
    // @ts-expect-error wrong payload type
    client.send('chat', { text: 42 });
    // @ts-expect-error missing field
    client.send('move', { seq: 1 });
    // @ts-expect-error a request is not a message
    client.send('buy', { item: 'x' });
    // @ts-expect-error wrong request payload
    void client.call('buy', { item: 1 });
    // @ts-expect-error the client cannot call a host-only request
    void client.call('ping', { t: 1 });
    // @ts-expect-error the host does not receive snapshot
    host.on('snapshot', () => {});
    // @ts-expect-error a handler must return the response type
    host.handle('buy', () => ({ ok: 'yes' }));
    // @ts-expect-error the client does not answer a request the client calls
    client.handle('buy', () => ({ ok: true, gold: 1 }));
    // @ts-expect-error the host cannot call a client-only request
    void host.call(1n, 'buy', { item: 'x' });
    // @ts-expect-error a message is not a request
    host.handle('input', () => {});
  });

  it('without the message<T>(options) shorthand, whose direction the compiler could not check', () => {
    // @ts-expect-error declare a type-only payload with message(typed<T>(), options)
    message<Input>({ from: 'client', channel: 1, send: 'unreliable' });
    // @ts-expect-error declare type-only payloads with request(typed<Req>(), typed<Res>(), options)
    request<BuyReq, BuyRes>({ from: 'client', channel: 0 });
  });
});

describe('payload types that would not arrive as themselves do not compile', () => {
  const options = { from: 'client', channel: 0, send: 'reliable' } as const;
  interface Tree {
    value: number;
    children: Tree[];
  }
  class Vec {
    x = 0;
    length() {
      return this.x;
    }
  }

  it('refuses functions, Maps, Sets, other binary, undefined in arrays, Buffers, methods', () => {
    // @ts-expect-error a function cannot travel
    message(typed<{ onHit: () => void }>(), options);
    // @ts-expect-error a Map arrives as a plain object
    message(typed<{ scores: Map<string, number> }>(), options);
    // @ts-expect-error a Set
    message(typed<{ seen: Set<number> }>(), options);
    // @ts-expect-error binary data other than a Uint8Array
    message(typed<{ samples: Float32Array }>(), options);
    // @ts-expect-error undefined inside an array
    message(typed<(number | undefined)[]>(), options);
    // @ts-expect-error a Buffer arrives as a plain Uint8Array
    message(typed<{ raw: Buffer }>(), options);
    // @ts-expect-error a class with methods: the methods stay behind
    message(typed<{ at: Vec }>(), options);
    // @ts-expect-error undefined as the whole payload
    message(typed<undefined>(), options);
    // @ts-expect-error a schema whose input is a Map
    message(z.object({ scores: z.map(z.string(), z.number()) }), options);
    // @ts-expect-error a response holding a function
    request(typed<{ q: string }>(), typed<{ answer: () => string }>(), { from: 'client', channel: 0 });
  });

  it('takes everything that travels, optional properties, recursion and unknown', () => {
    message(
      typed<{
        id: bigint;
        at: Date;
        bytes: Uint8Array;
        nick?: string;
        tree: Tree;
        extra: unknown;
        n: null;
      }>(),
      options,
    );
    message(typed<readonly [number, string]>(), options);
    message(typed<Record<string, number[]>>(), options);
    message(z.object({ at: z.date(), id: z.bigint() }), options);
    expectTypeOf<WireProblem<Input>>().toBeNever();
    expectTypeOf<WireProblem<{ onHit: () => void; hp: number }>>().toEqualTypeOf<{
      onHit: 'cannot travel: a function';
    }>();
    expectTypeOf<WireProblem<{ list: { f: () => void }[] }>>().toEqualTypeOf<{
      list: { f: 'cannot travel: a function' }[];
    }>();
  });
});
