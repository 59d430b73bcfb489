// The live view's frames, drawn from a match on the virtual clock (the terminal loop around them
// only adds real time and key presses).
import { describe, expect, it } from 'vitest';
import { finalFrame, liveFrame } from '../src/live.js';
import { Match } from '../src/match.js';

/** The scoreboard line of a frame, as `{ name: score }`. */
function scoresIn(frame: string): Record<string, number> {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour escapes are what it strips
  const plain = frame.replace(/\u001b\[\d+m/g, '');
  const line = plain.split('\n').find((l) => l.startsWith('score: ')) ?? '';
  const board = line.slice('score: '.length).replace(/\s+tick \d+$/, '');
  const scores: Record<string, number> = {};
  for (const [, name, score] of board.matchAll(/(\S+(?: \(\d+\))?) (\d+)(?: \(dead\))?/g))
    scores[name!] = Number(score);
  return scores;
}

describe('the live view', () => {
  it('says who hosts the match in its header', async () => {
    const match = await Match.start({ clients: 3, seed: 2 });
    await match.net.advance(1000);
    const frame = liveFrame(match, match.clients[0]!, match.netGraph(), 'q to quit');
    await match.stop();
    const [first, second] = frame.split('\n');
    expect(first).toContain(`host ${match.arena.steamId}`);
    expect(second).toContain("Ada's view");
  });

  it('ends on the same scores the JSON summary prints, even right after a coin was taken', async () => {
    const match = await Match.start({ clients: 3, seed: 2, conditions: { latencyMs: 60 } });
    await match.net.advance(3000);
    // Stop the moment someone scores: the clients have not seen it yet.
    const total = () => [...match.arena.world.players.values()].reduce((n, p) => n + p.score, 0);
    const before = total();
    await match.net.runUntil(() => total() > before, { timeoutMs: 20_000, stepMs: 1 });
    const { frame, summary } = finalFrame(match, match.clients[0]!);
    await match.stop();
    expect(Object.keys(summary.scores)).toHaveLength(3);
    expect(scoresIn(frame)).toEqual(summary.scores);
  });
});
