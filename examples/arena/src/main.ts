#!/usr/bin/env node
/**
 * `npm start`: a live match of one host and three bots on fake Steam peers, drawn in the terminal.
 *   --headless        run the match on the virtual clock and print one JSON summary line
 *   --seconds N       match length (default 30)
 *   --clients N       bot clients (default 3)
 *   --seed N          replay a match
 *   --steam           over real Steam: host, or `--join STEAMID`; `--lib PATH`, `--app-id N`
 */
import { parseArgs } from 'node:util';
import { Match } from './match.js';
import { renderFrame, screen } from './render.js';
import { runOverSteam } from './steam.js';

const USAGE =
  'usage: npm start -- [--headless] [--seconds N] [--clients N] [--seed N] [--steam [--join STEAMID] [--lib PATH] [--app-id N] [--name NAME]]';

/** The command line; an unknown or malformed option prints the usage line and exits 2 (no stack trace). */
function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        headless: { type: 'boolean', default: false },
        seconds: { type: 'string', default: '30' },
        clients: { type: 'string', default: '3' },
        seed: { type: 'string', default: '1' },
        steam: { type: 'boolean', default: false },
        join: { type: 'string' },
        lib: { type: 'string' },
        'app-id': { type: 'string', default: '480' },
        name: { type: 'string', default: 'player' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseCommandLine();

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}; got ${JSON.stringify(text)}.`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seconds = positiveInt('seconds', values.seconds, 3600);
  const clients = positiveInt('clients', values.clients, 8);
  const seed = positiveInt('seed', values.seed, 2 ** 31);
  if (values.steam) {
    return runOverSteam({
      join: values.join,
      libraryPath: values.lib,
      appId: positiveInt('app-id', values['app-id'], 2 ** 31),
      seconds,
      name: values.name,
    });
  }
  // Without a terminal to draw on (CI, a pipe), the live view falls back to headless.
  const live = !values.headless && process.stdout.isTTY === true && process.stdin.isTTY === true;
  return live ? runLive(seconds, clients, seed) : runHeadless(seconds, clients, seed);
}

async function runHeadless(seconds: number, clients: number, seed: number): Promise<number> {
  const match = await Match.start({ clients, seed });
  for (let t = 0; t < seconds; t++) await match.net.advance(1000);
  const summary = match.summary();
  await match.stop();
  console.log(JSON.stringify(summary));
  return summary.healthy ? 0 : 1;
}

async function runLive(seconds: number, clients: number, seed: number): Promise<number> {
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
    process.stdout.write(
      screen(
        renderFrame(
          viewer.view(),
          { width: match.arena.world.width, height: match.arena.world.height },
          graph,
          viewer.chatLog,
          {
            title: `Steamwire arena: ${viewer.name}'s view (interpolated), host + ${match.clients.length} bots on fake Steam peers`,
            footer: `q to quit · ${left}s left`,
          },
        ),
      ),
    );
  }
  process.stdin.setRawMode(false);
  process.stdin.pause();
  const summary = match.summary();
  await match.stop();
  console.log(JSON.stringify(summary));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
