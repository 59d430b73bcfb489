import { describe, expect, it } from 'vitest';
import { RealTimeClock, RunUntilTimeoutError, VirtualClock } from '../../src/index.js';

describe('VirtualClock', () => {
  it('fires timers in time order, first scheduled first for equal times', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('b1@20'), 20);
    clock.setTimeout(() => fired.push('b2@20'), 20);
    await clock.advance(25);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20']);
    expect(clock.now()).toBe(25);
    await clock.advance(5);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
  });

  it('shows each timer the time it was due, not the end of the advance', async () => {
    const clock = new VirtualClock(1000);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 40);
    clock.setTimeout(() => seen.push(clock.now()), 70);
    await clock.advance(100);
    expect(seen).toEqual([1040, 1070]);
    expect(clock.now()).toBe(1100);
  });

  it('cancels timeouts and intervals, and counts what is still pending', async () => {
    const clock = new VirtualClock();
    let ticks = 0;
    const interval = clock.setInterval(() => ticks++, 10);
    const timeout = clock.setTimeout(() => (ticks += 100), 15);
    expect(clock.pendingTimers).toBe(2);
    clock.clearTimeout(timeout);
    await clock.advance(35);
    expect(ticks).toBe(3);
    clock.clearInterval(interval);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(100);
    expect(ticks).toBe(3);
    clock.clearTimeout(timeout); // already cancelled: a no-op
    clock.clearTimeout({}); // foreign handle: a no-op
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets an interval cancel itself from inside its callback', async () => {
    const clock = new VirtualClock();
    let runs = 0;
    const handle = clock.setInterval(() => {
      runs++;
      if (runs === 2) clock.clearInterval(handle);
    }, 5);
    await clock.advance(50);
    expect(runs).toBe(2);
  });

  it('settles promise chains between timer firings, so async handlers see time pass', async () => {
    const clock = new VirtualClock();
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const log: string[] = [];
    const task = (async () => {
      log.push(`start@${clock.now()}`);
      await sleep(100);
      await Promise.resolve();
      log.push(`woke@${clock.now()}`);
      await sleep(50);
      log.push(`done@${clock.now()}`);
    })();
    await clock.advance(200);
    expect(log).toEqual(['start@0', 'woke@100', 'done@150']);
    await task;
  });

  it('runs an advance requested while another runs after it, not inside it', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      void clock.advance(10).then(() => log.push(`inner done@${clock.now()}`));
    }, 5);
    await clock.advance(20);
    log.push(`outer done@${clock.now()}`);
    await clock.advance(0);
    expect(log).toEqual(['outer done@20', 'inner done@30']);
  });

  it('rejects the advance with the error of a timer that throws, and keeps working', async () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    let later = false;
    clock.setTimeout(() => {
      later = true;
    }, 20);
    await expect(clock.advance(30)).rejects.toThrow('boom');
    expect(clock.now()).toBe(10);
    await clock.advance(30);
    expect(later).toBe(true);
  });

  it('runUntil resolves true once the condition holds, checking before time passes', async () => {
    const clock = new VirtualClock();
    expect(await clock.runUntil(() => true)).toBe(true);
    expect(clock.now()).toBe(0);
    let flag = false;
    clock.setTimeout(() => {
      flag = true;
    }, 250);
    expect(await clock.runUntil(() => flag, { stepMs: 100 })).toBe(true);
    expect(clock.now()).toBe(300);
  });

  it('runUntil rejects with RunUntilTimeoutError when the condition never holds', async () => {
    const clock = new VirtualClock();
    const error = await clock
      .runUntil(() => false, { timeoutMs: 1000, stepMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunUntilTimeoutError);
    expect(error).toMatchObject({ code: 'RUN_UNTIL_TIMEOUT', timeoutMs: 1000 });
    expect(clock.now()).toBe(1000);
  });

  it('refuses negative or non-finite durations with InvalidArgumentError', async () => {
    const clock = new VirtualClock();
    expect(() => clock.advance(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => clock.advance(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(clock.runUntil(() => false, { stepMs: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(() => new VirtualClock(-5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('treats a zero or negative interval as 1 ms, so it cannot stall an advance', async () => {
    const clock = new VirtualClock();
    let runs = 0;
    clock.setInterval(() => runs++, 0);
    await clock.advance(10);
    expect(runs).toBe(10);
  });
});

describe('RealTimeClock', () => {
  it('really waits, fires its timers, and cancels what is left on dispose', async () => {
    const clock = new RealTimeClock();
    expect(clock.realTime).toBe(true);
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 1);
    clock.setTimeout(() => {
      throw new Error('must not fire after dispose');
    }, 60_000);
    const start = clock.now();
    await clock.runUntil(() => fired, { timeoutMs: 2000, stepMs: 5 });
    expect(clock.now()).toBeGreaterThan(start);
    expect(clock.pendingTimers).toBe(1);
    clock.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});
