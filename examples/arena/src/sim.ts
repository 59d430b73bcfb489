/**
 * The arena's rules, as pure data and functions: no networking here. The host runs {@link stepWorld};
 * clients only ever see snapshots of it. Units are terminal cells, time is seconds.
 */

/** What a player asks for each tick: a direction (each axis −1, 0 or 1) and a dash. */
export interface PlayerInput {
  /** Increases by one per input the client sends; the host ignores stale ones. */
  seq: number;
  dx: number;
  dy: number;
  dash: boolean;
}

export interface Player {
  id: string;
  name: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
  score: number;
  deaths: number;
  alive: boolean;
  /** Seconds of dash cooldown left. */
  dashCooldown: number;
  /** World time at which a dead player may respawn. */
  respawnAllowedAt: number;
  input: PlayerInput;
}

export interface Hazard {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

export interface Coin {
  x: number;
  y: number;
}

export interface World {
  width: number;
  height: number;
  time: number;
  tick: number;
  players: Map<string, Player>;
  coins: Coin[];
  hazards: Hazard[];
  rng: () => number;
}

export const ACCEL = 60;
export const MAX_SPEED = 14;
export const FRICTION = 6;
export const DASH_SPEED = 30;
export const DASH_COOLDOWN_S = 1.5;
export const PLAYER_RADIUS = 0.6;
export const COIN_RADIUS = 0.8;
export const HAZARD_RADIUS = 0.8;
export const RESPAWN_DELAY_S = 1;

/** A small deterministic PRNG (mulberry32), so a seeded match replays the same. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createWorld(
  options: { width?: number; height?: number; coins?: number; hazards?: number; seed?: number } = {},
): World {
  const world: World = {
    width: options.width ?? 60,
    height: options.height ?? 20,
    time: 0,
    tick: 0,
    players: new Map(),
    coins: [],
    hazards: [],
    rng: seededRandom(options.seed ?? 1),
  };
  for (let i = 0; i < (options.coins ?? 6); i++) world.coins.push(randomSpot(world));
  for (let i = 0; i < (options.hazards ?? 3); i++) {
    const spot = randomSpot(world);
    const angle = world.rng() * Math.PI * 2;
    world.hazards.push({ ...spot, vx: Math.cos(angle) * 8, vy: Math.sin(angle) * 4 });
  }
  return world;
}

function randomSpot(world: World): { x: number; y: number } {
  return { x: 1 + world.rng() * (world.width - 2), y: 1 + world.rng() * (world.height - 2) };
}

/** Adds a player at a free random spot (or returns the existing one). */
export function addPlayer(world: World, id: string, name: string): Player {
  const existing = world.players.get(id);
  if (existing) return existing;
  const spot = safeSpot(world);
  const player: Player = {
    id,
    name,
    ...spot,
    vx: 0,
    vy: 0,
    score: 0,
    deaths: 0,
    alive: true,
    dashCooldown: 0,
    respawnAllowedAt: 0,
    input: { seq: 0, dx: 0, dy: 0, dash: false },
  };
  world.players.set(id, player);
  return player;
}

export function removePlayer(world: World, id: string): boolean {
  return world.players.delete(id);
}

/** A random spot away from hazards, so a respawn is not an instant death. */
function safeSpot(world: World): { x: number; y: number } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spot = randomSpot(world);
    if (world.hazards.every((h) => Math.hypot(h.x - spot.x, h.y - spot.y) > 6)) return spot;
  }
  return randomSpot(world);
}

/**
 * Applies an input from a client. Inputs arrive unreliably and possibly out of order: only a newer
 * sequence number replaces the current one, and every axis is clamped, so a hostile client gains
 * nothing by sending out-of-range values.
 */
export function applyInput(world: World, id: string, input: PlayerInput): boolean {
  const player = world.players.get(id);
  if (!player || input.seq <= player.input.seq) return false;
  player.input = {
    seq: input.seq,
    dx: clampAxis(input.dx),
    dy: clampAxis(input.dy),
    dash: input.dash === true,
  };
  return true;
}

function clampAxis(v: number): number {
  return Number.isFinite(v) ? Math.max(-1, Math.min(1, Math.round(v))) : 0;
}

export type RespawnResult =
  | { ok: true; x: number; y: number }
  | { ok: false; reason: 'alive' | 'too-soon' | 'unknown-player' };

/** A dead player asks to come back; allowed once the respawn delay has passed. */
export function respawn(world: World, id: string): RespawnResult {
  const player = world.players.get(id);
  if (!player) return { ok: false, reason: 'unknown-player' };
  if (player.alive) return { ok: false, reason: 'alive' };
  if (world.time < player.respawnAllowedAt) return { ok: false, reason: 'too-soon' };
  Object.assign(player, safeSpot(world), { vx: 0, vy: 0, alive: true });
  return { ok: true, x: player.x, y: player.y };
}

/** Events of one step, for the host to announce (e.g. in chat). */
export interface StepEvents {
  coins: { playerId: string }[];
  deaths: { playerId: string }[];
}

/** Advances the world by `dt` seconds: movement, walls, player pushes, coins, hazards, deaths. */
export function stepWorld(world: World, dt: number): StepEvents {
  const events: StepEvents = { coins: [], deaths: [] };
  world.time += dt;
  world.tick += 1;
  for (const h of world.hazards) {
    h.x += h.vx * dt;
    h.y += h.vy * dt;
    if (h.x < 0.5 || h.x > world.width - 1.5) h.vx = -h.vx;
    if (h.y < 0.5 || h.y > world.height - 1.5) h.vy = -h.vy;
    h.x = clamp(h.x, 0.5, world.width - 1.5);
    h.y = clamp(h.y, 0.5, world.height - 1.5);
  }
  for (const p of world.players.values()) {
    if (!p.alive) continue;
    p.dashCooldown = Math.max(0, p.dashCooldown - dt);
    const { dx, dy, dash } = p.input;
    p.vx += dx * ACCEL * dt;
    p.vy += dy * ACCEL * dt;
    const len = Math.hypot(dx, dy);
    if (dash && p.dashCooldown === 0 && len > 0) {
      p.vx = (dx / len) * DASH_SPEED;
      p.vy = (dy / len) * DASH_SPEED;
      p.dashCooldown = DASH_COOLDOWN_S;
    }
    const damp = Math.max(0, 1 - FRICTION * dt);
    p.vx *= damp;
    p.vy *= damp;
    const speed = Math.hypot(p.vx, p.vy);
    const cap = p.dashCooldown > DASH_COOLDOWN_S - 0.2 ? DASH_SPEED : MAX_SPEED;
    if (speed > cap) {
      p.vx = (p.vx / speed) * cap;
      p.vy = (p.vy / speed) * cap;
    }
    p.x = clamp(p.x + p.vx * dt, 0, world.width - 1);
    p.y = clamp(p.y + p.vy * dt, 0, world.height - 1);
  }
  pushPlayersApart(world);
  for (const p of world.players.values()) {
    if (!p.alive) continue;
    for (let i = 0; i < world.coins.length; i++) {
      const c = world.coins[i]!;
      if (Math.hypot(c.x - p.x, c.y - p.y) < PLAYER_RADIUS + COIN_RADIUS) {
        p.score += 1;
        world.coins[i] = randomSpot(world);
        events.coins.push({ playerId: p.id });
      }
    }
    if (world.hazards.some((h) => Math.hypot(h.x - p.x, h.y - p.y) < PLAYER_RADIUS + HAZARD_RADIUS)) {
      p.alive = false;
      p.deaths += 1;
      p.vx = 0;
      p.vy = 0;
      p.respawnAllowedAt = world.time + RESPAWN_DELAY_S;
      events.deaths.push({ playerId: p.id });
    }
  }
  return events;
}

function pushPlayersApart(world: World): void {
  const alive = [...world.players.values()].filter((p) => p.alive);
  for (let i = 0; i < alive.length; i++) {
    for (let j = i + 1; j < alive.length; j++) {
      const a = alive[i]!;
      const b = alive[j]!;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const dist = Math.hypot(dx, dy);
      const overlap = PLAYER_RADIUS * 2 - dist;
      if (overlap <= 0) continue;
      const nx = dist > 1e-6 ? dx / dist : 1;
      const ny = dist > 1e-6 ? dy / dist : 0;
      a.x = clamp(a.x - (nx * overlap) / 2, 0, world.width - 1);
      a.y = clamp(a.y - (ny * overlap) / 2, 0, world.height - 1);
      b.x = clamp(b.x + (nx * overlap) / 2, 0, world.width - 1);
      b.y = clamp(b.y + (ny * overlap) / 2, 0, world.height - 1);
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}

/** What the host broadcasts: everything a client draws, rounded to 0.01 cells to keep it small. */
export interface Snapshot {
  tick: number;
  /** Host world time in milliseconds. */
  time: number;
  players: {
    id: string;
    name: string;
    x: number;
    y: number;
    score: number;
    alive: boolean;
    deaths: number;
  }[];
  coins: [number, number][];
  hazards: [number, number][];
}

export function snapshotOf(world: World): Snapshot {
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    tick: world.tick,
    time: Math.round(world.time * 1000),
    players: [...world.players.values()].map((p) => ({
      id: p.id,
      name: p.name,
      x: r(p.x),
      y: r(p.y),
      score: p.score,
      alive: p.alive,
      deaths: p.deaths,
    })),
    coins: world.coins.map((c) => [r(c.x), r(c.y)]),
    hazards: world.hazards.map((h) => [r(h.x), r(h.y)]),
  };
}
