// host_tick_ms_{8,64,250}_inmemory: the host's rpc time per 60 Hz tick with N clients, without Steam.
// It leaves out what a game pays besides: no FFI (a read pops a packet prepared before the timer, a
// send copies into a pooled JS buffer), no schema (the messages are `typed()`), no game step. The
// figure over the real binding, with the example's schemas and game step, is examples/arena's
// host_tick_ms_{8,64,250}_{legacy,messages,sockets}; this one stays beside it to show the rpc layer's
// own share.
//
// Each tick every client sends one input message (unreliableNoDelay); the host then runs
// `update()` (Steam callbacks, drain of every channel, enforcement, decode, dispatch to an `on('input')`
// handler, heartbeats, flush) and broadcasts one ~600 B snapshot to every client (`broadcast` encodes
// it once, then one packet per client) and flushes. Only that host part is timed: the clients' work
// and the fake network's delivery (reading the host's packets out of the fake, carrying what it sent)
// happen outside the measured section (see staged-network.mjs), over zero-cost conditions (latency 0,
// no loss). The fake's cost for the host's packets is reported next to it as `fakeMs`.
//
// value = median over the measured ticks: on a shared 2-core machine the mean also carries other
// processes' preemptions and collections of the clients' garbage that happen to land in the host's
// section, so it is printed alongside, with the p99. frame_pct compares the median with one 16.7 ms
// frame.

import { createWorld, makeSnapshot, TICK_MS, tick } from './world.mjs';

const SIZES = [8, 64, 250];
const WARMUP_TICKS = 300;
const MEASURED_TICKS = { 8: 1200, 64: 900, 250: 600 };

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

async function measure(n) {
  const world = await createWorld(n);
  let inputs = 0;
  let lastSeq = 0;
  world.host.on('input', (msg) => {
    inputs++;
    lastSeq = msg.seq;
  });
  const snapshots = new Array(n).fill(0);
  world.clients.forEach((c, i) => {
    c.on('snapshot', () => {
      snapshots[i]++;
    });
  });
  let t = 0;
  for (let i = 0; i < WARMUP_TICKS; i++) await tick(world, t++);
  const ticks = MEASURED_TICKS[n];
  const host = new Float64Array(ticks);
  const fake = new Float64Array(ticks);
  const inputsBefore = inputs;
  for (let i = 0; i < ticks; i++) {
    const r = await tick(world, t++);
    host[i] = r.hostMs;
    fake[i] = r.fakeMs;
  }
  // The pipeline must be whole, or the figure means nothing.
  if (inputs - inputsBefore !== n * ticks)
    throw new Error(`host got ${inputs - inputsBefore} of ${n * ticks} inputs`);
  if (lastSeq !== t - 1) throw new Error('inputs out of date');
  if (world.hostNet.sendFailures > 0) throw new Error(`${world.hostNet.sendFailures} host sends failed`);
  if (snapshots.some((s) => s < WARMUP_TICKS + ticks - 2)) throw new Error('a client missed snapshots');
  for (const c of world.clients) {
    const s = world.host.stats(c.network.localSteamId);
    if (s.rejected && Object.values(s.rejected).some((v) => v > 0)) throw new Error('host rejected frames');
  }
  world.net.dispose();
  const sorted = Float64Array.from(host).sort();
  const mean = host.reduce((a, b) => a + b, 0) / ticks;
  const fakeMean = fake.reduce((a, b) => a + b, 0) / ticks;
  return {
    mean,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    fakeMean,
  };
}

const { Packr } = await import('msgpackr');
const snapshotBytes = new Packr({ useRecords: false, variableMapSize: true }).pack(makeSnapshot(1)).length;
const round = (x, d = 4) => Number(x.toFixed(d));
const lines = [];
for (const n of SIZES) {
  const r = await measure(n);
  lines.push({
    metric: `host_tick_ms_${n}_inmemory`,
    value: round(r.median),
    unit: 'ms',
    min: round(r.min),
    p99: round(r.p99),
    max: round(r.max),
    mean: round(r.mean),
    frame_pct: round((r.median / TICK_MS) * 100, 2),
    fakeMs: round(r.fakeMean),
    clients: n,
    snapshotBytes,
    note: 'host update+broadcast+flush only: no FFI, no schema, no game step; fake network excluded (fakeMs)',
  });
}
for (const l of lines) console.log(JSON.stringify(l));
console.log('');
console.log('clients   host ms/tick (median)     p99      max   % of 16.7 ms   fake ms (excluded)');
for (const l of lines) {
  console.log(
    `${String(l.clients).padStart(7)}   ${String(l.value).padStart(19)}  ${String(l.p99).padStart(6)}  ${String(l.max).padStart(7)}   ${String(l.frame_pct).padStart(12)}   ${String(l.fakeMs).padStart(18)}`,
  );
}
process.exit(0);
