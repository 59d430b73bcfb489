/**
 * `--steam`: the same game over real Steam. Host a match, or join a friend's by SteamID. Steam must be
 * running and the library reachable; otherwise this explains, in plain words, what to do.
 */
import {
  initSteam,
  parseSteamId,
  type SteamBackend,
  SteamInitError,
  type SteamSession,
  systemClock,
} from '@steamwire/transport-steam/steam';
import { ArenaClient, describeJoinFailure } from './client-game.js';
import { ArenaHost } from './host-game.js';
import { renderFrame, screen } from './render.js';
import { snapshotOf } from './sim.js';

export interface SteamModeOptions {
  join?: string;
  /** Which Steam API carries the packets (default `legacy`). */
  backend?: SteamBackend;
  libraryPath?: string;
  appId: number;
  seconds: number;
  name: string;
}

export async function runOverSteam(options: SteamModeOptions): Promise<number> {
  let session: SteamSession;
  try {
    session = initSteam({ appId: options.appId, libraryPath: options.libraryPath, backend: options.backend });
  } catch (error) {
    if (error instanceof SteamInitError) {
      console.error(`Could not start Steam networking: ${error.message}`);
      console.error(
        [
          '',
          'To play over real Steam:',
          '  1. Install and start the Steam client, and log in.',
          '  2. Get libsteam_api from the Steamworks SDK (sdk/redistributable_bin/<platform>/) and either put',
          '     the SDK folder next to this project, or pass --lib /path/to/libsteam_api.so',
          '     (or set STEAMWIRE_STEAM_LIBRARY).',
          "  3. Use your game's app id with --app-id N (480, Spacewar, works for testing).",
          '  4. `npx steamwire doctor` tells exactly what is missing.',
        ].join('\n'),
      );
      return 1;
    }
    throw error;
  }
  const deadline = systemClock.now() + options.seconds * 1000;
  // Without a terminal (a pipe, a test), print status lines only.
  const tty = process.stdout.isTTY === true;
  try {
    if (options.join) {
      const host = parseSteamId(options.join);
      console.log(`Joining ${host} as ${session.localSteamId} (${session.backend} backend)…`);
      let client: ArenaClient;
      try {
        client = await ArenaClient.connect({
          network: session.networking,
          clock: systemClock,
          host,
          name: options.name,
        });
      } catch (error) {
        console.error(`Could not join: ${describeJoinFailure(error)}.`);
        return 1;
      }
      client.start();
      console.log(`Connected to ${host}.`);
      while (systemClock.now() < deadline && !client.disconnected) {
        await sleep(100);
        if (tty)
          process.stdout.write(
            screen(
              renderFrame(client.view(), { width: 60, height: 20 }, [], client.chatLog, {
                title: `Steamwire arena · host ${host} · you play as ${client.shownName}`,
              }),
            ),
          );
      }
      // Read why before stop(): leaving politely marks the client disconnected too.
      const lost = client.disconnected;
      client.stop();
      console.log(
        lost
          ? `Disconnected: ${lost}`
          : `Match over: ${client.snapshotsReceived} snapshots received, ${client.respawnRequests.granted} respawns.`,
      );
      if (lost) return 1;
    } else {
      const arena = new ArenaHost({ network: session.networking, clock: systemClock });
      arena.start();
      console.log(
        `Hosting as ${session.localSteamId} (${session.backend} backend). Friends join with: npm start -- --steam --backend ${session.backend} --join ${session.localSteamId}`,
      );
      while (systemClock.now() < deadline) {
        await sleep(100);
        if (tty) {
          const size = { width: arena.world.width, height: arena.world.height };
          const title = `Steamwire arena · you host (${session.localSteamId}): the world runs here`;
          process.stdout.write(
            screen(renderFrame(snapshotOf(arena.world), size, [], arena.chatLog, { title })),
          );
        }
      }
      arena.stop();
      console.log(`Match over. ${arena.chatLog.join(' | ')}`);
    }
    return 0;
  } finally {
    await sleep(200);
    session.shutdown();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
