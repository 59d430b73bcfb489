/**
 * Snapshots in parts: an unreliable message must fit one 1,200-byte packet, and a snapshot of 16+
 * players does not. The host cuts each snapshot into parts of at most {@link PLAYERS_PER_PART}
 * players; the client puts a tick's parts back together and keeps only complete, newer ticks.
 */
import type { Snapshot } from './sim.js';

/** Players per part: the largest part possible (longest names, 9-byte numbers) still fits a packet. */
export const PLAYERS_PER_PART = 6;
/** Most parts a snapshot may have (96 players); anything claiming more is refused. */
export const MAX_PARTS = 16;
/** Ticks being assembled at once; an older incomplete tick is given up when a newer one starts. */
const MAX_PENDING_TICKS = 4;

/** One part of a snapshot: part 0 also carries the coins and hazards. */
export interface SnapshotPart {
  tick: number;
  /** Host world time in milliseconds (the same in every part of a tick). */
  time: number;
  /** This part's index, from 0 to `parts - 1`. */
  part: number;
  /** How many parts this tick has. */
  parts: number;
  players: Snapshot['players'];
  coins?: Snapshot['coins'];
  hazards?: Snapshot['hazards'];
}

/** Cuts a snapshot into parts, each small enough for one unreliable packet. */
export function splitSnapshot(snap: Snapshot): SnapshotPart[] {
  const parts = Math.max(1, Math.ceil(snap.players.length / PLAYERS_PER_PART));
  return Array.from({ length: parts }, (_, part) => ({
    tick: snap.tick,
    time: snap.time,
    part,
    parts,
    players: snap.players.slice(part * PLAYERS_PER_PART, (part + 1) * PLAYERS_PER_PART),
    ...(part === 0 ? { coins: snap.coins, hazards: snap.hazards } : {}),
  }));
}

/** What the assembler did with parts that did not complete a snapshot. */
export interface AssemblyCounts {
  /** Parts of a tick older than (or equal to) the newest complete one: latest-wins. */
  stale: number;
  /** Parts received twice (unreliable packets may be duplicated). */
  duplicate: number;
  /** Parts that contradict their tick's other parts, or claim an impossible index or count. */
  inconsistent: number;
  /** Incomplete ticks given up because newer ones arrived (a part was lost). */
  abandoned: number;
}

/**
 * Puts snapshot parts back together. Latest-wins is decided here, by tick, and not by the rpc
 * layer's per-packet ordering: a tick's parts may travel in several packets, and the rpc layer would
 * drop a part that arrives after a later packet of the same tick.
 */
export class SnapshotAssembler {
  readonly counts: AssemblyCounts = { stale: 0, duplicate: 0, inconsistent: 0, abandoned: 0 };
  private newest = -1;
  private readonly pending = new Map<number, (SnapshotPart | undefined)[]>();

  /** Takes one part; returns the whole snapshot when this part completed a newer tick. */
  accept(part: SnapshotPart): Snapshot | undefined {
    if (part.tick <= this.newest) {
      this.counts.stale += 1;
      return undefined;
    }
    if (
      part.parts > MAX_PARTS ||
      part.part >= part.parts ||
      (part.part === 0) !== (part.coins !== undefined)
    ) {
      this.counts.inconsistent += 1;
      return undefined;
    }
    let slots = this.pending.get(part.tick);
    if (!slots) {
      slots = new Array<SnapshotPart | undefined>(part.parts).fill(undefined);
      this.pending.set(part.tick, slots);
      this.dropOldestBeyond(MAX_PENDING_TICKS);
    }
    const known = slots.find((s) => s !== undefined);
    if (slots.length !== part.parts || (known !== undefined && known.time !== part.time)) {
      this.counts.inconsistent += 1;
      return undefined;
    }
    if (slots[part.part]) {
      this.counts.duplicate += 1;
      return undefined;
    }
    slots[part.part] = part;
    if (slots.some((s) => s === undefined)) return undefined;
    for (const tick of this.pending.keys()) {
      if (tick < part.tick) this.counts.abandoned += 1;
      if (tick <= part.tick) this.pending.delete(tick);
    }
    this.newest = part.tick;
    return join(slots as SnapshotPart[]);
  }

  private dropOldestBeyond(limit: number): void {
    while (this.pending.size > limit) {
      const oldest = Math.min(...this.pending.keys());
      this.pending.delete(oldest);
      this.counts.abandoned += 1;
    }
  }
}

function join(parts: SnapshotPart[]): Snapshot {
  const first = parts[0]!;
  // A player listed twice (only a broken or hostile host does that) is drawn once.
  const players = new Map<string, Snapshot['players'][number]>();
  for (const part of parts) for (const p of part.players) if (!players.has(p.id)) players.set(p.id, p);
  return {
    tick: first.tick,
    time: first.time,
    players: [...players.values()],
    coins: first.coins ?? [],
    hazards: first.hazards ?? [],
  };
}
