// `npm run attack`: every scenario of the attack catalogue against a host with 8 honest clients, on
// the real clock. One JSON line per scenario, then a summary line; exits non-zero when one did not
// hold (host update() p99 <= 4 ms, honest request RTT p99 <= 1.25x the calm baseline of the same run,
// no honest reliable message lost, heap bounded, and the scenario's own goal).
//   node stress/attack.mjs [--only=name,name] [--baseline-ms=4000] [--attack-ms=6000]
import { build, exposeGc, load } from './common.mjs';

build();
exposeGc();
const { runAttack } = await load('attack');

const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = flag('only')?.split(',');
const baselineMs = Number(flag('baseline-ms') ?? 4000);
const attackMs = Number(flag('attack-ms') ?? 6000);

const results = await runAttack({
  realTime: true,
  only,
  baselineMs,
  attackMs,
  onResult: (r) => {
    console.log(
      JSON.stringify({
        metric: 'attack',
        scenario: r.scenario,
        held: r.held,
        hostUpdateP99Ms: r.hostUpdateP99Ms,
        hostUpdateWallP99Ms: r.hostUpdateWallP99Ms,
        hostUpdateMaxMs: r.hostUpdateMaxMs,
        honestRttRatio: r.honestRttRatio,
        honestReliableLost: r.honestReliableLost,
        heapDeltaMB: r.heapDeltaMB,
        kickedAfterMs: r.kickedAfterMs,
        removedAs: r.removedAs,
        baselineUpdateP99Ms: r.baselineUpdateP99Ms,
        baselineRttP99Ms: r.baselineRttP99Ms,
        attackRttP99Ms: r.attackRttP99Ms,
        ...(r.failures.length > 0 ? { failures: r.failures } : {}),
      }),
    );
  },
});
const held = results.filter((r) => r.held).length;
console.log(JSON.stringify({ metric: 'attack_scenarios_held', value: held, of: results.length }));
console.table(
  results.map((r) => ({
    scenario: r.scenario,
    held: r.held,
    'update p99 ms': r.hostUpdateP99Ms,
    'RTT ratio': r.honestRttRatio,
    lost: r.honestReliableLost,
    'heap Δ MiB': r.heapDeltaMB,
    'removed after ms': r.kickedAfterMs ?? '-',
  })),
);
if (held !== results.length) process.exitCode = 1;
