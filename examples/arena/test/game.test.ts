// Integration tests of the arena over fake Steam peers: the template to copy for your own game.
// Everything runs on the testkit's virtual clock, so a minute of play takes a fraction of a second.
import { forgeMessagePacket } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { ArenaClient } from '../src/client-game.js';
import { ArenaHost } from '../src/host-game.js';
import { Match } from '../src/match.js';
import { arenaProtocol } from '../src/protocol.js';

/** A host and `n` bot clients on a fake network with some latency and loss. */
async function arena(n: number) {
  const net = new FakeSteamNetwork({ seed: 42, conditions: { latencyMs: 40, jitterMs: 10, loss: 0.02 } });
  const hostPeer = net.createPeer();
  const game = new ArenaHost({ network: hostPeer, clock: net.clock });
  game.start();
  const peers = Array.from({ length: n }, () => net.createPeer());
  const clients: ArenaClient[] = [];
  for (const [i, peer] of peers.entries()) {
    void ArenaClient.connect({
      network: peer,
      clock: net.clock,
      host: hostPeer.localSteamId,
      name: `bot${i}`,
      seed: i,
    }).then((c) => {
      c.start();
      clients.push(c);
    });
  }
  await net.runUntil(() => clients.length === n);
  return { net, hostPeer, game, peers, clients };
}

describe('arena over fake Steam peers', () => {
  it('a client that drops mid-match is removed and the others play on', async () => {
    const { net, game, clients } = await arena(3);
    await net.advance(2000);
    expect(game.world.players.size).toBe(3);
    const left: string[] = [];
    game.host.events.on('peerLeft', (_peer, reason) => left.push(reason));

    // The third player's connection dies without a goodbye (cable pulled, game crashed).
    const [a, b, dropped] = clients as [ArenaClient, ArenaClient, ArenaClient];
    net.setOnline(dropped.steamId, false);
    await net.advance(12_000); // past the 10 s heartbeat timeout

    expect(left).toEqual(['timeout']);
    expect(game.world.players.has(dropped.steamId.toString())).toBe(false);
    expect(game.host.isConnected(a.steamId) && game.host.isConnected(b.steamId)).toBe(true);
    // The others still get fresh snapshots, without the dropped player in them.
    const before = [a.snapshotsReceived, b.snapshotsReceived];
    await net.advance(2000);
    expect(a.snapshotsReceived - before[0]!).toBeGreaterThan(30);
    expect(b.snapshotsReceived - before[1]!).toBeGreaterThan(30);
    expect(a.buffer.latest()!.players.map((p) => p.id)).not.toContain(dropped.steamId.toString());
    expect(game.chatLog.some((line) => line.includes(`${dropped.name} left (timeout)`))).toBe(true);
  });

  it('a client that sends host-only messages is kicked', async () => {
    const { net, hostPeer, game, peers, clients } = await arena(2);
    const rejected: string[] = [];
    const left: string[] = [];
    game.host.events.on('rejected', (_peer, reason, name) => rejected.push(`${reason}:${name}`));
    game.host.events.on('peerLeft', (_peer, reason) => left.push(reason));
    await net.advance(500);

    // A modified client forges snapshots (host-only) to teleport itself to the coins.
    const cheater = peers[1]!;
    const fake = { tick: 1e9, time: 0, players: [], coins: [], hazards: [] };
    for (let seq = 1; seq <= 5; seq++) {
      const packet = forgeMessagePacket(arenaProtocol, 'snapshot', fake, seq);
      cheater.sendP2PPacket(hostPeer.localSteamId, packet.data, packet.sendType, packet.channel);
    }
    await net.advance(500);

    expect(rejected[0]).toBe('wrongDirection:snapshot');
    expect(left).toEqual(['violations']);
    expect(game.host.isConnected(cheater.localSteamId)).toBe(false);
    expect(game.world.players.size).toBe(1);
    // The honest player was not affected.
    expect(game.host.isConnected(clients.find((c) => c.steamId !== cheater.localSteamId)!.steamId)).toBe(
      true,
    );
  });

  it('validates what clients send: out-of-range input is rejected before the game sees it', async () => {
    const { net, hostPeer, game, peers } = await arena(1);
    const rejected: string[] = [];
    game.host.events.on('rejected', (_peer, reason, name) => rejected.push(`${reason}:${name}`));
    await net.advance(500);
    const packet = forgeMessagePacket(arenaProtocol, 'input', { seq: 1e6, dx: 50, dy: 0, dash: false }, 1000);
    peers[0]!.sendP2PPacket(hostPeer.localSteamId, packet.data, packet.sendType, packet.channel);
    await net.advance(200);
    expect(rejected).toContain('invalid:input');
    expect(game.world.players.get(peers[0]!.localSteamId.toString())!.input.seq).toBeLessThan(1e6);
  });

  it('a whole headless match is healthy: everyone connected, snapshots flowing, requests answered', async () => {
    const match = await Match.start({ clients: 3, seed: 7 });
    await match.net.advance(20_000);
    const summary = match.summary();
    await match.stop();
    expect(summary).toMatchObject({ healthy: true, clientsConnected: 3, errors: 0, rejections: 0 });
    expect(summary.messagesReceived.input).toBeGreaterThan(1000);
    expect(summary.respawnRequests.failed).toBe(0);
  });

  it('the summary says what became of respawn requests: granted, or refused and why', async () => {
    const match = await Match.start({ clients: 3, seed: 1 });
    await match.net.advance(30_000);
    const summary = match.summary();
    await match.stop();
    const { granted, refusedTooSoon, refusedAlive, refusedUnknown, failed } = summary.respawnRequests;
    // Bots ask as soon as they see themselves dead, so the host refuses until the 1 s delay is over:
    // several "too soon" per death are normal in a healthy match; a request with no answer is not.
    expect(summary.healthy).toBe(true);
    expect(granted).toBe(match.arena.respawns.granted);
    expect(refusedTooSoon).toBeGreaterThan(0);
    expect(refusedTooSoon + refusedAlive + refusedUnknown).toBe(match.arena.respawns.refused);
    expect(failed).toBe(0);
    expect(summary).not.toHaveProperty('requests');
  });

  it('a dead player asks the host to respawn and the awaited request brings it back', async () => {
    const { net, game, clients } = await arena(1);
    await net.advance(500);
    const me = game.world.players.get(clients[0]!.steamId.toString())!;
    // Park a saw on the player.
    Object.assign(game.world.hazards[0]!, { x: me.x, y: me.y, vx: 0, vy: 0 });
    await net.runUntil(() => !me.alive, { timeoutMs: 1000 });
    for (const h of game.world.hazards) Object.assign(h, { x: 0.5, y: 0.5, vx: 0, vy: 0 });
    await net.runUntil(() => clients[0]!.respawnRequests.granted === 1, { timeoutMs: 5000 });
    expect(me.alive).toBe(true);
    expect(clients[0]!.respawnRequests.failed).toBe(0);
    expect(game.respawns.granted).toBe(1);
  });
});
