import type { Snapshot } from './sim.js';

/** One peer's line in the net graph. */
export interface NetGraphRow {
  label: string;
  rttMs: number | undefined;
  lossPct: number | undefined;
  kbInPerSec: number;
  kbOutPerSec: number;
  rejected: number;
}

const COLORS = [33, 36, 35, 32, 34, 31];
const ESC = '\u001b[';

/**
 * Draws a frame as text: the arena with a border, the scoreboard, the net graph and the chat log.
 * With `color` false it is plain text (for logs and tests).
 */
export function renderFrame(
  snap: Snapshot | undefined,
  size: { width: number; height: number },
  net: NetGraphRow[],
  chat: string[],
  options: { color?: boolean; title?: string; footer?: string } = {},
): string {
  const color = options.color ?? true;
  const paint = (code: number, s: string) => (color ? `${ESC}${code}m${s}${ESC}0m` : s);
  const grid: string[][] = Array.from({ length: size.height }, () =>
    Array.from({ length: size.width }, () => ' '),
  );
  const put = (x: number, y: number, s: string) => {
    const cx = Math.round(x);
    const cy = Math.round(y);
    if (cy >= 0 && cy < size.height && cx >= 0 && cx < size.width) grid[cy]![cx] = s;
  };
  const ids = snap ? [...snap.players].sort((a, b) => a.id.localeCompare(b.id)).map((p) => p.id) : [];
  if (snap) {
    for (const [x, y] of snap.coins) put(x, y, paint(93, '*'));
    for (const [x, y] of snap.hazards) put(x, y, paint(91, 'X'));
    for (const p of snap.players) {
      if (!p.alive) continue;
      const i = ids.indexOf(p.id);
      put(p.x, p.y, paint(COLORS[i % COLORS.length]!, p.name.charAt(0).toUpperCase()));
    }
  }
  const lines: string[] = [];
  lines.push(options.title ?? 'Steamwire arena');
  lines.push(`+${'-'.repeat(size.width)}+`);
  for (const row of grid) lines.push(`|${row.join('')}|`);
  lines.push(`+${'-'.repeat(size.width)}+`);
  if (snap) {
    const board = [...snap.players]
      .sort((a, b) => b.score - a.score)
      .map((p) => {
        const i = ids.indexOf(p.id);
        return paint(COLORS[i % COLORS.length]!, `${p.name} ${p.score}${p.alive ? '' : ' (dead)'}`);
      });
    lines.push(`score: ${board.join('  ')}   tick ${snap.tick}`);
  }
  lines.push('net:   peer              rtt   loss   in kB/s  out kB/s  rejected');
  for (const r of net) {
    lines.push(
      `       ${r.label.padEnd(16)} ${fmt(r.rttMs, 'ms', 0).padStart(6)} ${fmt(r.lossPct, '%', 1).padStart(6)} ${r.kbInPerSec
        .toFixed(1)
        .padStart(9)} ${r.kbOutPerSec.toFixed(1).padStart(9)} ${String(r.rejected).padStart(9)}`,
    );
  }
  lines.push('chat:');
  for (const line of chat.slice(-4)) lines.push(`  ${line}`);
  if (options.footer) lines.push(options.footer);
  return lines.join('\n');
}

function fmt(v: number | undefined, unit: string, digits: number): string {
  return v === undefined ? '-' : `${v.toFixed(digits)}${unit}`;
}

/** Clear screen and move home, then the frame (one write, so the terminal does not flicker). */
export function screen(frame: string): string {
  return `${ESC}H${ESC}2J${frame}\n`;
}
