/**
 * {@link Lobbies} over Steam's `ISteamMatchmaking` (interface `SteamMatchMaking009`): checked
 * arguments and limits, async calls as Promises (call-results.ts), callbacks 503–512 as events.
 *
 * Choices a reader might otherwise "fix":
 * - Create, join and list results arrive twice from Steam (a call result and a plain callback).
 *   Promises settle from the call result only; the `lobbyEnter` event comes from the plain 504 only.
 *   The plain 510 and 513 are ignored: their Promise already says it.
 * - Owner-only setters check the owner first and answer false without calling Steam: for a
 *   non-owner, Steam's own `SetLobbyData` answer is meaningless (STEAM_API.md §16.6).
 * - A chat message is read with `GetLobbyChatEntry` inside the 507 callback, so the event carries the bytes.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type { CallResults } from './call-results.js';
import type { SteamContext } from './context.js';
import type { LobbyFunctions } from './flat-lobbies.js';
import {
  type ChatEntryType,
  ChatRoomEnterResponse,
  isLobbyId,
  LOBBY_CHAT_MAX_BYTES,
  LOBBY_KEY_MAX_BYTES,
  LOBBY_MAX_MEMBERS,
  LOBBY_VALUE_MAX_BYTES,
  type Lobbies,
  type LobbiesEvents,
  type LobbyEnter,
  type LobbyId,
  type LobbyListFilters,
  type LobbyType,
} from './lobbies.js';
import { decodeLobbyCallback, enterOf } from './lobby-callbacks.js';
import {
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
} from './lobby-checks.js';
import { LobbyCreateError, LobbyJoinError } from './lobby-errors.js';
import { LobbyCallbackId, type LobbyStructs } from './lobby-structs.js';
import type { TypedEmitter } from './p2p.js';
import type { SteamId } from './steam-id.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<LobbiesEvents>;
const decoder = new TextDecoder();

/** A result list longer than this is not a real one (Steam caps lists at ~50). */
const MAX_LIST_RESULTS = 1000;
/** Lobby data entries read at most by `getAllLobbyData`. */
const MAX_DATA_ENTRIES = 10_000;

/** A koffi `uint64` (Number below 2^53) as a SteamID, `null` for Steam's nil id 0. */
function idOrNull(value: number | bigint): SteamId | null {
  const id = BigInt(value);
  return id === 0n ? null : id;
}

/** The C string at the start of `buffer`. */
function cString(buffer: Uint8Array): string {
  const end = buffer.indexOf(0);
  return decoder.decode(end === -1 ? buffer : buffer.subarray(0, end));
}

/** The Steam lobby API of one session. Built by the session on first use of `session.lobbies`. */
export class SteamLobbies extends Emitter implements Lobbies {
  readonly localSteamId: SteamId;
  private readonly ctx: SteamContext;
  private readonly fn: LobbyFunctions;
  private readonly self: bigint;
  private readonly calls: CallResults;
  private readonly structs: LobbyStructs;
  private readonly pump: () => void;
  private listHandle: bigint | null = null;
  private readonly chatUser = new Uint32Array(2);
  private readonly chatType = new Int32Array(1);
  // Steam documents 4 KB; a larger buffer costs nothing and never truncates a peer that sends more.
  private readonly chatBuffer = new Uint8Array(2 * LOBBY_CHAT_MAX_BYTES);
  private readonly keyBuffer = new Uint8Array(LOBBY_KEY_MAX_BYTES + 1);
  private readonly valueBuffer = new Uint8Array(LOBBY_VALUE_MAX_BYTES + 1);

  /** @internal */
  constructor(
    ctx: SteamContext,
    fn: LobbyFunctions,
    self: bigint,
    calls: CallResults,
    structs: LobbyStructs,
    localSteamId: SteamId,
    pump: () => void,
  ) {
    super();
    this.ctx = ctx;
    this.fn = fn;
    this.self = self;
    this.calls = calls;
    this.structs = structs;
    this.localSteamId = localSteamId;
    this.pump = pump;
    ctx.callbackHandlers.add((id, param, size) => this.onCallback(id, param, size));
  }

  private live(method: string): void {
    this.ctx.assertLive(method);
  }

  private isOwner(lobby: LobbyId): boolean {
    return BigInt(this.fn.GetLobbyOwner(this.self, lobby)) === this.localSteamId;
  }

  createLobby(type: LobbyType, maxMembers: number): Promise<LobbyId> {
    this.live('createLobby');
    const t = checkLobbyType(type);
    const max = checkMaxMembers(maxMembers);
    const { koffi } = this.ctx;
    const struct = this.structs.LobbyCreated_t;
    const handle = this.fn.CreateLobby(this.self, t, max);
    return this.calls.track(
      'CreateLobby',
      handle,
      LobbyCallbackId.LobbyCreated,
      koffi.sizeof(struct),
      (bytes) => {
        const r = koffi.decode(bytes, struct) as { m_eResult: number; m_ulSteamIDLobby: number | bigint };
        const lobby = BigInt(r.m_ulSteamIDLobby);
        if (r.m_eResult !== 1 || !isLobbyId(lobby))
          throw new LobbyCreateError(r.m_eResult === 1 ? 2 : r.m_eResult);
        return lobby;
      },
    ).promise;
  }

  joinLobby(lobbyId: LobbyId): Promise<LobbyEnter> {
    this.live('joinLobby');
    if (!checkLobbyIdArgument(lobbyId)) {
      return Promise.reject(new LobbyJoinError(lobbyId, ChatRoomEnterResponse.DoesntExist));
    }
    const handle = this.fn.JoinLobby(this.self, lobbyId);
    const struct = this.structs.LobbyEnter_t;
    return this.calls.track(
      'JoinLobby',
      handle,
      LobbyCallbackId.LobbyEnter,
      this.ctx.koffi.sizeof(struct),
      (bytes) => {
        const enter = enterOf(this.ctx.koffi.decode(bytes, struct));
        // Success is the response, not the call result's completion (STEAM_API.md §16.2).
        if (enter.response !== ChatRoomEnterResponse.Success)
          throw new LobbyJoinError(lobbyId, enter.response);
        return enter;
      },
    ).promise;
  }

  leaveLobby(lobbyId: LobbyId): void {
    this.live('leaveLobby');
    if (checkLobbyIdArgument(lobbyId)) this.fn.LeaveLobby(this.self, lobbyId);
  }

  inviteUserToLobby(lobbyId: LobbyId, invitee: SteamId): boolean {
    this.live('inviteUserToLobby');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(invitee, 'invitee');
    return lobbyOk && userOk && this.fn.InviteUserToLobby(this.self, lobbyId, invitee);
  }

  requestLobbyList(filters?: LobbyListFilters): Promise<LobbyId[]> {
    this.live('requestLobbyList');
    const f = checkLobbyListFilters(filters);
    const { fn, self } = this;
    // Steam runs one search at a time and its results are global (GetLobbyByIndex): the old Promise
    // must not read the new search's results.
    if (this.listHandle !== null) this.calls.cancel(this.listHandle, 'superseded');
    for (const s of f.stringFilters) fn.AddRequestLobbyListStringFilter(self, s.key, s.value, s.comparison);
    for (const n of f.numericalFilters)
      fn.AddRequestLobbyListNumericalFilter(self, n.key, n.value, n.comparison);
    for (const n of f.nearValueFilters) fn.AddRequestLobbyListNearValueFilter(self, n.key, n.value);
    if (f.slotsAvailable !== null) fn.AddRequestLobbyListFilterSlotsAvailable(self, f.slotsAvailable);
    if (f.distance !== null) fn.AddRequestLobbyListDistanceFilter(self, f.distance);
    if (f.maxResults !== null) fn.AddRequestLobbyListResultCountFilter(self, f.maxResults);
    const struct = this.structs.LobbyMatchList_t;
    const tracked = this.calls.track(
      'RequestLobbyList',
      fn.RequestLobbyList(self),
      LobbyCallbackId.LobbyMatchList,
      4,
      (bytes) => {
        const { m_nLobbiesMatching: count } = this.ctx.koffi.decode(bytes, struct) as {
          m_nLobbiesMatching: number;
        };
        const ids: LobbyId[] = [];
        for (let i = 0; i < Math.min(count, MAX_LIST_RESULTS); i++) {
          const id = BigInt(fn.GetLobbyByIndex(self, i));
          if (isLobbyId(id)) ids.push(id);
        }
        return ids;
      },
    );
    const handle = tracked.handle;
    this.listHandle = handle;
    const settled = () => {
      if (this.listHandle === handle) this.listHandle = null;
    };
    tracked.promise.then(settled, settled);
    return tracked.promise;
  }

  requestLobbyData(lobbyId: LobbyId): boolean {
    this.live('requestLobbyData');
    return checkLobbyIdArgument(lobbyId) && this.fn.RequestLobbyData(this.self, lobbyId);
  }

  getLobbyData(lobbyId: LobbyId, key: string): string {
    this.live('getLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    return valid ? (this.fn.GetLobbyData(this.self, lobbyId, k) ?? '') : '';
  }

  getAllLobbyData(lobbyId: LobbyId): Map<string, string> {
    this.live('getAllLobbyData');
    const data = new Map<string, string>();
    if (!checkLobbyIdArgument(lobbyId)) return data;
    const { keyBuffer, valueBuffer } = this;
    const count = Math.min(this.fn.GetLobbyDataCount(this.self, lobbyId), MAX_DATA_ENTRIES);
    for (let i = 0; i < count; i++) {
      keyBuffer[0] = 0;
      valueBuffer[0] = 0;
      if (
        this.fn.GetLobbyDataByIndex(
          this.self,
          lobbyId,
          i,
          keyBuffer,
          keyBuffer.length,
          valueBuffer,
          valueBuffer.length,
        )
      ) {
        data.set(cString(keyBuffer), cString(valueBuffer));
      }
    }
    return data;
  }

  setLobbyData(lobbyId: LobbyId, key: string, value: string): boolean {
    this.live('setLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    const v = checkLobbyValue(value);
    return valid && this.isOwner(lobbyId) && this.fn.SetLobbyData(this.self, lobbyId, k, v);
  }

  deleteLobbyData(lobbyId: LobbyId, key: string): boolean {
    this.live('deleteLobbyData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    return valid && this.isOwner(lobbyId) && this.fn.DeleteLobbyData(this.self, lobbyId, k);
  }

  getLobbyMemberData(lobbyId: LobbyId, userId: SteamId, key: string): string | null {
    this.live('getLobbyMemberData');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(userId);
    const k = checkLobbyKey(key);
    if (!lobbyOk || !userOk) return null;
    return this.fn.GetLobbyMemberData(this.self, lobbyId, userId, k);
  }

  setLobbyMemberData(lobbyId: LobbyId, key: string, value: string): void {
    this.live('setLobbyMemberData');
    const valid = checkLobbyIdArgument(lobbyId);
    const k = checkLobbyKey(key);
    const v = checkLobbyValue(value);
    if (valid) this.fn.SetLobbyMemberData(this.self, lobbyId, k, v);
  }

  getNumLobbyMembers(lobbyId: LobbyId): number {
    this.live('getNumLobbyMembers');
    return checkLobbyIdArgument(lobbyId) ? Math.max(0, this.fn.GetNumLobbyMembers(this.self, lobbyId)) : 0;
  }

  getLobbyMemberByIndex(lobbyId: LobbyId, index: number): SteamId | null {
    this.live('getLobbyMemberByIndex');
    const valid = checkLobbyIdArgument(lobbyId);
    const i = checkIndex(index);
    return valid ? idOrNull(this.fn.GetLobbyMemberByIndex(this.self, lobbyId, i)) : null;
  }

  getLobbyMembers(lobbyId: LobbyId): SteamId[] {
    this.live('getLobbyMembers');
    if (!checkLobbyIdArgument(lobbyId)) return [];
    const count = Math.min(this.fn.GetNumLobbyMembers(this.self, lobbyId), LOBBY_MAX_MEMBERS);
    const members: SteamId[] = [];
    for (let i = 0; i < count; i++) {
      const id = idOrNull(this.fn.GetLobbyMemberByIndex(this.self, lobbyId, i));
      if (id !== null) members.push(id);
    }
    return members;
  }

  sendLobbyChatMsg(lobbyId: LobbyId, message: Uint8Array | string): boolean {
    this.live('sendLobbyChatMsg');
    const valid = checkLobbyIdArgument(lobbyId);
    const bytes = encodeLobbyChat(message);
    return valid && this.fn.SendLobbyChatMsg(this.self, lobbyId, bytes, bytes.length);
  }

  getLobbyMemberLimit(lobbyId: LobbyId): number {
    this.live('getLobbyMemberLimit');
    return checkLobbyIdArgument(lobbyId) ? Math.max(0, this.fn.GetLobbyMemberLimit(this.self, lobbyId)) : 0;
  }

  setLobbyMemberLimit(lobbyId: LobbyId, maxMembers: number): boolean {
    this.live('setLobbyMemberLimit');
    const valid = checkLobbyIdArgument(lobbyId);
    const max = checkMaxMembers(maxMembers);
    return valid && this.isOwner(lobbyId) && this.fn.SetLobbyMemberLimit(this.self, lobbyId, max);
  }

  setLobbyType(lobbyId: LobbyId, type: LobbyType): boolean {
    this.live('setLobbyType');
    const valid = checkLobbyIdArgument(lobbyId);
    const t = checkLobbyType(type);
    return valid && this.isOwner(lobbyId) && this.fn.SetLobbyType(this.self, lobbyId, t);
  }

  setLobbyJoinable(lobbyId: LobbyId, joinable: boolean): boolean {
    this.live('setLobbyJoinable');
    const valid = checkLobbyIdArgument(lobbyId);
    const j = checkBooleanArgument('joinable', joinable);
    return valid && this.isOwner(lobbyId) && this.fn.SetLobbyJoinable(this.self, lobbyId, j);
  }

  getLobbyOwner(lobbyId: LobbyId): SteamId | null {
    this.live('getLobbyOwner');
    return checkLobbyIdArgument(lobbyId) ? idOrNull(this.fn.GetLobbyOwner(this.self, lobbyId)) : null;
  }

  setLobbyOwner(lobbyId: LobbyId, newOwner: SteamId): boolean {
    this.live('setLobbyOwner');
    const lobbyOk = checkLobbyIdArgument(lobbyId);
    const userOk = checkUserIdArgument(newOwner, 'newOwner');
    return lobbyOk && userOk && this.isOwner(lobbyId) && this.fn.SetLobbyOwner(this.self, lobbyId, newOwner);
  }

  runCallbacks(): void {
    this.live('runCallbacks');
    this.pump();
  }

  /** Plain callbacks of the lobby API, as events (a 507's entry is read first). */
  private onCallback(id: number, param: bigint, size: number): void {
    const decoded = decodeLobbyCallback(this.ctx.koffi, this.structs, id, param, size);
    if (decoded === null) return;
    if (decoded.event === 'chat') this.onChat(decoded.lobbyId, decoded.userId, decoded.chatId);
    else (this.emit as (event: string, ...args: unknown[]) => boolean)(decoded.event, ...decoded.args);
  }

  /** 507: the entry is read now, while Steam still has it. */
  private onChat(lobbyId: LobbyId, sender: SteamId, chatId: number): void {
    const { chatUser, chatType, chatBuffer } = this;
    chatUser[0] = 0;
    chatUser[1] = 0;
    const n = this.fn.GetLobbyChatEntry(
      this.self,
      lobbyId,
      chatId,
      chatUser,
      chatBuffer,
      chatBuffer.length,
      chatType,
    );
    if (n < 0) return;
    const userId = (BigInt(chatUser[1]!) << 32n) | BigInt(chatUser[0]!);
    this.emit('lobbyChatMessage', {
      lobbyId,
      userId: userId === 0n ? sender : userId,
      entryType: chatType[0]! as ChatEntryType,
      chatId,
      data: chatBuffer.slice(0, Math.min(n, chatBuffer.length)),
    });
  }
}
