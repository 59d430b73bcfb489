#!/usr/bin/env node
/**
 * `npm start`: a live match of one host and three bots on fake Steam peers, drawn in the terminal.
 *   --headless        run the match on the virtual clock and print one JSON summary line
 *   --seconds N       match length (default 30)
 *   --clients N       bot clients (default 3)
 *   --seed N          replay a match
 *   --steam           over real Steam: host a friends-only lobby, or `--join-lobby ID`; `--join STEAMID`
 *                     with a host started with `--no-lobby`; `--lib PATH`, `--app-id N`,
 *                     `--backend legacy|messages|sockets` (which Steam API carries the packets)
 *   +connect_lobby ID what Steam adds when it starts the game for an invite: join that lobby
 */
import { parseArgs } from 'node:util';
import { runLive } from './live.js';
import { Match } from './match.js';
import { runOverSteam } from './steam.js';

const USAGE =
  'usage: npm start -- [--headless] [--seconds N] [--clients N] [--seed N] [--steam [--join-lobby ID | --join STEAMID | --no-lobby] [--lib PATH] [--app-id N] [--backend legacy|messages|sockets] [--name NAME]]';

/** The command line; an unknown or malformed option prints the usage line and exits 2 (no stack trace). */
function parseCommandLine() {
  try {
    return parseArgs({
      // Steam starts a game for an invite with `+connect_lobby <id>`; the binding reads it from argv.
      allowPositionals: true,
      options: {
        headless: { type: 'boolean', default: false },
        seconds: { type: 'string', default: '30' },
        clients: { type: 'string', default: '3' },
        seed: { type: 'string', default: '1' },
        steam: { type: 'boolean', default: false },
        join: { type: 'string' },
        'join-lobby': { type: 'string' },
        'no-lobby': { type: 'boolean', default: false },
        lib: { type: 'string' },
        'app-id': { type: 'string', default: '480' },
        backend: { type: 'string', default: 'legacy' },
        name: { type: 'string', default: 'player' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const { values, positionals } = parseCommandLine();

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
  if (positionals.length > 0 && !(positionals.length === 2 && positionals[0] === '+connect_lobby')) {
    console.error(
      `Unexpected arguments: ${positionals.join(' ')} (only +connect_lobby <id>, as Steam adds it).`,
    );
    return 2;
  }
  const seconds = positiveInt('seconds', values.seconds, 3600);
  // More bots than the match holds is allowed: the late ones are refused, as a real player would be.
  const clients = positiveInt('clients', values.clients, 64);
  const seed = positiveInt('seed', values.seed, 2 ** 31);
  if (values.steam) {
    const backend = values.backend;
    if (backend !== 'legacy' && backend !== 'messages' && backend !== 'sockets') {
      console.error(`--backend must be legacy, messages or sockets; got ${JSON.stringify(backend)}.`);
      return 2;
    }
    return runOverSteam({
      backend,
      join: values.join,
      joinLobby: values['join-lobby'],
      noLobby: values['no-lobby'],
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
  for (const line of match.report()) console.error(line);
  await match.stop();
  console.log(JSON.stringify(summary));
  return summary.healthy ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
