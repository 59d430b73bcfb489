// The typed ISteamNetworkingSockets API (`session.sockets`) over the native fake, continued: real-time
// status, poll groups, socket pairs, identity/authentication and shutdown (STEAM_API.md §15).
import {
  type ConnectionStatusChange,
  type NetConnection,
  SendFlags,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes, connectedPair, type Peers, peers, receiveAll, text } from './sockets-helpers.js';

let group: Peers | undefined;
afterEach(() => {
  group?.close();
  group = undefined;
});

/** Two fresh peers, connected (see connectedPair). */
async function pair() {
  group = peers(2);
  return connectedPair(group);
}

describe('typed Sockets API over the native fake: status, poll groups, identity', () => {
  it('getRealTimeStatus: ping and quality once measured, lanes up to the configured count', async () => {
    const { p, a, conn } = await pair();
    expect(await p.until(() => (a.sockets.getRealTimeStatus(conn)?.status.ping ?? -1) >= 0)).toBe(true);
    const { status, lanes } = a.sockets.getRealTimeStatus(conn)!;
    expect(status).toMatchObject({
      state: 'connected',
      qualityLocal: 1,
      pendingReliable: 0,
      sentUnackedReliable: 0,
    });
    expect(status.sendRateBytesPerSecond).toBe(262_144);
    expect(lanes).toEqual([]);
    expect(() => a.sockets.getRealTimeStatus(conn, 2)).toThrow(
      expect.objectContaining({ code: 'INVALID_LANE_COUNT' }),
    );
    a.sockets.configureConnectionLanes(conn, [{}, {}]);
    expect(a.sockets.getRealTimeStatus(conn, 2)!.lanes).toHaveLength(2);
    expect(a.sockets.getRealTimeStatus(0 as NetConnection)).toBeNull();
    expect(a.sockets.getDetailedConnectionStatus(conn)).toMatch(/^Connection #\d+ to steamid:/);
    expect(a.sockets.getDetailedConnectionStatus(0 as NetConnection)).toBeNull();
  });

  it('queued bytes show in the status while the peer does not acknowledge', async () => {
    const { p, a, b, conn } = await pair();
    b.utils.setConfigValue('FakePacketLoss_Recv', 100);
    a.sockets.sendMessage(conn, new Uint8Array(5000), SendFlags.ReliableNoNagle);
    const { status } = a.sockets.getRealTimeStatus(conn)!;
    expect(status.pendingReliable + status.sentUnackedReliable).toBe(5000);
    b.utils.setConfigValue('FakePacketLoss_Recv', null);
    expect(await p.until(() => a.sockets.getRealTimeStatus(conn)!.status.sentUnackedReliable === 0)).toBe(
      true,
    );
  });

  it('poll groups: one receive reads every member; destroying one leaves members connected', async () => {
    group = peers(3);
    const p = group;
    const [host, c1, c2] = p.sessions as [SteamSession, SteamSession, SteamSession];
    host.sockets.createListenSocketP2P(0);
    const poll = host.sockets.createPollGroup();
    const incoming: NetConnection[] = [];
    host.sockets.on('connectionStatusChanged', (c) => {
      if (c.info.state === 'connecting' && c.info.listenSocket !== null) {
        expect(host.sockets.setConnectionPollGroup(c.connection, poll)).toBe(true);
        host.sockets.acceptConnection(c.connection);
        incoming.push(c.connection);
      }
    });
    const k1 = c1.sockets.connectP2P(host.localSteamId);
    const k2 = c2.sockets.connectP2P(host.localSteamId);
    expect(
      await p.until(
        () =>
          c1.sockets.getConnectionInfo(k1)?.state === 'connected' &&
          c2.sockets.getConnectionInfo(k2)?.state === 'connected',
      ),
    ).toBe(true);
    c1.sockets.sendMessage(k1, bytes('from 1'));
    c2.sockets.sendMessage(k2, bytes('from 2'));
    const got: string[] = [];
    await p.until(() => {
      for (const m of host.sockets.receiveMessagesOnPollGroup(poll) ?? [])
        got.push(`${m.remote === c1.localSteamId ? 1 : 2}:${text(m.data)}`);
      return got.length >= 2;
    });
    expect(got.sort()).toEqual(['1:from 1', '2:from 2']);
    expect(host.sockets.setConnectionPollGroup(incoming[0]!, null)).toBe(true);
    c1.sockets.sendMessage(k1, bytes('direct'));
    expect(await p.until(() => (host.sockets.receiveMessages(incoming[0]!) ?? []).length > 0)).toBe(true);
    expect(host.sockets.destroyPollGroup(poll)).toBe(true);
    expect(host.sockets.destroyPollGroup(poll)).toBe(false);
    expect(host.sockets.receiveMessagesOnPollGroup(poll)).toBeNull();
    expect(host.sockets.getConnectionInfo(incoming[1]!)!.state).toBe('connected');
    expect(host.sockets.setConnectionPollGroup(incoming[1]!, poll)).toBe(false);
  });

  it('createSocketPair gives two connected ends and no status changes', async () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    const changes: ConnectionStatusChange[] = [];
    s.sockets.on('connectionStatusChanged', (c) => changes.push(c));
    const [x, y] = s.sockets.createSocketPair();
    expect(s.sockets.getConnectionInfo(x)!.state).toBe('connected');
    expect(s.sockets.sendMessage(x, bytes('pair')).ok).toBe(true);
    const got = await receiveAll(group, s, y, 1);
    expect(got.map((m) => text(m.data))).toEqual(['pair']);
    expect(changes).toEqual([]);
  });

  it('getIdentity is the local SteamID; authentication goes attempting → current with an event', async () => {
    group = peers(1);
    const [s] = group.sessions as [SteamSession];
    expect(s.sockets.getIdentity()).toBe(s.localSteamId);
    expect(s.sockets.getAuthenticationStatus().availability).toBe('neverTried');
    const seen: string[] = [];
    s.sockets.on('authenticationStatusChanged', (st) => seen.push(st.availability));
    expect(s.sockets.initAuthentication()).toBe('attempting');
    expect(await group.until(() => s.sockets.getAuthenticationStatus().availability === 'current')).toBe(
      true,
    );
    expect(await group.until(() => seen.includes('current'))).toBe(true);
    expect(seen[0]).toBe('attempting');
  });

  it('events come only from runCallbacks; after shutdown every call throws NOT_INITIALIZED', async () => {
    group = peers(2);
    const [a, b] = group.sessions as [SteamSession, SteamSession];
    const changes: ConnectionStatusChange[] = [];
    a.sockets.on('connectionStatusChanged', (c) => changes.push(c));
    b.sockets.createListenSocketP2P(0);
    a.sockets.connectP2P(b.localSteamId);
    expect(changes).toEqual([]);
    a.sockets.runCallbacks();
    expect(changes.map((c) => c.info.state)).toEqual(['connecting']);
    expect(() => a.sockets.runCallbacks()).not.toThrow();
    a.shutdown();
    expect(() => a.sockets.connectP2P(b.localSteamId)).toThrow(
      expect.objectContaining({ code: 'NOT_INITIALIZED' }),
    );
  });
});
