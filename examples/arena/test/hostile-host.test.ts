// A hostile host: it welcomes the client as any host does, then sends garbage. The client must
// reject what breaks the protocol before any handler, survive what is merely odd, and never throw
// out of its tick (on real time that would be an uncaught exception in a timer).
import { createHost, forgeMessagePacket, type Host, ValidationError } from '@steamwire/rpc';
import { FakeSteamNetwork } from '@steamwire/testkit';
import { describe, expect, it } from 'vitest';
import { ArenaClient } from '../src/client-game.js';
import { type ArenaProtocol, arenaProtocol } from '../src/protocol.js';
import { renderFrame } from '../src/render.js';

/** A client welcomed by a real rpc host (so the handshake is genuine) whose game is an attacker. */
async function clientOfHostileHost() {
  const net = new FakeSteamNetwork({ seed: 11 });
  const hostPeer = net.createPeer();
  const host: Host<ArenaProtocol> = createHost({ network: hostPeer, protocol: arenaProtocol, tickMs: 16 });
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
  let seq = 100;
  /** Sends `payload` as message `name`, raw: no schema or size check on the way out. */
  const send = (name: 'snapshot' | 'chat', payload: unknown) => {
    const p = forgeMessagePacket(arenaProtocol, name, payload, seq++);
    if (!hostPeer.sendP2PPacket(c.steamId, p.data, p.sendType, p.channel)) throw new Error('not sent');
  };
  return { net, host, client: c, send };
}

const me = (c: ArenaClient) => c.steamId.toString();
const player = (id: string, over: object = {}) => ({
  id,
  name: 'Bob',
  x: 3,
  y: 4,
  score: 0,
  alive: true,
  deaths: 0,
  ...over,
});
const part = (tick: number, players: unknown[], over: object = {}) => ({
  tick,
  time: tick * 16,
  part: 0,
  parts: 1,
  players,
  coins: [[1, 1]],
  hazards: [[9, 9]],
  ...over,
});

describe('a client of a hostile host', () => {
  it('rejects malformed snapshots before any handler, counts them, and keeps running', async () => {
    const { net, client, send } = await clientOfHostileHost();
    const malformed: unknown[] = [
      { players: 'x' },
      part(1, 'x' as unknown as unknown[]),
      part(2, [player(me(client), { x: Number.NaN })]),
      part(3, [player(me(client), { y: Number.POSITIVE_INFINITY })]),
      part(4, [player(me(client), { name: { toString: 1 } })]),
      part(5, [player(me(client), { name: 'a\u001b[2Jb' })]), // a terminal escape in a name
      part(6, [player(me(client), { name: 'x'.repeat(100) })]),
      part(
        7,
        Array.from({ length: 7 }, (_, i) => player(String(i))),
      ),
      part(8, [], { parts: 1e9 }),
      part(9, [], { coins: Array.from({ length: 40 }, () => [1, 1]) }),
      part(10, [], { tick: -1 }),
      42,
      null,
    ];
    for (const m of malformed) send('snapshot', m);
    await net.advance(500);
    expect(client.rejections).toBe(malformed.length);
    expect(client.errors).toBe(0);
    expect(client.snapshotsReceived).toBe(0);
    expect(client.disconnected).toBeUndefined();
    // Still a working client: the next honest snapshot is drawn.
    send('snapshot', part(20, [player(me(client))]));
    await net.advance(200);
    expect(client.snapshotsReceived).toBe(1);
    expect(client.view()?.players.map((p) => p.id)).toEqual([me(client)]);
  });

  it('survives odd but well-formed snapshots: strangers, duplicates, time going backwards, far-off spots', async () => {
    const { net, client, send } = await clientOfHostileHost();
    send(
      'snapshot',
      part(1, [player('1'), player('1', { x: 50 }), player('999999', { x: 1e300, y: -1e300 })]),
    );
    send('snapshot', part(2, [player(me(client), { alive: false })], { time: -5 }));
    send('snapshot', part(3, [], { time: 1e15 }));
    send('snapshot', part(4, [player(me(client))], { parts: 2 })); // never completed
    await net.advance(1000);
    expect(client.errors).toBe(0);
    expect(client.disconnected).toBeUndefined();
    expect(client.snapshotsReceived).toBe(3);
    expect(() => renderFrame(client.view(), { width: 60, height: 20 }, [], client.chatLog)).not.toThrow();
  });

  it('rejects malformed chat lines, and keeps odd ones in the order the host numbered them', async () => {
    const { net, client, send } = await clientOfHostileHost();
    send('chat', { kind: 'system', seq: 1, text: '\u001b[2Jyou have been banned' });
    send('chat', { kind: 'admin', seq: 2, text: 'x' });
    send('chat', { kind: 'player', seq: 3, from: '', text: 'x' });
    send('chat', { kind: 'player', seq: 4, from: 'Eve', text: 'x'.repeat(500) });
    send('chat', { kind: 'player', seq: -1, from: 'Eve', text: 'x' });
    await net.advance(300);
    expect(client.rejections).toBe(5);
    send('chat', { kind: 'player', seq: 9, from: 'Bob', text: 'second' });
    send('chat', { kind: 'player', seq: 7, from: 'Bob', text: 'first' });
    send('chat', { kind: 'player', seq: 9, from: 'Bob', text: 'second again' });
    await net.advance(300);
    expect(client.chatLog).toEqual(['Bob: first', 'Bob: second']);
    // However much the host sends, the log keeps the newest 50 lines.
    for (let seq = 100; seq < 400; seq++) send('chat', { kind: 'system', seq, text: 'spam' });
    await net.advance(300);
    expect(client.errors).toBe(0);
    expect(client.chatLog).toHaveLength(50);
    expect(client.chatLog.every((l) => l === '* spam')).toBe(true);
  });

  it('a malformed answer to a request is a failed request, not a crash', async () => {
    const { net, host, client, send } = await clientOfHostileHost();
    // The hostile host answers respawn requests with nonsense, and shows the client dead.
    host.handle('respawn', async () => ({ ok: 'sure' }) as never);
    send('snapshot', part(1, [player(me(client), { alive: false })]));
    await net.runUntil(() => client.respawnRequests.failed > 0, { timeoutMs: 2000 });
    expect(client.respawnRequests.granted).toBe(0);
    expect(client.errors).toBe(0);
    expect(client.lastRequestError).toBeInstanceOf(ValidationError);
  });
});
