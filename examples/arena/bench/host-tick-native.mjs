#!/usr/bin/env node
// host_tick_ms_{8,64,250}_{legacy,messages,sockets}: the host's whole frame as the arena runs it, over
// the real koffi binding on the native fake library, for each backend. One process holds the host and N
// clients, each peer on its own copy of the fake (its own UDP socket on 127.0.0.1).
//
// Each tick every client sends one `input` (unreliableNoDelay, the arena's valibot schema) and flushes;
// the datagrams land in the host's UDP socket. Then the timed section: the host's `update()` (Steam
// callbacks, receive through FFI, enforcement, decode, valibot validation, dispatch to the arena's
// `applyInput`), the arena's `stepWorld`, one `broadcast('snapshot', part)` of a real snapshot part
// (splitSnapshot of a 16-player arena snapshot, the example's maximum, one of its three parts per tick:
// the arena sends its three parts every third tick, the same traffic on average) and `flush()` (send
// through FFI, plus flushP2PPackets on Sockets). Untimed: the clients' sends and reads (they decode and
// validate every part, so a broken snapshot fails the run).
//
// Printed per backend and size: p50 (the value), p99 and max over the measured ticks, and min; the game
// step alone as step_ms_p50. Every backend runs the same ticks, interleaved tick by tick, so a noisy
// moment on a shared machine hits all three alike. ffi_calls_per_host_tick_{backend} counts every
// crossing the host makes in the timed section at 64 clients (Steam's functions counted by the fake,
// plus the backend's own helper calls), with the packets in and out per tick beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectToHost, createHost } from '@steamwire/rpc';
import { copyNativeFake, createNativeFakePeer, ensureNativeFake } from '@steamwire/testkit/native';
import koffi from 'koffi';
import { splitSnapshot } from '../dist/parts.js';
import { arenaProtocol, MAX_PLAYERS } from '../dist/protocol.js';
import { addPlayer, applyInput, createWorld, snapshotOf, stepWorld } from '../dist/sim.js';

const BACKENDS = (process.env.BENCH_HOST_BACKENDS ?? 'legacy,messages,sockets').split(',');
const SIZES = (process.env.BENCH_HOST_SIZES ?? '8,64,250').split(',').map(Number);
const WARMUP_TICKS = { 8: 100, 64: 100, 250: 40 };
const MEASURED_TICKS = { 8: 300, 64: 240, 250: 80 };
const TICK_MS = 1000 / 60;
const GOALS = {
  64: { p50: 0.5, p99: 2 },
  250: { p50: 1 },
};

const source = ensureNativeFake();
const work = mkdtempSync(join(tmpdir(), 'steamwire-host-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let copies = 0;
let nextId = 0x38000000;

function peer(backend, peersDir) {
  const libraryPath = copyNativeFake(join(work, `lib${++copies}`), source);
  const steamId = 0x0110000100000000n | BigInt(++nextId);
  const session = createNativeFakePeer({ libraryPath, backend, steamId, peersDir, connectTimeoutMs: 10_000 });
  // The same file loaded again is the same library instance: its counters are this peer's.
  const lib = koffi.load(libraryPath);
  const apiCalls = lib.func('uint64_t steamwire_fake_api_calls()');
  const counters = lib.func('const char *steamwire_fake_counters()');
  const net = session.networking;
  return {
    session,
    net,
    crossings: () => Number(apiCalls()) + Number(net.nativeHelperCalls ?? 0),
    helperCalls: () => Number(net.nativeHelperCalls ?? 0),
    counters: () => JSON.parse(counters()),
  };
}

/** Arenas built so far: kept talking (untimed) while the next one connects, or their peers time out. */
const live = [];
function keepAlive() {
  for (const a of live) {
    a.host.update();
    a.host.flush();
    for (const c of a.clients) c.update();
  }
}

async function createArena(backend, n) {
  const peersDir = join(work, `peers-${backend}-${n}`);
  const hostPeer = peer(backend, peersDir);
  const host = createHost({ network: hostPeer.net, protocol: arenaProtocol, maxPeers: n + 1 });
  const world = createWorld({ seed: 1 });
  let inputs = 0;
  host.on('input', (input, from) => {
    inputs++;
    applyInput(world, from.toString(), input);
  });
  // The arena holds at most its 16 players (MAX_PLAYERS): the game step is the example's real one, not
  // an O(n²) collision pass over 250 players no arena has. Inputs from the other clients are still
  // received, validated and dispatched; applyInput finds no player for them.
  host.events.on('peerJoined', (from) => {
    if (world.players.size < MAX_PLAYERS)
      addPlayer(world, from.toString(), `Player ${world.players.size + 1}`);
  });
  const clients = [];
  const pending = [];
  const clientPeers = [];
  for (let i = 0; i < n; i++) {
    const p = peer(backend, peersDir);
    clientPeers.push(p);
    const connecting = connectToHost({
      network: p.net,
      protocol: arenaProtocol,
      host: hostPeer.net.localSteamId,
      timeoutMs: 60_000,
    });
    pending.push(connecting.then((c) => clients.push(c)));
  }
  // Everyone connected keeps talking while the rest connect, or the host would time them out.
  const deadline = Date.now() + 90_000;
  while (clients.length < n) {
    if (Date.now() > deadline)
      throw new Error(`${backend}: ${clients.length} of ${n} clients connected in 90 s`);
    host.update();
    host.flush();
    for (const c of clients) c.update();
    keepAlive();
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  const dropped = [];
  for (const c of clients)
    c.events.on('disconnected', (reason, detail) => dropped.push(`${reason} ${detail ?? ''}`));
  let snapshots = 0;
  for (const c of clients) c.on('snapshot', () => snapshots++);
  const arena = {
    dropped,
    backend,
    n,
    host,
    hostPeer,
    clientPeers,
    clients,
    world,
    inputs: () => inputs,
    snapshots: () => snapshots,
    total: [],
    step: [],
    update: [],
    flush: [],
    helpers: [],
    receives: [],
    crossings: [],
    packetsIn: [],
    packetsOut: [],
  };
  live.push(arena);
  return arena;
}

function tick(arena, t, timed) {
  const { host, clients, world, hostPeer } = arena;
  if (arena.dropped.length > 0)
    throw new Error(`${arena.backend}: a client was disconnected: ${arena.dropped[0]}`);
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i];
    c.send('input', { seq: t, dx: (i % 3) - 1, dy: 1, dash: (t + i) % 50 === 0 });
    c.update();
  }
  const parts = splitSnapshot(snapshotOf(world));
  const part = parts[t % parts.length];
  const before = hostPeer.counters();
  const c0 = hostPeer.crossings();
  const h0 = hostPeer.helperCalls();
  const t0 = performance.now();
  host.update();
  const s0 = performance.now();
  stepWorld(world, TICK_MS / 1000);
  const s1 = performance.now();
  host.broadcast('snapshot', part);
  const b1 = performance.now();
  host.flush();
  const t1 = performance.now();
  const c1 = hostPeer.crossings();
  if (!timed) return;
  const after = hostPeer.counters();
  arena.total.push(t1 - t0);
  arena.step.push(s1 - s0);
  arena.update.push(s0 - t0);
  arena.flush.push(t1 - b1);
  arena.crossings.push(c1 - c0);
  arena.helpers.push(hostPeer.helperCalls() - h0);
  arena.receives.push(after.receiveCalls - before.receiveCalls);
  arena.packetsIn.push(after.datagramsReceived - before.datagramsReceived);
  arena.packetsOut.push(after.datagramsSent - before.datagramsSent);
}

const sorted = (xs) => Float64Array.from(xs).sort();
const q = (s, p) => s[Math.min(s.length - 1, Math.floor(s.length * p))];
const r4 = (x) => Number(x.toFixed(4));

async function measure(n) {
  const arenas = [];
  for (const backend of BACKENDS) arenas.push(await createArena(backend, n));
  const ticks = MEASURED_TICKS[n] ?? 300;
  const warmup = WARMUP_TICKS[n] ?? 120;
  const inputs0 = arenas.map((a) => a.inputs());
  for (let t = 0; t < warmup + ticks; t++) {
    for (let k = 0; k < arenas.length; k++) tick(arenas[(t + k) % arenas.length], t, t >= warmup);
    // Let timers (rpc's own, none here) and I/O callbacks run between ticks, as a game loop would.
    if (t % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  const lines = [];
  for (let k = 0; k < arenas.length; k++) {
    const a = arenas[k];
    const got = a.inputs() - inputs0[k];
    const expected = n * (warmup + ticks);
    // Packets travel over real UDP on loopback: a very rare drop is possible, a broken pipeline is not.
    if (got < expected * 0.99) throw new Error(`${a.backend}: host got ${got} of ${expected} inputs`);
    if (a.snapshots() < n * (warmup + ticks) * 0.99)
      throw new Error(`${a.backend}: clients missed snapshots`);
    const s = sorted(a.total);
    const goal = GOALS[n];
    const p50 = q(s, 0.5);
    const p99 = q(s, 0.99);
    lines.push({
      metric: `host_tick_ms_${n}_${a.backend}`,
      value: r4(p50),
      unit: 'ms',
      ...(goal && {
        goal: {
          ...(goal.p50 !== undefined && { p50: `p50 <= ${goal.p50} ms` }),
          ...(goal.p99 !== undefined && { p99: `p99 <= ${goal.p99} ms` }),
          met: p50 <= (goal.p50 ?? Infinity) && p99 <= (goal.p99 ?? Infinity),
        },
      }),
      min: r4(s[0]),
      p99: r4(p99),
      max: r4(s[s.length - 1]),
      step_ms_p50: r4(q(sorted(a.step), 0.5)),
      update_ms_p50: r4(q(sorted(a.update), 0.5)),
      flush_ms_p50: r4(q(sorted(a.flush), 0.5)),
      frame_pct: Number(((p50 / TICK_MS) * 100).toFixed(2)),
      clients: n,
      ticks,
      inputs_received_pct: Number(((got / expected) * 100).toFixed(2)),
    });
    if (n === Number(process.env.BENCH_CALLS_AT ?? 64)) {
      const calls = q(sorted(a.crossings), 0.5);
      const pin = q(sorted(a.packetsIn), 0.5);
      const pout = q(sorted(a.packetsOut), 0.5);
      const line = {
        metric: `ffi_calls_per_host_tick_${a.backend}`,
        value: calls,
        unit: 'crossings (median tick)',
        mean: r4(a.crossings.reduce((x, y) => x + y, 0) / a.crossings.length),
        max: Math.max(...a.crossings),
        helper_calls: q(sorted(a.helpers), 0.5),
        receive_calls: q(sorted(a.receives), 0.5),
        packets_in_per_tick: pin,
        packets_out_per_tick: pout,
        messages_in_per_tick: n,
        messages_out_per_tick: n,
        clients: n,
      };
      if (a.backend === 'sockets') {
        // The goal: 2 crossings per client packet + 2 per tick (AllocateMessage for each message out and
        // Release for each in; SendMessages and ReceiveMessagesOnPollGroup once), plus the callback pump
        // (RunFrame + GetNextCallback with nothing pending) that every backend pays alike.
        const budget = 2 * pin + 2 + 2;
        line.goal = {
          crossings: `<= 2 per client packet + 2 per tick + 2 for the callback pump = ${budget}`,
          met: calls <= budget,
        };
      }
      lines.push(line);
    }
  }
  live.length = 0;
  for (const a of arenas) {
    for (const c of a.clients) c.disconnect();
    a.host.close();
    for (const p of [a.hostPeer, ...a.clientPeers]) p.session.shutdown();
  }
  return lines;
}

const all = [];
for (const n of SIZES) {
  const lines = await measure(n);
  for (const l of lines) console.log(JSON.stringify(l));
  all.push(...lines);
}
console.log('');
console.log('metric                               p50 ms     p99 ms     max ms   step p50');
for (const l of all) {
  if (l.unit !== 'ms') continue;
  console.log(
    `${l.metric.padEnd(34)} ${String(l.value).padStart(8)}   ${String(l.p99).padStart(8)}   ${String(l.max).padStart(8)}   ${String(l.step_ms_p50).padStart(8)}`,
  );
}
process.exit(0);
