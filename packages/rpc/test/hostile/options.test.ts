// Class 7, options that switch defences off: every option of a host, a client, a call and a kick is
// checked at construction against hostile values, and refused with a typed error naming it and its
// range. (Per-entry decode limits are checked by defineProtocol: see cost.test.ts.)
import { FakeSteamNetwork } from '@steamwire/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { connectToHost, createHost, type Host, RpcArgumentError } from '../../src/index.js';
import { protocol, type TestProtocol } from '../helpers.js';

/** What an attacker (or a typo) passes where a number, function or object is due. */
const HOSTILE: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -5,
  0,
  0.5,
  '100',
  {},
  [],
  null,
  true,
  () => 1,
  2 ** 31,
  2 ** 53,
  1e300,
];

const net = new FakeSteamNetwork({ seed: 51 });
const hostPeer = net.createPeer();
const hosts: Host<TestProtocol>[] = [];
afterAll(() => {
  for (const h of hosts) h.close();
  net.dispose();
});

/** Option name (dotted for a rate limit), and the values of HOSTILE (or others) that are fine. */
type Case = readonly [string, readonly unknown[]];

const fn = () => false;
const ENDPOINT: readonly Case[] = [
  ['tickMs', [1, 16, 2 ** 31 - 1]],
  ['controlChannel', [9, 0x7fffffff]],
  ['maxMessageBytes', [1, 4096]],
  ['workPerUpdate', [0.5, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 53, 1e300, 10]],
  ['heartbeatIntervalMs', [1, 500]],
  ['heartbeatTimeoutMs', [2000, 2 ** 31 - 1]],
  ['maxPendingRequests', [1, 1000]],
  ['maxConcurrentRequests', [1, 1000]],
  ['lingerMs', [0, 10]],
  ['violationPolicy', [fn]],
  ['clock', [net.clock]],
  ['rateLimits', [false, {}]],
  ['rateLimits.messagesPerSecond', [0.5, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 53, 1e300]],
  ['rateLimits.bytesPerSecond', [0.5, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 53, 1e300]],
  ['rateLimits.controlPacketsPerSecond', [0.5, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 53, 1e300]],
  ['rateLimits.burstSeconds', [0.5, 2]],
];
const HOST: readonly Case[] = [
  ...ENDPOINT,
  ['acceptPeer', [fn]],
  ['authenticate', [fn]],
  ['maxPeers', [1, 64]],
  ['maxPendingPeers', [1, 500]],
  ['handshakeTimeoutMs', [1, 0.5 + 1, 2 ** 31 - 1]],
  ['kickCooldownMs', [0, 0.5, 2 ** 31 - 1]],
  ['enforcementMemoryMs', [0, 0.5, 2 ** 31 - 1]],
  ['maxJoinsPerMinute', [1, 60]],
];
const CLIENT: readonly Case[] = [
  ...ENDPOINT,
  ['timeoutMs', [0.5, 1000, 2 ** 31 - 1]],
  ['signal', [new AbortController().signal]],
];

/** `{ [name]: value }`, nesting `rateLimits.x`. */
function option(name: string, value: unknown): Record<string, unknown> {
  const [outer, inner] = name.split('.') as [string, string | undefined];
  return inner === undefined ? { [outer]: value } : { [outer]: { [inner]: value } };
}

/** Whether `value` is fine for option `name`: listed, or of the kind a few options take whole. */
function isValid(name: string, value: unknown, valid: readonly unknown[]): boolean {
  if (valid.some((v) => Object.is(v, value))) return true;
  if (['violationPolicy', 'acceptPeer', 'authenticate'].includes(name)) return typeof value === 'function';
  if (name === 'rateLimits') return value !== null && typeof value === 'object' && !Array.isArray(value);
  return false;
}

function expectRefused(error: unknown, name: string): void {
  expect(error, name).toBeInstanceOf(RpcArgumentError);
  expect((error as RpcArgumentError).argument).toBe(name);
  expect((error as Error).message).toContain(name);
}

describe('every option is checked at construction, with hostile values', () => {
  it.each(HOST.map(([name, valid]) => [name, valid] as const))('createHost({ %s })', (name, valid) => {
    for (const value of [...HOSTILE, ...valid]) {
      let thrown: unknown;
      try {
        createHost({ network: hostPeer, protocol, clock: net.clock, ...option(name, value) }).close();
      } catch (error) {
        thrown = error;
      }
      if (isValid(name, value, valid)) expect(thrown, `${name} = ${String(value)}`).toBeUndefined();
      else expectRefused(thrown, name);
    }
  });

  it.each(CLIENT.map(([name, valid]) => [name, valid] as const))(
    'connectToHost({ %s })',
    async (name, valid) => {
      for (const value of HOSTILE) {
        if (isValid(name, value, valid)) continue;
        const error = await connectToHost({
          network: net.createPeer(),
          protocol,
          host: hostPeer.localSteamId,
          clock: net.clock,
          ...option(name, value),
        }).then(
          (c) => {
            c.disconnect();
            return undefined;
          },
          (e: unknown) => e,
        );
        expectRefused(error, name);
      }
    },
  );

  it('call({ timeoutMs, signal }) and kick(peer, code, { cooldown })', async () => {
    const own = net.createPeer();
    const host = createHost({ network: own, protocol, clock: net.clock, tickMs: 10 });
    hosts.push(host);
    const pending = connectToHost({
      network: net.createPeer(),
      protocol,
      host: own.localSteamId,
      clock: net.clock,
      tickMs: 10,
    });
    await net.advance(100);
    const client = await pending;
    for (const value of HOSTILE) {
      if (typeof value === 'number' && value > 0 && value <= 2 ** 31 - 1) continue;
      expectRefused(
        await client.call('buy', { item: 'x' }, { timeoutMs: value as number }).catch((e: unknown) => e),
        'timeoutMs',
      );
      expectRefused(
        await client.call('buy', { item: 'x' }, { signal: value as AbortSignal }).catch((e: unknown) => e),
        'signal',
      );
    }
    for (const value of HOSTILE) {
      if (typeof value === 'boolean') continue;
      let thrown: unknown;
      try {
        host.kick(client.network.localSteamId, 'x', { cooldown: value as boolean });
      } catch (error) {
        thrown = error;
      }
      expectRefused(thrown, 'cooldown');
    }
    expect(host.isConnected(client.network.localSteamId)).toBe(true);
  });
});
