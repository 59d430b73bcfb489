/**
 * Checks of the lobby flow's options, made before anything is asked of Steam, so a wrong option is an
 * `RpcArgumentError` naming it (and never half a lobby left behind).
 * @packageDocumentation
 */
import {
  type Clock,
  type Friends,
  isLobbyId,
  LOBBY_KEY_MAX_BYTES,
  LOBBY_MAX_MEMBERS,
  LOBBY_VALUE_MAX_BYTES,
  type Lobbies,
  type LobbyId,
  LobbyType,
  type P2PNetworking,
  systemClock,
  utf8Bytes,
} from '@steamwire/transport-steam';
import { RpcArgumentError } from './errors.js';
import { LOBBY_KEY_PREFIX } from './lobby-protocol.js';
import type { SteamWait } from './lobby-wait.js';
import type { Protocol } from './protocol.js';

/** How long a lobby step waits for Steam by default: Steam gives up on a lobby search after 20 s. */
export const DEFAULT_LOBBY_TIMEOUT_MS = 20_000;
/** How often the lobby flow pumps Steam's callbacks while it waits, by default (once a 60 Hz frame). */
export const DEFAULT_LOBBY_POLL_MS = 16;
/**
 * How long a peer that left the lobby may still say goodbye before the host drops it, by default. A
 * player who quits leaves both; Steam may tell the host about the lobby first, and a goodbye is a
 * cleaner end (`left`, no kick cooldown) than a kick.
 */
export const DEFAULT_LEAVE_GRACE_MS = 500;

/** The options every lobby step shares: how long to wait for Steam, how often to pump, and a way out. */
export interface LobbyWaitOptions {
  /** Give up on a Steam lobby call after this many milliseconds (default 20 000). */
  lobbyTimeoutMs?: number;
  /** Pump Steam's callbacks this often while waiting, in milliseconds (default 16). */
  pollMs?: number;
  /** Stop waiting: the step rejects with `LobbyAbortedError`. */
  signal?: AbortSignal;
  /** The clock to wait on (default: the network's, else real time). Tests pass the virtual clock. */
  clock?: Clock;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function positiveMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RpcArgumentError(name, `${name} must be a positive, finite number of milliseconds.`);
  }
  return value;
}

/** The checked wait options: the clock, and the wait for each Steam call. */
export interface LobbyWaits {
  readonly clock: Clock;
  /** The wait for `call`, giving up after `lobbyTimeoutMs` (or `timeoutMs`). */
  for(call: string, timeoutMs?: number): SteamWait;
}

/** Checks the wait options (the pump is `lobbies.runCallbacks`). */
export function lobbyWait(
  options: LobbyWaitOptions,
  lobbies: Lobbies,
  network: P2PNetworking | undefined,
): LobbyWaits {
  const timeoutMs = positiveMs('lobbyTimeoutMs', options.lobbyTimeoutMs, DEFAULT_LOBBY_TIMEOUT_MS);
  const pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_LOBBY_POLL_MS);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new RpcArgumentError('signal', 'signal must be an AbortSignal.');
  }
  const clock = options.clock ?? network?.clock ?? systemClock;
  if (!isObject(clock) || typeof clock.now !== 'function' || typeof clock.setInterval !== 'function') {
    throw new RpcArgumentError('clock', 'clock must be a Clock (now, setTimeout, setInterval…).');
  }
  const pump = () => lobbies.runCallbacks();
  return { clock, for: (call, ms = timeoutMs) => ({ pump, clock, pollMs, timeoutMs: ms, signal, call }) };
}

/** `lobbies` is a `Lobbies` (`session.lobbies`, `peer.lobbies`). */
export function checkLobbies(lobbies: unknown): Lobbies {
  if (!isObject(lobbies) || typeof lobbies.createLobby !== 'function' || typeof lobbies.on !== 'function') {
    throw new RpcArgumentError(
      'lobbies',
      "lobbies must be Steam's lobbies of the same session as the network (session.lobbies, or a fake peer's lobbies).",
    );
  }
  return lobbies as unknown as Lobbies;
}

/** `network` and `lobbies` belong to the same Steam user, or the lobby's members would mean nothing. */
export function checkSameUser(network: unknown, lobbies: Lobbies): P2PNetworking {
  if (!isObject(network) || typeof network.sendP2PPacket !== 'function') {
    throw new RpcArgumentError(
      'network',
      'network must be a P2PNetworking (session.networking, or a fake peer).',
    );
  }
  const net = network as unknown as P2PNetworking;
  if (net.localSteamId !== lobbies.localSteamId) {
    throw new RpcArgumentError(
      'lobbies',
      `lobbies belong to ${lobbies.localSteamId} but the network to ${net.localSteamId}: pass both from the same Steam session.`,
    );
  }
  return net;
}

/** `friends` is a `Friends` (`session.friends`, or a fake peer's `friends`). */
export function checkFriendsObject(friends: unknown): Friends {
  if (!isObject(friends) || typeof friends.activateGameOverlayInviteDialog !== 'function') {
    throw new RpcArgumentError(
      'friends',
      "friends must be Steam's friends (session.friends, or a fake peer's friends).",
    );
  }
  return friends as unknown as Friends;
}

/** `friends`, when given, is a `Friends` of the same user; `required` names the option that needs it. */
export function checkFriends(friends: unknown, lobbies: Lobbies, required?: string): Friends | undefined {
  if (friends === undefined) {
    if (required !== undefined)
      throw new RpcArgumentError(
        'friends',
        `${required} needs friends (session.friends, or a fake peer's friends).`,
      );
    return undefined;
  }
  const f = checkFriendsObject(friends);
  if (f.localSteamId !== lobbies.localSteamId) {
    throw new RpcArgumentError('friends', 'friends and lobbies must come from the same Steam session.');
  }
  return f;
}

/** `protocol` came from `defineProtocol`. */
export function checkProtocol(protocol: unknown): Protocol {
  if (!isObject(protocol) || typeof protocol.fingerprint !== 'string' || !Array.isArray(protocol.entries)) {
    throw new RpcArgumentError('protocol', 'protocol must come from defineProtocol().');
  }
  return protocol as unknown as Protocol;
}

/** A lobby id option. */
export function checkLobbyId(lobbyId: unknown): LobbyId {
  if (!isLobbyId(lobbyId)) {
    throw new RpcArgumentError(
      'lobbyId',
      `lobbyId must be a lobby's SteamID as a bigint (from hostLobby, an invite or +connect_lobby), got ${typeof lobbyId === 'bigint' ? lobbyId : typeof lobbyId}.`,
    );
  }
  return lobbyId;
}

/** A lobby type option: one of `LobbyType`. */
export function checkLobbyTypeOption(lobbyType: unknown): LobbyType {
  if (!(Object.values(LobbyType) as unknown[]).includes(lobbyType)) {
    throw new RpcArgumentError(
      'lobbyType',
      'lobbyType must be a LobbyType: Private (0), FriendsOnly (1), Public (2) or Invisible (3).',
    );
  }
  return lobbyType as LobbyType;
}

/** A member limit option: 1 to Steam's 250, the host included. */
export function checkMaxMembersOption(maxMembers: unknown): number {
  if (
    typeof maxMembers !== 'number' ||
    !Number.isInteger(maxMembers) ||
    maxMembers < 1 ||
    maxMembers > LOBBY_MAX_MEMBERS
  ) {
    throw new RpcArgumentError(
      'maxMembers',
      `maxMembers must be a whole number from 1 to ${LOBBY_MAX_MEMBERS} (Steam's limit), the host included.`,
    );
  }
  return maxMembers;
}

/** The grace before a peer out of the lobby is dropped: a finite number of milliseconds ≥ 0. */
export function checkLeaveGrace(value: unknown): number {
  if (value === undefined) return DEFAULT_LEAVE_GRACE_MS;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new RpcArgumentError('leaveGraceMs', 'leaveGraceMs must be a finite number of milliseconds ≥ 0.');
  }
  return value;
}

/** An optional boolean option. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new RpcArgumentError(name, `${name} must be a boolean.`);
  return value;
}

/** One lobby data key a game sets: not the flow's own, and within Steam's limits. */
export function checkDataKey(key: unknown): string {
  if (typeof key !== 'string' || key === '' || key.includes('\0') || utf8Bytes(key) > LOBBY_KEY_MAX_BYTES) {
    throw new RpcArgumentError(
      'data',
      `Lobby data keys are non-empty strings of at most ${LOBBY_KEY_MAX_BYTES} UTF-8 bytes without NUL.`,
    );
  }
  if (key.startsWith(LOBBY_KEY_PREFIX)) {
    throw new RpcArgumentError(
      'data',
      `Lobby data keys starting with '${LOBBY_KEY_PREFIX}' are reserved; rename '${key}'.`,
    );
  }
  return key;
}

/** One lobby data value a game sets, within Steam's limit. */
export function checkDataValue(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.includes('\0') || utf8Bytes(value) > LOBBY_VALUE_MAX_BYTES) {
    throw new RpcArgumentError(
      'data',
      `Lobby data '${key}' must be a string of at most ${LOBBY_VALUE_MAX_BYTES} UTF-8 bytes without NUL.`,
    );
  }
  return value;
}

/** The game's lobby data: a plain object of strings. */
export function checkLobbyData(data: unknown): Map<string, string> {
  const checked = new Map<string, string>();
  if (data === undefined) return checked;
  if (!isObject(data) || Array.isArray(data)) {
    throw new RpcArgumentError('data', 'data must be an object of string keys and string values.');
  }
  for (const [key, value] of Object.entries(data)) checked.set(checkDataKey(key), checkDataValue(key, value));
  return checked;
}
