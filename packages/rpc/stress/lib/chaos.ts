/**
 * Chaos: 30 % loss, duplication, reordering, latency spikes, 5 s partitions and clients crashing
 * without a goodbye, while everyone plays. Checked: reliable messages arrive exactly once and in
 * order, every call settles within its timeout, dead peers are detected within the heartbeat
 * timeout, and once the storm is over no per-peer state is left behind.
 * @packageDocumentation
 */
import type { SteamId } from '@steamwire/transport-steam';
import type { EndpointDebugState } from '../../src/index.js';
import { Rand } from './rand.js';
import { createWorld, down, up } from './world.js';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  seed: number;
  /** Clients at the start (default 8). */
  clients?: number;
  /** Seconds of chaos (default 60). */
  seconds?: number;
  /** Clients that crash during the run (default 2). */
  crashes?: number;
}

/** What the chaos run observed. */
export interface ChaosReport {
  /** Reliable messages sent to and from peers that stayed. */
  reliableSent: number;
  /** Of those, never delivered. */
  reliableLost: number;
  /** Delivered twice, out of order, or unknown. */
  reliableDisorder: number;
  calls: number;
  /** Calls that never settled. */
  callsUnsettled: number;
  /** Calls settled later than their timeout. */
  callsLate: number;
  /** Longest time a call took to settle, in ms. */
  callSettleMaxMs: number;
  /** Calls that timed out (expected under partitions). */
  callsTimedOut: number;
  /** 5 s partitions and latency spikes that happened. */
  partitions: number;
  spikes: number;
  crashed: number;
  /** Crashed peers the host noticed (reason `timeout`). */
  crashDetected: number;
  /** Longest crash-to-`peerLeft` delay, in ms (goal ≤ heartbeat timeout + one housekeeping pass). */
  detectMaxMs: number;
  heartbeatTimeoutMs: number;
  /** Honest peers the host dropped although they were only partitioned or slow. */
  falseTimeouts: number;
  invalidDelivered: number;
  internalErrors: number;
  /** Host and client bookkeeping after the storm (should hold nothing but connected peers). */
  hostState: EndpointDebugState;
  clientStates: EndpointDebugState[];
  /** True when every pending map, reassembly buffer and queue is back to empty. */
  noLeaks: boolean;
  samples: string[];
}

const CALL_TIMEOUT_MS = 1500;

/** Runs the storm. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const clientsN = options.clients ?? 8;
  const seconds = options.seconds ?? 60;
  const crashesN = Math.min(options.crashes ?? 2, clientsN - 1);
  const r = new Rand(options.seed ^ 0x5eed);
  const world = await createWorld({ seed: options.seed, clients: clientsN });
  const { net, host, clients, ledger, audit } = world;
  const hostId = world.hostPeer.localSteamId;
  const heartbeatTimeoutMs = 10_000;
  host.handle('buy', async (req) => ({ ok: true, gold: req.qty }));
  for (const c of clients) c.handle('ask', (req) => ({ a: req.q }));

  // Storm conditions everywhere.
  net.setConditions({ latencyMs: 40, jitterMs: 25, loss: 0.3, duplicate: 0.1, reorder: 0.1 });

  const crashedAt = new Map<SteamId, number>();
  const detectMs: number[] = [];
  let falseTimeouts = 0;
  let finished = false;
  let partitions = 0;
  let spikes = 0;
  host.events.on('peerLeft', (peer, reason) => {
    const at = crashedAt.get(peer);
    if (at !== undefined && reason === 'timeout') detectMs.push(net.clock.now() - at);
    else if (at === undefined && !finished) {
      falseTimeouts++;
      audit.error(new Error(`host dropped live peer ${peer}: ${reason}`), 'chaos');
    }
  });
  const alive = () => clients.filter((c) => !crashedAt.has(c.network.localSteamId));

  // Calls both ways, each tracked from start to settle.
  let calls = 0;
  let settled = 0;
  let late = 0;
  let timedOut = 0;
  let settleMax = 0;
  const track = (p: Promise<unknown>) => {
    const start = net.clock.now();
    calls++;
    const done = (timeout: boolean) => {
      const took = net.clock.now() - start;
      settled++;
      if (timeout) timedOut++;
      // (a hair of slack for the float sum of 16.67 ms frames)
      if (took > CALL_TIMEOUT_MS + 0.01) late++;
      settleMax = Math.max(settleMax, took);
    };
    p.then(
      () => done(false),
      (e: unknown) => done((e as { code?: string }).code === 'REQUEST_TIMEOUT'),
    );
  };

  const frames = seconds * 60;
  const crashFrames = Array.from({ length: crashesN }, (_, i) =>
    Math.floor((frames * (i + 1)) / (crashesN + 2)),
  );
  let partitionEnds = -1;
  let spikeEnds = -1;
  let spiked: SteamId | null = null;
  for (let f = 0; f < frames; f++) {
    for (const c of alive()) {
      if (c.state !== 'connected') continue;
      const id = c.network.localSteamId;
      audit.guard('send', () => {
        c.send('input', { seq: f, dx: 1, dy: 1 });
        if (f % 4 === 0) c.send('chat', { seq: ledger.next(up(id)), text: `f${f}` });
        if (f % 45 === 0)
          track(c.call('buy', { item: 'a', qty: 1 + (f % 90) }, { timeoutMs: CALL_TIMEOUT_MS }));
        if (f % 10 === 0 && host.isConnected(id))
          host.sendTo(id, 'event', { seq: ledger.next(down(id)), kind: 'spawn' });
        if (f % 60 === 7 && host.isConnected(id))
          track(host.call(id, 'ask', { q: 'alive?' }, { timeoutMs: CALL_TIMEOUT_MS }));
      });
      // Now and then a message big enough to be fragmented, reliably, through the storm.
      if (f % 600 === 300)
        audit.guard('bulk', () =>
          c.send('bulk', { seq: f, data: new Uint8Array(1_500_000).fill(f & 0xff), tags: ['big'] }),
        );
    }
    audit.guard('broadcast', () => host.broadcast('snapshot', { tick: f, players: [{ x: f, y: f }] }));

    // A crash: the peer vanishes without a goodbye.
    const crashIndex = crashFrames.indexOf(f);
    if (crashIndex >= 0) {
      const victim = alive()[r.int(alive().length)]!;
      const id = victim.network.localSteamId;
      crashedAt.set(id, net.clock.now());
      net.removePeer(id);
    }
    // A 5 s partition between the host and a few clients (shorter than the heartbeat timeout).
    if (f === partitionEnds) net.heal();
    if (partitionEnds < f && r.chance(1 / 600)) {
      const cut = alive()
        .filter(() => r.chance(0.4))
        .map((c) => c.network.localSteamId);
      if (cut.length > 0) {
        net.partition([hostId], cut);
        partitions++;
        partitionEnds = f + 5 * 60;
      }
    }
    // A latency spike on one link.
    if (f === spikeEnds && spiked !== null) {
      net.setLinkConditions(hostId, spiked, null);
      spiked = null;
    }
    if (spiked === null && r.chance(1 / 240)) {
      const c = alive()[r.int(alive().length)];
      if (c !== undefined) {
        spiked = c.network.localSteamId;
        net.setLinkConditions(hostId, spiked, { latencyMs: 300 + r.int(700) });
        spikes++;
        spikeEnds = f + 30 + r.int(90);
      }
    }
    await world.frame();
  }

  // The storm passes: clean links, then time for retransmissions, timeouts and lingering to finish.
  net.heal();
  if (spiked !== null) net.setLinkConditions(hostId, spiked, null);
  net.setConditions({ latencyMs: 20, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 });
  for (let i = 0; i < 15 * 60; i++) await world.frame();

  const staying = new Set(alive().flatMap((c) => [up(c.network.localSteamId), down(c.network.localSteamId)]));
  const hostState = host.debugState();
  const clientStates = alive().map((c) => c.debugState());
  const empty = (s: EndpointDebugState) =>
    s.pendingCalls === 0 &&
    s.inflightRequests === 0 &&
    s.reassemblyBytes === 0 &&
    s.reassemblyBufferedBytes === 0 &&
    s.queuedFrames === 0 &&
    s.retryPackets === 0 &&
    s.earlyPackets === 0 &&
    s.inboxPackets === 0 &&
    s.lingeringSessions === 0;
  const report: ChaosReport = {
    reliableSent: ledger.sent((k) => staying.has(k)),
    reliableLost: ledger.missing((k) => staying.has(k)),
    reliableDisorder: ledger.disorder((k) => staying.has(k)),
    calls,
    callsUnsettled: calls - settled,
    callsLate: late,
    callSettleMaxMs: settleMax,
    callsTimedOut: timedOut,
    partitions,
    spikes,
    crashed: crashedAt.size,
    crashDetected: detectMs.length,
    detectMaxMs: detectMs.length > 0 ? Math.max(...detectMs) : -1,
    heartbeatTimeoutMs,
    falseTimeouts,
    invalidDelivered: audit.invalid,
    internalErrors: audit.internalErrors + audit.escaped,
    hostState,
    clientStates,
    noLeaks:
      empty(hostState) &&
      hostState.peers === alive().length &&
      clientStates.every((s) => empty(s) && s.connected === 1),
    samples: audit.samples,
  };
  finished = true;
  host.close();
  net.dispose();
  return report;
}
