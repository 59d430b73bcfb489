/**
 * {@link FakeLobbies}: a fake peer's `Lobbies`, over its network's {@link FakeLobbyService}. It checks
 * arguments and limits with the same functions as the real binding, so both refuse the same input.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  ChatRoomEnterResponse,
  checkBooleanArgument,
  checkIndex,
  checkLobbyIdArgument,
  checkLobbyKey,
  checkLobbyListFilters,
  checkLobbyType,
  checkLobbyValue,
  checkMaxMembers,
  checkUserIdArgument,
  encodeLobbyChat,
  type Lobbies,
  type LobbiesEvents,
  type LobbyEnter,
  type LobbyId,
  LobbyJoinError,
  type LobbyListFilters,
  LobbyType,
  type SteamId,
  SteamNotInitializedError,
  type TypedEmitter,
} from '@steamwire/transport-steam';
import type { LobbyEndpoint } from './endpoint.js';
import type { FakeLobbyService } from './service.js';
import { type LobbyRecord, memberOf, searchLobbies, setValue } from './state.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<LobbiesEvents>;

/** A fake peer's lobbies. Events fire from the peer's `runCallbacks` (or this object's). */
export class FakeLobbies extends Emitter implements Lobbies {
  readonly localSteamId: SteamId;

  /** @internal Built by `FakePeer`. */
  constructor(
    private readonly service: FakeLobbyService,
    private readonly endpoint: LobbyEndpoint,
    private readonly pump: () => void,
  ) {
    super();
    this.localSteamId = endpoint.steamId;
    endpoint.emitLobby = (event, ...args) =>
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
  }

  private live(method: string): void {
    if (!this.endpoint.live) throw new SteamNotInitializedError(method);
  }

  private me(): SteamId {
    return this.localSteamId;
  }

  /** A lobby this peer is in. */
  private joined(lobbyId: LobbyId): LobbyRecord | undefined {
    const lobby = this.service.lobbies.get(lobbyId);
    return lobby !== undefined && memberOf(lobby, this.me()) !== undefined ? lobby : undefined;
  }

  /** A lobby this peer may read: one it is in, or one a search or `requestLobbyData` told it of. */
  private readable(lobbyId: LobbyId): LobbyRecord | undefined {
    const lobby = this.service.lobbies.get(lobbyId);
    if (lobby === undefined) return undefined;
    return memberOf(lobby, this.me()) !== undefined || this.endpoint.known.has(lobbyId) ? lobby : undefined;
  }

  private owned(lobbyId: LobbyId): LobbyRecord | undefined {
    const lobby = this.joined(lobbyId);
    return lobby?.owner === this.me() ? lobby : undefined;
  }

  createLobby(type: LobbyType, maxMembers: number): Promise<LobbyId> {
    this.live('createLobby');
    const t = checkLobbyType(type);
    const max = checkMaxMembers(maxMembers);
    const endpoint = this.endpoint;
    return endpoint.call<LobbyId>(
      'CreateLobby',
      () => ({ value: this.service.createLobby(this.me(), t, max).id }),
      (outcome) => {
        if (!('value' in outcome)) return;
        const lobbyId = outcome.value;
        endpoint.emitLobby('lobbyEnter', {
          lobbyId,
          locked: t === LobbyType.Private,
          response: ChatRoomEnterResponse.Success,
        });
        endpoint.emitLobby('lobbyDataUpdate', { lobbyId, memberId: null, success: true });
      },
    );
  }

  joinLobby(lobbyId: LobbyId): Promise<LobbyEnter> {
    this.live('joinLobby');
    if (!checkLobbyIdArgument(lobbyId)) {
      return Promise.reject(new LobbyJoinError(lobbyId, ChatRoomEnterResponse.DoesntExist));
    }
    const endpoint = this.endpoint;
    let enter: LobbyEnter | undefined;
    return endpoint.call<LobbyEnter>(
      'JoinLobby',
      () => {
        const lobby = this.service.lobbies.get(lobbyId);
        const response = this.enterResponse(lobby);
        if (
          response === ChatRoomEnterResponse.Success &&
          lobby !== undefined &&
          memberOf(lobby, this.me()) === undefined
        ) {
          const userId = this.me();
          this.service.toMembers(lobby, (e) =>
            e.emitLobby('lobbyMemberChange', {
              lobbyId,
              userId,
              changedBy: userId,
              stateChange: 0x01,
              change: 'entered',
            }),
          );
          lobby.members.push({ id: userId, data: new Map() });
        }
        enter = { lobbyId, locked: lobby?.type === LobbyType.Private, response };
        return response === ChatRoomEnterResponse.Success
          ? { value: enter }
          : { error: new LobbyJoinError(lobbyId, response) };
      },
      () => {
        if (enter !== undefined) endpoint.emitLobby('lobbyEnter', enter);
      },
    );
  }

  /** Who may enter (the same rule as the native fake's). */
  private enterResponse(lobby: LobbyRecord | undefined): ChatRoomEnterResponse {
    const me = this.me();
    if (lobby === undefined) return ChatRoomEnterResponse.DoesntExist;
    if (lobby.banned.has(me)) return ChatRoomEnterResponse.Banned;
    if (memberOf(lobby, me) !== undefined) return ChatRoomEnterResponse.Success;
    if (!lobby.joinable) return ChatRoomEnterResponse.NotAllowed;
    if (lobby.members.length >= lobby.maxMembers) return ChatRoomEnterResponse.Full;
    if (
      lobby.type === LobbyType.FriendsOnly &&
      !lobby.invited.has(me) &&
      !lobby.members.some((m) => this.service.areFriends(me, m.id))
    ) {
      return ChatRoomEnterResponse.NotAllowed;
    }
    return ChatRoomEnterResponse.Success;
  }

  leaveLobby(lobbyId: LobbyId): void {
    this.live('leaveLobby');
    if (!checkLobbyIdArgument(lobbyId)) return;
    const lobby = this.joined(lobbyId);
    if (lobby !== undefined) this.service.removeMember(lobby, this.me(), this.me(), 0x02);
  }

  inviteUserToLobby(lobbyId: LobbyId, invitee: SteamId): boolean {
    this.live('inviteUserToLobby');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(invitee, 'invitee');
    const lobby = lobbyOk && userOk ? this.joined(lobbyId) : undefined;
    if (lobby === undefined) return false;
    this.service.invite(lobby, this.me(), invitee);
    return true;
  }

  requestLobbyList(filters?: LobbyListFilters): Promise<LobbyId[]> {
    this.live('requestLobbyList');
    const f = checkLobbyListFilters(filters);
    return this.endpoint.call('RequestLobbyList', () => {
      const ids = searchLobbies(this.service.lobbies.values(), f);
      for (const id of ids) this.endpoint.known.add(id);
      return { value: ids };
    });
  }

  requestLobbyData(lobbyId: LobbyId): boolean {
    this.live('requestLobbyData');
    if (!checkLobbyIdArgument(lobbyId)) return false;
    const exists = this.service.lobbies.has(lobbyId);
    if (exists) this.endpoint.known.add(lobbyId);
    const endpoint = this.endpoint;
    endpoint.post(() => endpoint.emitLobby('lobbyDataUpdate', { lobbyId, memberId: null, success: exists }));
    return true;
  }

  getLobbyData(lobbyId: LobbyId, key: string): string {
    this.live('getLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    return (valid ? this.readable(lobbyId)?.data.get(k) : undefined) ?? '';
  }

  getAllLobbyData(lobbyId: LobbyId): Map<string, string> {
    this.live('getAllLobbyData');
    const lobby = checkLobbyIdArgument(lobbyId) ? this.readable(lobbyId) : undefined;
    return new Map(lobby?.data ?? []);
  }

  setLobbyData(lobbyId: LobbyId, key: string, value: string): boolean {
    this.live('setLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    const v = checkLobbyValue(value);
    const lobby = valid ? this.owned(lobbyId) : undefined;
    if (lobby === undefined) return false;
    if (setValue(lobby.data, k, v)) this.service.dataChanged(lobby, null);
    return true;
  }

  deleteLobbyData(lobbyId: LobbyId, key: string): boolean {
    this.live('deleteLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    const lobby = valid ? this.owned(lobbyId) : undefined;
    if (lobby === undefined) return false;
    if (lobby.data.delete(k)) this.service.dataChanged(lobby, null);
    return true;
  }

  getLobbyMemberData(lobbyId: LobbyId, userId: SteamId, key: string): string | null {
    this.live('getLobbyMemberData');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(userId);
    const k = checkLobbyKey(key);
    const lobby = lobbyOk && userOk ? this.joined(lobbyId) : undefined;
    const member = lobby === undefined ? undefined : memberOf(lobby, userId);
    return member === undefined ? null : (member.data.get(k) ?? '');
  }

  setLobbyMemberData(lobbyId: LobbyId, key: string, value: string): void {
    this.live('setLobbyMemberData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    const v = checkLobbyValue(value);
    const lobby = valid ? this.joined(lobbyId) : undefined;
    const me = lobby === undefined ? undefined : memberOf(lobby, this.me());
    if (lobby !== undefined && me !== undefined && setValue(me.data, k, v))
      this.service.dataChanged(lobby, this.me());
  }

  getNumLobbyMembers(lobbyId: LobbyId): number {
    this.live('getNumLobbyMembers');
    return checkLobbyIdArgument(lobbyId) ? (this.readable(lobbyId)?.members.length ?? 0) : 0;
  }

  getLobbyMemberByIndex(lobbyId: LobbyId, index: number): SteamId | null {
    this.live('getLobbyMemberByIndex');
    const valid = checkLobbyIdArgument(lobbyId);
    const i = checkIndex(index);
    return (valid ? this.joined(lobbyId)?.members[i]?.id : undefined) ?? null;
  }

  getLobbyMembers(lobbyId: LobbyId): SteamId[] {
    this.live('getLobbyMembers');
    return checkLobbyIdArgument(lobbyId) ? (this.joined(lobbyId)?.members.map((m) => m.id) ?? []) : [];
  }

  sendLobbyChatMsg(lobbyId: LobbyId, message: Uint8Array | string): boolean {
    this.live('sendLobbyChatMsg');
    const valid = checkLobbyIdArgument(lobbyId);
    const data = encodeLobbyChat(message);
    const lobby = valid ? this.joined(lobbyId) : undefined;
    if (lobby === undefined) return false;
    const chatId = ++lobby.nextChatId;
    const userId = this.me();
    this.service.toMembers(lobby, (e) =>
      e.emitLobby('lobbyChatMessage', { lobbyId, userId, entryType: 1, chatId, data: data.slice() }),
    );
    return true;
  }

  getLobbyMemberLimit(lobbyId: LobbyId): number {
    this.live('getLobbyMemberLimit');
    return checkLobbyIdArgument(lobbyId) ? (this.readable(lobbyId)?.maxMembers ?? 0) : 0;
  }

  /** An owner-only change of the lobby itself: every member gets `lobbyDataUpdate` for the lobby. */
  private change(lobbyId: LobbyId, apply: (lobby: LobbyRecord) => boolean): boolean {
    const lobby = this.owned(lobbyId);
    if (lobby === undefined || !apply(lobby)) return false;
    this.service.dataChanged(lobby, null);
    return true;
  }

  setLobbyMemberLimit(lobbyId: LobbyId, maxMembers: number): boolean {
    this.live('setLobbyMemberLimit');
    const valid = checkLobbyIdArgument(lobbyId);
    const max = checkMaxMembers(maxMembers);
    return (
      valid &&
      this.change(lobbyId, (l) => {
        l.maxMembers = max;
        return true;
      })
    );
  }

  setLobbyType(lobbyId: LobbyId, type: LobbyType): boolean {
    this.live('setLobbyType');
    const valid = checkLobbyIdArgument(lobbyId);
    const t = checkLobbyType(type);
    return (
      valid &&
      this.change(lobbyId, (l) => {
        l.type = t;
        return true;
      })
    );
  }

  setLobbyJoinable(lobbyId: LobbyId, joinable: boolean): boolean {
    this.live('setLobbyJoinable');
    const valid = checkLobbyIdArgument(lobbyId);
    const j = checkBooleanArgument('joinable', joinable);
    return (
      valid &&
      this.change(lobbyId, (l) => {
        l.joinable = j;
        return true;
      })
    );
  }

  getLobbyOwner(lobbyId: LobbyId): SteamId | null {
    this.live('getLobbyOwner');
    return (checkLobbyIdArgument(lobbyId) ? this.joined(lobbyId)?.owner : undefined) ?? null;
  }

  setLobbyOwner(lobbyId: LobbyId, newOwner: SteamId): boolean {
    this.live('setLobbyOwner');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(newOwner, 'newOwner');
    return (
      lobbyOk &&
      userOk &&
      this.change(lobbyId, (l) => {
        if (memberOf(l, newOwner) === undefined) return false;
        l.owner = newOwner;
        return true;
      })
    );
  }

  runCallbacks(): void {
    this.live('runCallbacks');
    this.pump();
  }
}
