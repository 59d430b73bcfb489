/**
 * Clocks a test can drive. {@link VirtualClock} lets simulated time jump forward instantly and
 * deterministically; {@link RealTimeClock} is the same surface over real time, for running the same
 * code against something that lives outside the process (a native library, another process).
 * @packageDocumentation
 */
import { type Clock, InvalidArgumentError, type TimerHandle } from '@steamwire/transport-steam';
import { RunLimitError, RunUntilTimeoutError } from './errors.js';
import { MinHeap } from './internal/heap.js';

/** Options of {@link TestClock.runUntil}. */
export interface RunUntilOptions {
  /** Give up after this much (virtual or real) time, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Time to let pass between two checks of the predicate, in milliseconds. Default 10. */
  stepMs?: number;
}

/** Options of {@link TestClock.run}. */
export interface RunOptions {
  /** Give up after this much (virtual or real) time, in milliseconds. Default {@link DEFAULT_RUN_LIMIT_MS}. */
  limitMs?: number;
}

/**
 * How much time `run` lets pass by default: one minute, past rpc's own 10 s connect and request
 * timeouts, so those fail with their own typed errors before the limit does.
 */
export const DEFAULT_RUN_LIMIT_MS = 60_000;

/** A {@link Clock} that a test drives: it can let time pass and wait for a condition. */
export interface TestClock extends Clock {
  /** True for {@link RealTimeClock}: `advance` really waits. */
  readonly realTime: boolean;
  /**
   * Lets `ms` milliseconds pass, firing due timers in time order and letting promise chains settle
   * between them.
   */
  advance(ms: number): Promise<void>;
  /**
   * Lets time pass in steps of `stepMs` until `predicate` returns true.
   * @returns `true` once the predicate holds (it is checked before any time passes).
   * @throws RunUntilTimeoutError when it is still false after `timeoutMs`.
   */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<true>;
  /**
   * Lets time pass until `promise` settles, and no further, then settles the same way.
   * @throws RunLimitError when it is still pending after `limitMs`.
   */
  run<T>(promise: PromiseLike<T>, options?: RunOptions): Promise<T>;
}

/** One timer of the virtual clock; the object itself is the handle. */
class VirtualTimer {
  at = 0;
  seq = 0;
  cancelled = false;
  constructor(
    readonly fn: () => void,
    /** Period for intervals, 0 for one-shot timers. */
    readonly period: number,
  ) {}
}

/** Lets every queued microtask and promise continuation run (they all run before the next macrotask). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkMs(name: string, ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidArgumentError(
      name,
      `${name} must be a finite number of milliseconds >= 0; got ${String(ms)}.`,
    );
  }
}

/** `promise`, and a flag that turns true once it settled (either way). */
function watch<T>(promise: PromiseLike<T>): { readonly result: Promise<T>; readonly settled: () => boolean } {
  let done = false;
  const result = Promise.resolve(promise).then(
    (value) => {
      done = true;
      return value;
    },
    (error: unknown) => {
      done = true;
      throw error;
    },
  );
  // The caller awaits `result` once time has passed: until then a rejection is not unhandled.
  result.catch(() => undefined);
  return { result, settled: () => done };
}

function runLimit(options: RunOptions | undefined): number {
  const limitMs = options?.limitMs ?? DEFAULT_RUN_LIMIT_MS;
  checkMs('limitMs', limitMs);
  return limitMs;
}

async function runUntilWith(
  clock: TestClock,
  predicate: () => boolean | Promise<boolean>,
  options: RunUntilOptions = {},
): Promise<true> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stepMs = options.stepMs ?? 10;
  checkMs('timeoutMs', timeoutMs);
  checkMs('stepMs', stepMs);
  if (stepMs === 0) throw new InvalidArgumentError('stepMs', 'stepMs must be above 0, or time never passes.');
  let waited = 0;
  for (;;) {
    if (await predicate()) return true;
    if (waited >= timeoutMs) throw new RunUntilTimeoutError(timeoutMs);
    const step = Math.min(stepMs, timeoutMs - waited);
    await clock.advance(step);
    waited += step;
  }
}

/**
 * Simulated time. Nothing happens until the test calls {@link VirtualClock.advance}; then timers
 * fire in time order (first scheduled first for equal times), with pending promise chains settling
 * between two firings, so `async` handlers see time pass the way they would in real life, only
 * instantly.
 *
 * ```ts
 * const clock = new VirtualClock();
 * clock.setTimeout(() => console.log('later'), 500);
 * await clock.advance(1000); // prints "later"; clock.now() === 1000
 * ```
 */
export class VirtualClock implements TestClock {
  /** Always false: this clock never waits for real. */
  readonly realTime = false;
  private current: number;
  private readonly timers = new MinHeap<VirtualTimer>();
  private cancelledInHeap = 0;
  /** Serialises `advance` calls made while another one runs (e.g. from an async handler). */
  private tail: Promise<void> = Promise.resolve();

  /** @param startMs The initial value of {@link VirtualClock.now}. Default 0. */
  constructor(startMs = 0) {
    checkMs('startMs', startMs);
    this.current = startMs;
  }

  /** Current virtual time in milliseconds. */
  now(): number {
    return this.current;
  }

  /** Number of timers still scheduled (cancelled ones excluded): 0 means nothing is left hanging. */
  get pendingTimers(): number {
    return this.timers.size - this.cancelledInHeap;
  }

  /** Runs `fn` once, `ms` virtual milliseconds from now (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, 0);
  }

  /** Cancels a timeout; a no-op for a fired, cancelled or foreign handle. */
  clearTimeout(handle: TimerHandle): void {
    this.cancel(handle);
  }

  /**
   * Runs `fn` every `ms` virtual milliseconds. Periods below 1 ms count as 1 ms (as in Node), so an
   * interval can never stall `advance`.
   */
  setInterval(fn: () => void, ms: number): TimerHandle {
    const period = Number.isFinite(ms) && ms >= 1 ? ms : 1;
    return this.schedule(fn, period, period);
  }

  /** Cancels an interval; a no-op for a cancelled or foreign handle. */
  clearInterval(handle: TimerHandle): void {
    this.cancel(handle);
  }

  /**
   * Lets `ms` virtual milliseconds pass. Timers due on the way fire in time order; between two
   * firings (and before returning) every pending promise continuation runs. If a timer throws, time
   * stops at that timer and the returned promise rejects with the error.
   * Calls made while another `advance` runs are queued and run after it.
   */
  advance(ms: number): Promise<void> {
    checkMs('ms', ms);
    const run = this.tail.then(() => this.advanceNow(ms));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** {@inheritDoc TestClock.runUntil} */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<true> {
    return runUntilWith(this, predicate, options);
  }

  /**
   * Lets virtual time pass until `promise` settles, then settles the same way. Timers fire one at a
   * time, as in {@link VirtualClock.advance}, and the promise is looked at after each: time stops at
   * the timer that settled it.
   * @throws RunLimitError when it is still pending after `limitMs` of virtual time.
   */
  run<T>(promise: PromiseLike<T>, options?: RunOptions): Promise<T> {
    let limitMs: number;
    try {
      limitMs = runLimit(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const watched = watch(promise);
    const run = this.tail.then(() => this.advanceNow(limitMs, watched.settled));
    this.tail = run.catch(() => undefined);
    return run.then(() => {
      if (!watched.settled()) throw new RunLimitError(limitMs);
      return watched.result;
    });
  }

  /** Lets up to `ms` pass, firing due timers in order; stops early once `done()` holds. */
  private async advanceNow(ms: number, done: () => boolean = () => false): Promise<void> {
    const target = this.current + ms;
    await settle();
    while (!done() && this.fireNext(target)) await settle();
    if (done()) return;
    if (target > this.current) this.current = target;
    await settle();
  }

  /** Fires the earliest timer due by `target`, moving time to it; false when none is due. */
  private fireNext(target: number): boolean {
    for (;;) {
      const timer = this.timers.peek();
      if (timer === undefined || timer.at > target) return false;
      this.timers.pop();
      if (timer.cancelled) {
        this.cancelledInHeap--;
        continue;
      }
      if (timer.at > this.current) this.current = timer.at;
      if (timer.period > 0) {
        // Re-arm before running, so clearInterval inside the callback cancels the next run.
        timer.at += timer.period;
        this.timers.push(timer);
      } else {
        timer.cancelled = true; // fired: a later clearTimeout must not count it again
      }
      timer.fn();
      return true;
    }
  }

  private schedule(fn: () => void, ms: number, period: number): VirtualTimer {
    if (typeof fn !== 'function')
      throw new InvalidArgumentError('fn', 'A timer callback must be a function.');
    const timer = new VirtualTimer(fn, period);
    timer.at = this.current + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    this.timers.push(timer);
    return timer;
  }

  private cancel(handle: TimerHandle): void {
    if (!(handle instanceof VirtualTimer) || handle.cancelled) return;
    handle.cancelled = true;
    this.cancelledInHeap++;
    // Long timeouts that are set and cleared at a high rate would otherwise pile up until due.
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.timers.size) {
      this.timers.retain((t) => !t.cancelled);
      this.cancelledInHeap = 0;
    }
  }
}

/**
 * Real time behind the {@link TestClock} surface: `now()` is `performance.now()`, timers are Node's,
 * and `advance(ms)` really waits `ms` milliseconds. For running the same tests against
 * implementations that live outside the process.
 */
export class RealTimeClock implements TestClock {
  /** Always true: `advance` really waits. */
  readonly realTime = true;
  private readonly live = new Set<NodeJS.Timeout>();

  /** Milliseconds since an arbitrary origin (`performance.now()`). */
  now(): number {
    return performance.now();
  }

  /** Number of timers still scheduled through this clock. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Runs `fn` once after `ms` real milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return handle as unknown as TimerHandle;
  }

  /** Cancels a timeout. */
  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle as unknown as NodeJS.Timeout);
    clearTimeout(handle as unknown as NodeJS.Timeout);
  }

  /** Runs `fn` every `ms` real milliseconds. */
  setInterval(fn: () => void, ms: number): TimerHandle {
    const handle = setInterval(fn, ms);
    this.live.add(handle);
    return handle as unknown as TimerHandle;
  }

  /** Cancels an interval. */
  clearInterval(handle: TimerHandle): void {
    this.live.delete(handle as unknown as NodeJS.Timeout);
    clearInterval(handle as unknown as NodeJS.Timeout);
  }

  /** Waits `ms` real milliseconds. */
  advance(ms: number): Promise<void> {
    checkMs('ms', ms);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** {@inheritDoc TestClock.runUntil} */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<true> {
    return runUntilWith(this, predicate, options);
  }

  /** {@inheritDoc TestClock.run} */
  run<T>(promise: PromiseLike<T>, options?: RunOptions): Promise<T> {
    let limitMs: number;
    try {
      limitMs = runLimit(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const watched = watch(promise);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RunLimitError(limitMs)), limitMs);
      watched.result.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /** Cancels every timer still scheduled through this clock. */
  dispose(): void {
    for (const handle of this.live) clearTimeout(handle);
    this.live.clear();
  }
}
