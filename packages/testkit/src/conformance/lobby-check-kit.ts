/**
 * What the lobby conformance checks share: the shape of a check, and the few steps nearly every check
 * takes (create a lobby, join it and wait until every member heard, expect a typed error).
 * @packageDocumentation
 */
import { type Lobbies, type LobbyId, LobbyType } from '@steamwire/transport-steam';
import { expect } from 'vitest';
import type { LobbyWorldOptions } from './lobby-harness.js';
import type { LobbyStage } from './lobby-stage.js';

/** One behaviour: the world it needs and the test. */
export interface LobbyCheck {
  readonly title: string;
  readonly world: LobbyWorldOptions;
  readonly run: (s: LobbyStage) => Promise<void>;
}

/** Asserts that `fn` throws a Steamwire error with `code` (and `fields`, when given). */
export function expectThrows(fn: () => unknown, code: string, fields: Record<string, unknown> = {}): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ${code} error`).toMatchObject({ code, ...fields });
}

/** Peer `peer` creates a lobby and waits for it. */
export async function create(
  s: LobbyStage,
  peer: number,
  type: LobbyType = LobbyType.Public,
  max = 4,
): Promise<LobbyId> {
  return s.settle(s.peer(peer).lobbies.createLobby(type, max));
}

/** Peer `peer` joins `lobby`, and every other member hears of it ("entered"). */
export async function join(s: LobbyStage, peer: number, lobby: LobbyId): Promise<void> {
  const entered = (i: number) =>
    s.eventsOf(i, 'lobbyMemberChange', (c) => c.userId === s.id(peer) && c.change === 'entered').length;
  const before = s.world.peers.map((_, i) => entered(i));
  const enter = await s.settle(s.peer(peer).lobbies.joinLobby(lobby));
  expect(enter).toMatchObject({ lobbyId: lobby, response: 1 });
  const others = s
    .peer(peer)
    .lobbies.getLobbyMembers(lobby)
    .filter((m) => m !== s.id(peer))
    .map((m) => s.world.peers.findIndex((p) => p.steamId === m));
  expect(
    await s.until(() => others.every((i) => entered(i) > before[i]!)),
    'every member hears of the joiner',
  ).toBe(true);
}

/** Peer `peer`'s lobbies. */
export function lobbies(s: LobbyStage, peer: number): Lobbies {
  return s.peer(peer).lobbies;
}
