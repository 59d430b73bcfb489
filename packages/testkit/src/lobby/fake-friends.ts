/**
 * {@link FakeFriends}: a fake peer's `Friends`, over its network's {@link FakeLobbyService}: names,
 * friendships set by the test, rich presence, invites, and the launch command line the test gave it.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  checkBooleanArgument,
  checkConnectString,
  checkLobbyIdArgument,
  checkRichPresenceKey,
  checkRichPresenceKeyCount,
  checkRichPresenceValue,
  checkUserIdArgument,
  connectLobbyFromCommandLine,
  type FriendGameInfo,
  type Friends,
  type FriendsEvents,
  type LobbyId,
  PersonaChange,
  type SteamId,
  SteamNotInitializedError,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import type { LobbyEndpoint } from './endpoint.js';
import { FAKE_APP_ID, type FakeLobbyService } from './service.js';
import { memberOf } from './state.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<FriendsEvents>;

/** A fake peer's friends API. Events fire from the peer's `runCallbacks` (or this object's). */
export class FakeFriends extends Emitter implements Friends {
  readonly localSteamId: SteamId;

  /** @internal Built by `FakePeer`. */
  constructor(
    private readonly service: FakeLobbyService,
    private readonly endpoint: LobbyEndpoint,
    private readonly pump: () => void,
  ) {
    super();
    this.localSteamId = endpoint.steamId;
    endpoint.emitFriends = (event, ...args) =>
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
  }

  private live(method: string): void {
    if (!this.endpoint.live) throw new SteamNotInitializedError(method);
  }

  getPersonaName(): string {
    this.live('getPersonaName');
    return this.service.users.get(this.localSteamId)?.name ?? '';
  }

  getFriendPersonaName(userId: SteamId): string {
    this.live('getFriendPersonaName');
    return checkUserIdArgument(userId) ? (this.service.users.get(userId)?.name ?? '') : '';
  }

  requestUserInformation(userId: SteamId, requireNameOnly = false): boolean {
    this.live('requestUserInformation');
    const valid = checkUserIdArgument(userId);
    checkBooleanArgument('requireNameOnly', requireNameOnly);
    if (!valid || !this.service.users.has(userId) || this.endpoint.asked.has(userId)) return false;
    // The first request "fetches": its answer is a personaStateChange; later ones find the name present.
    this.endpoint.asked.add(userId);
    const endpoint = this.endpoint;
    endpoint.post(() =>
      endpoint.emitFriends('personaStateChange', { steamId: userId, changeFlags: PersonaChange.Name }),
    );
    return true;
  }

  getFriendGamePlayed(friendId: SteamId): FriendGameInfo | null {
    this.live('getFriendGamePlayed');
    if (!checkUserIdArgument(friendId, 'friendId')) return null;
    if (!this.service.areFriends(this.localSteamId, friendId) || !this.service.users.has(friendId))
      return null;
    return {
      gameId: FAKE_APP_ID,
      gameIp: 0,
      gamePort: 0,
      queryPort: 0,
      lobbyId: this.service.lobbyOf(friendId),
    };
  }

  activateGameOverlayInviteDialog(lobbyId: LobbyId): void {
    this.live('activateGameOverlayInviteDialog');
    if (!checkLobbyIdArgument(lobbyId)) return;
    const lobby = this.service.lobbies.get(lobbyId);
    if (lobby === undefined || memberOf(lobby, this.localSteamId) === undefined) return;
    // The fake's overlay: the user picks every friend who is online.
    for (const id of this.service.users.keys()) {
      if (this.service.areFriends(this.localSteamId, id)) this.service.invite(lobby, this.localSteamId, id);
    }
  }

  inviteUserToGame(friendId: SteamId, connectString: string): boolean {
    this.live('inviteUserToGame');
    const valid = checkUserIdArgument(friendId, 'friendId');
    const connect = checkConnectString(connectString);
    if (!valid) return false;
    const endpoint = this.service.endpoints.get(friendId);
    const from = this.localSteamId;
    endpoint?.post(() => endpoint.emitFriends('gameRichPresenceJoinRequested', { friendId: from, connect }));
    return true;
  }

  setRichPresence(key: string, value: string | null): boolean {
    this.live('setRichPresence');
    const k = checkRichPresenceKey(key);
    const v = checkRichPresenceValue(value);
    const presence = this.service.users.get(this.localSteamId)?.richPresence;
    if (presence === undefined) return false;
    checkRichPresenceKeyCount(new Set(presence.keys()), k, v);
    if (v === '') presence.delete(k);
    else presence.set(k, v);
    return true;
  }

  clearRichPresence(): void {
    this.live('clearRichPresence');
    this.service.users.get(this.localSteamId)?.richPresence.clear();
  }

  getFriendRichPresence(friendId: SteamId, key: string): string {
    this.live('getFriendRichPresence');
    const valid = checkUserIdArgument(friendId, 'friendId');
    const k = checkRichPresenceKey(key);
    return (valid ? this.service.users.get(friendId)?.richPresence.get(k) : undefined) ?? '';
  }

  getLaunchCommandLine(): string {
    this.live('getLaunchCommandLine');
    return this.service.launchCommandLine(this.localSteamId);
  }

  getLaunchLobby(): LobbyId | null {
    this.live('getLaunchLobby');
    return connectLobbyFromCommandLine(this.getLaunchCommandLine());
  }

  runCallbacks(): void {
    this.live('runCallbacks');
    this.pump();
  }
}
