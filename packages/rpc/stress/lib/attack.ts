/**
 * `npm run attack`: runs each scenario of the catalogue (`attack-scenarios.ts`) against a fresh
 * {@link Arena} — a host and honest clients at 60 Hz — first calm (the baseline), then under the
 * attack, and judges it: the host's `update()` p99, the honest request RTT p99 against the
 * baseline's, honest reliable data lost, the heap, and when the attacker was removed.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import { Arena, quantile } from './attack-arena.js';
import { SCENARIOS, type Scenario } from './attack-scenarios.js';
import { heapUsed } from './audit.js';

/** Options of {@link runAttack}. */
export interface AttackOptions {
  /** Real time (`npm run attack`) or the virtual clock (the sample in `npm test`). */
  realTime: boolean;
  /** Scenario names to run (default: all). */
  only?: readonly string[];
  /** Calm play measured before the attack, ms (default 4000). */
  baselineMs?: number;
  /** Attack, ms (default 6000; a scenario may ask for more). */
  attackMs?: number;
  /** Thins each attack (0–1], for the sample in `npm test` (default 1). */
  scale?: number;
  /** Honest clients (default 8). */
  clients?: number;
  /** Called with each result as it comes. */
  onResult?: (result: AttackResult) => void;
}

/** The goals every scenario is held to. */
export const GOALS = Object.freeze({
  hostUpdateP99Ms: 4,
  honestRttRatio: 1.25,
  honestReliableLost: 0,
  heapDeltaMB: 64,
});

/** What one scenario measured, and whether it held. */
export interface AttackResult {
  readonly scenario: string;
  readonly attacks: string;
  readonly held: boolean;
  /** Host `update()` p99 under attack, ms: the smaller of the process's CPU time and wall time during it. */
  readonly hostUpdateP99Ms: number;
  /** The same in wall-clock time (on a shared machine, also the time other processes took). */
  readonly hostUpdateWallP99Ms: number;
  /** The largest host `update()` under attack (ms, as the p99). */
  readonly hostUpdateMaxMs: number;
  /** {@link AttackResult.hostUpdateP99Ms} in the calm baseline. */
  readonly baselineUpdateP99Ms: number;
  /** Honest request RTT p99 under attack / in the baseline. */
  readonly honestRttRatio: number;
  readonly baselineRttP99Ms: number;
  readonly attackRttP99Ms: number;
  /** Honest reliable messages lost, duplicated or reordered, calls failed, clients gone. */
  readonly honestReliableLost: number;
  /** Heap after the attack minus before it, after full GCs (MiB). */
  readonly heapDeltaMB: number;
  /** Ms from the attack's start to the host shutting the attacker out (`null`: it did not). */
  readonly kickedAfterMs: number | null;
  /** How: removed (violations, timeout…) or refused (tooManyJoins, coolingDown…). */
  readonly removedAs: string | null;
  /** Why it did not hold. */
  readonly failures: readonly string[];
  /** Handler-visible invalid payloads and internal errors (both must be 0). */
  readonly invalidOrErrors: number;
}

/** Runs one scenario. */
export async function runScenario(scenario: Scenario, options: AttackOptions): Promise<AttackResult> {
  const arena = await Arena.create({ realTime: options.realTime, clients: options.clients });
  const clock = arena.net.clock;
  // Warm up (the JIT, the honest streams: round trips settle after ~4 s), then the calm baseline.
  await arena.play(4000);
  arena.phase();
  await arena.play(options.baselineMs ?? 4000);
  const baseline = arena.phase();
  const attack = await scenario.start(arena, options.scale ?? 1);
  // After the start: what the attacker prepared (its packets) is not the host's memory.
  const heapBefore = heapUsed();
  arena.phase();
  const started = clock.now();
  await arena.play(scenario.attackMs ?? options.attackMs ?? 6000, () => attack.tick());
  const hit = arena.phase();
  // What the honest clients sent settles (the calls have 10 s timeouts; answered ones come back soon).
  await arena.play(1500, undefined, true);
  const heapAfter = heapUsed();
  const ids = new Set<SteamId>(attack.ids());
  // Shut out: removed for cause, or refused when it came back (too many joins, a kick cooldown).
  const removed = arena.left.find(
    (l) => ids.has(l.peer) && l.reason !== 'left' && l.reason !== 'reconnected',
  );
  const refused = arena.refused.find((r) => ids.has(r.peer) && r.at >= started);
  const removal =
    removed === undefined || (refused !== undefined && refused.at < removed.at) ? refused : removed;
  const failures: string[] = [];
  const updateP99 = quantile(hit.updateMs, 0.99);
  const baseRtt = quantile(baseline.rttMs, 0.99);
  const attackRtt = quantile(hit.rttMs, 0.99);
  const ratio = baseRtt > 0 ? attackRtt / baseRtt : 0;
  const lost = arena.honestLost();
  const heapDeltaMB = (heapAfter - heapBefore) / 2 ** 20;
  const invalidOrErrors = arena.audit.invalid + arena.audit.internalErrors + arena.audit.escaped;
  // Timing goals hold on the real clock only; the virtual clock's sample checks the rest.
  if (options.realTime) {
    if (updateP99 > GOALS.hostUpdateP99Ms) failures.push(`host update p99 ${updateP99.toFixed(2)} ms`);
    if (ratio > GOALS.honestRttRatio) failures.push(`honest RTT p99 ×${ratio.toFixed(2)}`);
  }
  if (hit.rttMs.length === 0) failures.push('no honest request completed under attack');
  if (lost > GOALS.honestReliableLost) failures.push(`${lost} honest reliable messages or calls lost`);
  if (heapDeltaMB > GOALS.heapDeltaMB) failures.push(`heap grew ${heapDeltaMB.toFixed(1)} MiB`);
  if (scenario.expectRemoval && removal === undefined) failures.push('the attacker was not shut out');
  if (invalidOrErrors > 0)
    failures.push(`${invalidOrErrors} invalid payloads or internal errors: ${arena.audit.samples[0]}`);
  const own = attack.check?.() ?? null;
  if (own !== null) failures.push(own);
  await arena.close();
  return {
    scenario: scenario.name,
    attacks: scenario.attacks,
    held: failures.length === 0,
    hostUpdateP99Ms: round(updateP99),
    hostUpdateWallP99Ms: round(quantile(hit.updateWallMs, 0.99)),
    hostUpdateMaxMs: round(quantile(hit.updateMs, 1)),
    baselineUpdateP99Ms: round(quantile(baseline.updateMs, 0.99)),
    honestRttRatio: round(ratio),
    baselineRttP99Ms: round(baseRtt),
    attackRttP99Ms: round(attackRtt),
    honestReliableLost: lost,
    heapDeltaMB: round(heapDeltaMB),
    kickedAfterMs: removal === undefined ? null : Math.round(removal.at - started),
    removedAs: removal?.reason ?? null,
    failures,
    invalidOrErrors,
  };
}

/** Runs the catalogue (or `only` its named scenarios), one scenario after another. */
export async function runAttack(options: AttackOptions): Promise<AttackResult[]> {
  const chosen =
    options.only === undefined ? SCENARIOS : SCENARIOS.filter((s) => options.only!.includes(s.name));
  if (options.only !== undefined && chosen.length !== options.only.length)
    throw new Error(
      `unknown scenario in ${options.only.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const results: AttackResult[] = [];
  for (const scenario of chosen) {
    const result = await runScenario(scenario, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
