/**
 * {@link Friends}: the parts of `ISteamFriends` and `ISteamApps` a multiplayer game needs around its
 * lobbies: names, invites (the overlay dialog, join requests), rich presence (`connect`,
 * `steam_display`) and how the game was launched (`+connect_lobby <id>`). The real binding
 * (`session.friends`) and the testkit's fakes (`peer.friends`) implement it.
 *
 * Pure types and functions: importing this never loads koffi or a Steam library.
 * @packageDocumentation
 */
import { isLobbyId, type LobbyId } from './lobbies.js';
import type { TypedEmitter } from './p2p.js';
import type { SteamId } from './steam-id.js';

/** Most rich presence keys one user may set (`k_cchMaxRichPresenceKeys`). */
export const RICH_PRESENCE_MAX_KEYS = 30;
/** Longest rich presence key, in UTF-8 bytes (`k_cchMaxRichPresenceKeyLength`). */
export const RICH_PRESENCE_KEY_MAX_BYTES = 64;
/** Longest rich presence value, in UTF-8 bytes (`k_cchMaxRichPresenceValueLength`). */
export const RICH_PRESENCE_VALUE_MAX_BYTES = 256;
/** Longest persona name, in UTF-8 bytes (`k_cchPersonaNameMax`). */
export const PERSONA_NAME_MAX_BYTES = 128;

/**
 * Rich presence keys Steam itself reads. `connect` enables "Join Game" in the friends list (its value is
 * a command-line fragment the joiner's game receives); `steam_display` must be a localization token of
 * your app's rich presence file, or Steam shows nothing.
 */
export const RichPresenceKey = {
  Status: 'status',
  Connect: 'connect',
  SteamDisplay: 'steam_display',
  SteamPlayerGroup: 'steam_player_group',
  SteamPlayerGroupSize: 'steam_player_group_size',
} as const;

/** What changed about a user (Steam's `EPersonaChange` bit flags, in `personaStateChange`). */
export const PersonaChange = {
  Name: 0x0001,
  Status: 0x0002,
  ComeOnline: 0x0004,
  GoneOffline: 0x0008,
  GamePlayed: 0x0010,
  GameServer: 0x0020,
  Avatar: 0x0040,
  JoinedSource: 0x0080,
  LeftSource: 0x0100,
  RelationshipChanged: 0x0200,
  NameFirstSet: 0x0400,
  Broadcast: 0x0800,
  Nickname: 0x1000,
  SteamLevel: 0x2000,
  RichPresence: 0x4000,
} as const;

/** Steam's `FriendGameInfo_t`: what a friend is playing, and the lobby they are in. */
export interface FriendGameInfo {
  /** The game's id (`m_gameID`). */
  readonly gameId: bigint;
  /** The game server's IPv4 address as a host-order uint32, 0 when none. */
  readonly gameIp: number;
  readonly gamePort: number;
  readonly queryPort: number;
  /** The friend's lobby (`m_steamIDLobby`), so you can join without an invite; `null` when none. */
  readonly lobbyId: LobbyId | null;
}

/** Steam's `GameLobbyJoinRequested_t` (333): the user accepted an invite, or chose "Join Game" on a friend in a lobby. */
export interface GameLobbyJoinRequest {
  readonly lobbyId: LobbyId;
  /** The friend they join through (the inviter, or the friend they clicked). */
  readonly friendId: SteamId;
}

/** Steam's `GameRichPresenceJoinRequested_t` (337): the user accepted a game invite or joined a friend's rich presence `connect`. */
export interface RichPresenceJoinRequest {
  /** The friend, or `null` when the request did not come through a friend. */
  readonly friendId: SteamId | null;
  /** The friend's `connect` value (or the invite's connect string), at most 255 bytes. */
  readonly connect: string;
}

/** Steam's `PersonaStateChange_t` (304): a user's name, status, rich presence… arrived or changed. */
export interface PersonaStateChange {
  readonly steamId: SteamId;
  /** {@link PersonaChange} flags. */
  readonly changeFlags: number;
}

/** The events of {@link Friends}, delivered only from `runCallbacks`. */
export type FriendsEvents = {
  /** 333: join this lobby (the user accepted an invite, or joined a friend). */
  gameLobbyJoinRequested: (request: GameLobbyJoinRequest) => void;
  /** 337: join through this connect string (a friend's rich presence `connect`, or a game invite). */
  gameRichPresenceJoinRequested: (request: RichPresenceJoinRequest) => void;
  /** 304: read `getFriendPersonaName` again for this user. */
  personaStateChange: (change: PersonaStateChange) => void;
  /** 1014: the running game was launched again with new parameters: read `getLaunchCommandLine`. */
  newLaunchParameters: () => void;
};

/**
 * Steam's friends and launch APIs, as a game around lobbies needs them. Argument types are checked
 * (`InvalidArgumentError`); rich presence limits are checked before Steam is called (`SteamLimitError`).
 * Events fire only from {@link Friends.runCallbacks} (the session's one callback pump).
 */
export interface Friends extends TypedEmitter<FriendsEvents> {
  /** Your own SteamID. */
  readonly localSteamId: SteamId;

  /** Your persona name (`GetPersonaName`), UTF-8. */
  getPersonaName(): string;

  /**
   * Another user's persona name (`GetFriendPersonaName`). Known for friends and co-members of a lobby;
   * right after joining it may still be a placeholder until `personaStateChange` says it arrived.
   */
  getFriendPersonaName(userId: SteamId): string;

  /**
   * Asks Steam for a user's name (and avatar unless `requireNameOnly`) (`RequestUserInformation`).
   * @returns true while fetching (wait for `personaStateChange`); false when it is already known.
   */
  requestUserInformation(userId: SteamId, requireNameOnly?: boolean): boolean;

  /** What a friend plays and the lobby they are in (`GetFriendGamePlayed`); `null` when not in a game. */
  getFriendGamePlayed(friendId: SteamId): FriendGameInfo | null;

  /** Opens the Steam overlay's invite dialog for a lobby (`ActivateGameOverlayInviteDialog`). */
  activateGameOverlayInviteDialog(lobbyId: LobbyId): void;

  /**
   * Invites a friend to the game with a connect string (`InviteUserToGame`); when they accept they get
   * `gameRichPresenceJoinRequested` with it (or it goes on their command line when the game was not running).
   */
  inviteUserToGame(friendId: SteamId, connectString: string): boolean;

  /**
   * Sets a rich presence key (`SetRichPresence`); `''` or `null` deletes it. `connect` enables "Join Game".
   * @throws SteamLimitError for a key over 64 or a value over 256 UTF-8 bytes, or a 31st key.
   */
  setRichPresence(key: string, value: string | null): boolean;

  /** Deletes every rich presence key (`ClearRichPresence`). */
  clearRichPresence(): void;

  /** A friend's rich presence value (`GetFriendRichPresence`); `''` when unset. */
  getFriendRichPresence(friendId: SteamId, key: string): string;

  /** The command line Steam launched the game with (`ISteamApps::GetLaunchCommandLine`); `''` when none. */
  getLaunchCommandLine(): string;

  /**
   * The lobby the game was launched to join: `+connect_lobby <id>` on the process's command line (how
   * Steam starts a game for an invite or "Join Game") or in {@link getLaunchCommandLine}; else `null`.
   */
  getLaunchLobby(): LobbyId | null;

  /** Delivers pending Steam callbacks as events. Call once per frame. */
  runCallbacks(): void;
}

/**
 * The lobby of a `+connect_lobby <64-bit lobby id>` argument, as Steam appends it when it launches a
 * game to join a lobby, from an argument list (`process.argv`) or a command-line string; `null` when
 * there is none or the id is not a lobby's. The last occurrence wins.
 */
export function connectLobbyFromCommandLine(commandLine: string | readonly string[]): LobbyId | null {
  const args = typeof commandLine === 'string' ? commandLine.trim().split(/\s+/) : commandLine;
  let found: LobbyId | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let text: string | undefined;
    if (arg === '+connect_lobby') text = args[i + 1];
    else if (typeof arg === 'string' && arg.startsWith('+connect_lobby='))
      text = arg.slice('+connect_lobby='.length);
    if (text === undefined || !/^\d{1,20}$/.test(text)) continue;
    const id = BigInt(text);
    if (isLobbyId(id)) found = id;
  }
  return found;
}
