/**
 * The soak: many clients playing for simulated minutes at 60 Hz on the virtual clock, with a little
 * loss and jitter. Checked: the heap does not grow and no reliable message is lost, duplicated or
 * reordered.
 * @packageDocumentation
 */
import type { EndpointDebugState } from '../../src/index.js';
import { heapUsed } from './audit.js';
import { createWorld, down, up } from './world.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  seed: number;
  /** Clients (default 32). */
  clients?: number;
  /** Simulated seconds (default 600). */
  seconds?: number;
  /** Called about every simulated minute with the seconds done. */
  progress?: (seconds: number) => void;
}

/** What the soak observed. */
export interface SoakReport {
  clients: number;
  seconds: number;
  frames: number;
  /** Messages sent by everyone (unreliable included). */
  messages: number;
  reliableSent: number;
  /** Reliable messages missing, duplicated or out of order (goal 0). */
  reliableLost: number;
  callsMade: number;
  callsFailed: number;
  /** Heap after the first 10 % of the run and at the end, each after a full GC. */
  heapStartBytes: number;
  heapEndBytes: number;
  /** (end - start) / start, in % (goal < 5). */
  heapGrowthPct: number;
  invalidDelivered: number;
  internalErrors: number;
  hostState: EndpointDebugState;
  wallMs: number;
}

/** Runs the soak. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const clientsN = options.clients ?? 32;
  const seconds = options.seconds ?? 600;
  const world = await createWorld({
    seed: options.seed,
    clients: clientsN,
    conditions: { latencyMs: 30, jitterMs: 10, loss: 0.01 },
  });
  const { host, clients, ledger, audit, net } = world;
  host.handle('buy', (req) => ({ ok: true, gold: req.qty }));
  let messages = 0;
  let callsMade = 0;
  let callsOk = 0;
  const frames = Math.round(seconds * 60);
  const warm = Math.floor(frames / 10);
  let heapStartBytes = 0;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < clients.length; i++) {
      const c = clients[i]!;
      const id = c.network.localSteamId;
      c.send('input', { seq: f, dx: i, dy: -i });
      messages++;
      // Staggered so that not every client talks in the same frame.
      if ((f + i) % 30 === 0) {
        c.send('chat', { seq: ledger.next(up(id)), text: 'soak' });
        messages++;
      }
      if ((f + i) % 60 === 0) {
        host.sendTo(id, 'event', { seq: ledger.next(down(id)), kind: 'score' });
        messages++;
      }
      if ((f + i * 37) % 600 === 0) {
        callsMade++;
        c.call('buy', { item: 'potion', qty: 1 + (i % 50) }, { timeoutMs: 5000 }).then(
          () => callsOk++,
          () => undefined,
        );
      }
    }
    host.broadcast('snapshot', { tick: f, players: [{ x: f, y: 0 }] });
    messages += clients.length;
    await world.frame();
    if (f === warm) heapStartBytes = heapUsed();
    if (f % 3600 === 0 && f > 0) options.progress?.(f / 60);
  }
  for (let i = 0; i < 10 * 60; i++) await world.frame();
  const heapEndBytes = heapUsed();
  const report: SoakReport = {
    clients: clientsN,
    seconds,
    frames,
    messages,
    reliableSent: ledger.sent(),
    reliableLost: ledger.missing() + ledger.disorder(),
    callsMade,
    callsFailed: callsMade - callsOk,
    heapStartBytes,
    heapEndBytes,
    heapGrowthPct: ((heapEndBytes - heapStartBytes) / heapStartBytes) * 100,
    invalidDelivered: audit.invalid,
    internalErrors: audit.internalErrors + audit.escaped,
    hostState: host.debugState(),
    wallMs: performance.now() - started,
  };
  host.close();
  net.dispose();
  return report;
}
