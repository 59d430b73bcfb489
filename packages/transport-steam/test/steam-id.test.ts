import {
  formatSteamId,
  InvalidSteamIdError,
  isValidSteamId,
  parseSteamId,
  steamIdFromAccountId,
} from '@steamwire/transport-steam';
import { describe, expect, it } from 'vitest';

describe('SteamId helpers', () => {
  it('parses a decimal SteamID64, Steam3 and Steam2 text to the same id', () => {
    expect(parseSteamId('76561197960287930')).toBe(76561197960287930n);
    expect(parseSteamId(' 76561197960287930 ')).toBe(76561197960287930n);
    expect(parseSteamId('[U:1:22202]')).toBe(76561197960287930n);
    expect(parseSteamId('STEAM_0:0:11101')).toBe(76561197960287930n);
    expect(parseSteamId(76561197960287930n)).toBe(76561197960287930n);
  });

  it('formats as steam64 and steam3', () => {
    expect(formatSteamId(76561197960287930n)).toBe('76561197960287930');
    expect(formatSteamId(76561197960287930n, 'steam3')).toBe('[U:1:22202]');
    expect(steamIdFromAccountId(22202)).toBe(76561197960287930n);
  });

  it.each(['', 'abc', '0', '-5', '1', '18446744073709551616', '[U:1:0]', 'STEAM_0:2:1', '7656119796028793O'])(
    'rejects %j with a typed error',
    (text) => {
      expect(() => parseSteamId(text)).toThrow(InvalidSteamIdError);
      try {
        parseSteamId(text);
      } catch (err) {
        expect((err as InvalidSteamIdError).code).toBe('INVALID_STEAM_ID');
      }
    },
  );

  it('rejects unsafe numbers instead of silently losing precision', () => {
    // biome-ignore lint/correctness/noPrecisionLoss: the point of the test is a number that lost precision.
    expect(() => parseSteamId(76561197960287930)).toThrow(/precision/);
  });

  it('isValidSteamId never throws', () => {
    expect(isValidSteamId(76561197960287930n)).toBe(true);
    expect(isValidSteamId(0n)).toBe(false);
    expect(isValidSteamId('76561197960287930')).toBe(false);
    expect(isValidSteamId(undefined)).toBe(false);
  });
});
