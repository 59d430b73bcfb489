import type { Snapshot } from './sim.js';

/**
 * Client-side interpolation: snapshots arrive at 20–30 Hz with jitter and loss, so the client draws
 * the world `delayMs` in the past, blending the two snapshots around that moment. A lost snapshot
 * just widens the gap it blends across; a late one (older than the newest) was already dropped by
 * the protocol's latest-wins ordering.
 */
export class SnapshotBuffer {
  private readonly snapshots: { receivedAt: number; snap: Snapshot }[] = [];
  /** Offset between host time and local time, smoothed. */
  private offset: number | undefined;

  constructor(
    /** How far behind the newest snapshot to draw, in ms: about two snapshot intervals. */
    readonly delayMs = 100,
    private readonly capacity = 32,
  ) {}

  push(snap: Snapshot, localNowMs: number): void {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && snap.tick <= last.snap.tick) return;
    const sample = localNowMs - snap.time;
    // Track the smallest observed offset (least delayed packet), drifting slowly upward so a clock
    // change or a route change is followed.
    this.offset = this.offset === undefined ? sample : Math.min(sample, this.offset + 0.5);
    this.snapshots.push({ receivedAt: localNowMs, snap });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
  }

  /** The newest snapshot received, if any. */
  latest(): Snapshot | undefined {
    return this.snapshots[this.snapshots.length - 1]?.snap;
  }

  /** The world as it should be drawn at local time `localNowMs`. */
  sample(localNowMs: number): Snapshot | undefined {
    if (this.snapshots.length === 0 || this.offset === undefined) return undefined;
    const renderTime = localNowMs - this.offset - this.delayMs;
    let older = this.snapshots[0]!.snap;
    if (renderTime <= older.time) return older;
    for (let i = 1; i < this.snapshots.length; i++) {
      const newer = this.snapshots[i]!.snap;
      if (newer.time >= renderTime)
        return blend(older, newer, (renderTime - older.time) / (newer.time - older.time));
      older = newer;
    }
    return older;
  }
}

function blend(a: Snapshot, b: Snapshot, t: number): Snapshot {
  const before = new Map(a.players.map((p) => [p.id, p]));
  return {
    ...b,
    time: a.time + (b.time - a.time) * t,
    players: b.players.map((p) => {
      const q = before.get(p.id);
      // A player who just (re)spawned or died jumps: blending would draw them sliding across the map.
      if (!q || q.alive !== p.alive) return p;
      return { ...p, x: q.x + (p.x - q.x) * t, y: q.y + (p.y - q.y) * t };
    }),
    hazards: b.hazards.map(([x, y], i) => {
      const h = a.hazards[i];
      return h ? [h[0] + (x - h[0]) * t, h[1] + (y - h[1]) * t] : [x, y];
    }),
  };
}
