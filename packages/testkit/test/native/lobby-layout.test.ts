/**
 * The native fake's lobby, friends and call-result structs against STEAM_API.md §16.4, for both pack
 * rules: tools/lobby_layout.c built with STEAMWIRE_PACK_SMALL (Linux/macOS, pack 4) and with
 * STEAMWIRE_PACK_LARGE (Windows, pack 8) — each build also runs lobby_types.h's _Static_asserts for that
 * rule (a Windows run uses the builds the Linux side made) — and the built library reports the layout
 * it was compiled with.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNativeTool } from '../../scripts/build-native.mjs';
import {
  copyNativeFake,
  createNativeFakePeer,
  ensureNativeFake,
  nativeFakeControls,
} from '../../src/native/index.js';
import { freshSteamId } from './ids.js';
import { removeTempDir } from './temp.js';

/** [size, offset of each field in declaration order], Linux (pack 4) then Windows (pack 8). */
const EXPECTED: Record<string, [number[], number[]]> = {
  SteamAPICallCompleted_t: [
    [16, 0, 8, 12],
    [16, 0, 8, 12],
  ],
  LobbyInvite_t: [
    [24, 0, 8, 16],
    [24, 0, 8, 16],
  ],
  LobbyEnter_t: [
    [20, 0, 8, 12, 16],
    [24, 0, 8, 12, 16],
  ],
  LobbyDataUpdate_t: [
    [20, 0, 8, 16],
    [24, 0, 8, 16],
  ],
  LobbyChatUpdate_t: [
    [28, 0, 8, 16, 24],
    [32, 0, 8, 16, 24],
  ],
  LobbyChatMsg_t: [
    [24, 0, 8, 16, 20],
    [24, 0, 8, 16, 20],
  ],
  LobbyMatchList_t: [
    [4, 0],
    [4, 0],
  ],
  LobbyKicked_t: [
    [20, 0, 8, 16],
    [24, 0, 8, 16],
  ],
  LobbyCreated_t: [
    [12, 0, 4],
    [16, 0, 8],
  ],
  PersonaStateChange_t: [
    [12, 0, 8],
    [16, 0, 8],
  ],
  GameLobbyJoinRequested_t: [
    [16, 0, 8],
    [16, 0, 8],
  ],
  GameRichPresenceJoinRequested_t: [
    [264, 0, 8],
    [264, 0, 8],
  ],
  FriendGameInfo_t: [
    [24, 0, 8, 12, 14, 16],
    [24, 0, 8, 12, 14, 16],
  ],
};

function expected(column: 0 | 1, pack: number): Record<string, unknown> {
  return {
    pack,
    ...Object.fromEntries(Object.entries(EXPECTED).map(([name, rows]) => [name, rows[column]])),
  };
}

/** The layout `tools/lobby_layout.c` reports when built with one pack rule (building it runs that rule's asserts). */
function layoutOf(name: 'lobby_layout_small' | 'lobby_layout_large'): Record<string, unknown> {
  const run = spawnSync(buildNativeTool(name).path, { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

beforeAll(() => {
  ensureNativeFake();
});

describe('lobby struct layouts of the native fake (STEAM_API.md §16.4)', () => {
  it('Linux/macOS rule (pack 4): the C declarations compile to the measured layout', () => {
    expect(layoutOf('lobby_layout_small')).toEqual(expected(0, 4));
  });

  it('Windows rule (pack 8): the same declarations compile to the measured Windows layout', () => {
    expect(layoutOf('lobby_layout_large')).toEqual(expected(1, 8));
  });

  it('the built library uses the layout of this platform', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steamwire-lobby-layout-'));
    try {
      const libraryPath = copyNativeFake(join(dir, 'lib'), ensureNativeFake());
      const session = createNativeFakePeer({
        libraryPath,
        peersDir: join(dir, 'peers'),
        steamId: freshSteamId(),
      });
      try {
        const large = process.platform === 'win32';
        expect(nativeFakeControls(libraryPath).lobbyLayout()).toEqual(expected(large ? 1 : 0, large ? 8 : 4));
      } finally {
        session.shutdown();
      }
    } finally {
      removeTempDir(dir);
    }
  });
});
