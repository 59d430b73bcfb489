/**
 * {@link FakeLobbyService}: the in-memory Steam backend behind every fake peer's `lobbies` and
 * `friends` — the lobbies, who is online, friendships, rich presence, launch command lines — with
 * Steam's lobby semantics (STEAM_API.md §16.6), the same ones the native fake implements:
 * - changes apply at once; the callbacks they cause reach each peer after the backend latency, from
 *   its `runCallbacks`;
 * - create: the call result, then `lobbyEnter` (Success) and `lobbyDataUpdate` for the lobby;
 * - join: the call result and `lobbyEnter`; failure only in the response (gone, not allowed — not
 *   joinable, or friends-only without a friend inside or an invite —, full, banned); the members get
 *   `lobbyMemberChange` (entered);
 * - leave: immediate; the others get `lobbyMemberChange` (left); the oldest remaining member becomes
 *   owner when the owner leaves; the lobby disappears with its last member;
 * - lobby data: owner only, sent when it changed, `lobbyDataUpdate` to every member (the setter too);
 *   member data likewise with the member; chat to every member, the sender too;
 * - friends see (`getFriendGamePlayed`, "Join Game") a friend's public or friends-only lobby only;
 * - invites and the overlay's invite dialog give the invitee `lobbyInvite` then
 *   `gameLobbyJoinRequested` (the fake's users accept at once); `inviteUserToGame` gives
 *   `gameRichPresenceJoinRequested`.
 * @packageDocumentation
 */
import {
  assertSteamId,
  type Clock,
  InvalidArgumentError,
  type LobbyId,
  LobbyType,
  lobbyIdFromAccountId,
  type SteamAPICallFailure,
  type SteamId,
  steamIdAccountId,
} from '@steamwire/transport-steam';
import { UnknownPeerError } from '../errors.js';
import { LobbyEndpoint } from './endpoint.js';
import { type LobbyRecord, memberOf, type UserRecord } from './state.js';

/** The app id fake peers play (Steam's test app, Spacewar). */
export const FAKE_APP_ID = 480n;

/** Options of {@link FakeLobbyService.kick}. */
export interface FakeKickOptions {
  /** Ban too: the user can never join again (`Banned` instead of `Kicked`). */
  readonly ban?: boolean;
  /** Who kicks (default: the lobby's owner). */
  readonly by?: SteamId;
}

function pairKey(a: SteamId, b: SteamId): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The lobby and friends backend of one `FakeSteamNetwork`. */
export class FakeLobbyService {
  /** @internal Lobbies in creation order. */
  readonly lobbies = new Map<LobbyId, LobbyRecord>();
  /** @internal Online users. */
  readonly users = new Map<SteamId, UserRecord>();
  /** @internal */
  readonly endpoints = new Map<SteamId, LobbyEndpoint>();
  private readonly friendships = new Set<string>();
  private readonly launch = new Map<SteamId, string>();
  private nextLobby = 1;

  /** @internal Built by `FakeSteamNetwork`. */
  constructor(
    private readonly clock: Clock,
    /** How long the backend takes to tell a peer about anything, in milliseconds. */
    readonly latencyMs: number,
  ) {}

  /** @internal A peer came online. */
  attach(id: SteamId): LobbyEndpoint {
    const endpoint = new LobbyEndpoint(id, this.clock, this.latencyMs);
    this.endpoints.set(id, endpoint);
    this.users.set(id, { name: `Fake ${steamIdAccountId(id)}`, richPresence: new Map() });
    return endpoint;
  }

  /** @internal A peer went away (crash or removal): it disconnects from every lobby. */
  detach(id: SteamId): void {
    for (const lobby of [...this.lobbies.values()]) {
      if (memberOf(lobby, id) !== undefined) this.removeMember(lobby, id, id, 0x04);
    }
    this.users.delete(id);
    this.endpoints.get(id)?.shutdown();
    this.endpoints.delete(id);
  }

  /** Makes `a` and `b` friends (or not): friends-only lobbies, the invite dialog, `getFriendGamePlayed`. */
  setFriends(a: SteamId, b: SteamId, friends = true): void {
    const key = pairKey(assertSteamId(a), assertSteamId(b));
    if (friends) this.friendships.add(key);
    else this.friendships.delete(key);
  }

  /** True when `a` and `b` are friends. */
  areFriends(a: SteamId, b: SteamId): boolean {
    return a !== b && this.friendships.has(pairKey(a, b));
  }

  /** Sets a peer's persona name. */
  setPersonaName(id: SteamId, name: string): void {
    if (typeof name !== 'string') throw new InvalidArgumentError('name', 'name must be a string.');
    this.user(id).name = name;
  }

  /** Sets the command line a peer was launched with (`getLaunchCommandLine`), e.g. `+connect_lobby <id>`. */
  setLaunchCommandLine(id: SteamId, commandLine: string): void {
    if (typeof commandLine !== 'string')
      throw new InvalidArgumentError('commandLine', 'commandLine must be a string.');
    this.user(id);
    this.launch.set(id, commandLine);
  }

  /**
   * Steam launches peer `id`'s running game again with `commandLine` (a "Join Game" or invite while it
   * runs): it gets `newLaunchParameters`, and `getLaunchCommandLine` returns the new line.
   */
  relaunch(id: SteamId, commandLine: string): void {
    this.setLaunchCommandLine(id, commandLine);
    const endpoint = this.endpoint(id);
    endpoint.post(() => endpoint.emitFriends('newLaunchParameters'));
  }

  /** @internal */
  launchCommandLine(id: SteamId): string {
    return this.launch.get(id) ?? '';
  }

  /** The next async call of peer `id` fails with Steam's `failure` (as when Steam loses its servers). */
  failNextCall(id: SteamId, failure: SteamAPICallFailure): void {
    this.endpoint(id).failNext = failure;
  }

  /** While `hold` is true, no call result ever reaches peer `id` (Steam never answers). */
  holdCallResults(id: SteamId, hold: boolean): void {
    this.endpoint(id).holdResults = hold;
  }

  /**
   * Steam removes `userId` from a lobby, as an admin kick or ban: the members get
   * `lobbyMemberChange` (kicked or banned, by the kicker), the user gets `lobbyKicked`.
   * @returns false when the user is not in the lobby.
   */
  kick(lobbyId: LobbyId, userId: SteamId, options: FakeKickOptions = {}): boolean {
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined || memberOf(lobby, userId) === undefined) return false;
    const by = options.by ?? lobby.owner;
    if (options.ban === true) lobby.banned.add(userId);
    this.endpoints
      .get(userId)
      ?.post(() =>
        this.endpoints
          .get(userId)
          ?.emitLobby('lobbyKicked', { lobbyId, adminId: by, dueToDisconnect: false }),
      );
    this.removeMember(lobby, userId, by, options.ban === true ? 0x10 : 0x08);
    return true;
  }

  /**
   * Peer `userId` chooses "Join Game" on `friendId` in Steam's friends list: `gameLobbyJoinRequested`
   * when the friend is in a lobby, else `gameRichPresenceJoinRequested` with the friend's `connect`.
   * @returns false when they are not friends, or the friend is in no lobby and has no `connect`.
   */
  joinFriendGame(userId: SteamId, friendId: SteamId): boolean {
    const endpoint = this.endpoint(userId);
    if (!this.areFriends(userId, friendId) || !this.users.has(friendId)) return false;
    const lobbyId = this.lobbyOf(friendId);
    if (lobbyId !== null) {
      endpoint.post(() => endpoint.emitFriends('gameLobbyJoinRequested', { lobbyId, friendId }));
      return true;
    }
    const connect = this.users.get(friendId)?.richPresence.get('connect');
    if (connect === undefined) return false;
    endpoint.post(() => endpoint.emitFriends('gameRichPresenceJoinRequested', { friendId, connect }));
    return true;
  }

  /** The ids of every lobby that exists, oldest first (for tests). */
  get lobbyIds(): LobbyId[] {
    return [...this.lobbies.keys()];
  }

  /**
   * @internal The first lobby `id` is in that friends may see: public or friends-only (invisible lobbies
   * are "not visible to other friends", private ones are by invite).
   */
  lobbyOf(id: SteamId): LobbyId | null {
    for (const lobby of this.lobbies.values()) {
      if (lobby.type !== LobbyType.Public && lobby.type !== LobbyType.FriendsOnly) continue;
      if (memberOf(lobby, id) !== undefined) return lobby.id;
    }
    return null;
  }

  /** @internal A new lobby owned by `owner`. */
  createLobby(owner: SteamId, type: LobbyRecord['type'], maxMembers: number): LobbyRecord {
    const serial = this.nextLobby++;
    const lobby: LobbyRecord = {
      id: lobbyIdFromAccountId(serial),
      serial,
      type,
      maxMembers,
      joinable: true,
      owner,
      nextChatId: 0,
      members: [{ id: owner, data: new Map() }],
      data: new Map(),
      invited: new Set(),
      banned: new Set(),
    };
    this.lobbies.set(lobby.id, lobby);
    return lobby;
  }

  /** @internal Sends `emit` to every member of `lobby` (but `except`). */
  toMembers(lobby: LobbyRecord, emit: (endpoint: LobbyEndpoint) => void, except?: SteamId): void {
    for (const m of lobby.members) {
      if (m.id === except) continue;
      const endpoint = this.endpoints.get(m.id);
      endpoint?.post(() => emit(endpoint));
    }
  }

  /** @internal `lobbyDataUpdate` to every member: the lobby's data (member `null`) or a member's. */
  dataChanged(lobby: LobbyRecord, memberId: SteamId | null): void {
    const lobbyId = lobby.id;
    this.toMembers(lobby, (e) => e.emitLobby('lobbyDataUpdate', { lobbyId, memberId, success: true }));
  }

  /** @internal Takes `userId` out: events to the others, owner migration, deletion when empty. */
  removeMember(lobby: LobbyRecord, userId: SteamId, by: SteamId, flags: number): void {
    const index = lobby.members.findIndex((m) => m.id === userId);
    if (index === -1) return;
    lobby.members.splice(index, 1);
    if (lobby.members.length === 0) {
      this.lobbies.delete(lobby.id);
      return;
    }
    // Steam keeps exactly one owner and does not say whom it picks; the oldest member is the emulators' choice.
    if (lobby.owner === userId) lobby.owner = lobby.members[0]!.id;
    const change = flags & 0x02 ? 'left' : flags & 0x04 ? 'disconnected' : flags & 0x08 ? 'kicked' : 'banned';
    const lobbyId = lobby.id;
    this.toMembers(lobby, (e) =>
      e.emitLobby('lobbyMemberChange', { lobbyId, userId, changedBy: by, stateChange: flags, change }),
    );
  }

  /** @internal Invites `invitee` to `lobby` (the inviter must be a member). */
  invite(lobby: LobbyRecord, inviter: SteamId, invitee: SteamId): void {
    lobby.invited.add(invitee);
    const endpoint = this.endpoints.get(invitee);
    const lobbyId = lobby.id;
    endpoint?.post(() => {
      endpoint.emitLobby('lobbyInvite', { inviterId: inviter, lobbyId, gameId: FAKE_APP_ID });
      endpoint.emitFriends('gameLobbyJoinRequested', { lobbyId, friendId: inviter });
    });
  }

  private user(id: SteamId): UserRecord {
    const user = this.users.get(id);
    if (user === undefined) throw new UnknownPeerError(id);
    return user;
  }

  private endpoint(id: SteamId): LobbyEndpoint {
    const endpoint = this.endpoints.get(id);
    if (endpoint === undefined) throw new UnknownPeerError(id);
    return endpoint;
  }
}
