/**
 * The live view (`npm start` in a terminal): a match on real time, drawn ten times a second from one
 * bot's point of view with the host's net graph, until time runs out or the player presses q.
 */
import type { ArenaClient } from './client-game.js';
import { lobbyLine } from './lobby.js';
import { Match, type MatchSummary } from './match.js';
import { type NetGraphRow, renderFrame, screen } from './render.js';
import { snapshotOf } from './sim.js';

/** The header, three lines: who hosts; whose view this is and who plays; the lobby they came through. */
export function liveTitle(match: Match, viewer: ArenaClient): string {
  return [
    `Steamwire arena · host ${match.arena.steamId} (this process; it runs the world, no player)`,
    `${viewer.shownName}'s view (interpolated) · ${match.clients.length} bots on fake Steam peers`,
    `${lobbyLine(match.lobby)} · the bots joined from the host's invite`,
  ].join('\n');
}

/** One frame of the running match, as the viewer's client draws it. */
export function liveFrame(match: Match, viewer: ArenaClient, graph: NetGraphRow[], footer: string): string {
  const size = { width: match.arena.world.width, height: match.arena.world.height };
  return renderFrame(viewer.view(), size, graph, viewer.chatLog, { title: liveTitle(match, viewer), footer });
}

/**
 * The frame the live view ends on, and the summary it prints below it, read at the same moment from
 * the same place: the host's world. (A client's view is ~100 ms behind it by design, so a coin taken
 * in the last moments would show in the summary and not on the screen.)
 */
export function finalFrame(match: Match, viewer: ArenaClient): { frame: string; summary: MatchSummary } {
  const world = match.arena.world;
  const frame = renderFrame(
    snapshotOf(world),
    { width: world.width, height: world.height },
    [],
    viewer.chatLog,
    {
      title: `${liveTitle(match, viewer)} · final score, as the host counted it`,
    },
  );
  return { frame, summary: match.summary() };
}

/** Runs a live match for `seconds` (q, Esc or Ctrl-C ends it sooner); prints the summary at the end. */
export async function runLive(seconds: number, clients: number, seed: number): Promise<number> {
  const match = await Match.start({ clients, seed, realTime: true });
  const viewer = match.clients[0]!;
  let quit = false;
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.on('data', (key: Buffer) => {
    // q, Q, Ctrl-C or Esc ends the match.
    if ([0x71, 0x51, 0x03, 0x1b].includes(key[0]!)) quit = true;
  });
  const started = Date.now();
  let graph = match.netGraph();
  let frames = 0;
  while (!quit && Date.now() - started < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 100));
    if (++frames % 10 === 0) graph = match.netGraph();
    const left = Math.ceil(seconds - (Date.now() - started) / 1000);
    const footer = `errors: ${match.errors.length} · q to quit · ${left}s left`;
    process.stdout.write(screen(liveFrame(match, viewer, graph, footer)));
  }
  process.stdin.setRawMode(false);
  process.stdin.pause();
  const { frame, summary } = finalFrame(match, viewer);
  process.stdout.write(screen(frame));
  await match.stop();
  for (const line of match.report()) console.error(line);
  console.log(JSON.stringify(summary));
  return 0;
}
