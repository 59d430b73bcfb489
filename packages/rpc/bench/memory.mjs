// Memory of a long-running host. Run with `node --expose-gc` (bench/run-all.mjs does).
//
// heap_growth_pct_1m_msgs: 64 clients each send 20 inputs per 60 Hz tick (1 280 messages a tick) and
//   the host broadcasts a ~600 B snapshot every tick, until the host has received 1 000 000 messages.
//   Heap used (after a full gc) at the end vs after a 200-tick warm-up. The whole process counts:
//   host, clients and fake network. BENCH_MESSAGES=3000000 runs longer, to check the trend.
//
// bytes_allocated_per_received_msg: bytes the host allocates per received message in `update()`
//   (drain, enforce, decode, dispatch). Method: the tick's packets are read out of the fake first
//   (staged-network.mjs, which hands them over without allocating); then a full gc, heap used, one
//   `host.update()`, heap used again. Young-generation allocation only bumps a pointer, so the
//   difference is what that update allocated, provided no gc ran in between: a PerformanceObserver
//   watches for gc entries and any sample with one is thrown away (the semi-space is set large, so
//   it rarely happens). The baseline is what msgpackr alone allocates to decode the same payload
//   (the message object a handler receives, which no decoder can avoid), measured the same way.
//   Counting allocations (rather than bytes) needs a sampling heap profiler and would not be exact,
//   so bytes are reported.

import { PerformanceObserver } from 'node:perf_hooks';
import { Packr, Unpackr } from 'msgpackr';
import { createWorld, tick } from './world.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('memory.mjs needs --expose-gc');
  process.exit(1);
}
const gc = () => {
  globalThis.gc();
  globalThis.gc();
};
const heapUsed = () => process.memoryUsage().heapUsed;

const CLIENTS = 64;
const PER_CLIENT = 20;
const TARGET = Number(process.env.BENCH_MESSAGES ?? 1_000_000);

const world = await createWorld(CLIENTS);
let received = 0;
let lastSeq = 0;
world.host.on('input', (msg) => {
  received++;
  lastSeq = msg.seq;
});

// ---- heap growth over 1 M messages ----
let t = 0;
for (let i = 0; i < 200; i++) await tick(world, t++, PER_CLIENT);
gc();
const warm = heapUsed();
const start = received;
// Readings along the way show whether the heap trends up (a leak grows with the message count)
// or only moved once (code tiering up, caches filling): the metric itself is the last one.
const along = [];
for (let mark = 1; mark <= 4; mark++) {
  while (received - start < (TARGET * mark) / 4) await tick(world, t++, PER_CLIENT);
  gc();
  along.push(heapUsed());
}
const after = along[along.length - 1];
const growthPct = ((after - warm) / warm) * 100;
const messages = received - start;
if (lastSeq !== t - 1) throw new Error('inputs out of date');

// ---- bytes allocated per received message ----
const gcTimes = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTimes.push([e.startTime, e.startTime + e.duration]);
});
observer.observe({ entryTypes: ['gc'] });

/** Runs `fn` between two heap readings; returns the bytes it allocated, or NaN when a gc ran. */
async function allocated(fn) {
  gc();
  await new Promise((r) => setImmediate(r)); // deliver the forced gcs' entries first
  gcTimes.length = 0;
  const t0 = performance.now();
  const h0 = heapUsed();
  fn();
  const h1 = heapUsed();
  const t1 = performance.now();
  await new Promise((r) => setImmediate(r));
  if (gcTimes.some(([s, e]) => e >= t0 && s <= t1)) return Number.NaN;
  return h1 - h0;
}

const { clients, net, host, hostNet } = world;
const samples = [];
for (let round = 0; round < 40 && samples.length < 15; round++) {
  for (let i = 0; i < clients.length; i++) {
    for (let k = 0; k < PER_CLIENT; k++) clients[i].send('input', { seq: t, dx: 1, dy: 1, buttons: k });
    clients[i].update();
  }
  t++;
  await net.advance(1000 / 60);
  hostNet.pull();
  const before = received;
  const bytes = await allocated(() => host.update());
  const got = received - before;
  hostNet.push();
  if (got !== CLIENTS * PER_CLIENT) throw new Error(`update received ${got}`);
  if (!Number.isNaN(bytes)) samples.push(bytes / got);
}
samples.sort((a, b) => a - b);
const perMsg = samples[Math.floor(samples.length / 2)];

// Baseline: msgpackr decoding the same payload, 1 280 times (the message objects handlers get).
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  int64AsType: 'number',
});
const body = new Packr({ useRecords: false, variableMapSize: true }).pack({
  seq: 123456,
  dx: 1,
  dy: 1,
  buttons: 7,
});
const bodyCopy = new Uint8Array(body);
const keep = new Array(CLIENTS * PER_CLIENT);
const baseSamples = [];
for (let r = 0; r < 15; r++) {
  const bytes = await allocated(() => {
    for (let i = 0; i < keep.length; i++) keep[i] = unpackr.unpack(bodyCopy);
  });
  if (!Number.isNaN(bytes)) baseSamples.push(bytes / keep.length);
}
baseSamples.sort((a, b) => a - b);
const basePerMsg = baseSamples[Math.floor(baseSamples.length / 2)];
observer.disconnect();
world.net.dispose();

const round = (x, d = 2) => Number(x.toFixed(d));
const lines = [
  {
    metric: 'heap_growth_pct_1m_msgs',
    value: round(growthPct, 3),
    unit: '%',
    goal: { growth: '< 5', met: growthPct < 5 },
    messages,
    heapAfterWarmupMB: round(warm / 1048576, 3),
    heapAfterMB: round(after / 1048576, 3),
    heapMBEveryQuarter: along.map((h) => round(h / 1048576, 3)),
  },
  {
    metric: 'bytes_allocated_per_received_msg',
    value: round(perMsg, 1),
    min: round(samples[0], 1),
    max: round(samples[samples.length - 1], 1),
    unit: 'bytes',
    baseline: 'msgpackr decode of the same payload alone',
    baseline_value: round(basePerMsg, 1),
    overhead_bytes: round(perMsg - basePerMsg, 1),
    samples: samples.length,
    messagesPerSample: CLIENTS * PER_CLIENT,
  },
];
for (const l of lines) console.log(JSON.stringify(l));
console.log('');
console.log(
  `heap after warm-up ${lines[0].heapAfterWarmupMB} MB, after ${messages} messages ${lines[0].heapAfterMB} MB: ${lines[0].value} %`,
);
console.log(
  `host allocates ${lines[1].value} B per received message (msgpackr's decoded object alone: ${lines[1].baseline_value} B)`,
);
process.exit(0);
