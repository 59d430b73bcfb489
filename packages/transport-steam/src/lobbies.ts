/**
 * {@link Lobbies}: Steam's lobbies (`ISteamMatchmaking`) as one typed interface, the way players find
 * a host: the owner is the host, the members are who may connect, lobby data carries what a joiner
 * must check (e.g. a protocol fingerprint). The real binding (`session.lobbies`) and the testkit's
 * fakes (`peer.lobbies`) implement it; code above depends only on this file.
 *
 * Pure types and constants: importing this never loads koffi or a Steam library.
 * @packageDocumentation
 */
import type { TypedEmitter } from './p2p.js';
import type { SteamId } from './steam-id.js';

/** A lobby's SteamID (account type Chat with the lobby instance flags), as a `bigint`. */
export type LobbyId = SteamId;

/**
 * Who can find and join a lobby (Steam's `ELobbyType`; the numbers are Steam's).
 *
 * - `Private` (0): only by invite, or by an id passed out of band; never listed.
 * - `FriendsOnly` (1): friends of a member and invitees; never listed.
 * - `Public` (2): friends, invitees, and `requestLobbyList`.
 * - `Invisible` (3): listed, but not shown to friends; a user may be in 2 of these besides 1 other lobby.
 */
export const LobbyType = {
  Private: 0,
  FriendsOnly: 1,
  Public: 2,
  Invisible: 3,
} as const;
/** One of the {@link LobbyType} numbers. */
export type LobbyType = (typeof LobbyType)[keyof typeof LobbyType];

/**
 * How a list filter compares **the lobby's** value with the filter's (Steam's `ELobbyComparison`):
 * `GreaterThan` keeps lobbies whose value is greater than the filter's.
 */
export const LobbyComparison = {
  EqualToOrLessThan: -2,
  LessThan: -1,
  Equal: 0,
  GreaterThan: 1,
  EqualToOrGreaterThan: 2,
  NotEqual: 3,
} as const;
/** One of the {@link LobbyComparison} numbers. */
export type LobbyComparison = (typeof LobbyComparison)[keyof typeof LobbyComparison];

/**
 * How far away listed lobbies may be (Steam's `ELobbyDistanceFilter`). Steam uses `Default` (same or
 * nearby regions) when a search does not say: pass `Worldwide` to see every lobby.
 */
export const LobbyDistanceFilter = {
  Close: 0,
  Default: 1,
  Far: 2,
  Worldwide: 3,
} as const;
/** One of the {@link LobbyDistanceFilter} numbers. */
export type LobbyDistanceFilter = (typeof LobbyDistanceFilter)[keyof typeof LobbyDistanceFilter];

/**
 * The outcome of entering a lobby (Steam's `EChatRoomEnterResponse`). Only `Success` means you are in:
 * a join's call result can arrive "completed" with any of the others.
 */
export const ChatRoomEnterResponse = {
  Success: 1,
  DoesntExist: 2,
  NotAllowed: 3,
  Full: 4,
  Error: 5,
  Banned: 6,
  Limited: 7,
  ClanDisabled: 8,
  CommunityBan: 9,
  MemberBlockedYou: 10,
  YouBlockedMember: 11,
  RatelimitExceeded: 15,
} as const;
/** One of the {@link ChatRoomEnterResponse} numbers (others Steam may add are passed through as numbers). */
export type ChatRoomEnterResponse = (typeof ChatRoomEnterResponse)[keyof typeof ChatRoomEnterResponse];

/** What happened to a member (Steam's `EChatMemberStateChange` bit flags). */
export const ChatMemberStateChange = {
  Entered: 0x01,
  Left: 0x02,
  /** Left without leaving (the connection to Steam dropped). */
  Disconnected: 0x04,
  Kicked: 0x08,
  Banned: 0x10,
} as const;

/** A {@link ChatMemberStateChange} as a word. */
export type LobbyMemberChangeKind = 'entered' | 'left' | 'disconnected' | 'kicked' | 'banned';

/** The kind of a lobby chat entry (Steam's `EChatEntryType`); lobby chat messages are `ChatMsg`. */
export const ChatEntryType = {
  Invalid: 0,
  ChatMsg: 1,
  Typing: 2,
  InviteGame: 3,
  /** Deprecated by Steam: treat as `ChatMsg`. */
  Emote: 4,
  LeftConversation: 6,
  Entered: 7,
  WasKicked: 8,
  WasBanned: 9,
  Disconnected: 10,
  HistoricalChat: 11,
  LinkBlocked: 14,
} as const;
/** One of the {@link ChatEntryType} numbers. */
export type ChatEntryType = (typeof ChatEntryType)[keyof typeof ChatEntryType];

/** Most members a lobby can have (`CreateLobby`, `SetLobbyMemberLimit`). */
export const LOBBY_MAX_MEMBERS = 250;
/** Longest lobby or member data key, in UTF-8 bytes (`k_nMaxLobbyKeyLength`). */
export const LOBBY_KEY_MAX_BYTES = 255;
/** Longest lobby or member data value, in UTF-8 bytes (`k_cubChatMetadataMax`). */
export const LOBBY_VALUE_MAX_BYTES = 8192;
/** Largest lobby chat message, in bytes (Steam: "up to 4 Kilobytes"; a text message counts its NUL). */
export const LOBBY_CHAT_MAX_BYTES = 4096;
/** Most lobbies one `requestLobbyList` returns (undocumented by Valve; projects report 50). */
export const LOBBY_LIST_MAX_RESULTS = 50;

/** High 32 bits of a lobby SteamID: universe Public, type Chat, instance flags Lobby | MMSLobby. */
const LOBBY_ID_HIGH = 0x01860000n;
/** `k_EChatInstanceFlagLobby`: the instance bit `CSteamID::IsLobby()` tests. */
const INSTANCE_FLAG_LOBBY = 0x40000n;

/**
 * True for a lobby's SteamID: a 64-bit bigint of universe 1–4, account type Chat (8), the lobby
 * instance flag, and a non-zero account id (what `CSteamID::IsLobby()` and `IsValid()` check).
 */
export function isLobbyId(id: unknown): id is LobbyId {
  if (typeof id !== 'bigint' || id <= 0n || id >= 1n << 64n) return false;
  const universe = Number(id >> 56n);
  const type = Number((id >> 52n) & 0xfn);
  const instance = (id >> 32n) & 0xfffffn;
  return (
    universe >= 1 &&
    universe <= 4 &&
    type === 8 &&
    (instance & INSTANCE_FLAG_LOBBY) !== 0n &&
    (id & 0xffffffffn) !== 0n
  );
}

/** The lobby SteamID Steam would give lobby number `accountId` (what the fakes hand out). */
export function lobbyIdFromAccountId(accountId: number): LobbyId {
  if (!Number.isInteger(accountId) || accountId <= 0 || accountId > 0xffffffff) {
    throw new RangeError(`A lobby account id is an integer from 1 to 2^32-1, got ${String(accountId)}.`);
  }
  return (LOBBY_ID_HIGH << 32n) | BigInt(accountId);
}

/** A string filter of {@link LobbyListFilters}: the lobby's value of `key` compared with `value`. */
export interface LobbyStringFilter {
  readonly key: string;
  readonly value: string;
  /** Default `Equal`. */
  readonly comparison?: LobbyComparison;
}

/** A numerical filter of {@link LobbyListFilters}: the lobby's value of `key` (an int32) compared with `value`. */
export interface LobbyNumericalFilter {
  readonly key: string;
  readonly value: number;
  /** Default `Equal`. */
  readonly comparison?: LobbyComparison;
}

/** A near-value filter: sorts (does not filter) by closeness of the lobby's `key` to `value`. */
export interface LobbyNearValueFilter {
  readonly key: string;
  readonly value: number;
}

/**
 * The filters of one {@link Lobbies.requestLobbyList} (Steam's `AddRequestLobbyList*Filter` calls,
 * applied in this order just before the request, so they never leak into another search).
 */
export interface LobbyListFilters {
  /** Lobbies whose string value compares as given (all must hold). */
  readonly stringFilters?: readonly LobbyStringFilter[];
  /** Lobbies whose numerical value compares as given (all must hold). */
  readonly numericalFilters?: readonly LobbyNumericalFilter[];
  /** Sort by closeness; earlier filters weigh more. */
  readonly nearValueFilters?: readonly LobbyNearValueFilter[];
  /** Lobbies with at least this many free slots. */
  readonly slotsAvailable?: number;
  /** How far away lobbies may be. Steam's default is `Default` (nearby regions only). */
  readonly distance?: LobbyDistanceFilter;
  /** At most this many results (Steam caps lists at about {@link LOBBY_LIST_MAX_RESULTS}). */
  readonly maxResults?: number;
}

/** Steam's `LobbyEnter_t` (504): the result of entering a lobby (joining, or creating it). */
export interface LobbyEnter {
  readonly lobbyId: LobbyId;
  /** Only invited users may join (`m_bLocked`). */
  readonly locked: boolean;
  /** {@link ChatRoomEnterResponse.Success} means you are in; anything else says why not. */
  readonly response: ChatRoomEnterResponse;
}

/** Steam's `LobbyDataUpdate_t` (505): lobby data or one member's data changed, or a requested lobby's data arrived. */
export interface LobbyDataUpdate {
  readonly lobbyId: LobbyId;
  /** The member whose member data changed, or `null` when the lobby's own data changed. */
  readonly memberId: SteamId | null;
  /** False when `requestLobbyData` asked about a lobby that no longer exists. */
  readonly success: boolean;
}

/** Steam's `LobbyChatUpdate_t` (506): someone entered or left a lobby you are in. */
export interface LobbyMemberChange {
  readonly lobbyId: LobbyId;
  /** Who entered or left. */
  readonly userId: SteamId;
  /** Who made it happen: the user itself, or the one who kicked or banned them. */
  readonly changedBy: SteamId;
  /** The {@link ChatMemberStateChange} flags as Steam sent them. */
  readonly stateChange: number;
  /** The flags as one word (the first of entered, left, disconnected, kicked, banned that is set). */
  readonly change: LobbyMemberChangeKind;
}

/** Steam's `LobbyChatMsg_t` (507) with its entry (`GetLobbyChatEntry`) already read. */
export interface LobbyChatMessage {
  readonly lobbyId: LobbyId;
  /** Who sent it (you too: the sender receives its own messages). */
  readonly userId: SteamId;
  readonly entryType: ChatEntryType;
  /** Steam's id of this entry, increasing per lobby. */
  readonly chatId: number;
  /** The bytes as sent; a text message sent as a string ends with a NUL (see {@link lobbyChatText}). */
  readonly data: Uint8Array;
}

/** Steam's `LobbyInvite_t` (503): someone invited you to a lobby. */
export interface LobbyInvite {
  readonly inviterId: SteamId;
  readonly lobbyId: LobbyId;
  /** The game the lobby is for (`m_ulGameID`). */
  readonly gameId: bigint;
}

/** Steam's `LobbyKicked_t` (512): you were removed from a lobby. */
export interface LobbyKicked {
  readonly lobbyId: LobbyId;
  /** Who removed you (the lobby itself when Steam did). */
  readonly adminId: SteamId;
  /** Removed because your connection to Steam dropped. */
  readonly dueToDisconnect: boolean;
}

/** The events of {@link Lobbies}, delivered only from `runCallbacks` (never inside your own calls). */
export type LobbiesEvents = {
  /** 504: you entered a lobby (after `createLobby` too), or failed to (`response` says why). */
  lobbyEnter: (enter: LobbyEnter) => void;
  /** 505: data of a lobby you are in (or asked about with `requestLobbyData`) changed or arrived. */
  lobbyDataUpdate: (update: LobbyDataUpdate) => void;
  /** 506: a member entered, left, disconnected, was kicked or banned. Re-read the owner: Steam sends no owner-changed event. */
  lobbyMemberChange: (change: LobbyMemberChange) => void;
  /** 507: a chat message in a lobby you are in, yours included. */
  lobbyChatMessage: (message: LobbyChatMessage) => void;
  /** 503: an invitation; accepting it in Steam's UI gives `Friends`' `gameLobbyJoinRequested`. */
  lobbyInvite: (invite: LobbyInvite) => void;
  /** 512: you were kicked from a lobby. */
  lobbyKicked: (kicked: LobbyKicked) => void;
};

/** The UTF-8 text of a chat message: its bytes up to the first NUL (text is sent NUL-terminated). */
export function lobbyChatText(data: Uint8Array): string {
  const end = data.indexOf(0);
  return new TextDecoder().decode(end === -1 ? data : data.subarray(0, end));
}

/**
 * Steam's lobbies (`ISteamMatchmaking`) as a typed interface. Names follow Steam's (camelCase); lobby
 * and user ids are `bigint`. Async Steam calls return Promises that settle from `runCallbacks`.
 *
 * Argument types are checked (a wrong type throws `InvalidArgumentError`), and Steam's limits are
 * checked before Steam is called (over a limit throws `SteamLimitError`). An id that is not a lobby
 * is answered as Steam answers an unknown lobby: `''`, `0`, `null`, `false`, or a rejected join.
 *
 * Events fire only from {@link Lobbies.runCallbacks} (the same pump as the networking's
 * `runCallbacks`: calling either delivers every event of the session).
 */
export interface Lobbies extends TypedEmitter<LobbiesEvents> {
  /** Your own SteamID. */
  readonly localSteamId: SteamId;

  /**
   * Creates a lobby and enters it as its owner (`CreateLobby`). Settles from `runCallbacks` with Steam's
   * `LobbyCreated_t`; a `lobbyEnter` event follows. Set the lobby's data right after it resolves.
   * @param maxMembers 1 to {@link LOBBY_MAX_MEMBERS}.
   * @throws SteamLimitError (synchronously) for more than 250 members.
   * @returns the new lobby's id; rejects with `LobbyCreateError` (Steam's `EResult`),
   *   `SteamCallFailedError` or `SteamCallCancelledError`.
   */
  createLobby(type: LobbyType, maxMembers: number): Promise<LobbyId>;

  /**
   * Joins a lobby (`JoinLobby`). Resolves only when Steam says `Success`; otherwise rejects with
   * `LobbyJoinError` whose `response` says why (gone, full, not allowed…). Lobby data is readable
   * once it resolves.
   */
  joinLobby(lobbyId: LobbyId): Promise<LobbyEnter>;

  /** Leaves a lobby at once (`LeaveLobby`); the others get `lobbyMemberChange` (left). */
  leaveLobby(lobbyId: LobbyId): void;

  /**
   * Invites a user to a lobby you are in (`InviteUserToLobby`); they get `lobbyInvite`, and
   * `gameLobbyJoinRequested` once they accept in Steam's UI.
   * @returns true when sent (not accepted); false when you are not in the lobby or the id is invalid.
   */
  inviteUserToLobby(lobbyId: LobbyId, invitee: SteamId): boolean;

  /**
   * Searches for lobbies (`AddRequestLobbyList*Filter` then `RequestLobbyList`). Only public and
   * invisible lobbies that are joinable and not full are listed, nearest first. Only one search runs at
   * a time: starting another rejects this one with `SteamCallCancelledError` (`superseded`).
   * @returns the lobby ids; their data is readable with `getLobbyData` afterwards.
   */
  requestLobbyList(filters?: LobbyListFilters): Promise<LobbyId[]>;

  /**
   * Asks for the data of a lobby you are not in (`RequestLobbyData`); it arrives as `lobbyDataUpdate`
   * (`success` false when the lobby no longer exists).
   * @returns false when the id is not a lobby's.
   */
  requestLobbyData(lobbyId: LobbyId): boolean;

  /** A lobby data value (`GetLobbyData`); `''` when unset or the lobby is unknown. */
  getLobbyData(lobbyId: LobbyId, key: string): string;

  /** Every lobby data key and value (`GetLobbyDataCount` + `GetLobbyDataByIndex`); empty when unknown. */
  getAllLobbyData(lobbyId: LobbyId): Map<string, string>;

  /**
   * Sets a lobby data value (`SetLobbyData`), visible to members and searches; `''` deletes it.
   * Owner only: for anyone else it changes nothing and returns false (Steam's own answer would mean nothing).
   * @throws SteamLimitError for a key over 255 or a value over 8192 UTF-8 bytes.
   */
  setLobbyData(lobbyId: LobbyId, key: string, value: string): boolean;

  /** Deletes a lobby data key (`DeleteLobbyData`). Owner only. @returns false when not the owner or unknown. */
  deleteLobbyData(lobbyId: LobbyId, key: string): boolean;

  /**
   * A member's data value (`GetLobbyMemberData`): `''` when unset, `null` when you are not in the lobby
   * or `userId` is not a member.
   */
  getLobbyMemberData(lobbyId: LobbyId, userId: SteamId, key: string): string | null;

  /**
   * Sets your own member data in a lobby you are in (`SetLobbyMemberData`); every member gets
   * `lobbyDataUpdate` with `memberId` = you. `''` clears the key.
   * @throws SteamLimitError for a key over 255 or a value over 8192 UTF-8 bytes.
   */
  setLobbyMemberData(lobbyId: LobbyId, key: string, value: string): void;

  /** How many members a lobby has (`GetNumLobbyMembers`); 0 when unknown. */
  getNumLobbyMembers(lobbyId: LobbyId): number;

  /** Member `index` of a lobby you are in (`GetLobbyMemberByIndex`), or `null`. */
  getLobbyMemberByIndex(lobbyId: LobbyId, index: number): SteamId | null;

  /** Every member of a lobby you are in, in Steam's order; empty when you are not in it. */
  getLobbyMembers(lobbyId: LobbyId): SteamId[];

  /**
   * Sends a chat message to every member, you included (`SendLobbyChatMsg`). A string is sent as UTF-8
   * with its NUL, as Steam's own clients do. Steam's chat is slow and rate limited: not for game data.
   * @throws SteamLimitError above {@link LOBBY_CHAT_MAX_BYTES}; InvalidArgumentError when empty.
   * @returns false when you are not in the lobby.
   */
  sendLobbyChatMsg(lobbyId: LobbyId, message: Uint8Array | string): boolean;

  /** The member limit (`GetLobbyMemberLimit`); 0 when there is none or the lobby is unknown. */
  getLobbyMemberLimit(lobbyId: LobbyId): number;

  /**
   * Changes the member limit (`SetLobbyMemberLimit`). Owner only.
   * @throws SteamLimitError above 250.
   */
  setLobbyMemberLimit(lobbyId: LobbyId, maxMembers: number): boolean;

  /** Changes who can find the lobby (`SetLobbyType`). Owner only. */
  setLobbyType(lobbyId: LobbyId, type: LobbyType): boolean;

  /** Opens or closes the lobby to joiners, invitees included, and to searches (`SetLobbyJoinable`). Owner only. */
  setLobbyJoinable(lobbyId: LobbyId, joinable: boolean): boolean;

  /** The owner of a lobby you are in (`GetLobbyOwner`), or `null`. There is always exactly one. */
  getLobbyOwner(lobbyId: LobbyId): SteamId | null;

  /** Hands ownership to another member (`SetLobbyOwner`); every member gets `lobbyDataUpdate`. Owner only. */
  setLobbyOwner(lobbyId: LobbyId, newOwner: SteamId): boolean;

  /** Delivers pending Steam callbacks as events and settles finished calls. Call once per frame. */
  runCallbacks(): void;
}
