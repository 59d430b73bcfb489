// The in-memory fake's backends and the bounds Steam puts on what one peer can make another hold:
// what the conformance suite cannot see from outside (the memory held, the counters, overrides).
import {
  LEGACY_P2P_LIMITS,
  MESSAGES_P2P_LIMITS,
  P2PSend,
  P2PSessionError,
  SOCKETS_P2P_LIMITS,
  type SteamId,
} from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { STEAM_BEHAVIOUR } from '../../src/conformance/index.js';
import { type FakePeer, FakeSteamNetwork } from '../../src/index.js';
import { enc, play, readAll } from './helpers.js';

const MiB = 1024 * 1024;

/** Two accepting peers of `backend`, with a session open both ways. */
async function pair(backend: 'legacy' | 'messages') {
  const net = new FakeSteamNetwork({ backend });
  const a = net.createPeer();
  const b = net.createPeer();
  for (const p of [a, b]) p.on('sessionRequest', (id) => p.acceptP2PSessionWithUser(id));
  a.sendP2PPacket(b.localSteamId, enc('hello'), P2PSend.Reliable);
  await play(net, 50);
  readAll(b);
  return { net, a, b };
}

/** Sends `size`-byte reliable packets on `channel` until one is refused (at most `max`), with time between. */
async function floodReliable(net: FakeSteamNetwork, from: FakePeer, to: SteamId, size: number, max: number) {
  let accepted = 0;
  while (accepted < max && from.sendP2PPacket(to, new Uint8Array(size), P2PSend.Reliable, 7)) {
    accepted++;
    await net.advance(20);
  }
  return accepted;
}

describe('FakeSteamNetwork backends', () => {
  it('creates peers of every backend, with that backend’s limits; the network default is legacy', () => {
    const net = new FakeSteamNetwork();
    const legacy = net.createPeer();
    const messages = net.createPeer({ backend: 'messages' });
    const sockets = net.createPeer({ backend: 'sockets' });
    const chosen = net.createPeer({ id: 76561197960287930n, backend: 'messages' });
    expect(legacy.backend).toBe('legacy');
    expect(legacy.limits).toEqual(LEGACY_P2P_LIMITS);
    expect(messages.backend).toBe('messages');
    expect(messages.limits).toEqual(MESSAGES_P2P_LIMITS);
    expect(sockets.backend).toBe('sockets');
    expect(sockets.limits).toEqual(SOCKETS_P2P_LIMITS);
    expect(chosen.localSteamId).toBe(76561197960287930n);
    expect(new FakeSteamNetwork({ backend: 'messages' }).createPeer().backend).toBe('messages');
    expect(() => net.createPeer({ backend: 'carrier-pigeon' as 'legacy' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'backend' }),
    );
    expect(() => new FakeSteamNetwork({ backend: 'udp' as 'legacy' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    net.dispose();
  });

  it('peers of different backends never reach each other: each Steam API has its own sessions', async () => {
    const net = new FakeSteamNetwork();
    const a = net.createPeer();
    const b = net.createPeer({ backend: 'messages' });
    const fails: P2PSessionError[] = [];
    let requests = 0;
    a.on('sessionConnectFail', (_, error) => fails.push(error));
    b.on('sessionRequest', () => requests++);
    expect(a.sendP2PPacket(b.localSteamId, enc('anyone?'), P2PSend.Reliable)).toBe(true);
    await play(net, STEAM_BEHAVIOUR.legacy.connectTimeoutMs.value + 100, 100);
    expect(fails).toEqual([P2PSessionError.Timeout]);
    expect(requests).toBe(0);
    expect(readAll(b)).toEqual([]);
    net.dispose();
  });

  it('overrides depart from Steam for every backend at once', () => {
    const net = new FakeSteamNetwork({ connectTimeoutMs: 3000, maxQueuedBytesPerPeer: 2 * MiB });
    for (const backend of ['legacy', 'messages'] as const) {
      expect(net.numbers(backend)).toMatchObject({
        connectTimeoutMs: 3000,
        connectionLostTimeoutMs: 3000,
        sendBufferBytes: 2 * MiB,
      });
    }
    // Messages holds and re-requests per connection, so both follow its connect timeout.
    expect(net.numbers('messages')).toMatchObject({ unacceptedHoldMs: 3000, sessionRequestRepostMs: 3000 });
    expect(net.numbers('legacy')).toMatchObject({ unacceptedHoldMs: 20_000, sessionRequestRepostMs: 1000 });
    expect(() => new FakeSteamNetwork({ maxQueuedBytesPerPeer: MiB - 1 })).toThrow(
      expect.objectContaining({ argument: 'maxQueuedBytesPerPeer' }),
    );
    net.dispose();
  });
});

describe('the receive buffer Steam keeps per remote', () => {
  for (const backend of ['legacy', 'messages'] as const) {
    const steam = STEAM_BEHAVIOUR[backend];
    it(`${backend}: 400 × the largest reliable packet on a channel nobody reads stays bounded`, async () => {
      const { net, a, b } = await pair(backend);
      const size = steam.maxReliableBytes.value;
      const accepted = await floodReliable(net, a, b.localSteamId, size, 400);
      const held = Math.floor(steam.recvBufferBytes.value / size);
      // The receiver holds what fits; the sender holds its send buffer's worth; the rest is refused.
      expect(accepted).toBe(held + Math.floor(steam.sendBufferBytes.value / size));
      expect(a.lastSendFailure?.reason).toBe('limitExceeded');
      expect(a.lastSendFailure?.result).toBe(steam.sendBufferResult.value ?? undefined);
      await net.advance(1000);
      const memory = net.heldFrom(b.localSteamId, a.localSteamId);
      expect(memory).toEqual({ packets: held, bytes: held * size });
      expect(memory.bytes).toBeLessThanOrEqual(steam.recvBufferBytes.value);
      expect(net.stats.receiverFull, 'refused, not dropped: the sender resends').toBeGreaterThan(0);
      expect(a.getP2PSessionState(b.localSteamId)?.connectionActive, 'the refusing receiver is alive').toBe(
        true,
      );
      // Reading frees the buffer, the waiting packets come, and the memory held never grows past it.
      let read = 0;
      for (let t = 0; t < 100 && read < accepted; t++) {
        read += readAll(b, 7).length;
        expect(net.heldFrom(b.localSteamId, a.localSteamId).bytes).toBeLessThanOrEqual(
          steam.recvBufferBytes.value,
        );
        await net.advance(50);
      }
      expect(read).toBe(accepted);
      expect(net.heldFrom(b.localSteamId, a.localSteamId)).toEqual({ packets: 0, bytes: 0 });
      net.dispose();
    });

    it(`${backend}: an unreliable flood past the buffer is dropped and counted`, async () => {
      const { net, a, b } = await pair(backend);
      const messages = steam.recvBufferMessages.value;
      for (let i = 0; i < messages + 500; i++)
        a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Unreliable, 7);
      await net.advance(50);
      expect(net.heldFrom(b.localSteamId, a.localSteamId).packets).toBe(messages);
      expect(net.stats.dropped.receiveBufferFull).toBe(500);
      expect(readAll(b, 7)).toHaveLength(messages);
      expect(net.heldFrom(b.localSteamId, a.localSteamId).packets).toBe(0);
      net.dispose();
    });
  }

  it('what an unaccepted peer sends counts too, and is released when it expires', async () => {
    const net = new FakeSteamNetwork();
    const a = net.createPeer();
    const b = net.createPeer();
    for (let i = 0; i < 1500; i++) a.sendP2PPacket(b.localSteamId, enc(`${i}`), P2PSend.Unreliable, 7);
    await net.advance(50);
    expect(net.heldFrom(b.localSteamId, a.localSteamId).packets).toBe(1000);
    await net.advance(STEAM_BEHAVIOUR.legacy.unacceptedHoldMs.value);
    expect(net.heldFrom(b.localSteamId, a.localSteamId)).toEqual({ packets: 0, bytes: 0 });
    net.dispose();
  });
});

describe('the Messages backend as the binding exposes it', () => {
  it('a send to oneself loops back locally at once, with a loopback session state', () => {
    const net = new FakeSteamNetwork({ backend: 'messages' });
    const a = net.createPeer();
    const me = a.localSteamId;
    expect(a.getP2PSessionState(me)).toBeNull();
    expect(a.sendP2PPacket(me, enc('me'), P2PSend.Unreliable, 2)).toBe(true);
    expect(a.getP2PSessionState(me)).toMatchObject({
      connectionActive: true,
      remoteIp: 0x7f000001,
      remotePort: 0,
    });
    expect(readAll(a, 2)).toEqual([{ from: me, text: 'me' }]);
    a.sendP2PPacket(me, enc('dropped'), P2PSend.Reliable, 2);
    expect(a.closeP2PSessionWithUser(me)).toBe(true);
    expect(readAll(a, 2)).toEqual([]);
    expect(a.closeP2PSessionWithUser(me)).toBe(false);
    net.dispose();
  });

  it('relaying is a global Steam setting there: allowP2PPacketRelay(false) still connects over a relay-only link', async () => {
    for (const backend of ['legacy', 'messages'] as const) {
      const net = new FakeSteamNetwork({ backend, conditions: { relayOnly: true } });
      const a = net.createPeer();
      const b = net.createPeer();
      b.on('sessionRequest', (id) => b.acceptP2PSessionWithUser(id));
      a.allowP2PPacketRelay(false);
      a.sendP2PPacket(b.localSteamId, enc('via relay?'), P2PSend.Reliable);
      await play(net, 500);
      expect(
        readAll(b).map((p) => p.text),
        backend,
      ).toEqual(backend === 'legacy' ? [] : ['via relay?']);
      net.dispose();
    }
  });

  it('counts no-delay sends it refused before the connection', () => {
    const net = new FakeSteamNetwork({ backend: 'messages' });
    const a = net.createPeer();
    const b = net.createPeer();
    expect(a.sendP2PPacket(b.localSteamId, enc('early'), P2PSend.UnreliableNoDelay)).toBe(false);
    expect(net.stats.rejected.ignored).toBe(1);
    expect(net.stats.dropped.notConnected).toBe(0);
    net.dispose();
  });
});
