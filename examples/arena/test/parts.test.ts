// Snapshots cut into parts and put back together, as unreliable packets deliver them: reordered,
// duplicated, lost, late.
import { forgeMessagePacket } from '@steamwire/rpc';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, nameProblem } from '../src/names.js';
import { PLAYERS_PER_PART, SnapshotAssembler, type SnapshotPart, splitSnapshot } from '../src/parts.js';
import { arenaProtocol, snapshotPartSchema } from '../src/protocol.js';
import { addPlayer, createWorld, snapshotOf, stepWorld } from '../src/sim.js';

function worldWith(players: number) {
  const world = createWorld({ seed: 4 });
  for (let i = 0; i < players; i++) addPlayer(world, String(76561197960265728n + BigInt(i)), `p${i}`);
  return world;
}

describe('snapshot parts', () => {
  it('a 16-player snapshot is cut into parts of at most 6 players, and only part 0 carries the map', () => {
    const snap = snapshotOf(worldWith(16));
    const parts = splitSnapshot(snap);
    expect(parts.map((p) => p.players.length)).toEqual([6, 6, 4]);
    expect(parts.every((p) => p.parts === 3 && p.tick === snap.tick)).toBe(true);
    expect(parts.map((p) => p.coins !== undefined)).toEqual([true, false, false]);
    expect(PLAYERS_PER_PART).toBe(6);
  });

  it('the largest part a host can send fits one unreliable packet (1,200 bytes) and passes the schema', () => {
    // Six players with the longest names (16 three-byte letters and a " (16)"), the longest SteamIDs,
    // and numbers that take msgpack's 9 bytes each; part 0 also carries the map.
    const longest = '雪'.repeat(MAX_NAME_LENGTH);
    expect(nameProblem(longest)).toBeUndefined();
    const world = createWorld({ seed: 1 });
    for (let i = 0; i < PLAYERS_PER_PART; i++) {
      const p = addPlayer(world, `1844674407370955161${i}`, `${longest} (${16 + i})`);
      Object.assign(p, {
        x: 12.34,
        y: 5.67,
        score: Number.MAX_SAFE_INTEGER,
        deaths: Number.MAX_SAFE_INTEGER,
      });
    }
    for (const c of world.coins) Object.assign(c, { x: 12.34, y: 5.67 });
    const [part] = splitSnapshot(snapshotOf(world));
    const packet = forgeMessagePacket(arenaProtocol, 'snapshot', part, 1);
    expect(packet.data.length).toBeLessThanOrEqual(1200);
    expect(v.safeParse(snapshotPartSchema, part).success).toBe(true);
  });

  it('parts arriving in any order make the whole snapshot once, when the last one arrives', () => {
    const snap = snapshotOf(worldWith(16));
    const [a, b, c] = splitSnapshot(snap) as [SnapshotPart, SnapshotPart, SnapshotPart];
    const assembler = new SnapshotAssembler();
    expect(assembler.accept(c)).toBeUndefined();
    expect(assembler.accept(a)).toBeUndefined();
    expect(assembler.accept(a)).toBeUndefined(); // a duplicated packet
    const whole = assembler.accept(b);
    expect(whole).toEqual(snap);
    expect(assembler.counts).toMatchObject({ duplicate: 1, stale: 0 });
  });

  it('latest wins by tick: parts of an older tick are ignored once a newer tick is complete', () => {
    const world = worldWith(8);
    const old = splitSnapshot(snapshotOf(world));
    stepWorld(world, 1 / 60);
    const fresh = splitSnapshot(snapshotOf(world));
    const assembler = new SnapshotAssembler();
    assembler.accept(old[0]!);
    for (const p of fresh) assembler.accept(p);
    // The older tick's last part arrives late: it must not replace the newer snapshot.
    expect(assembler.accept(old[1]!)).toBeUndefined();
    expect(assembler.counts).toMatchObject({ stale: 1, abandoned: 1 });
  });

  it('a tick that lost a part is given up, and the next complete tick is drawn', () => {
    const world = worldWith(8);
    const assembler = new SnapshotAssembler();
    const drawn: number[] = [];
    for (let t = 0; t < 10; t++) {
      stepWorld(world, 1 / 60);
      const parts = splitSnapshot(snapshotOf(world));
      for (const [i, p] of parts.entries()) {
        if (t % 3 === 1 && i === 1) continue; // lost
        const whole = assembler.accept(p);
        if (whole) drawn.push(whole.tick);
      }
    }
    expect(drawn).toEqual([1, 3, 4, 6, 7, 9, 10]);
    // A duplicate of the newest tick's part comes too late: that tick was already drawn.
    expect(assembler.accept(splitSnapshot(snapshotOf(world))[0]!)).toBeUndefined();
  });

  it('parts that contradict each other are refused, and bound what is held', () => {
    const snap = snapshotOf(worldWith(8));
    const [a, b] = splitSnapshot(snap) as [SnapshotPart, SnapshotPart];
    const assembler = new SnapshotAssembler();
    expect(assembler.accept({ ...b, part: 5 })).toBeUndefined(); // index past the count
    expect(assembler.accept({ ...b, parts: 1000, part: 1 })).toBeUndefined(); // absurd count
    expect(assembler.accept({ ...b, coins: [] })).toBeUndefined(); // the map outside part 0
    assembler.accept(a);
    expect(assembler.accept({ ...b, parts: 3 })).toBeUndefined(); // disagrees with part 0
    expect(assembler.accept({ ...b, time: b.time + 1 })).toBeUndefined();
    expect(assembler.counts.inconsistent).toBe(5);
    expect(assembler.accept(b)).toEqual(snap);
    // Parts of many different ticks never complete; only a few are held at once.
    for (let tick = 100; tick < 10_000; tick++) assembler.accept({ ...b, tick });
    expect(assembler.counts.abandoned).toBeGreaterThan(9000);
  });
});
