/**
 * `--steam`: the same game over real Steam. The host opens a friends-only lobby and the overlay's
 * invite dialog; friends join it from the invite, with `--join-lobby <id>`, or when Steam starts the
 * game with `+connect_lobby <id>`. `--join <steamid>` plays directly with a host started with
 * `--no-lobby`. Steam must be running and the library reachable; otherwise this explains, in plain
 * words, what to do.
 */
import { launchLobbyRequest, onLobbyJoinRequest } from '@steamwire/rpc';
import {
  initSteam,
  isLobbyId,
  type LobbyId,
  parseSteamId,
  type SteamBackend,
  SteamInitError,
  type SteamSession,
  systemClock,
} from '@steamwire/transport-steam/steam';
import { ArenaClient, describeJoinFailure } from './client-game.js';
import { ArenaHost } from './host-game.js';
import { hostInLobby, lobbyLine } from './lobby.js';
import { renderFrame, screen } from './render.js';
import { snapshotOf } from './sim.js';

export interface SteamModeOptions {
  /** Join a host directly by its SteamID (a host started with `noLobby`). */
  join?: string;
  /** Which Steam API carries the packets (default `legacy`). */
  backend?: SteamBackend;
  /** Join the match of this lobby. */
  joinLobby?: string;
  /** Host without a lobby: whoever knows our SteamID may join. */
  noLobby?: boolean;
  libraryPath?: string;
  appId: number;
  seconds: number;
  name: string;
}

/** What a match over Steam needs besides the session. */
interface Play {
  session: SteamSession;
  deadline: number;
  /** Draw frames (a terminal), or print status lines only (a pipe, a test). */
  tty: boolean;
  name: string;
}

export async function runOverSteam(options: SteamModeOptions): Promise<number> {
  const wanted = options.joinLobby === undefined ? null : lobbyIdFrom(options.joinLobby);
  if (wanted === undefined) {
    console.error(
      `--join-lobby needs the lobby id the host printed, got ${JSON.stringify(options.joinLobby)}.`,
    );
    return 2;
  }
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
  const play: Play = {
    session,
    deadline: systemClock.now() + options.seconds * 1000,
    tty: process.stdout.isTTY === true,
    name: options.name,
  };
  try {
    if (options.join) return await joinDirectly(play, parseSteamId(options.join));
    if (options.noLobby) return await hostDirectly(play);
    // A lobby to join: asked for, or Steam started the game for an invite (+connect_lobby <id>).
    let lobbyId = wanted ?? launchLobbyRequest(session.friends)?.lobbyId ?? null;
    while (lobbyId === null) {
      const outcome = await hostLobbyMatch(play);
      if (typeof outcome === 'number') return outcome;
      lobbyId = outcome;
    }
    return await joinLobbyMatch(play, lobbyId);
  } finally {
    await sleep(200);
    session.shutdown();
  }
}

/**
 * Hosts through a friends-only lobby until the time is up. Resolves with the exit code, or with
 * another lobby when the player accepted a friend's invite meanwhile (the game then joins that one).
 */
async function hostLobbyMatch({ session, deadline, tty }: Play): Promise<number | LobbyId> {
  let match: Awaited<ReturnType<typeof hostInLobby>>;
  try {
    match = await hostInLobby({
      network: session.networking,
      lobbies: session.lobbies,
      friends: session.friends,
      clock: systemClock,
    });
  } catch (error) {
    console.error(`Could not open a lobby: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const { arena, lobby } = match;
  arena.start();
  lobby.openInviteDialog();
  console.log(`Hosting as ${session.localSteamId} in lobby ${lobby.lobbyId} (friends only).`);
  console.log(
    `Friends join from your invite in the Steam overlay, or with: npm start -- --steam${backendFlag(session)} --join-lobby ${lobby.lobbyId}`,
  );
  let invited: LobbyId | null = null;
  const stopListening = onLobbyJoinRequest(session.friends, (request) => {
    if (request.lobbyId !== lobby.lobbyId) invited = request.lobbyId;
  });
  while (systemClock.now() < deadline && invited === null) {
    await sleep(100);
    if (tty) {
      const size = { width: arena.world.width, height: arena.world.height };
      const title = `Steamwire arena · you host (${session.localSteamId}) · ${lobbyLine(lobby)}`;
      process.stdout.write(screen(renderFrame(snapshotOf(arena.world), size, [], arena.chatLog, { title })));
    }
  }
  stopListening();
  arena.stop();
  lobby.close();
  if (invited !== null) {
    console.log(`You accepted an invite: leaving this match to join lobby ${invited}.`);
    return invited;
  }
  console.log(`Match over. ${arena.chatLog.join(' | ')}`);
  return 0;
}

/** Joins the match of a lobby: its owner is the host. */
async function joinLobbyMatch(play: Play, lobbyId: LobbyId): Promise<number> {
  const { session } = play;
  console.log(`Joining lobby ${lobbyId} as ${session.localSteamId}…`);
  let client: ArenaClient;
  try {
    client = await ArenaClient.joinLobby({
      network: session.networking,
      lobbies: session.lobbies,
      lobbyId,
      clock: systemClock,
      name: play.name,
    });
  } catch (error) {
    console.error(`Could not join: ${describeJoinFailure(error)}.`);
    return 1;
  }
  console.log(`Joined lobby ${lobbyId}: the host is ${client.client.hostId}.`);
  return playAsClient(play, client);
}

/** The flag friends add to use our backend (none for the default). */
function backendFlag(session: SteamSession): string {
  return session.backend === 'legacy' ? '' : ` --backend ${session.backend}`;
}

/** Hosts without a lobby: direct play with friends who type our SteamID. */
async function hostDirectly({ session, deadline, tty }: Play): Promise<number> {
  const arena = new ArenaHost({ network: session.networking, clock: systemClock });
  arena.start();
  console.log(
    `Hosting as ${session.localSteamId} (${session.backend} backend). Friends join with: npm start -- --steam${backendFlag(session)} --join ${session.localSteamId}`,
  );
  while (systemClock.now() < deadline) {
    await sleep(100);
    if (tty) {
      const size = { width: arena.world.width, height: arena.world.height };
      const title = `Steamwire arena · you host (${session.localSteamId}): the world runs here`;
      process.stdout.write(screen(renderFrame(snapshotOf(arena.world), size, [], arena.chatLog, { title })));
    }
  }
  arena.stop();
  console.log(`Match over. ${arena.chatLog.join(' | ')}`);
  return 0;
}

/** Joins a host directly by its SteamID. */
async function joinDirectly(play: Play, host: bigint): Promise<number> {
  console.log(`Joining ${host} as ${play.session.localSteamId} (${play.session.backend} backend)…`);
  let client: ArenaClient;
  try {
    client = await ArenaClient.connect({
      network: play.session.networking,
      clock: systemClock,
      host,
      name: play.name,
    });
  } catch (error) {
    console.error(`Could not join: ${describeJoinFailure(error)}.`);
    return 1;
  }
  console.log(`Connected to ${host}.`);
  return playAsClient(play, client);
}

/** Plays until the time is up or the host is gone; prints how it ended. */
async function playAsClient({ deadline, tty }: Play, client: ArenaClient): Promise<number> {
  client.start();
  const host = client.client.hostId;
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
  const played = `${client.snapshotsReceived} snapshots received, ${client.respawnRequests.granted} respawns`;
  if (lost === undefined) console.log(`Match over: ${played}.`);
  else if (lost === 'hostClosed') console.log(`The host ended the match: ${played}.`);
  else console.log(`Disconnected: ${lost}`);
  return lost === undefined || lost === 'hostClosed' ? 0 : 1;
}

/** A lobby id as the host prints it; `undefined` when the text is not one. */
function lobbyIdFrom(text: string): LobbyId | undefined {
  if (!/^\d{1,20}$/.test(text)) return undefined;
  const id = BigInt(text);
  return isLobbyId(id) ? id : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
