import type { PlayerInput, Snapshot } from './sim.js';

/**
 * A bot's brain: chase the nearest coin, swerve away from hazards, dash now and then. It sees only
 * what a client sees (the latest snapshot), as a human player would.
 */
export function botInput(
  snap: Snapshot | undefined,
  selfId: string,
  seq: number,
  rng: () => number,
): PlayerInput {
  const me = snap?.players.find((p) => p.id === selfId);
  if (!snap || !me?.alive) return { seq, dx: 0, dy: 0, dash: false };
  let tx = 0;
  let ty = 0;
  let best = Number.POSITIVE_INFINITY;
  for (const [cx, cy] of snap.coins) {
    const d = Math.hypot(cx - me.x, cy - me.y);
    if (d < best) {
      best = d;
      tx = cx - me.x;
      ty = cy - me.y;
    }
  }
  for (const [hx, hy] of snap.hazards) {
    const d = Math.hypot(hx - me.x, hy - me.y);
    if (d < 4) {
      // Repulsion grows as the hazard gets closer; it outweighs the coin when near.
      tx -= ((hx - me.x) / Math.max(d, 0.1)) * (12 / Math.max(d, 0.5));
      ty -= ((hy - me.y) / Math.max(d, 0.1)) * (12 / Math.max(d, 0.5));
    }
  }
  // Some noise so bots do not move in lockstep.
  tx += (rng() - 0.5) * 2;
  ty += (rng() - 0.5) * 2;
  return {
    seq,
    dx: Math.abs(tx) > 0.5 ? Math.sign(tx) : 0,
    dy: Math.abs(ty) > 0.5 ? Math.sign(ty) : 0,
    dash: best < 8 && rng() < 0.02,
  };
}

const LINES = [
  'gg',
  'nice one',
  'that saw came out of nowhere',
  'coins on the left!',
  'lag?',
  'watch out',
  'rematch?',
];

/** Something a bot might say in chat, or nothing. */
export function botChat(rng: () => number): string | undefined {
  return rng() < 0.004 ? LINES[Math.floor(rng() * LINES.length)] : undefined;
}
