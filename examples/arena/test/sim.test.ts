import { describe, expect, it } from 'vitest';
import { SnapshotBuffer } from '../src/interpolation.js';
import { addPlayer, applyInput, createWorld, respawn, snapshotOf, stepWorld } from '../src/sim.js';

describe('arena rules', () => {
  it('a player moves where its input points and stays inside the walls', () => {
    const world = createWorld({ hazards: 0, seed: 3 });
    const p = addPlayer(world, 'a', 'alice');
    applyInput(world, 'a', { seq: 1, dx: 1, dy: 0, dash: false });
    const x0 = p.x;
    for (let i = 0; i < 30; i++) stepWorld(world, 1 / 30);
    expect(p.x).toBeGreaterThan(x0);
    for (let i = 0; i < 600; i++) stepWorld(world, 1 / 30);
    expect(p.x).toBe(world.width - 1);
  });

  it('ignores stale and out-of-range inputs (a hostile client gains nothing)', () => {
    const world = createWorld({ hazards: 0 });
    addPlayer(world, 'a', 'alice');
    expect(applyInput(world, 'a', { seq: 5, dx: 1, dy: 0, dash: false })).toBe(true);
    expect(applyInput(world, 'a', { seq: 4, dx: -1, dy: 0, dash: false })).toBe(false);
    applyInput(world, 'a', { seq: 6, dx: 1e9, dy: Number.NaN, dash: false });
    expect(world.players.get('a')!.input).toMatchObject({ dx: 1, dy: 0 });
  });

  it('touching a coin scores and moves the coin; touching a hazard kills until respawn', () => {
    const world = createWorld({ hazards: 1, coins: 1, seed: 9 });
    const p = addPlayer(world, 'a', 'alice');
    const coin = world.coins[0]!;
    p.x = coin.x;
    p.y = coin.y;
    const hazard = world.hazards[0]!;
    hazard.x = 0.5;
    hazard.y = 0.5;
    hazard.vx = 0;
    hazard.vy = 0;
    const events = stepWorld(world, 1 / 30);
    expect(events.coins).toEqual([{ playerId: 'a' }]);
    expect(p.score).toBe(1);
    p.x = hazard.x;
    p.y = hazard.y;
    expect(stepWorld(world, 1 / 30).deaths).toEqual([{ playerId: 'a' }]);
    expect(p.alive).toBe(false);
    expect(respawn(world, 'a')).toEqual({ ok: false, reason: 'too-soon' });
    for (let i = 0; i < 40; i++) stepWorld(world, 1 / 30);
    expect(respawn(world, 'a')).toMatchObject({ ok: true });
    expect(respawn(world, 'a')).toEqual({ ok: false, reason: 'alive' });
  });

  it('interpolation draws between the two snapshots around the render time', () => {
    const world = createWorld({ hazards: 0 });
    const p = addPlayer(world, 'a', 'alice');
    const buffer = new SnapshotBuffer(100);
    p.x = 10;
    world.time = 1;
    buffer.push(snapshotOf(world), 1000);
    p.x = 20;
    world.time = 1.1;
    world.tick = 1;
    buffer.push(snapshotOf(world), 1100);
    // At local 1150 the render time is host 1050: halfway between the snapshots.
    expect(buffer.sample(1150)!.players[0]!.x).toBeCloseTo(15);
    expect(buffer.sample(1300)!.players[0]!.x).toBe(20);
  });
});
