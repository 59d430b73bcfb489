// `net.run(promise)`: the one way to await something that needs virtual time to pass (a connect, a
// call, a handshake): time moves exactly until the promise settles, or a virtual-time limit says so.
import { describe, expect, it } from 'vitest';
import { FakeSteamNetwork, RealTimeClock, RunLimitError, type VirtualClock } from '../../src/index.js';

/** Resolves with `value` after `ms` of the clock's time. */
function later<T>(clock: VirtualClock | RealTimeClock, ms: number, value: T): Promise<T> {
  return new Promise((resolve) => clock.setTimeout(() => resolve(value), ms));
}

describe('net.run', () => {
  it('lets virtual time pass until the promise settles, and no further', async () => {
    const net = new FakeSteamNetwork();
    const clock = net.clock as VirtualClock;
    let ticks = 0;
    clock.setInterval(() => ticks++, 10);
    expect(await net.run(later(clock, 1234, 'done'))).toBe('done');
    expect(clock.now()).toBe(1234);
    expect(ticks).toBe(123);
    net.dispose();
  });

  it('follows a chain of timers and promise continuations to the end', async () => {
    const net = new FakeSteamNetwork();
    const clock = net.clock as VirtualClock;
    const chain = async () => {
      const a = await later(clock, 100, 1);
      const b = await later(clock, 250, 2);
      return a + b;
    };
    expect(await net.run(chain())).toBe(3);
    expect(clock.now()).toBe(350);
    net.dispose();
  });

  it('settles at once, without moving time, for a promise that is already settled', async () => {
    const net = new FakeSteamNetwork();
    expect(await net.run(Promise.resolve(7))).toBe(7);
    expect(net.clock.now()).toBe(0);
    net.dispose();
  });

  it('rejects with the promise’s own error when it rejects', async () => {
    const net = new FakeSteamNetwork();
    const clock = net.clock as VirtualClock;
    const failing = later(clock, 50, 0).then(() => {
      throw new TypeError('nope');
    });
    await expect(net.run(failing)).rejects.toThrow(TypeError);
    expect(clock.now()).toBe(50);
    net.dispose();
  });

  it('stops at the virtual-time limit with a RunLimitError naming it', async () => {
    const net = new FakeSteamNetwork();
    const never = new Promise<void>(() => {});
    const error = await net.run(never, { limitMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLimitError);
    expect(error).toMatchObject({ code: 'RUN_LIMIT', limitMs: 5000 });
    expect((error as Error).message).toContain('5000 ms');
    expect((error as Error).message).toContain('limitMs');
    expect(net.clock.now()).toBe(5000);
    net.dispose();
  });

  it('has a one-minute limit by default, past rpc’s own 10 s timeouts', async () => {
    const net = new FakeSteamNetwork();
    const error = await net.run(new Promise(() => {})).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUN_LIMIT', limitMs: 60_000 });
    expect(net.clock.now()).toBe(60_000);
    net.dispose();
  });

  it('refuses a limit that is not a finite number of milliseconds', async () => {
    const net = new FakeSteamNetwork();
    await expect(net.run(Promise.resolve(), { limitMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    net.dispose();
  });

  it('waits for real on a real-time network, with the same limit', async () => {
    const clock = new RealTimeClock();
    const net = new FakeSteamNetwork({ clock });
    expect(await net.run(later(clock, 20, 'real'))).toBe('real');
    const error = await net.run(new Promise(() => {}), { limitMs: 30 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUN_LIMIT', limitMs: 30 });
    clock.dispose();
    net.dispose();
  });
});
