// Shared setup for the session tests: a protocol covering every send type, and a host with N clients
// on a FakeSteamNetwork driven by its virtual clock.

import type { LinkConditions } from '@steamwire/testkit';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { z } from 'zod';
import {
  type Client,
  type ConnectOptions,
  connectToHost,
  createHost,
  defineProtocol,
  type Host,
  type HostOptions,
  message,
  request,
  typed,
} from '../src/index.js';

export interface Input {
  seq: number;
  dx: number;
  dy: number;
}

export const chatSchema = z.object({ text: z.string().max(200) });

export const protocol = defineProtocol({
  input: message(typed<Input>(), { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  pos: message(typed<{ seq: number }>(), {
    from: 'host',
    channel: 2,
    send: 'unreliable',
    ordering: 'latest',
  }),
  tick: message(typed<{ n: number }>(), { from: 'host', channel: 2, send: 'unreliable' }),
  chat: message(chatSchema, { from: 'any', channel: 0, send: 'reliable' }),
  log: message(typed<{ n: number }>(), { from: 'any', channel: 3, send: 'reliableWithBuffering' }),
  blob: message(typed<{ data: Uint8Array }>(), { from: 'any', channel: 4, send: 'reliable' }),
  bigUnreliable: message(typed<{ data: Uint8Array }>(), { from: 'any', channel: 5, send: 'unreliable' }),
  buy: request(z.object({ item: z.string() }), z.object({ ok: z.boolean(), gold: z.number() }), {
    from: 'client',
    channel: 0,
    timeoutMs: 2000,
  }),
  ask: request(typed<{ q: string }>(), typed<{ a: string }>(), { from: 'host', channel: 0 }),
});

export type TestProtocol = typeof protocol;

export interface World {
  net: FakeSteamNetwork;
  host: Host<TestProtocol>;
  clients: Client<TestProtocol>[];
}

/** A host plus `n` connected clients, all auto-updating every 10 ms on the virtual clock. */
export async function world(
  n: number,
  options: {
    conditions?: Partial<LinkConditions>;
    host?: Partial<HostOptions<TestProtocol>>;
    client?: Partial<ConnectOptions<TestProtocol>>;
    seed?: number;
  } = {},
): Promise<World> {
  const net = new FakeSteamNetwork({ seed: options.seed ?? 1, conditions: options.conditions ?? {} });
  const hostPeer = net.createPeer();
  const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10, ...options.host });
  const pending = Array.from({ length: n }, () =>
    connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      tickMs: 10,
      ...options.client,
    }),
  );
  let clients: Client<TestProtocol>[] = [];
  const all = Promise.all(pending).then((c) => {
    clients = c;
  });
  await net.runUntil(() => clients.length === n, { timeoutMs: 30_000 });
  await all;
  return { net, host, clients };
}

/** Collects what a handler receives. */
export function collector<T>(): { items: T[]; push: (item: T) => void } {
  const items: T[] = [];
  return { items, push: (item: T) => items.push(item) };
}

/** Control channel default, as the wire uses it. */
export const CONTROL = 0x7fff;

/** A varint, as the wire writes it. */
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A HELLO control packet with `fingerprint`. */
export function helloBytes(fingerprint: string): Uint8Array {
  const fp = new TextEncoder().encode(fingerprint);
  return Uint8Array.from([0x10, 1, ...varint(fp.length), ...fp]);
}

/** A reliable data packet of explicit-length frames `[id, body]`. */
export function reliablePacket(...frames: [number, number[]][]): Uint8Array {
  const bytes: number[] = [0x00];
  for (const [id, body] of frames) bytes.push(...varint(id * 2 + 1), ...varint(body.length), ...body);
  return Uint8Array.from(bytes);
}

/** An unreliable data packet with sequence `seq`. */
export function unreliablePacket(seq: number, ...frames: [number, number[]][]): Uint8Array {
  const bytes: number[] = [0x80 | ((seq >> 8) & 0x7f), seq & 0xff];
  for (const [id, body] of frames) bytes.push(...varint(id * 2 + 1), ...varint(body.length), ...body);
  return Uint8Array.from(bytes);
}

/** The wire id of `name` in `protocol` (entries sorted by name, from 2). */
export function idOf(name: string): number {
  return protocol.entry(name)!.id;
}
