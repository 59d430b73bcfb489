/**
 * How players find the host: it opens a friends-only Steam lobby that advertises the arena's protocol,
 * friends join it (from the overlay's invite, "Join Game", `--join-lobby`, or `+connect_lobby` when
 * Steam starts the game), and the match lets in exactly the lobby's members. The same code runs over
 * real Steam (`--steam`) and on the fake peers of `npm start`.
 */
import { type HostedLobby, openLobby } from '@steamwire/rpc';
import { type Friends, type Lobbies, LobbyType } from '@steamwire/transport-steam';
import { ArenaHost, type ArenaHostOptions } from './host-game.js';
import { arenaProtocol, MAX_PLAYERS } from './protocol.js';

export interface ArenaLobbyOptions extends ArenaHostOptions {
  /** The host's Steam lobbies and friends (`session.lobbies` / `session.friends`, or a fake peer's). */
  lobbies: Lobbies;
  friends: Friends;
}

/** A match hosted through a lobby: the game, and the lobby its players come from. */
export interface LobbyMatch {
  arena: ArenaHost;
  lobby: HostedLobby;
}

/**
 * Opens the lobby, then the host whose `acceptPeer` is the lobby's membership; a player who leaves
 * the lobby is dropped from the match. Invite friends with `lobby.openInviteDialog()`; end with
 * `arena.stop()` then `lobby.close()`.
 */
export async function hostInLobby(options: ArenaLobbyOptions): Promise<LobbyMatch> {
  const { lobbies, friends, ...game } = options;
  const capacity = game.capacity ?? MAX_PLAYERS;
  const lobby = await openLobby({
    lobbies,
    friends,
    protocol: arenaProtocol,
    lobbyType: LobbyType.FriendsOnly,
    // Steam counts the host as a member: one seat more than the match has players.
    maxMembers: capacity + 1,
    data: { game: 'arena' },
    clock: game.clock,
  });
  try {
    const arena = new ArenaHost({
      ...game,
      hostOptions: { ...game.hostOptions, acceptPeer: lobby.acceptPeer },
    });
    lobby.attach(arena.host);
    return { arena, lobby };
  } catch (error) {
    lobby.close();
    throw error;
  }
}

/** One line about the lobby for the screen: its id, who can join, and how full it is. */
export function lobbyLine(lobby: HostedLobby): string {
  return `lobby ${lobby.lobbyId} · friends only · ${lobby.members.length}/${lobby.memberLimit} members`;
}
