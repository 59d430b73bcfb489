/**
 * Standard Schema glue: any validator that implements `~standard` (zod, valibot, arktype…) checks a
 * payload on receipt. Type-only payloads (`typed<T>()`) carry no schema and skip this step.
 * @packageDocumentation
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AsyncSchemaError } from './errors.js';

/** The outcome of {@link validatePayload}: Standard Schema's own result object, returned as is. */
export type PayloadResult = StandardSchemaV1.Result<unknown>;

/**
 * Validates `value` with `schema`, synchronously.
 *
 * Returns the validator's result unchanged (no extra allocation on the hot path): `{ value }` on
 * success — possibly transformed by the schema — or `{ issues }`.
 * @throws {@link AsyncSchemaError} when the validator answers with a Promise: a packet must be judged
 *   before the next one is read, so asynchronous refinements cannot be honoured.
 */
export function validatePayload(schema: StandardSchemaV1, value: unknown, name: string): PayloadResult {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise || typeof (result as { then?: unknown }).then === 'function') {
    // Swallow the eventual rejection of the abandoned promise so it never surfaces as unhandled.
    Promise.resolve(result).catch(() => undefined);
    throw new AsyncSchemaError(name);
  }
  return result as PayloadResult;
}
