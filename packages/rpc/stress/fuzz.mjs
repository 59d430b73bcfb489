// `npm run fuzz`: 1 M hostile packets into a host and a client (80 % with every check reachable —
// no rate limits, no kicks — and 20 % with the default limits and policy, so attackers are kicked
// and come back), then one flooder at 10× the rate limit among honest clients.
//   node stress/fuzz.mjs [--packets=1000000] [--seed=1] [--flood-seconds=20]
import { arg, build, exposeGc, load, metric, table } from './common.mjs';

build();
exposeGc();
const { runFuzz } = await load('fuzz');
const { runFlood } = await load('flood');

const total = arg('packets', 1_000_000);
const seed = arg('seed', 1);
const started = performance.now();
const deep = Math.round(total * 0.8);
const parts = [];
for (const [packets, lenient, s] of [
  [deep, true, seed],
  [total - deep, false, seed + 1],
]) {
  parts.push(
    await runFuzz({
      packets,
      seed: s,
      lenient,
      perTick: 128,
      progress: (n) => process.stderr.write(`fuzz ${lenient ? 'deep' : 'default'}: ${n}/${packets}\r`),
    }),
  );
}
process.stderr.write('\n');
const sum = (f) => parts.reduce((n, p) => n + f(p), 0);
const [a] = parts;
const growth = Math.max(...parts.map((p) => ((p.heapEndBytes - p.heapStartBytes) / p.heapStartBytes) * 100));
metric(
  'fuzz_packets',
  sum((p) => p.packets),
  { ok: sum((p) => p.packets) === total },
);
metric(
  'fuzz_escaped_exceptions',
  sum((p) => p.escapedExceptions + p.internalErrors),
  { goal: 0, ok: sum((p) => p.escapedExceptions + p.internalErrors) === 0 },
);
metric(
  'fuzz_invalid_delivered',
  sum((p) => p.invalidDelivered),
  { goal: 0, ok: sum((p) => p.invalidDelivered) === 0 },
);
metric(
  'fuzz_valid_delivered',
  sum((p) => p.validDelivered),
);
metric(
  'fuzz_honest_reliable_lost',
  sum((p) => p.honestLost + p.honestCallsFailed),
  { goal: 0, ok: sum((p) => p.honestLost + p.honestCallsFailed) === 0 },
);
metric('fuzz_prototypes_intact', parts.every((p) => p.prototypesIntact) ? 1 : 0, {
  goal: 1,
  ok: parts.every((p) => p.prototypesIntact),
});
metric('fuzz_heap_start_mb', a.heapStartBytes / 2 ** 20, { unit: 'MiB' });
metric('fuzz_heap_end_mb', a.heapEndBytes / 2 ** 20, { unit: 'MiB' });
metric('fuzz_heap_growth_pct', growth, { unit: '%' });
for (const [i, p] of parts.entries()) {
  metric(`fuzz_heap_${i === 0 ? 'deep' : 'default'}_mb`, p.heapEndBytes / 2 ** 20, {
    unit: 'MiB',
    start: Number((p.heapStartBytes / 2 ** 20).toFixed(3)),
  });
}
metric(
  'fuzz_attacker_resets',
  sum((p) => p.attackerResets),
);
metric('fuzz_seconds', (performance.now() - started) / 1000, { unit: 's' });
for (const p of parts) for (const s of p.samples) console.error(`sample: ${s}`);

const flood = await runFlood({ seed, seconds: arg('flood-seconds', 20) });
metric('flood_rtt_ratio', flood.rttRatio, {
  goal: '<= 1.10',
  baseline_rtt_ms: Math.round(flood.calm.rttMs * 10) / 10,
  ok: flood.rttRatio <= 1.1,
});
metric('flood_rtt_ms', flood.flood.rttMs, { unit: 'ms' });
metric('flood_kicked_after_ms', flood.flood.kickedAfterMs, {
  unit: 'ms',
  reason: flood.flood.kickReason,
  ok: flood.flood.kickReason === 'violations',
});
metric('flood_messages', flood.flood.floodMessages, { bytes: flood.flood.floodBytes });
metric('flood_honest_reliable_lost', flood.flood.honestLost, { goal: 0, ok: flood.flood.honestLost === 0 });
metric('flood_host_update_wall_ratio', flood.flood.hostUpdateWallMs / flood.calm.hostUpdateWallMs, {
  calm_ms: Math.round(flood.calm.hostUpdateWallMs * 1000) / 1000,
  flood_ms: Math.round(flood.flood.hostUpdateWallMs * 1000) / 1000,
});
if (!table()) process.exitCode = 1;
