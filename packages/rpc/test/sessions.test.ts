import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import {
  ConnectAbortedError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  connectToHost,
  createHost,
  defineProtocol,
  message,
  ProtocolMismatchError,
  RpcArgumentError,
  typed,
} from '../src/index.js';
import { protocol, world } from './helpers.js';

function setup() {
  const net = new FakeSteamNetwork({ seed: 3 });
  const hostPeer = net.createPeer();
  return { net, hostPeer };
}

describe('sessions', () => {
  it('refuse a client with another protocol, with a clear reason on both sides', async () => {
    const { net, hostPeer } = setup();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const refused: unknown[] = [];
    host.events.on('peerRefused', (peer, reason, detail) => refused.push([peer, reason, detail]));
    const other = defineProtocol({
      chat: message(typed<string>(), { from: 'any', channel: 0, send: 'unreliable' }),
    });
    const peer = net.createPeer();
    const p = connectToHost({
      network: peer,
      protocol: other,
      host: hostPeer.localSteamId,
      clock: net.clock,
    });
    const result = p.catch((e: unknown) => e);
    await net.advance(500);
    const error = await result;
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect((error as ProtocolMismatchError).remoteFingerprint).toBe(protocol.fingerprint);
    expect((error as ProtocolMismatchError).localFingerprint).toBe(other.fingerprint);
    expect(refused).toEqual([
      [peer.localSteamId, 'protocolMismatch', expect.stringContaining(other.fingerprint)],
    ]);
    expect(host.peerIds).toEqual([]);
  });

  it('emit peerJoined after the handshake and peerLeft on a graceful disconnect', async () => {
    const { net, hostPeer } = setup();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const log: unknown[] = [];
    host.events.on('peerJoined', (p) => log.push(['joined', p]));
    host.events.on('peerLeft', (p, reason) => log.push(['left', p, reason]));
    const peer = net.createPeer();
    const client = await connectAndWait(
      net,
      connectToHost({ network: peer, protocol, host: hostPeer.localSteamId, clock: net.clock }),
    );
    expect(client.state).toBe('connected');
    expect(host.peerIds).toEqual([peer.localSteamId]);
    const disc: unknown[] = [];
    client.events.on('disconnected', (r) => disc.push(r));
    client.disconnect();
    await net.advance(200);
    expect(log).toEqual([
      ['joined', peer.localSteamId],
      ['left', peer.localSteamId, 'left'],
    ]);
    expect(disc).toEqual(['left']);
    expect(client.state).toBe('disconnected');
  });

  it('time out a silent peer on both sides (heartbeats)', async () => {
    const { net, host, clients } = await world(1, {
      host: { heartbeatTimeoutMs: 3000 },
      client: { heartbeatTimeoutMs: 3000 },
    });
    const c = clients[0]!;
    const left: unknown[] = [];
    const disc: unknown[] = [];
    host.events.on('peerLeft', (p, reason) => left.push([p, reason]));
    c.events.on('disconnected', (reason) => disc.push(reason));
    // Heartbeats keep an idle but healthy session alive.
    await net.advance(10_000);
    expect(left).toEqual([]);
    expect(c.stats().rttMs).toBeGreaterThan(0);
    net.setOnline(c.network.localSteamId, false);
    await net.advance(3500);
    expect(left).toEqual([[c.network.localSteamId, 'timeout']]);
    expect(disc).toEqual(['timeout']);
  });

  it('kick a peer with a reason code it receives', async () => {
    const { net, host, clients } = await world(2);
    const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]];
    const disc: unknown[] = [];
    const left: unknown[] = [];
    a.events.on('disconnected', (reason, detail) => disc.push([reason, detail]));
    host.events.on('peerLeft', (p, reason, detail) => left.push([p, reason, detail]));
    expect(host.kick(a.network.localSteamId, 'cheating')).toBe(true);
    expect(host.kick(a.network.localSteamId)).toBe(false);
    await net.advance(300);
    expect(disc).toEqual([['kicked', 'cheating']]);
    expect(left).toEqual([[a.network.localSteamId, 'kicked', 'cheating']]);
    expect(host.peerIds).toEqual([b.network.localSteamId]);
    // A kicked client's later data reaches no handler.
    const got: unknown[] = [];
    host.on('chat', (m) => got.push(m));
    b.send('chat', { text: 'still here' });
    await net.advance(200);
    expect(got).toEqual([{ text: 'still here' }]);
  });

  it('apply acceptPeer: a refused peer never gets a session, and its connect times out', async () => {
    const { net, hostPeer } = setup();
    const banned = net.createPeer();
    const host = createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      tickMs: 10,
      acceptPeer: (id) => id !== banned.localSteamId,
    });
    const refused: unknown[] = [];
    host.events.on('peerRefused', (p, reason) => refused.push([p, reason]));
    const p = connectToHost({
      network: banned,
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    await net.advance(2100);
    expect(await p).toBeInstanceOf(ConnectTimeoutError);
    expect(refused[0]).toEqual([banned.localSteamId, 'notAccepted']);
  });

  it('refuse beyond maxPeers with ConnectionRefusedError(full)', async () => {
    const { net, hostPeer } = setup();
    createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10, maxPeers: 1 });
    const first = await connectAndWait(
      net,
      connectToHost({ network: net.createPeer(), protocol, host: hostPeer.localSteamId, clock: net.clock }),
    );
    expect(first.state).toBe('connected');
    const second = connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
    }).catch((e: unknown) => e);
    await net.advance(300);
    const error = await second;
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect((error as ConnectionRefusedError).reason).toBe('full');
  });

  it('pass the auth payload to authenticate, sync or async, and refuse on false', async () => {
    const { net, hostPeer } = setup();
    const seen: unknown[] = [];
    createHost({
      network: hostPeer,
      protocol,
      clock: net.clock,
      tickMs: 10,
      authenticate: async (_peer, payload) => {
        seen.push(payload);
        return (payload as { token?: string }).token === 'good';
      },
    });
    const ok = await connectAndWait(
      net,
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        auth: { token: 'good' },
      }),
    );
    expect(ok.state).toBe('connected');
    const bad = connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      auth: { token: 'bad' },
    }).catch((e: unknown) => e);
    await net.advance(300);
    const error = await bad;
    expect((error as ConnectionRefusedError).reason).toBe('authFailed');
    expect(seen).toEqual([{ token: 'good' }, { token: 'bad' }]);
  });

  it('connect: abort through the signal, time out without a host, refuse bad options', async () => {
    const { net, hostPeer } = setup();
    const ctl = new AbortController();
    const aborted = connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      signal: ctl.signal,
    }).catch((e: unknown) => e);
    ctl.abort();
    expect(await aborted).toBeInstanceOf(ConnectAbortedError);
    // No host runs on hostPeer: nobody answers the hello.
    const timedOut = connectToHost({
      network: net.createPeer(),
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    await net.advance(1100);
    expect(await timedOut).toBeInstanceOf(ConnectTimeoutError);
    const self = net.createPeer();
    await expect(connectToHost({ network: self, protocol, host: self.localSteamId })).rejects.toBeInstanceOf(
      RpcArgumentError,
    );
    await expect(connectToHost({ network: self, protocol, host: 5n })).rejects.toBeInstanceOf(
      RpcArgumentError,
    );
    expect(() => createHost({ network: self, protocol, controlChannel: 0 })).toThrow(RpcArgumentError);
  });

  it('report RTT, jitter, loss, traffic and queued bytes per peer', async () => {
    const { net, host, clients } = await world(1, { conditions: { latencyMs: 50, jitterMs: 30, loss: 0.2 } });
    const c = clients[0]!;
    for (let i = 0; i < 300; i++) {
      c.send('input', { seq: i, dx: 0, dy: 0 });
      await net.advance(10);
    }
    await net.advance(2000);
    const s = host.stats(c.network.localSteamId)!;
    expect(s.rttMs).toBeGreaterThan(95);
    expect(s.rttMs).toBeLessThan(190);
    expect(s.jitterMs).toBeGreaterThan(0);
    expect(s.loss).toBeGreaterThan(0.1);
    expect(s.loss).toBeLessThan(0.3);
    expect(s.messages.input!.messagesIn).toBeGreaterThan(200);
    expect(s.channels[1]!.bytesIn).toBeGreaterThan(0);
    expect(c.stats().messages.input!.messagesOut).toBe(300);
    expect(s.queuedBytes).toBeGreaterThanOrEqual(0);
  });
});

async function connectAndWait<T>(net: FakeSteamNetwork, p: Promise<T>): Promise<T> {
  let value: T | undefined;
  p.then((v) => {
    value = v;
  });
  await net.runUntil(() => value !== undefined);
  return value!;
}
