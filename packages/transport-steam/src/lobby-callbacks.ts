/**
 * Decoding the plain callbacks of the lobby and friends APIs into the seam's event payloads. A
 * callback smaller than its struct on this platform is not read at all (it would be read past its end).
 * @packageDocumentation
 */
import type { FriendsEvents } from './friends.js';
import type { Koffi } from './koffi.js';
import type { ChatRoomEnterResponse, LobbiesEvents, LobbyEnter } from './lobbies.js';
import { memberChangeKind } from './lobby-checks.js';
import { LobbyCallbackId, type LobbyStructs } from './lobby-structs.js';
import type { SteamId } from './steam-id.js';

type Payload<E, K extends keyof E> = E[K] extends (...args: infer A) => void ? A : never;

/** A decoded lobby callback: an event to emit, or a chat message whose entry must still be read. */
export type LobbyCallback =
  | {
      [K in keyof LobbiesEvents]: { readonly event: K; readonly args: Payload<LobbiesEvents, K> };
    }[keyof LobbiesEvents]
  | { readonly event: 'chat'; readonly lobbyId: bigint; readonly userId: SteamId; readonly chatId: number };

/** A decoded friends or apps callback. */
export type FriendsCallback = {
  [K in keyof FriendsEvents]: { readonly event: K; readonly args: Payload<FriendsEvents, K> };
}[keyof FriendsEvents];

type Fields = Record<string, number | bigint>;
const decoder = new TextDecoder();

/** `LobbyEnter_t` as the seam's {@link LobbyEnter}. */
export function enterOf(r: unknown): LobbyEnter {
  const e = r as { m_ulSteamIDLobby: number | bigint; m_bLocked: number; m_EChatRoomEnterResponse: number };
  return {
    lobbyId: BigInt(e.m_ulSteamIDLobby),
    locked: e.m_bLocked !== 0,
    response: e.m_EChatRoomEnterResponse as ChatRoomEnterResponse,
  };
}

/** Callbacks 503–512 (the lobby API), or `null` for any other id or a short callback. */
export function decodeLobbyCallback(
  koffi: Koffi,
  s: LobbyStructs,
  id: number,
  param: bigint,
  size: number,
): LobbyCallback | null {
  const read = (type: Parameters<Koffi['sizeof']>[0]): Fields | null =>
    size >= koffi.sizeof(type) ? (koffi.decode(param, type) as Fields) : null;
  switch (id) {
    case LobbyCallbackId.LobbyInvite: {
      const r = read(s.LobbyInvite_t);
      if (r === null) return null;
      const invite = {
        inviterId: BigInt(r.m_ulSteamIDUser!),
        lobbyId: BigInt(r.m_ulSteamIDLobby!),
        gameId: BigInt(r.m_ulGameID!),
      };
      return { event: 'lobbyInvite', args: [invite] };
    }
    case LobbyCallbackId.LobbyEnter: {
      const r = read(s.LobbyEnter_t);
      return r === null ? null : { event: 'lobbyEnter', args: [enterOf(r)] };
    }
    case LobbyCallbackId.LobbyDataUpdate: {
      const r = read(s.LobbyDataUpdate_t);
      if (r === null) return null;
      const lobbyId = BigInt(r.m_ulSteamIDLobby!);
      const member = BigInt(r.m_ulSteamIDMember!);
      // Steam names the lobby itself as the "member" when the lobby's own data changed.
      const memberId = member === lobbyId || member === 0n ? null : member;
      return { event: 'lobbyDataUpdate', args: [{ lobbyId, memberId, success: r.m_bSuccess !== 0 }] };
    }
    case LobbyCallbackId.LobbyChatUpdate: {
      const r = read(s.LobbyChatUpdate_t);
      if (r === null) return null;
      const flags = Number(r.m_rgfChatMemberStateChange);
      const change = {
        lobbyId: BigInt(r.m_ulSteamIDLobby!),
        userId: BigInt(r.m_ulSteamIDUserChanged!),
        changedBy: BigInt(r.m_ulSteamIDMakingChange!),
        stateChange: flags,
        change: memberChangeKind(flags),
      };
      return { event: 'lobbyMemberChange', args: [change] };
    }
    case LobbyCallbackId.LobbyChatMsg: {
      const r = read(s.LobbyChatMsg_t);
      if (r === null) return null;
      return {
        event: 'chat',
        lobbyId: BigInt(r.m_ulSteamIDLobby!),
        userId: BigInt(r.m_ulSteamIDUser!),
        chatId: Number(r.m_iChatID),
      };
    }
    case LobbyCallbackId.LobbyKicked: {
      const r = read(s.LobbyKicked_t);
      if (r === null) return null;
      const kicked = {
        lobbyId: BigInt(r.m_ulSteamIDLobby!),
        adminId: BigInt(r.m_ulSteamIDAdmin!),
        dueToDisconnect: r.m_bKickedDueToDisconnect !== 0,
      };
      return { event: 'lobbyKicked', args: [kicked] };
    }
    default:
      return null;
  }
}

/** Callbacks 304, 333, 337 and 1014 (friends and apps), or `null`. */
export function decodeFriendsCallback(
  koffi: Koffi,
  s: LobbyStructs,
  id: number,
  param: bigint,
  size: number,
): FriendsCallback | null {
  switch (id) {
    case LobbyCallbackId.GameLobbyJoinRequested: {
      if (size < koffi.sizeof(s.GameLobbyJoinRequested_t)) return null;
      const r = koffi.decode(param, s.GameLobbyJoinRequested_t) as Fields;
      const request = { lobbyId: BigInt(r.m_steamIDLobby!), friendId: BigInt(r.m_steamIDFriend!) };
      return { event: 'gameLobbyJoinRequested', args: [request] };
    }
    case LobbyCallbackId.GameRichPresenceJoinRequested: {
      if (size < koffi.sizeof(s.GameRichPresenceJoinRequested_t)) return null;
      const r = koffi.decode(param, s.GameRichPresenceJoinRequested_t) as {
        m_steamIDFriend: number | bigint;
        m_rgchConnect: number[] | Uint8Array;
      };
      const raw = Uint8Array.from(r.m_rgchConnect);
      const end = raw.indexOf(0);
      const friend = BigInt(r.m_steamIDFriend);
      const connect = decoder.decode(end === -1 ? raw : raw.subarray(0, end));
      return {
        event: 'gameRichPresenceJoinRequested',
        args: [{ friendId: friend === 0n ? null : friend, connect }],
      };
    }
    case LobbyCallbackId.PersonaStateChange: {
      if (size < koffi.sizeof(s.PersonaStateChange_t)) return null;
      const r = koffi.decode(param, s.PersonaStateChange_t) as {
        m_ulSteamID: number | bigint;
        m_nChangeFlags: number;
      };
      return {
        event: 'personaStateChange',
        args: [{ steamId: BigInt(r.m_ulSteamID), changeFlags: r.m_nChangeFlags }],
      };
    }
    case LobbyCallbackId.NewUrlLaunchParameters:
      return { event: 'newLaunchParameters', args: [] };
    default:
      return null;
  }
}
