// The pure parts of the lobby seam: lobby ids, the +connect_lobby launch convention, chat text, the
// shared argument and limit checks every implementation runs, and the errors' codes and advice.
import { describe, expect, it } from 'vitest';
import {
  checkLobbyListFilters,
  connectLobbyFromCommandLine,
  encodeLobbyChat,
  isLobbyId,
  LOBBY_CHAT_MAX_BYTES,
  LobbyComparison,
  LobbyCreateError,
  LobbyJoinError,
  lobbyChatText,
  lobbyIdFromAccountId,
  memberChangeKind,
  SteamLimitError,
  steamIdFromAccountId,
  utf8Bytes,
} from '../src/index.js';

const LOBBY = 109775240917155841n; // 0x0186000000000001: universe 1, type Chat, Lobby | MMSLobby

describe('lobby ids', () => {
  it('are chat-type SteamIDs with the lobby instance flag (STEAM_API.md §16.9)', () => {
    expect(lobbyIdFromAccountId(1)).toBe(LOBBY);
    expect(lobbyIdFromAccountId(0xffffffff) >> 32n).toBe(0x01860000n);
    expect(isLobbyId(LOBBY)).toBe(true);
    expect(isLobbyId(steamIdFromAccountId(1))).toBe(false);
    expect(isLobbyId(0x0186000000000000n)).toBe(false);
    // Chat type without the lobby flag (a clan chat) is not a lobby.
    expect(isLobbyId(0x0180000000000001n)).toBe(false);
    expect(isLobbyId(1n << 64n)).toBe(false);
    expect(isLobbyId(Number(LOBBY))).toBe(false);
    expect(() => lobbyIdFromAccountId(0)).toThrow(RangeError);
  });
});

describe('connectLobbyFromCommandLine', () => {
  it('finds +connect_lobby <id> in an argument list or a command-line string', () => {
    expect(connectLobbyFromCommandLine(['node', 'game.js', '+connect_lobby', String(LOBBY)])).toBe(LOBBY);
    expect(connectLobbyFromCommandLine(`-novid  +connect_lobby ${LOBBY} -windowed`)).toBe(LOBBY);
    expect(connectLobbyFromCommandLine([`+connect_lobby=${LOBBY}`])).toBe(LOBBY);
  });

  it('the last occurrence wins; anything that is not a lobby id is ignored', () => {
    const other = lobbyIdFromAccountId(2);
    expect(
      connectLobbyFromCommandLine(['+connect_lobby', String(LOBBY), '+connect_lobby', String(other)]),
    ).toBe(other);
    expect(connectLobbyFromCommandLine(['+connect_lobby'])).toBeNull();
    expect(connectLobbyFromCommandLine(['+connect_lobby', '-1'])).toBeNull();
    expect(connectLobbyFromCommandLine(['+connect_lobby', '76561197960287930'])).toBeNull();
    expect(connectLobbyFromCommandLine(['+connect_lobby', '9'.repeat(30)])).toBeNull();
    expect(connectLobbyFromCommandLine('')).toBeNull();
    expect(connectLobbyFromCommandLine(['+connect', String(LOBBY)])).toBeNull();
  });
});

describe('chat bytes', () => {
  it('a string is sent as UTF-8 with its NUL, as Steam clients send text; lobbyChatText reads up to the NUL', () => {
    const bytes = encodeLobbyChat('héllo');
    expect([...bytes]).toEqual([...new TextEncoder().encode('héllo'), 0]);
    expect(lobbyChatText(bytes)).toBe('héllo');
    expect(lobbyChatText(Uint8Array.of(104, 105))).toBe('hi');
  });

  it('bytes are copied; the limit counts bytes, the NUL included', () => {
    const source = Uint8Array.of(1, 2, 3);
    const sent = encodeLobbyChat(source);
    source[0] = 9;
    expect([...sent]).toEqual([1, 2, 3]);
    expect(encodeLobbyChat(new Uint8Array(LOBBY_CHAT_MAX_BYTES))).toHaveLength(4096);
    expect(() => encodeLobbyChat('é'.repeat(2048))).toThrow(SteamLimitError);
    expect(() => encodeLobbyChat('')).not.toThrow();
    expect(() => encodeLobbyChat(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('shared checks', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('😀')).toBe(4);
  });

  it('search filters are normalised: defaults filled, comparisons Equal unless said', () => {
    expect(checkLobbyListFilters(undefined)).toEqual({
      stringFilters: [],
      numericalFilters: [],
      nearValueFilters: [],
      slotsAvailable: null,
      distance: null,
      maxResults: null,
    });
    const f = checkLobbyListFilters({
      stringFilters: [{ key: 'mode', value: 'ffa' }],
      numericalFilters: [{ key: 'level', value: -3, comparison: LobbyComparison.LessThan }],
    });
    expect(f.stringFilters).toEqual([{ key: 'mode', value: 'ffa', comparison: 0 }]);
    expect(f.numericalFilters).toEqual([{ key: 'level', value: -3, comparison: -1 }]);
    expect(() => checkLobbyListFilters({ stringFilters: 'mode' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => checkLobbyListFilters({ stringFilters: [{ key: 'k', value: 'v', comparison: 4 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => checkLobbyListFilters({ slotsAvailable: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => checkLobbyListFilters({ stringFilters: [{ key: 'k'.repeat(256), value: 'v' }] })).toThrow(
      SteamLimitError,
    );
    expect(() => checkLobbyListFilters(null)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it("member state flags read as one word, entered first (Steam's EChatMemberStateChange)", () => {
    expect([0x01, 0x02, 0x04, 0x08, 0x10, 0x0a].map(memberChangeKind)).toEqual([
      'entered',
      'left',
      'disconnected',
      'kicked',
      'banned',
      'left',
    ]);
  });
});

describe('lobby errors', () => {
  it('have stable codes, the data to act on, and a sentence saying what to do', () => {
    const join = new LobbyJoinError(LOBBY, 4);
    expect(join).toMatchObject({ code: 'LOBBY_JOIN_FAILED', lobbyId: LOBBY, response: 4 });
    expect(join.message).toMatch(/full; try another lobby/);
    expect(new LobbyJoinError(LOBBY, 3).message).toMatch(/ask for an invite/);
    expect(new LobbyCreateError(15).message).toMatch(/not set up for lobbies/);
    const limit = new SteamLimitError('lobbyValueBytes', 8192, 9000, 'The value');
    expect(limit).toMatchObject({
      code: 'STEAM_LIMIT_EXCEEDED',
      limit: 'lobbyValueBytes',
      max: 8192,
      actual: 9000,
    });
    expect(limit.message).toBe("The value is 9000, over Steam's limit of 8192: make it smaller.");
  });
});
