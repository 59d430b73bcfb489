/**
 * `@steamwire/rpc/testing`: a whole match in one call for your game's tests. {@link createTestMatch}
 * builds a `FakeSteamNetwork` (from `@steamwire/testkit`, an optional peer dependency needed only by
 * this entry), a host and connected clients, all updating themselves on the network's virtual clock;
 * `net.run(promise)` then awaits anything that needs time to pass, and `net.advance(ms)` plays time.
 *
 * ```ts
 * const match = await createTestMatch({ protocol, clients: 2, conditions: { latencyMs: 40 } });
 * const answer = await match.net.run(match.clients[0]!.call('move', { cell: 4 }));
 * match.dispose();
 * ```
 * @packageDocumentation
 */
import {
  type FakePeer,
  FakeSteamNetwork,
  type FakeSteamNetworkOptions,
  type LinkConditions,
} from '@steamwire/testkit';
import { type Client, type ConnectOptions, connectToHost } from './client.js';
import { RpcArgumentError } from './errors.js';
import { createHost, type Host, type HostOptions } from './host.js';
import type { Protocol } from './protocol.js';

/** How often a match's host and clients update themselves on the virtual clock, unless told otherwise. */
export const TEST_MATCH_TICK_MS = 16;

/** What {@link createTestMatch} passes to `createHost`: everything but the network and the protocol. */
export type TestHostOptions<P extends Protocol> = Partial<Omit<HostOptions<P>, 'network' | 'protocol'>>;

/**
 * What {@link createTestMatch} passes to `connectToHost` for a client: everything but the network,
 * the protocol and the host. `setup` runs for every client.
 */
export type TestClientOptions<P extends Protocol> = Partial<
  Omit<ConnectOptions<P>, 'network' | 'protocol' | 'host'>
>;

/** Options of {@link createTestMatch}. */
export interface TestMatchOptions<P extends Protocol, N extends number = number> {
  /** The protocol every side speaks. */
  protocol: P;
  /** How many clients connect before the match is returned, in order (default 1; 0 for none). */
  clients?: N;
  /** Link conditions of the whole network (latency, jitter, loss…); default: 5 ms, no loss. */
  conditions?: Partial<LinkConditions>;
  /** Seed of the network's RNG, so a run can be replayed (default 1). */
  seed?: number;
  /** More options of the network (e.g. `backend: 'messages'`). `seed` and `conditions` win over these. */
  network?: Omit<FakeSteamNetworkOptions, 'seed' | 'conditions' | 'realTime' | 'clock'>;
  /** Options of the host (`tickMs` defaults to {@link TEST_MATCH_TICK_MS}). */
  host?: TestHostOptions<P>;
  /**
   * Options of each client (`tickMs` defaults to {@link TEST_MATCH_TICK_MS}), or a function of the
   * client's index (0, 1, …) giving them, e.g. `(i) => ({ auth: { name: names[i] } })`.
   */
  client?: TestClientOptions<P> | ((index: number) => TestClientOptions<P>);
  /** Virtual time each client may take to connect (default: `net.run`'s one minute). */
  connectLimitMs?: number;
}

/**
 * `N` clients as a tuple when `N` is a literal count (so `const [ada, bob] = match.clients` needs no
 * `!`), an array otherwise. `T` is the tuple being built.
 */
export type TestClients<P extends Protocol, N extends number, T extends Client<P>[] = []> = number extends N
  ? Client<P>[]
  : T['length'] extends N
    ? T
    : T['length'] extends 64
      ? Client<P>[]
      : TestClients<P, N, [...T, Client<P>]>;

/** A host and its clients on one fake network: see {@link createTestMatch}. */
export interface TestMatch<P extends Protocol, N extends number = number> {
  /** The network: `net.run(promise)`, `net.advance(ms)`, `net.setOnline(id, false)`, conditions… */
  readonly net: FakeSteamNetwork;
  /** The host, updating itself every `tickMs` of the network's clock. */
  readonly host: Host<P>;
  /** The host's fake Steam peer. */
  readonly hostPeer: FakePeer;
  /**
   * The connected clients, in the order they joined. Late joiners ({@link TestMatch.connect}) are
   * appended, past the tuple's type.
   */
  readonly clients: TestClients<P, N>;
  /**
   * Connects one more client on a new peer (a late joiner) with the match's client options merged
   * with `options`, and adds it to {@link TestMatch.clients}. Rejects as `connectToHost` does.
   */
  connect(options?: TestClientOptions<P>): Promise<Client<P>>;
  /** Closes every client and the host, then disposes of the network. Safe to call twice. */
  dispose(): void;
}

function clientCount(value: number | undefined): number {
  const n = value ?? 1;
  if (!Number.isInteger(n) || n < 0) {
    throw new RpcArgumentError('clients', `clients must be an integer ≥ 0, not ${String(value)}.`);
  }
  return n;
}

/**
 * A host and `clients` connected clients on a new `FakeSteamNetwork`, ready to play: every side
 * updates itself every `tickMs` (16 ms) of the network's virtual clock, so a test only lets time
 * pass. Clients connect one after the other, so `clients[i]` joined i-th. Await anything that needs
 * time with `net.run(promise)`.
 *
 * ```ts
 * const { net, host, clients: [ada], dispose } = await createTestMatch({ protocol, clients: 1 });
 * host.handle('move', (req) => ({ ok: req.cell === 4 }));
 * expect(await net.run(ada!.call('move', { cell: 4 }))).toEqual({ ok: true });
 * dispose();
 * ```
 * @throws (rejects with) `RpcArgumentError` for a bad option, or what `createHost` / `connectToHost`
 *   throw; the network is disposed of first.
 */
export async function createTestMatch<P extends Protocol, const N extends number = 1>(
  options: TestMatchOptions<P, N>,
): Promise<TestMatch<P, N>> {
  const count = clientCount(options.clients);
  const net = new FakeSteamNetwork({
    ...options.network,
    seed: options.seed ?? 1,
    conditions: options.conditions ?? {},
  });
  try {
    const hostPeer = net.createPeer();
    const host = createHost<P>({
      tickMs: TEST_MATCH_TICK_MS,
      ...options.host,
      network: hostPeer,
      protocol: options.protocol,
    });
    const clients: Client<P>[] = [];
    const optionsFor = (index: number): TestClientOptions<P> => {
      const given = options.client;
      return (typeof given === 'function' ? given(index) : given) ?? {};
    };
    const connect = async (extra?: TestClientOptions<P>): Promise<Client<P>> => {
      const client = await net.run(
        connectToHost<P>({
          tickMs: TEST_MATCH_TICK_MS,
          ...optionsFor(clients.length),
          ...extra,
          network: net.createPeer(),
          protocol: options.protocol,
          host: hostPeer.localSteamId,
        }),
        { limitMs: options.connectLimitMs },
      );
      clients.push(client);
      return client;
    };
    for (let i = 0; i < count; i++) await connect();
    let disposed = false;
    return {
      net,
      host,
      hostPeer,
      clients: clients as TestClients<P, N>,
      connect,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        for (const client of clients) client.disconnect();
        host.close();
        net.dispose();
      },
    };
  } catch (error) {
    net.dispose();
    throw error;
  }
}
