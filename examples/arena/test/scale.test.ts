// Big matches and broken code: a full match stays healthy, and a throw inside a tick is counted,
// never fatal (on real time it would be an uncaught exception in a timer and kill the process).
import { ConnectionRefusedError, MessageTooLargeError } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { ChatRoomEnterResponse, LobbyJoinError } from '@steamwire/transport-steam';
import { describe, expect, it, vi } from 'vitest';
import { ArenaClient, describeJoinFailure } from '../src/client-game.js';
import { ArenaHost } from '../src/host-game.js';
import { Match } from '../src/match.js';

/** Every client's newest snapshot holds every player of the match. */
function everyoneSeesEveryone(match: Match): boolean {
  const all = match.clients.map((c) => c.steamId.toString()).sort();
  return match.clients.every((c) => {
    const seen = c.buffer.latest()?.players.map((p) => p.id) ?? [];
    return JSON.stringify([...new Set(seen)].sort()) === JSON.stringify(all);
  });
}

describe('a full match', () => {
  // A few seconds of real time each: 30 simulated seconds of 16–24 players and their host.
  it('16 players play 30 s healthy: all connected, each sees all, snapshots flowing, 0 errors', {
    timeout: 60_000,
  }, async () => {
    const match = await Match.start({ clients: 16, seed: 5 });
    await match.net.advance(30_000);
    const summary = match.summary();
    const seesAll = everyoneSeesEveryone(match);
    await match.stop();
    expect(summary).toMatchObject({ healthy: true, clientsConnected: 16, errors: 0 });
    expect(seesAll).toBe(true);
    // 20 Hz for 30 s is 600 snapshots; loss (2 %) and reassembly cost a few.
    expect(Math.min(...summary.snapshotsPerClient)).toBeGreaterThan(500);
  });

  it('24 players (capacity raised to 24) play 30 s healthy too', { timeout: 60_000 }, async () => {
    const match = await Match.start({ clients: 24, seed: 6, capacity: 24 });
    await match.net.advance(30_000);
    const summary = match.summary();
    const seesAll = everyoneSeesEveryone(match);
    await match.stop();
    expect(summary).toMatchObject({ healthy: true, clientsConnected: 24, errors: 0 });
    expect(seesAll).toBe(true);
  });
});

describe('a throw inside a tick', () => {
  it("is caught and counted on the host: the host's timer keeps running", async () => {
    const net = new FakeSteamNetwork({ seed: 1 });
    const game = new ArenaHost({ network: net.createPeer(), clock: net.clock });
    game.start();
    const ticks = game.world.tick;
    // A bug in the game code (here: a snapshot too big for one packet) throws from the tick.
    const broadcast = vi.spyOn(game.host, 'broadcast').mockImplementation(() => {
      throw new MessageTooLargeError('snapshot', 1500, 1200, false);
    });
    await net.advance(1000);
    expect(game.errors).toBeGreaterThan(0);
    expect(game.lastError).toBeInstanceOf(MessageTooLargeError);
    expect(game.world.tick - ticks).toBeGreaterThanOrEqual(59);
    broadcast.mockRestore();
    const after = game.errors;
    await net.advance(1000);
    expect(game.errors).toBe(after);
    game.stop();
  });

  it('is caught and counted on the client: it keeps ticking and recovers', async () => {
    const net = new FakeSteamNetwork({ seed: 2 });
    const hostPeer = net.createPeer();
    const game = new ArenaHost({ network: hostPeer, clock: net.clock });
    game.start();
    let client: ArenaClient | undefined;
    void ArenaClient.connect({
      network: net.createPeer(),
      clock: net.clock,
      host: hostPeer.localSteamId,
      name: 'Ada',
    }).then((c) => {
      client = c;
    });
    await net.runUntil(() => client !== undefined);
    const c = client!;
    c.start();
    const send = vi.spyOn(c.client, 'send').mockImplementation(() => {
      throw new Error('a bug in the input code');
    });
    await net.advance(1000);
    expect(c.errors).toBeGreaterThan(0);
    expect(c.lastError).toBeInstanceOf(Error);
    send.mockRestore();
    const errors = c.errors;
    const inputs = game.host.stats(c.steamId)!.messages.input!.messagesIn;
    await net.advance(1000);
    expect(c.errors).toBe(errors);
    expect(game.host.stats(c.steamId)!.messages.input!.messagesIn).toBeGreaterThan(inputs + 20);
    c.stop();
    game.stop();
  });
});

describe('capacity', () => {
  it("the 17th player is refused at the lobby's door with a reason the CLI can print: the match is full (16 players)", async () => {
    const match = await Match.start({ clients: 16, seed: 8 });
    const late = match.net.createPeer();
    match.net.setFriends(match.arena.steamId, late.localSteamId);
    let outcome: unknown;
    ArenaClient.joinLobby({
      network: late,
      lobbies: late.lobbies,
      lobbyId: match.lobby.lobbyId,
      clock: match.net.clock,
      name: 'Late',
    }).then(
      (c) => {
        outcome = c;
      },
      (e) => {
        outcome = e;
      },
    );
    await match.net.runUntil(() => outcome !== undefined, { timeoutMs: 15_000 });
    await match.net.advance(3000);
    const summary = match.summary();
    await match.stop();
    // The lobby holds the host and 16 players: Steam itself says it is full, before any connection.
    expect(outcome).toBeInstanceOf(LobbyJoinError);
    expect((outcome as LobbyJoinError).response).toBe(ChatRoomEnterResponse.Full);
    expect(describeJoinFailure(outcome)).toBe('the match is full (16 players)');
    // The sixteen who got in were not disturbed.
    expect(summary).toMatchObject({ healthy: true, clientsConnected: 16 });
    expect(summary.lobby).toEqual({ id: match.lobby.lobbyId.toString(), members: 17, memberLimit: 17 });
  });

  it('direct play (no lobby): the player past the capacity is refused by the host, with the same words', async () => {
    const net = new FakeSteamNetwork({ seed: 10 });
    const game = new ArenaHost({ network: net.createPeer(), clock: net.clock, capacity: 2 });
    game.start();
    // One after the other, so the third is the one past the capacity.
    const outcomes: unknown[] = [];
    for (const name of ['Ada', 'Brick', 'Cosmo']) {
      let outcome: unknown;
      ArenaClient.connect({ network: net.createPeer(), clock: net.clock, host: game.steamId, name }).then(
        (c) => {
          outcome = c;
        },
        (e) => {
          outcome = e;
        },
      );
      await net.runUntil(() => outcome !== undefined, { timeoutMs: 15_000 });
      outcomes.push(outcome);
    }
    const refused = outcomes[2];
    expect(refused).toBeInstanceOf(ConnectionRefusedError);
    expect((refused as ConnectionRefusedError).reason).toBe('full');
    expect(describeJoinFailure(refused, game.capacity)).toBe('the match is full (2 players)');
    for (const c of outcomes.slice(0, 2)) (c as ArenaClient).stop();
    game.stop();
    net.dispose();
  });

  it('a match asked for more bots than fit plays with a full house and says who could not join', async () => {
    const match = await Match.start({ clients: 18, seed: 9 });
    await match.net.advance(3000);
    const summary = match.summary();
    await match.stop();
    expect(match.clients).toHaveLength(16);
    expect(match.refused).toHaveLength(2);
    expect(match.refused.map((r) => r.why)).toEqual([
      'the match is full (16 players)',
      'the match is full (16 players)',
    ]);
    expect(summary).toMatchObject({ healthy: true, clientsConnected: 16, joinsRefused: 2 });
  });
});

describe('the match report', () => {
  it('names the errors the ticks caught, for the person reading the summary', async () => {
    const match = await Match.start({ clients: 2, seed: 4 });
    const broadcast = vi.spyOn(match.arena.host, 'broadcast').mockImplementation(() => {
      throw new MessageTooLargeError('snapshot', 1500, 1200, false);
    });
    await match.net.advance(500);
    broadcast.mockRestore();
    const summary = match.summary();
    await match.stop();
    expect(summary.healthy).toBe(false);
    expect(summary.errors).toBeGreaterThan(3);
    expect(match.report()[0]).toMatch(
      /^error caught in a tick: MessageTooLargeError: Unreliable message 'snapshot'/,
    );
    expect(match.report().at(-1)).toMatch(/^…and \d+ more errors$/);
  });
});
