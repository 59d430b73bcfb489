// Class 6, a lost hello is never resent: against a Steam where first sends fail (or are dropped)
// until the peers find each other, the client resends its hello with backoff until welcomed or timed
// out, and the timeout says whether any hello got out and whether the host was heard at all.
import { FakeSteamNetwork } from '@steamwire/testkit';
import type { SteamId } from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';
import { type Client, ConnectTimeoutError, connectToHost, createHost } from '../../src/index.js';
import { failingSends, Kind, RawPeer } from '../../stress/lib/attacker.js';
import { CONTROL, protocol, type TestProtocol } from '../helpers.js';
import { drive, driveError, join, lobbyWorld } from '../lobby-helpers.js';

describe('the hello is resent until the host answers', () => {
  it('first sends that fail until the peers find each other: the client still connects', async () => {
    const net = new FakeSteamNetwork({ seed: 31 });
    const hostPeer = net.createPeer();
    createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    // Steam refuses every send to the host for the first 1.5 s.
    const network = failingSends(net.createPeer(), () =>
      net.clock.now() < 1500 ? { reason: 'noConnection' } : null,
    );
    const client = await drive(
      net,
      connectToHost({
        network,
        protocol,
        host: hostPeer.localSteamId,
        clock: net.clock,
        tickMs: 10,
        timeoutMs: 5000,
      }),
    );
    expect(client.state).toBe('connected');
    net.dispose();
  });

  it('a hello the host dropped (its session closed, not yet a lobby member) is resent, and the resend gets in', async () => {
    const world = await lobbyWorld(1);
    const { net, hosted, hostPeer } = world;
    const friend = world.friends[0]!;
    const refused: [SteamId, string][] = [];
    hosted.host.events.on('peerRefused', (peer, reason) => refused.push([peer, reason]));
    // The race on real Steam: the joiner's hello reaches the host before Steam tells the host the
    // joiner is in the lobby. Here the hello goes first, the lobby join 400 ms later.
    const connecting = connectToHost({
      network: friend,
      protocol,
      host: hostPeer.localSteamId,
      clock: net.clock,
      tickMs: 10,
    });
    await net.advance(400);
    expect(refused).toContainEqual([friend.localSteamId, 'notAccepted']);
    await drive(net, friend.lobbies.joinLobby(world.lobbyId));
    const client: Client<TestProtocol> = await drive(net, connecting);
    expect(client.state).toBe('connected');
    expect(hosted.host.peerIds).toEqual([friend.localSteamId]);
    // Refused as a stranger, never cooled down.
    expect(refused.every(([, reason]) => reason === 'notAccepted')).toBe(true);
    net.dispose();
  });

  it('joinLobby, whose first hellos Steam refuses and then drops: the resend and the lobby flow do not race', async () => {
    const world = await lobbyWorld(1);
    const { net, hosted, hostPeer } = world;
    const friend = world.friends[0]!;
    const events: string[] = [];
    hosted.host.events.on('peerJoined', () => events.push('joined'));
    hosted.host.events.on('peerLeft', (_p, reason) => events.push(`left:${reason}`));
    hosted.host.events.on('peerRefused', (_p, reason) => events.push(`refused:${reason}`));
    const start = net.clock.now();
    let hellosRefused = 0;
    let hellosDropped = 0;
    // Refused by Steam for 600 ms, then the next two hellos are lost on the way: the third gets in.
    const network = failingSends(friend, (remote, data, _sendType, channel) => {
      if (remote !== hostPeer.localSteamId || channel !== CONTROL || data[0] !== Kind.Hello) return null;
      if (net.clock.now() - start >= 600) return null;
      hellosRefused++;
      return { reason: 'noConnection' };
    });
    const dropping = new Proxy(network, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop !== 'sendP2PPacket') return value;
        return (remote: SteamId, data: Uint8Array, sendType: number, channel = 0) => {
          const isHello = remote === hostPeer.localSteamId && channel === CONTROL && data[0] === Kind.Hello;
          if (isHello && net.clock.now() - start >= 600 && hellosDropped < 2) {
            hellosDropped++;
            return true;
          }
          return (value as (...a: unknown[]) => boolean)(remote, data, sendType, channel);
        };
      },
    });
    const joined = await join(world, friend, { network: dropping, timeoutMs: 10_000 });
    expect(joined.client.state).toBe('connected');
    expect(hellosDropped).toBe(2);
    expect(hellosRefused).toBeGreaterThanOrEqual(2);
    // One session, one join, nobody refused or cooled down on the way.
    expect(events).toEqual(['joined']);
    expect(hosted.host.peerIds).toEqual([friend.localSteamId]);
    await net.advance(500);
    expect(joined.client.state).toBe('connected');
    net.dispose();
  });

  it('a resent hello that arrives after the welcome is answered with the welcome again, not a new session', async () => {
    const net = new FakeSteamNetwork({ seed: 32 });
    const hostPeer = net.createPeer();
    const host = createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const events: string[] = [];
    host.events.on('peerJoined', () => events.push('joined'));
    host.events.on('peerLeft', (_p, reason) => events.push(`left:${reason}`));
    const raw = new RawPeer(net, hostPeer.localSteamId);
    for (let i = 0; i < 3; i++) {
      raw.hello(protocol.fingerprint);
      await net.advance(20);
      raw.drain();
    }
    expect(events).toEqual(['joined']);
    expect(raw.count(Kind.Welcome)).toBe(3);
    expect(host.isConnected(raw.id)).toBe(true);
    net.dispose();
  });
});

describe('the connect timeout says what happened', () => {
  it('every hello refused by Steam', async () => {
    const net = new FakeSteamNetwork({ seed: 33 });
    const hostPeer = net.createPeer();
    createHost({ network: hostPeer, protocol, clock: net.clock, tickMs: 10 });
    const network = failingSends(net.createPeer(), () => ({ reason: 'failed' }));
    const error = await driveError(
      net,
      connectToHost({ network, protocol, host: hostPeer.localSteamId, clock: net.clock, timeoutMs: 3000 }),
    );
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    const attempt = (error as unknown as ConnectTimeoutError).attempt!;
    expect(attempt.hellosSent).toBe(0);
    expect(attempt.hellosTried).toBeGreaterThan(2);
    expect(attempt.heardFromHost).toBe(false);
    expect(error.message).toMatch(/Steam refused all \d+ hellos/);
    net.dispose();
  });

  it('hellos sent, nothing heard: nobody answers at that SteamID', async () => {
    const net = new FakeSteamNetwork({ seed: 34 });
    const error = await driveError(
      net,
      connectToHost({
        network: net.createPeer(),
        protocol,
        host: net.unusedSteamId(),
        clock: net.clock,
        timeoutMs: 3000,
      }),
    );
    const attempt = (error as unknown as ConnectTimeoutError).attempt!;
    expect(attempt.hellosSent).toBeGreaterThan(2);
    expect(attempt.heardFromHost).toBe(false);
    expect(error.message).toMatch(/nothing came back/);
    net.dispose();
  });

  it('the host answered, but never welcomed us', async () => {
    const net = new FakeSteamNetwork({ seed: 35 });
    const rawHost = net.createPeer();
    rawHost.on('sessionRequest', (id) => rawHost.acceptP2PSessionWithUser(id));
    const clientPeer = net.createPeer();
    const pending = connectToHost({
      network: clientPeer,
      protocol,
      host: rawHost.localSteamId,
      clock: net.clock,
      timeoutMs: 3000,
    });
    await net.advance(50);
    rawHost.runCallbacks();
    const ping = new Uint8Array(9);
    ping[0] = Kind.Ping;
    rawHost.sendP2PPacket(clientPeer.localSteamId, ping, 0, CONTROL);
    const error = await driveError(net, pending);
    expect((error as unknown as ConnectTimeoutError).attempt!.heardFromHost).toBe(true);
    expect(error.message).toMatch(/never welcomed us/);
    net.dispose();
  });
});
