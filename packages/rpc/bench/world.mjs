// A game-shaped world for the host benchmarks: one host and N clients over the in-memory fake network
// with zero-cost conditions (latency 0, no loss), every client sending one input per tick and the host
// broadcasting one ~600 B snapshot per tick. The host talks through a StagedNetwork so that the fake
// network's work can be kept out of the host's measured time (see staged-network.mjs).

import { connectToHost, createHost, defineProtocol, message, typed } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { StagedNetwork } from './staged-network.mjs';

/** 60 Hz. */
export const TICK_MS = 1000 / 60;
export const CONTROL_CHANNEL = 0x7fff;

export const protocol = defineProtocol({
  input: message(typed(), { from: 'client', channel: 1, send: 'unreliableNoDelay' }),
  snapshot: message(typed(), { from: 'host', channel: 2, send: 'unreliable', ordering: 'latest' }),
});

/** A snapshot as a simulation would produce it: full-precision doubles, ~600 B of msgpack. */
export function makeSnapshot(tick) {
  const players = [];
  for (let i = 0; i < 19; i++) {
    players.push({
      id: i,
      x: Math.sin(tick * 0.01 + i) * 500,
      y: Math.cos(tick * 0.01 + i) * 300,
      hp: 100 - i,
    });
  }
  return { tick, players };
}

/**
 * Builds the world and completes every handshake.
 * @param {number} clientCount
 * @param {{ hostOptions?: object }} [options]
 */
export async function createWorld(clientCount, options = {}) {
  const net = new FakeSteamNetwork({ seed: 7, conditions: { latencyMs: 0, loss: 0 } });
  const hostPeer = net.createPeer();
  const hostNet = new StagedNetwork(hostPeer, [CONTROL_CHANNEL, ...protocol.channels]);
  const host = createHost({
    network: hostNet,
    protocol,
    clock: net.clock,
    maxPeers: clientCount + 1,
    ...options.hostOptions,
  });
  const clients = [];
  const pending = [];
  for (let i = 0; i < clientCount; i++) {
    pending.push(
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
      }).then((c) => clients.push(c)),
    );
  }
  for (let guard = 0; clients.length < clientCount; guard++) {
    if (guard > 10_000) throw new Error(`only ${clients.length} of ${clientCount} clients connected`);
    host.update();
    await net.advance(5);
  }
  await Promise.all(pending);
  return { net, host, hostNet, clients };
}

/**
 * Runs one game tick. The host's part (`host.update()` — callbacks, drain, enforce, decode, dispatch,
 * heartbeats, flush — then `broadcast('snapshot')` and `flush()`) is timed; the clients' sends and
 * reads and the fake network's delivery are not.
 * @returns {{ hostMs: number, fakeMs: number }}
 */
export async function tick(world, t, inputsPerClient = 1) {
  const { net, host, hostNet, clients } = world;
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i];
    for (let k = 0; k < inputsPerClient; k++) c.send('input', { seq: t, dx: (i & 3) - 1, dy: 1, buttons: k });
    c.update();
  }
  await net.advance(TICK_MS);
  const snapshot = makeSnapshot(t);
  const f0 = performance.now();
  hostNet.pull();
  const h0 = performance.now();
  host.update();
  host.broadcast('snapshot', snapshot);
  host.flush();
  const h1 = performance.now();
  hostNet.push();
  const f1 = performance.now();
  return { hostMs: h1 - h0, fakeMs: f1 - f0 - (h1 - h0) };
}
