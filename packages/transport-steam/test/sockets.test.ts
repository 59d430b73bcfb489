// The ISteamNetworkingSockets backend over the scriptable stub: what it passes to Steam (options, flags,
// lanes, channel headers), one SendMessages per flush with every message handed over (never released
// by the binding), one receive per frame with every message released exactly once, and how Steam's
// answers (a dead connection, LimitExceeded, NULL from AllocateMessage, 1221 states) become seam behaviour.
import {
  initSteam,
  P2PSend,
  type P2PSessionFailDetail,
  SOCKETS_P2P_LIMITS,
  type SocketsBackendStats,
  type SteamSession,
} from '@steamwire/transport-steam/steam';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { hostPackRule } from '../src/structs.js';
import { describeNative } from './helpers/native.js';
import { type StubControl, stubCopy } from './helpers/stub.js';

const ME = 76561198000000001n;
const PEER = 76561198000000002n;
const CONNECTED = 3;

/** Where `m_info` starts in a 1221 callback under this platform's pack rule (STEAM_API.md §15.5). */
const INFO_AT = hostPackRule() === 'large' ? 8 : 4;

/** A 1221 callback as this platform lays it out (Linux 704 bytes, m_info at 4; Windows 712, at 8). */
function statusChange(
  conn: number,
  remote: bigint,
  state: number,
  old: number,
  endReason = 0,
  debug = '',
  listen = 0,
) {
  const b = new Uint8Array(INFO_AT === 8 ? 712 : 704);
  const v = new DataView(b.buffer);
  v.setUint32(0, conn, true);
  v.setInt32(INFO_AT, 16, true);
  v.setInt32(INFO_AT + 4, 8, true);
  v.setBigUint64(INFO_AT + 8, remote, true);
  v.setUint32(INFO_AT + 144, listen, true);
  v.setInt32(INFO_AT + 176, state, true);
  v.setInt32(INFO_AT + 180, endReason, true);
  b.set(new TextEncoder().encode(debug), INFO_AT + 184);
  v.setInt32(INFO_AT + 696, old, true);
  return b;
}

describeNative('sockets backend over the stub library', () => {
  let stub: StubControl;
  let session: SteamSession;
  beforeEach(() => {
    stub = stubCopy();
    stub.setLocalId(ME);
    session = initSteam({ libraryPath: stub.path, backend: 'sockets', socketsVirtualPort: 3 });
  });
  afterEach(() => session.shutdown());

  /** Opens the connection to PEER (the stub hands out handle 1001) and reports it connected. */
  function connect(): number {
    expect(session.networking.sendP2PPacket(PEER, Uint8Array.of(1), P2PSend.Reliable)).toBe(true);
    stub.pushCallback(1221, statusChange(1001, PEER, CONNECTED, 1));
    session.networking.runCallbacks();
    return 1001;
  }

  it('listens on its virtual port in symmetric mode, with the limits Steam documents', () => {
    expect(stub.sockets.count('port')).toBe(3);
    expect(stub.sockets.count('options')).toBe(1);
    const v = new DataView(stub.sockets.lastOptions().buffer);
    expect([v.getInt32(0, true), v.getInt32(4, true), v.getInt32(8, true)]).toEqual([37, 1, 1]);
    expect(session.networking.limits).toBe(SOCKETS_P2P_LIMITS);
  });

  it('the first send connects to the peer (identity, port, 8 lanes); packets wait until the connection is up', () => {
    expect(session.networking.sendP2PPacket(PEER, Uint8Array.of(9, 9), P2PSend.Reliable, 2)).toBe(true);
    expect(stub.lastId()).toBe(PEER);
    expect(stub.sockets.count('port')).toBe(3);
    expect(stub.sockets.count('lanes')).toBe(8);
    session.networking.runCallbacks();
    expect(stub.sockets.count('sendMessagesCalls')).toBe(0);
    expect(session.networking.sendP2PPacket(PEER, Uint8Array.of(1), P2PSend.UnreliableNoDelay)).toBe(false);
    expect(session.networking.lastSendFailure).toEqual({ reason: 'ignored', result: 41 });
    stub.pushCallback(1221, statusChange(1001, PEER, CONNECTED, 1));
    session.networking.runCallbacks();
    expect(stub.sockets.count('sendMessagesCalls')).toBe(1);
    expect([
      stub.sockets.sent(0, 'conn'),
      stub.sockets.sent(0, 'lane'),
      stub.sockets.sent(0, 'size'),
    ]).toEqual([1001, 2, 2]);
  });

  it("a tick leaves in one SendMessages: Steam's flags per send type, a lane per channel, a varint on lane 7", () => {
    const conn = connect();
    const before = stub.sockets.count('sent');
    const net = session.networking;
    net.sendP2PPacket(PEER, Uint8Array.of(10), P2PSend.Unreliable, 0);
    net.sendP2PPacket(PEER, Uint8Array.of(11), P2PSend.UnreliableNoDelay, 1);
    net.sendP2PPacket(PEER, Uint8Array.of(12), P2PSend.Reliable, 6);
    net.sendP2PPacket(PEER, Uint8Array.of(13), P2PSend.ReliableWithBuffering, 7);
    net.sendP2PPacket(PEER, Uint8Array.of(14), P2PSend.Reliable, 0x7fff);
    expect(stub.sockets.count('sent')).toBe(before);
    const calls = stub.sockets.count('sendMessagesCalls');
    net.flushP2PPackets!();
    expect(stub.sockets.count('sendMessagesCalls')).toBe(calls + 1);
    const row = (i: number) =>
      ['conn', 'flags', 'lane', 'size', 'byte0', 'byte1', 'byte2', 'byte3'].map((w) =>
        stub.sockets.sent(before + i, w),
      );
    expect([0, 1, 2, 3, 4].map(row)).toEqual([
      [conn, 1, 0, 1, 10, 0, 0, 0],
      [conn, 5, 1, 1, 11, 0, 0, 0],
      [conn, 9, 6, 1, 12, 0, 0, 0],
      [conn, 8, 7, 2, 7, 13, 0, 0],
      [conn, 9, 7, 4, 0xff, 0xff, 0x01, 14],
    ]);
    // Every allocated message went to Steam, which released it; the binding released none itself.
    expect(stub.sockets.count('allocReleases')).toBe(stub.sockets.count('allocs'));
    expect(stub.count('releases')).toBe(0);
  });

  it('one receive call takes every lane, and each message is released exactly once', () => {
    const conn = connect();
    stub.sockets.inject(conn, 0, Uint8Array.of(1));
    stub.sockets.inject(conn, 3, Uint8Array.of(2));
    stub.sockets.inject(conn, 7, Uint8Array.of(0x80, 0x02, 3));
    stub.sockets.inject(4242, 0, Uint8Array.of(4)); // a connection the backend never made
    stub.sockets.inject(conn, 7, Uint8Array.of(0xff)); // a truncated channel number
    const calls = stub.count('receiveCalls');
    const net = session.networking;
    expect(net.getAvailableP2PPacketSize(0)).toBe(1);
    // That one call took everything, every lane, and released it all.
    expect(stub.count('receiveCalls')).toBe(calls + 1);
    expect(stub.count('releases')).toBe(5);
    expect(net.readP2PPacket(10, 3)!.data).toEqual(Uint8Array.of(2));
    expect(net.readP2PPacket(10, 256)).toEqual({ data: Uint8Array.of(3), remoteSteamId: PEER });
    expect(net.readP2PPacket(10, 0)).toEqual({ data: Uint8Array.of(1), remoteSteamId: PEER });
    expect(net.getAvailableP2PPacketSize(5)).toBeNull();
    expect(stub.count('releases')).toBe(5);
    expect((net as unknown as { stats: SocketsBackendStats }).stats.messagesDropped).toBe(2);
  });

  it('AllocateMessage returning NULL is ALLOCATE_FAILED, and what was allocated is released', () => {
    connect();
    stub.sockets.setAllocFailAfter(stub.sockets.count('allocs') + 2);
    for (let i = 0; i < 4; i++) session.networking.sendP2PPacket(PEER, Uint8Array.of(i), P2PSend.Reliable);
    expect(() => session.networking.flushP2PPackets!()).toThrow(
      expect.objectContaining({ code: 'ALLOCATE_FAILED' }),
    );
    expect(stub.sockets.count('allocReleases')).toBe(stub.sockets.count('allocs'));
  });

  it('a packet refused because its connection died goes again on a new connection; LimitExceeded is dropped', () => {
    connect();
    stub.sockets.setSendMessagesFailure(3);
    session.networking.sendP2PPacket(PEER, Uint8Array.of(42), P2PSend.Reliable);
    session.networking.flushP2PPackets!();
    // NoConnection: a new ConnectP2P (handle 1002), the packet waits for it.
    expect(session.networking.getP2PSessionState(PEER)).toMatchObject({
      connecting: false,
      packetsQueuedForSend: 1,
    });
    stub.sockets.setSendMessagesFailure(0);
    const sent = stub.sockets.count('sent');
    stub.pushCallback(1221, statusChange(1002, PEER, CONNECTED, 1));
    session.networking.runCallbacks();
    expect([stub.sockets.sent(sent, 'conn'), stub.sockets.sent(sent, 'byte0')]).toEqual([1002, 42]);
    const dropped = () =>
      (session.networking as unknown as { stats: SocketsBackendStats }).stats.sendsDropped;
    stub.sockets.setSendMessagesFailure(25);
    session.networking.sendP2PPacket(PEER, Uint8Array.of(43), P2PSend.Reliable);
    session.networking.flushP2PPackets!();
    expect(dropped()).toBe(1);
    // InvalidParam on a connection Steam still knows is a bad packet, not a dead connection: no reconnect.
    stub.sockets.setSendMessagesFailure(8);
    session.networking.sendP2PPacket(PEER, Uint8Array.of(44), P2PSend.Reliable);
    session.networking.flushP2PPackets!();
    expect(dropped()).toBe(2);
    stub.sockets.setSendMessagesFailure(0);
    session.networking.sendP2PPacket(PEER, Uint8Array.of(45), P2PSend.Reliable);
    session.networking.flushP2PPackets!();
    expect(stub.sockets.sent(stub.sockets.count('sent') - 1, 'conn')).toBe(1002);
  });

  it("a connection Steam gives up on is sessionConnectFail, once, with Steam's end reason", () => {
    const fails: [bigint, number, P2PSessionFailDetail | undefined][] = [];
    session.networking.on('sessionConnectFail', (r, e, d) => fails.push([r, e, d]));
    session.networking.sendP2PPacket(PEER, Uint8Array.of(1), P2PSend.Reliable);
    stub.pushCallback(1221, statusChange(1001, PEER, 5, 1, 3005, 'no rights'));
    session.networking.runCallbacks();
    expect(fails).toEqual([
      [PEER, 2, { endReason: 3005, endReasonName: 'Local_Rights', debug: 'no rights' }],
    ]);
    session.networking.sendP2PPacket(PEER, Uint8Array.of(2), P2PSend.Reliable);
    stub.pushCallback(1221, statusChange(1002, PEER, 5, 1, 5003, 'Timed out'));
    session.networking.runCallbacks();
    expect(fails).toHaveLength(1);
  });

  it('an incoming connection on its listen socket is a sessionRequest; accepting or sending takes it', () => {
    const requests: bigint[] = [];
    session.networking.on('sessionRequest', (r) => requests.push(r));
    stub.pushCallback(1221, statusChange(777, PEER, 1, 0, 0, '', 500));
    session.networking.runCallbacks();
    expect(requests).toEqual([PEER]);
    expect(session.networking.sendP2PPacket(PEER, Uint8Array.of(5), P2PSend.Reliable)).toBe(true);
    session.networking.flushP2PPackets!();
    expect(stub.sockets.sent(stub.sockets.count('sent') - 1, 'conn')).toBe(777);
  });
});

describeNative('sockets backend: a library without it', () => {
  it('is SYMBOL_MISSING when the library lacks ISteamNetworkingSockets', () => {
    const stub = stubCopy('no-sockets');
    expect(() => initSteam({ libraryPath: stub.path, backend: 'sockets' })).toThrow(
      expect.objectContaining({ code: 'SYMBOL_MISSING' }),
    );
  });

  it('is NULL_INTERFACE when Steam provides no Sockets or Utils interface, and Steam is shut down again', () => {
    for (const [sockets, utils] of [
      [true, false],
      [false, true],
    ] as const) {
      const stub = stubCopy();
      stub.sockets.setNull(sockets, utils);
      expect(() => initSteam({ libraryPath: stub.path, backend: 'sockets' })).toThrow(
        expect.objectContaining({ code: 'NULL_INTERFACE' }),
      );
      expect(stub.count('shutdowns')).toBe(1);
    }
  });

  it('session.sockets on a legacy session binds on first use, and says NULL_INTERFACE when Steam has none', () => {
    const stub = stubCopy();
    stub.sockets.setNull(true, false);
    const session = initSteam({ libraryPath: stub.path });
    try {
      expect(() => session.sockets).toThrow(expect.objectContaining({ code: 'NULL_INTERFACE' }));
    } finally {
      session.shutdown();
    }
  });
});
