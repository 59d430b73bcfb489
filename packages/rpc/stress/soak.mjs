// `npm run soak`: chaos (30 % loss, duplication, reordering, latency spikes, 5 s partitions, crashes)
// then the soak: 32 clients × 10 simulated minutes at 60 Hz.
//   node stress/soak.mjs [--clients=32] [--seconds=600] [--seed=1] [--chaos-seconds=300]
import { arg, build, exposeGc, load, metric, table } from './common.mjs';

build();
exposeGc();
const { runChaos } = await load('chaos');
const { runSoak } = await load('soak');
const seed = arg('seed', 1);

const chaos = await runChaos({ seed, clients: 12, crashes: 3, seconds: arg('chaos-seconds', 300) });
metric('chaos_reliable_sent', chaos.reliableSent);
metric('chaos_reliable_lost', chaos.reliableLost + chaos.reliableDisorder, {
  goal: 0,
  ok: chaos.reliableLost + chaos.reliableDisorder === 0,
});
metric('chaos_calls', chaos.calls, { timed_out: chaos.callsTimedOut });
metric('chaos_calls_unsettled_or_late', chaos.callsUnsettled + chaos.callsLate, {
  goal: 0,
  ok: chaos.callsUnsettled + chaos.callsLate === 0,
});
metric('chaos_call_settle_max_ms', chaos.callSettleMaxMs, { unit: 'ms', timeout_ms: 1500 });
metric('chaos_dead_peer_detect_max_ms', chaos.detectMaxMs, {
  unit: 'ms',
  heartbeat_timeout_ms: chaos.heartbeatTimeoutMs,
  detected: `${chaos.crashDetected}/${chaos.crashed}`,
  ok: chaos.crashDetected === chaos.crashed && chaos.detectMaxMs <= chaos.heartbeatTimeoutMs + 200,
});
metric('chaos_false_timeouts', chaos.falseTimeouts, { goal: 0, ok: chaos.falseTimeouts === 0 });
metric('chaos_leaked_state', chaos.noLeaks ? 0 : 1, { goal: 0, ok: chaos.noLeaks });
metric('chaos_partitions', chaos.partitions, { spikes: chaos.spikes });
for (const s of chaos.samples) console.error(`sample: ${s}`);

const soak = await runSoak({
  seed,
  clients: arg('clients', 32),
  seconds: arg('seconds', 600),
  progress: (s) => process.stderr.write(`soak: ${s} s simulated\r`),
});
process.stderr.write('\n');
metric('soak_heap_growth_pct', soak.heapGrowthPct, {
  unit: '%',
  goal: '< 5',
  start_mb: Math.round((soak.heapStartBytes / 2 ** 20) * 100) / 100,
  end_mb: Math.round((soak.heapEndBytes / 2 ** 20) * 100) / 100,
  ok: soak.heapGrowthPct < 5,
});
metric('soak_reliable_lost', soak.reliableLost, {
  goal: 0,
  sent: soak.reliableSent,
  ok: soak.reliableLost === 0,
});
metric('soak_messages', soak.messages, { clients: soak.clients, simulated_s: soak.seconds });
metric('soak_calls_failed', soak.callsFailed, { calls: soak.callsMade, ok: soak.callsFailed === 0 });
metric('soak_invalid_or_errors', soak.invalidDelivered + soak.internalErrors, {
  goal: 0,
  ok: soak.invalidDelivered + soak.internalErrors === 0,
});
metric('soak_wall_s', soak.wallMs / 1000, { unit: 's' });
if (!table()) process.exitCode = 1;
