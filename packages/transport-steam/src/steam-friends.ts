/**
 * {@link Friends} over Steam's `ISteamFriends` (`SteamFriends018`) and `ISteamApps`
 * (`STEAMAPPS_INTERFACE_VERSION008`): names, invites, rich presence, the launch command line, and
 * callbacks 304, 333, 337 and 1014 as events.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type { SteamContext } from './context.js';
import type { AppsFunctions, LobbyFunctions } from './flat-lobbies.js';
import {
  connectLobbyFromCommandLine,
  type FriendGameInfo,
  type Friends,
  type FriendsEvents,
} from './friends.js';
import { isLobbyId, type LobbyId } from './lobbies.js';
import { decodeFriendsCallback } from './lobby-callbacks.js';
import {
  checkBooleanArgument,
  checkConnectString,
  checkLobbyIdArgument,
  checkRichPresenceKey,
  checkRichPresenceKeyCount,
  checkRichPresenceValue,
  checkUserIdArgument,
} from './lobby-checks.js';
import type { LobbyStructs } from './lobby-structs.js';
import type { TypedEmitter } from './p2p.js';
import type { SteamId } from './steam-id.js';

const Emitter = EventEmitter as unknown as new () => TypedEmitter<FriendsEvents>;
const decoder = new TextDecoder();

/** Room for a long launch command line; Steam's own limit is undocumented. */
const COMMAND_LINE_BYTES = 4096;

/** `ISteamApps`, when this library has it. */
export interface SteamApps {
  readonly fn: AppsFunctions;
  readonly self: bigint;
}

/** The Steam friends API of one session. Built by the session on first use of `session.friends`. */
export class SteamFriends extends Emitter implements Friends {
  readonly localSteamId: SteamId;
  private readonly ctx: SteamContext;
  private readonly fn: LobbyFunctions;
  private readonly self: bigint;
  private readonly apps: SteamApps | null;
  private readonly structs: LobbyStructs;
  private readonly pump: () => void;
  private readonly argv: readonly string[];
  /** Rich presence keys set through this session, so a 31st key is refused before Steam is asked. */
  private readonly richPresenceKeys = new Set<string>();
  private readonly gameInfo: Uint8Array;

  /** @internal */
  constructor(
    ctx: SteamContext,
    fn: LobbyFunctions,
    self: bigint,
    apps: SteamApps | null,
    structs: LobbyStructs,
    localSteamId: SteamId,
    pump: () => void,
    argv: readonly string[] = process.argv,
  ) {
    super();
    this.ctx = ctx;
    this.fn = fn;
    this.self = self;
    this.apps = apps;
    this.structs = structs;
    this.localSteamId = localSteamId;
    this.pump = pump;
    this.argv = argv;
    this.gameInfo = new Uint8Array(ctx.koffi.sizeof(structs.FriendGameInfo_t));
    ctx.callbackHandlers.add((id, param, size) => this.onCallback(id, param, size));
  }

  private live(method: string): void {
    this.ctx.assertLive(method);
  }

  getPersonaName(): string {
    this.live('getPersonaName');
    return this.fn.GetPersonaName(this.self) ?? '';
  }

  getFriendPersonaName(userId: SteamId): string {
    this.live('getFriendPersonaName');
    return checkUserIdArgument(userId) ? (this.fn.GetFriendPersonaName(this.self, userId) ?? '') : '';
  }

  requestUserInformation(userId: SteamId, requireNameOnly = false): boolean {
    this.live('requestUserInformation');
    const valid = checkUserIdArgument(userId);
    const nameOnly = checkBooleanArgument('requireNameOnly', requireNameOnly);
    return valid && this.fn.RequestUserInformation(this.self, userId, nameOnly);
  }

  getFriendGamePlayed(friendId: SteamId): FriendGameInfo | null {
    this.live('getFriendGamePlayed');
    if (!checkUserIdArgument(friendId, 'friendId')) return null;
    const out = this.gameInfo;
    out.fill(0);
    if (!this.fn.GetFriendGamePlayed(this.self, friendId, out)) return null;
    const r = this.ctx.koffi.decode(out, this.structs.FriendGameInfo_t) as {
      m_gameID: number | bigint;
      m_unGameIP: number;
      m_usGamePort: number;
      m_usQueryPort: number;
      m_steamIDLobby: number | bigint;
    };
    const lobby = BigInt(r.m_steamIDLobby);
    return {
      gameId: BigInt(r.m_gameID),
      gameIp: r.m_unGameIP,
      gamePort: r.m_usGamePort,
      queryPort: r.m_usQueryPort,
      lobbyId: isLobbyId(lobby) ? lobby : null,
    };
  }

  activateGameOverlayInviteDialog(lobbyId: LobbyId): void {
    this.live('activateGameOverlayInviteDialog');
    if (checkLobbyIdArgument(lobbyId)) this.fn.ActivateGameOverlayInviteDialog(this.self, lobbyId);
  }

  inviteUserToGame(friendId: SteamId, connectString: string): boolean {
    this.live('inviteUserToGame');
    const valid = checkUserIdArgument(friendId, 'friendId');
    const connect = checkConnectString(connectString);
    return valid && this.fn.InviteUserToGame(this.self, friendId, connect);
  }

  setRichPresence(key: string, value: string | null): boolean {
    this.live('setRichPresence');
    const k = checkRichPresenceKey(key);
    const v = checkRichPresenceValue(value);
    checkRichPresenceKeyCount(this.richPresenceKeys, k, v);
    const ok = this.fn.SetRichPresence(this.self, k, v);
    if (ok) {
      if (v === '') this.richPresenceKeys.delete(k);
      else this.richPresenceKeys.add(k);
    }
    return ok;
  }

  clearRichPresence(): void {
    this.live('clearRichPresence');
    this.fn.ClearRichPresence(this.self);
    this.richPresenceKeys.clear();
  }

  getFriendRichPresence(friendId: SteamId, key: string): string {
    this.live('getFriendRichPresence');
    const valid = checkUserIdArgument(friendId, 'friendId');
    const k = checkRichPresenceKey(key);
    return valid ? (this.fn.GetFriendRichPresence(this.self, friendId, k) ?? '') : '';
  }

  getLaunchCommandLine(): string {
    this.live('getLaunchCommandLine');
    if (this.apps === null) return '';
    const out = new Uint8Array(COMMAND_LINE_BYTES);
    const n = this.apps.fn.GetLaunchCommandLine(this.apps.self, out, out.length);
    if (n <= 0) return '';
    const end = out.indexOf(0);
    return decoder.decode(out.subarray(0, Math.min(n, end === -1 ? out.length : end)));
  }

  getLaunchLobby(): LobbyId | null {
    this.live('getLaunchLobby');
    return connectLobbyFromCommandLine(this.argv) ?? connectLobbyFromCommandLine(this.getLaunchCommandLine());
  }

  runCallbacks(): void {
    this.live('runCallbacks');
    this.pump();
  }

  /** Plain callbacks of the friends and apps APIs, as events. */
  private onCallback(id: number, param: bigint, size: number): void {
    const decoded = decodeFriendsCallback(this.ctx.koffi, this.structs, id, param, size);
    if (decoded !== null)
      (this.emit as (event: string, ...args: unknown[]) => boolean)(decoded.event, ...decoded.args);
  }
}
