/**
 * Decode limits: what one payload of a protocol entry may cost to decode (elements, nesting, keys
 * per map, string bytes), declared per entry (`message(schema, { ..., limits })`), per protocol
 * (`defineProtocol(definitions, { limits })`), or left at safe defaults. The receiver's pre-scan
 * (`msgpack-scan.ts`) refuses anything over them before msgpackr runs; the sender refuses to send it.
 * @packageDocumentation
 */
import { ProtocolDefinitionError } from './errors.js';
import { MAX_SCAN_DEPTH, type ScanLimits } from './msgpack-scan.js';

/** What one payload may cost to decode. Every field is optional; unset ones fall back to the defaults. */
export interface DecodeLimits {
  /**
   * Most msgpack values in one payload: every scalar, array, map and map key counts one
   * (default 8 192). A byte array (`Uint8Array`) is one value, however long.
   */
  maxElements?: number;
  /** Deepest nesting of arrays and maps (default 32, at most 64). */
  maxDepth?: number;
  /** Most keys in any one map (default 1 024). */
  maxMapKeys?: number;
  /** Most bytes of strings in one payload, map keys included (default 65 536). */
  maxStringBytes?: number;
}

/**
 * The limits of an entry that declares none, in a protocol that declares none: about a millisecond
 * of decoding at most, whatever the bytes.
 */
export const DEFAULT_DECODE_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxElements: 8192,
  maxDepth: 32,
  maxMapKeys: 1024,
  maxStringBytes: 65_536,
});

/** Largest value of each limit. */
const LIMIT_RANGES: Readonly<Record<keyof DecodeLimits, readonly [number, number]>> = {
  maxElements: [1, 0x0fffffff],
  maxDepth: [1, MAX_SCAN_DEPTH],
  maxMapKeys: [1, 0x0fffffff],
  maxStringBytes: [0, 0x0fffffff],
};

/**
 * Checks limits as declared (`where` names the entry or `defineProtocol`).
 * @throws {@link ProtocolDefinitionError} naming the field and its range.
 */
export function checkDecodeLimits(value: unknown, where: string, entryName: string | undefined): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolDefinitionError(entryName, `${where}: limits must be an object of decode limits.`);
  }
  for (const key of Object.keys(value)) {
    const range = LIMIT_RANGES[key as keyof DecodeLimits];
    if (range === undefined) {
      throw new ProtocolDefinitionError(
        entryName,
        `${where}: limits.${key} is not a decode limit (${Object.keys(LIMIT_RANGES).join(', ')}).`,
      );
    }
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
      throw new ProtocolDefinitionError(
        entryName,
        `${where}: limits.${key} must be an integer from ${range[0]} to ${range[1]}, not ${typeof v === 'string' ? JSON.stringify(v) : String(v)}.`,
      );
    }
  }
}

/** The limits in force: the entry's over the protocol's over {@link DEFAULT_DECODE_LIMITS}. */
export function resolveDecodeLimits(
  entry: DecodeLimits | undefined,
  protocol: DecodeLimits | undefined,
): ScanLimits {
  const pick = (key: keyof DecodeLimits) => entry?.[key] ?? protocol?.[key] ?? DEFAULT_DECODE_LIMITS[key];
  return Object.freeze({
    maxElements: pick('maxElements'),
    maxDepth: pick('maxDepth'),
    maxMapKeys: pick('maxMapKeys'),
    maxStringBytes: pick('maxStringBytes'),
  });
}
