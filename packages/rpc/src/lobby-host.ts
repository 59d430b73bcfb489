/**
 * Hosting through a Steam lobby: create the lobby, publish the protocol fingerprint and the game's
 * data in it, and let into the rpc host exactly the lobby's members: `acceptPeer` asks the lobby, and a
 * member who leaves it (left, disconnected, kicked, banned) is dropped from the host.
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type {
  Clock,
  Friends,
  Lobbies,
  LobbyId,
  LobbyKicked,
  LobbyMemberChange,
  LobbyMemberChangeKind,
  LobbyType,
  SteamId,
  TimerHandle,
  TypedEmitter,
} from '@steamwire/transport-steam';
import { RpcArgumentError } from './errors.js';
import { createHost, type Host, type HostOptions } from './host.js';
import { LobbyDataRefusedError } from './lobby-errors.js';
import {
  checkBoolean,
  checkDataKey,
  checkDataValue,
  checkFriends,
  checkLeaveGrace,
  checkLobbies,
  checkLobbyData,
  checkLobbyTypeOption,
  checkMaxMembersOption,
  checkProtocol,
  checkSameUser,
  type LobbyWaitOptions,
  lobbyWait,
} from './lobby-options.js';
import { protocolLobbyData } from './lobby-protocol.js';
import { pumpWhile } from './lobby-wait.js';
import type { Protocol } from './protocol.js';

/** The kick code a peer gets when it is dropped because it is no longer in the lobby. */
export const LEFT_LOBBY_KICK_CODE = 'leftLobby';

/** Events of a {@link HostedLobby}, fired from the session's callback pump (the host's `update()`). */
export type HostedLobbyEvents = {
  /** `member` entered the lobby: it may now connect. */
  memberEntered: (member: SteamId) => void;
  /** `member` is out of the lobby (and was dropped from the rpc host if it was there). */
  memberLeft: (member: SteamId, change: LobbyMemberChangeKind) => void;
  /** Steam removed us from our own lobby: nobody can join any more, and the host was closed. */
  lobbyLost: (adminId: SteamId) => void;
};

/** Options of {@link openLobby}. */
export interface OpenLobbyOptions extends LobbyWaitOptions {
  /** The Steam session's lobbies (`session.lobbies`, or a fake peer's `lobbies`). */
  lobbies: Lobbies;
  /** The same session's friends: needed for `inviteDialog` and {@link HostedLobby.openInviteDialog}. */
  friends?: Friends;
  /** Whose protocol the lobby advertises: its fingerprint goes in the lobby data. */
  protocol: Protocol;
  /** Who can find and join the lobby (`LobbyType.FriendsOnly` for "play with friends"). */
  lobbyType: LobbyType;
  /** Most members, the host included (1 to 250): the lobby refuses the next joiner with `Full`. */
  maxMembers: number;
  /** The game's own lobby data (name, map, mode…), shown to searches and joiners. */
  data?: Readonly<Record<string, string>>;
  /** Open the Steam overlay's invite dialog once the lobby is ready (needs `friends`). */
  inviteDialog?: boolean;
  /**
   * A peer out of the lobby is dropped from the host this many milliseconds later, unless it said
   * goodbye or came back meanwhile (default `DEFAULT_LEAVE_GRACE_MS`, 500; 0 drops at once).
   */
  leaveGraceMs?: number;
}

/**
 * A lobby this process owns, as the host's guest list. Pass {@link HostedLobby.acceptPeer} to
 * `createHost` and {@link HostedLobby.attach} the host, or let {@link hostLobby} do both.
 */
export class HostedLobby {
  /** The lobby's SteamID: what friends join (`--join-lobby`, `+connect_lobby`). */
  readonly lobbyId: LobbyId;
  /** Member events (see {@link HostedLobbyEvents}). */
  readonly events: TypedEmitter<HostedLobbyEvents> =
    new EventEmitter() as unknown as TypedEmitter<HostedLobbyEvents>;
  private readonly self: SteamId;
  private host: Host<Protocol> | null = null;
  private offPeerJoined: (() => void) | null = null;
  private closed = false;
  /** Peers out of the lobby, waiting out the grace before they are dropped. */
  private readonly leaving = new Map<SteamId, TimerHandle>();

  /** @internal Use {@link openLobby}. */
  constructor(
    private readonly lobbies: Lobbies,
    private readonly friends: Friends | undefined,
    lobbyId: LobbyId,
    private readonly clock: Clock,
    private readonly leaveGraceMs: number,
  ) {
    this.lobbyId = lobbyId;
    this.self = lobbies.localSteamId;
    lobbies.on('lobbyMemberChange', this.onMemberChange);
    lobbies.on('lobbyKicked', this.onKicked);
  }

  /**
   * The host's `acceptPeer`: true for a member of the lobby other than us. Bound, so it can be passed
   * as it is: `createHost({ ..., acceptPeer: lobby.acceptPeer })`.
   */
  readonly acceptPeer = (peer: SteamId): boolean => this.isMember(peer);

  /** True when `peer` is in the lobby (and is not us). */
  isMember(peer: SteamId): boolean {
    return !this.closed && peer !== this.self && this.members.includes(peer);
  }

  /** The lobby's members, us included, in Steam's order; empty once closed. */
  get members(): SteamId[] {
    return this.closed ? [] : this.lobbies.getLobbyMembers(this.lobbyId);
  }

  /** The lobby's member limit (0 when Steam does not say). */
  get memberLimit(): number {
    return this.closed ? 0 : this.lobbies.getLobbyMemberLimit(this.lobbyId);
  }

  /** True once {@link close} ran (or Steam removed us from the lobby). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Ties an rpc host to the lobby: a peer that completes the handshake after leaving the lobby, or
   * that leaves it later, is kicked with code {@link LEFT_LOBBY_KICK_CODE}; closing the lobby closes
   * the host. The host should have been created with {@link HostedLobby.acceptPeer}.
   * @throws RpcArgumentError when a host is attached already or the lobby is closed.
   */
  attach<P extends Protocol>(host: Host<P>): void {
    if (this.closed) throw new RpcArgumentError('host', 'The lobby is closed; open a new one to host again.');
    if (this.host !== null) throw new RpcArgumentError('host', 'A host is attached to this lobby already.');
    this.host = host as unknown as Host<Protocol>;
    // Between its session request and its welcome a peer may have left the lobby already.
    const onJoined = (peer: SteamId) => {
      if (!this.isMember(peer) && peer !== this.self)
        host.kick(peer, LEFT_LOBBY_KICK_CODE, { cooldown: false });
    };
    host.events.on('peerJoined', onJoined);
    this.offPeerJoined = () => host.events.off('peerJoined', onJoined);
  }

  /**
   * Opens the Steam overlay's invite dialog for this lobby: the friends picked there get an invite
   * (`lobbyInvite`, then `gameLobbyJoinRequested` when they accept).
   * @throws RpcArgumentError when the lobby was opened without `friends`, or is closed.
   */
  openInviteDialog(): void {
    if (this.friends === undefined)
      throw new RpcArgumentError(
        'friends',
        'openInviteDialog needs the friends option of openLobby/hostLobby.',
      );
    if (this.closed) throw new RpcArgumentError('lobbyId', 'The lobby is closed.');
    this.friends.activateGameOverlayInviteDialog(this.lobbyId);
  }

  /**
   * Changes one of the game's lobby data values (`''` deletes it).
   * @returns false when Steam refused (e.g. the lobby was closed, or we are no longer its owner).
   * @throws RpcArgumentError for a reserved key or a value over Steam's limits.
   */
  setData(key: string, value: string): boolean {
    const k = checkDataKey(key);
    const v = checkDataValue(k, value);
    return !this.closed && this.lobbies.setLobbyData(this.lobbyId, k, v);
  }

  /** Closes the attached host (goodbyes to every peer) and leaves the lobby. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lobbies.off('lobbyMemberChange', this.onMemberChange);
    this.lobbies.off('lobbyKicked', this.onKicked);
    this.offPeerJoined?.();
    for (const timer of this.leaving.values()) this.clock.clearTimeout(timer);
    this.leaving.clear();
    this.host?.close();
    this.host = null;
    this.lobbies.leaveLobby(this.lobbyId);
  }

  private readonly onMemberChange = (change: LobbyMemberChange): void => {
    if (change.lobbyId !== this.lobbyId || this.closed) return;
    if (change.change === 'entered') {
      this.events.emit('memberEntered', change.userId);
      return;
    }
    this.dropLater(change.userId);
    this.events.emit('memberLeft', change.userId, change.change);
  };

  /** Whoever is no longer in the lobby has no seat in the game either, once the grace is over. */
  private dropLater(peer: SteamId): void {
    if (this.leaving.has(peer)) return;
    const drop = () => {
      this.leaving.delete(peer);
      // Not its fault (a crash, a lost connection): no kick cooldown, so it may rejoin at once.
      if (!this.isMember(peer)) this.host?.kick(peer, LEFT_LOBBY_KICK_CODE, { cooldown: false });
    };
    if (this.leaveGraceMs === 0) {
      drop();
      return;
    }
    this.leaving.set(peer, this.clock.setTimeout(drop, this.leaveGraceMs));
  }

  private readonly onKicked = (kicked: LobbyKicked): void => {
    if (kicked.lobbyId !== this.lobbyId || this.closed) return;
    this.close();
    this.events.emit('lobbyLost', kicked.adminId);
  };
}

/**
 * Creates a lobby we own and publishes the protocol fingerprint (and its entries, when they fit) and
 * `data` in it; then opens the invite dialog if asked. Pumps Steam's callbacks while it waits.
 * @throws (rejects with) RpcArgumentError for a bad option (before Steam is asked anything);
 *   the seam's `LobbyCreateError` / `SteamCallFailedError` when Steam refuses; `LobbyTimeoutError`,
 *   `LobbyAbortedError`; `LobbyDataRefusedError` (the lobby is left again).
 */
export async function openLobby(options: OpenLobbyOptions): Promise<HostedLobby> {
  const lobbies = checkLobbies(options?.lobbies);
  const friends = checkFriends(options.friends, lobbies, options.inviteDialog ? 'inviteDialog' : undefined);
  const protocol = checkProtocol(options.protocol);
  const lobbyType = checkLobbyTypeOption(options.lobbyType);
  const maxMembers = checkMaxMembersOption(options.maxMembers);
  const data = checkLobbyData(options.data);
  const inviteDialog = checkBoolean('inviteDialog', options.inviteDialog);
  const leaveGraceMs = checkLeaveGrace(options.leaveGraceMs);
  const waits = lobbyWait(options, lobbies, undefined);
  const lobbyId = await pumpWhile(
    lobbies.createLobby(lobbyType, maxMembers),
    waits.for('CreateLobby'),
    (late) =>
      // Created after we gave up: nobody will host it, so do not leave it lying around.
      lobbies.leaveLobby(late),
  );
  for (const [key, value] of [...protocolLobbyData(protocol), ...data]) {
    if (!lobbies.setLobbyData(lobbyId, key, value)) {
      lobbies.leaveLobby(lobbyId);
      throw new LobbyDataRefusedError(lobbyId, key);
    }
  }
  const lobby = new HostedLobby(lobbies, friends, lobbyId, waits.clock, leaveGraceMs);
  if (inviteDialog) lobby.openInviteDialog();
  return lobby;
}

/** Options of {@link hostLobby}: {@link OpenLobbyOptions} and every `createHost` option. */
export interface HostLobbyOptions<P extends Protocol>
  extends Omit<OpenLobbyOptions, 'protocol' | 'clock'>,
    HostOptions<P> {}

/** What {@link hostLobby} gives: the rpc host, the lobby, and one `close()` for both. */
export interface LobbyHost<P extends Protocol> {
  /** The rpc host; it lets in exactly the lobby's members. */
  readonly host: Host<P>;
  /** The lobby (members, events, invite dialog, data). */
  readonly lobby: HostedLobby;
  /** The lobby's SteamID. */
  readonly lobbyId: LobbyId;
  /** Closes the host (goodbyes to every peer) and leaves the lobby. */
  close(): void;
}

/**
 * Hosts a game through a lobby in one call: an rpc host whose `acceptPeer` is the lobby's membership
 * (and yours, when given: both must agree), plus {@link openLobby}. `maxPeers` defaults to
 * `maxMembers`. The host is created first, so its options are checked before Steam is asked anything.
 * @throws (rejects with) what `createHost` and {@link openLobby} throw; the host is closed again then.
 */
export async function hostLobby<P extends Protocol>(options: HostLobbyOptions<P>): Promise<LobbyHost<P>> {
  const lobbies = checkLobbies(options?.lobbies);
  const network = checkSameUser(options.network, lobbies);
  const maxMembers = checkMaxMembersOption(options.maxMembers);
  const {
    lobbies: _lobbies,
    maxMembers: _maxMembers,
    lobbyType,
    data,
    inviteDialog,
    friends,
    leaveGraceMs,
    lobbyTimeoutMs,
    pollMs,
    signal,
    ...hostOptions
  } = options;
  const userAccept = hostOptions.acceptPeer;
  if (userAccept !== undefined && typeof userAccept !== 'function') {
    throw new RpcArgumentError('acceptPeer', 'acceptPeer must be a function of the peer SteamID.');
  }
  let lobby: HostedLobby | null = null;
  const host = createHost<P>({
    ...hostOptions,
    maxPeers: hostOptions.maxPeers ?? maxMembers,
    // Nobody is a member before the lobby exists; afterwards both the lobby and the game must agree.
    acceptPeer: (peer) => (lobby?.acceptPeer(peer) ?? false) && (userAccept?.(peer) ?? true),
  });
  try {
    lobby = await openLobby({
      lobbies,
      friends,
      protocol: options.protocol,
      lobbyType,
      maxMembers,
      data,
      inviteDialog,
      leaveGraceMs,
      lobbyTimeoutMs,
      pollMs,
      signal,
      clock: options.clock ?? network.clock,
    });
  } catch (error) {
    host.close();
    throw error;
  }
  lobby.attach(host);
  const opened = lobby;
  return { host, lobby: opened, lobbyId: opened.lobbyId, close: () => opened.close() };
}
