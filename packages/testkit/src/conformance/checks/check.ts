/**
 * What one conformance check is, and the small assertions the checks share.
 * @packageDocumentation
 */
import { expect } from 'vitest';
import type { Stage } from '../stage.js';

/** One behaviour's test body and the world it needs. */
export interface Check {
  /** Peers the world needs. */
  readonly peers: number;
  readonly run: (s: Stage) => Promise<void>;
}

/** Asserts that `fn` throws the transport's InvalidArgumentError (matched by its stable code). */
export function expectInvalidArgument(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an InvalidArgumentError').toMatchObject({ code: 'INVALID_ARGUMENT' });
}

/** True when both hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
  );
}

/** `n` bytes whose first four hold `tag` (little-endian), the rest a pattern of it. */
export function tagged(tag: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (tag * 31 + i) & 0xff;
  if (n >= 4) new DataView(out.buffer).setUint32(0, tag, true);
  return out;
}

/** The tag {@link tagged} wrote. */
export function tagOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
}

/**
 * Asserts that `at` (when a stage recorded something) lies within `[expected - before, expected + after]`,
 * naming what was measured so a failure says which of Steam's numbers was missed.
 */
export function expectAround(
  what: string,
  at: number,
  expected: number,
  before: number,
  after: number,
): void {
  expect(
    at,
    `${what}: expected at ${expected} ms (-${before}/+${after}), was ${at} ms`,
  ).toBeGreaterThanOrEqual(expected - before);
  expect(at, `${what}: expected at ${expected} ms (-${before}/+${after}), was ${at} ms`).toBeLessThanOrEqual(
    expected + after,
  );
}
