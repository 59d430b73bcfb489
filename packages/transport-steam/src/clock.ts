/**
 * A source of time and timers. The RPC layer takes one so that tests can drive it with the
 * testkit's virtual clock instead of real sleeps; {@link systemClock} is the real one.
 * @packageDocumentation
 */

/** Opaque handle returned by {@link Clock.setTimeout} / {@link Clock.setInterval}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Time and timers, real or virtual. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}; a no-op for a fired or cancelled one. */
  clearTimeout(handle: TimerHandle): void;
  /** Runs `fn` every `ms` milliseconds until cleared. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setInterval}. */
  clearInterval(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms) as unknown as TimerHandle,
  clearInterval: (h) => clearInterval(h as unknown as NodeJS.Timeout),
};
