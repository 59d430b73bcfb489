// Every option of the lobby flow is checked before Steam is asked anything: a wrong one is an
// RpcArgumentError naming it, and no lobby is left behind. Plus giving up on Steam: timeouts, aborts.
import { FakeSteamNetwork } from '@steamwire/testkit';
import { LobbyType, SteamAPICallFailure } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import {
  findLobbies,
  hostLobby,
  joinLobby,
  LobbyAbortedError,
  LobbyTimeoutError,
  launchLobbyRequest,
  onLobbyJoinRequest,
  openLobby,
  RpcArgumentError,
} from '../src/index.js';
import { protocol } from './helpers.js';
import { drive, driveError, lobbyWorld } from './lobby-helpers.js';

const net = new FakeSteamNetwork({ seed: 9 });
const me = net.createPeer();
const other = net.createPeer();
const lobbyId = 0x0186000000000001n;

const hostBase = {
  network: me,
  lobbies: me.lobbies,
  friends: me.friends,
  protocol,
  lobbyType: LobbyType.FriendsOnly,
  maxMembers: 4,
};
const joinBase = { network: me, lobbies: me.lobbies, protocol, lobbyId };

// [option, bad value] for hostLobby (and openLobby, which has no network and no rpc host options);
// each must be refused naming `option`.
const badHostOptions: [string, Record<string, unknown>][] = [
  ['lobbies', { lobbies: undefined }],
  ['lobbies', { lobbies: {} }],
  ['lobbies', { lobbies: other.lobbies }],
  ['network', { network: 'me' }],
  ['friends', { friends: {} }],
  ['friends', { friends: other.friends }],
  ['friends', { friends: undefined, inviteDialog: true }],
  ['protocol', { protocol: {} }],
  ['lobbyType', { lobbyType: 4 }],
  ['lobbyType', { lobbyType: 'public' }],
  ['maxMembers', { maxMembers: 0 }],
  ['maxMembers', { maxMembers: 251 }],
  ['maxMembers', { maxMembers: 2.5 }],
  ['data', { data: 'mode=x' }],
  ['data', { data: ['x'] }],
  ['data', { data: { mode: 3 } }],
  ['data', { data: { '': 'x' } }],
  ['data', { data: { 'k\0': 'x' } }],
  ['data', { data: { ['k'.repeat(256)]: 'x' } }],
  ['data', { data: { mode: 'v'.repeat(8193) } }],
  ['data', { data: { 'steamwire.fingerprint': 'forged' } }],
  ['inviteDialog', { inviteDialog: 'yes' }],
  ['leaveGraceMs', { leaveGraceMs: -1 }],
  ['leaveGraceMs', { leaveGraceMs: '500' }],
  ['lobbyTimeoutMs', { lobbyTimeoutMs: 0 }],
  ['lobbyTimeoutMs', { lobbyTimeoutMs: Number.POSITIVE_INFINITY }],
  ['pollMs', { pollMs: -1 }],
  ['pollMs', { pollMs: Number.NaN }],
  ['signal', { signal: { aborted: false } }],
  ['acceptPeer', { acceptPeer: 'everyone' }],
  ['maxPeers', { maxPeers: 0 }],
  ['tickMs', { tickMs: -5 }],
];

describe('hostLobby and openLobby refuse a bad option before asking Steam anything', () => {
  it.each(badHostOptions)('%s (case %#)', async (option, bad) => {
    const error = await hostLobby({ ...hostBase, ...bad } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: option });
    // Without a network, openLobby sees lobbies of another user as friends that do not match them.
    const hostOnly =
      ['network', 'acceptPeer', 'maxPeers', 'tickMs'].includes(option) || bad.lobbies === other.lobbies;
    if (!hostOnly) {
      const opened = await openLobby({ ...hostBase, clock: net.clock, ...bad } as never).catch(
        (e: unknown) => e,
      );
      expect(opened).toMatchObject({ code: 'INVALID_ARGUMENT', argument: option });
    }
    expect(net.lobbyService.lobbyIds).toEqual([]);
  });

  it('a missing options object is an RpcArgumentError too', async () => {
    await expect(hostLobby(undefined as never)).rejects.toBeInstanceOf(RpcArgumentError);
    await expect(openLobby(undefined as never)).rejects.toBeInstanceOf(RpcArgumentError);
    await expect(joinLobby(undefined as never)).rejects.toBeInstanceOf(RpcArgumentError);
    await expect(findLobbies(undefined as never)).rejects.toBeInstanceOf(RpcArgumentError);
  });
});

const badJoinOptions: [string, Record<string, unknown>][] = [
  ['lobbies', { lobbies: null }],
  ['lobbies', { lobbies: other.lobbies }],
  ['network', { network: {} }],
  ['protocol', { protocol: 'v1' }],
  ['lobbyId', { lobbyId: undefined }],
  ['lobbyId', { lobbyId: '109775240917155841' }],
  ['lobbyId', { lobbyId: me.localSteamId }],
  ['lobbyTimeoutMs', { lobbyTimeoutMs: -1 }],
  ['pollMs', { pollMs: 0 }],
  ['signal', { signal: 'stop' }],
  ['clock', { clock: {} }],
];

describe('joinLobby refuses a bad option before joining', () => {
  it.each(badJoinOptions)('%s (case %#)', async (option, bad) => {
    const error = await joinLobby({ ...joinBase, ...bad } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: option });
    expect(me.lobbies.getLobbyMembers(lobbyId)).toEqual([]);
  });

  it("connectToHost's own options are checked by connectToHost, after the lobby step, and the lobby is left", async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    const error = await driveError(
      world.net,
      joinLobby({ network: peer, lobbies: peer.lobbies, protocol, lobbyId: world.lobbyId, timeoutMs: -1 }),
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'timeoutMs' });
    expect(world.hosted.lobby.members).toEqual([world.hostPeer.localSteamId]);
    world.net.dispose();
  });
});

describe('findLobbies, launchLobbyRequest and onLobbyJoinRequest check their arguments', () => {
  it.each([
    ['lobbies', { lobbies: 3 }],
    ['protocol', { protocol: null }],
    ['filters', { filters: 'all' }],
    ['lobbyTimeoutMs', { lobbyTimeoutMs: 'soon' }],
  ])('findLobbies %s (case %#)', async (option, bad) => {
    const error = await findLobbies({ lobbies: me.lobbies, protocol, ...bad } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: option });
  });

  it('friends must be Friends, the handler a function', () => {
    expect(() => launchLobbyRequest({} as never)).toThrow(expect.objectContaining({ argument: 'friends' }));
    expect(() => onLobbyJoinRequest(me.lobbies as never, () => {})).toThrow(
      expect.objectContaining({ argument: 'friends' }),
    );
    expect(() => onLobbyJoinRequest(me.friends, 'log' as never)).toThrow(
      expect.objectContaining({ argument: 'handler' }),
    );
  });
});

describe('giving up on Steam', () => {
  it('Steam never answers CreateLobby: LobbyTimeoutError; the lobby created late is left, not kept', async () => {
    const n = new FakeSteamNetwork({ seed: 10 });
    const peer = n.createPeer();
    n.lobbyService.holdCallResults(peer.localSteamId, true);
    const error = await driveError(
      n,
      hostLobby({
        ...hostBase,
        network: peer,
        lobbies: peer.lobbies,
        friends: peer.friends,
        lobbyTimeoutMs: 3000,
      }),
    );
    expect(error).toBeInstanceOf(LobbyTimeoutError);
    expect(error).toMatchObject({ code: 'LOBBY_TIMEOUT', call: 'CreateLobby', timeoutMs: 3000 });
    n.dispose();
  });

  it('an answer after the timeout: the late lobby is left again', async () => {
    const n = new FakeSteamNetwork({ seed: 11, lobbyLatencyMs: 5000 });
    const peer = n.createPeer();
    const error = await driveError(
      n,
      openLobby({
        ...hostBase,
        lobbies: peer.lobbies,
        friends: undefined,
        clock: n.clock,
        lobbyTimeoutMs: 1000,
      }),
    );
    expect(error).toBeInstanceOf(LobbyTimeoutError);
    expect(n.lobbyService.lobbyIds).toHaveLength(1);
    // Nobody pumps for us once we gave up: the game's loop does.
    const loop = n.clock.setInterval(() => peer.runCallbacks(), 16);
    await n.advance(6000);
    n.clock.clearInterval(loop);
    expect(n.lobbyService.lobbyIds).toEqual([]);
    n.dispose();
  });

  it('Steam fails the call: its own error passes through, and the host is closed', async () => {
    const n = new FakeSteamNetwork({ seed: 12 });
    const peer = n.createPeer();
    n.lobbyService.failNextCall(peer.localSteamId, SteamAPICallFailure.NetworkFailure);
    const error = await driveError(
      n,
      hostLobby({ ...hostBase, network: peer, lobbies: peer.lobbies, friends: peer.friends }),
    );
    expect(error).toMatchObject({ code: 'STEAM_CALL_FAILED', failure: SteamAPICallFailure.NetworkFailure });
    n.dispose();
  });

  it('an aborted signal stops the wait: LobbyAbortedError, before or during the call', async () => {
    const n = new FakeSteamNetwork({ seed: 13, lobbyLatencyMs: 1000 });
    const peer = n.createPeer();
    const options = { ...hostBase, network: peer, lobbies: peer.lobbies, friends: peer.friends };
    const already = await driveError(n, hostLobby({ ...options, signal: AbortSignal.abort('no') }));
    expect(already).toBeInstanceOf(LobbyAbortedError);
    const controller = new AbortController();
    const pending = hostLobby({ ...options, signal: controller.signal });
    n.clock.setTimeout(() => controller.abort('changed my mind'), 100);
    const during = await driveError(n, pending);
    expect(during).toMatchObject({ code: 'LOBBY_ABORTED', call: 'CreateLobby', cause: 'changed my mind' });
    n.dispose();
  });

  it('a join Steam never answers times out, and a search too', async () => {
    const world = await lobbyWorld(1);
    const peer = world.friends[0]!;
    world.net.lobbyService.holdCallResults(peer.localSteamId, true);
    const join = await driveError(
      world.net,
      joinLobby({
        network: peer,
        lobbies: peer.lobbies,
        protocol,
        lobbyId: world.lobbyId,
        lobbyTimeoutMs: 500,
      }),
    );
    expect(join).toMatchObject({ code: 'LOBBY_TIMEOUT', call: 'JoinLobby' });
    const search = await driveError(
      world.net,
      findLobbies({ lobbies: peer.lobbies, protocol, clock: world.net.clock, lobbyTimeoutMs: 500 }),
    );
    expect(search).toMatchObject({ code: 'LOBBY_TIMEOUT', call: 'RequestLobbyList' });
    world.net.dispose();
  });

  it('the lobby step drives itself: no update loop is needed to host', async () => {
    const n = new FakeSteamNetwork({ seed: 14 });
    const peer = n.createPeer();
    const hosted = await drive(
      n,
      hostLobby({ ...hostBase, network: peer, lobbies: peer.lobbies, friends: peer.friends }),
    );
    expect(n.lobbyService.lobbyIds).toEqual([hosted.lobbyId]);
    hosted.close();
    expect(n.lobbyService.lobbyIds).toEqual([]);
    n.dispose();
  });
});
