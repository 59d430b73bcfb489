/**
 * Waiting for Steam in the lobby flow: Steam's lobby calls settle only from the session's callback
 * pump, and before a host or client exists nobody pumps it, so the wait does, every `pollMs` on the
 * clock, until the answer comes, the time is up, or the signal aborts.
 * @packageDocumentation
 */
import type { Clock } from '@steamwire/transport-steam';
import { LobbyAbortedError, LobbyTimeoutError } from './lobby-errors.js';

/** How one wait pumps and gives up. */
export interface SteamWait {
  /** The session's callback pump (`lobbies.runCallbacks`). */
  readonly pump: () => void;
  readonly clock: Clock;
  /** Pump every this many milliseconds. */
  readonly pollMs: number;
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** The Steam call waited for, for the errors (`'JoinLobby'`). */
  readonly call: string;
}

/** What a wait does when it gives up: the default is a `LobbyTimeoutError`. */
export type OnTimeout<T> = () => { value: T } | { error: Error };

/**
 * Resolves with `pending`'s outcome while pumping Steam's callbacks; rejects with
 * `LobbyTimeoutError` (or `onTimeout`'s outcome) or `LobbyAbortedError` when it gives up first. A
 * value that arrives after that goes to `abandoned` (e.g. to leave a lobby joined too late).
 */
export function pumpWhile<T>(
  pending: Promise<T>,
  wait: SteamWait,
  abandoned?: (value: T) => void,
  onTimeout?: OnTimeout<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let interval: ReturnType<Clock['setInterval']> | undefined;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const onAbort = () => finish(() => reject(new LobbyAbortedError(wait.call, wait.signal?.reason)));
    function finish(settle: () => void): void {
      if (settled) return;
      settled = true;
      if (interval !== undefined) wait.clock.clearInterval(interval);
      if (timer !== undefined) wait.clock.clearTimeout(timer);
      wait.signal?.removeEventListener('abort', onAbort);
      settle();
    }
    pending.then(
      (value) => {
        if (settled) abandoned?.(value);
        else finish(() => resolve(value));
      },
      (error: unknown) => finish(() => reject(error)),
    );
    if (wait.signal?.aborted) {
      onAbort();
      return;
    }
    wait.signal?.addEventListener('abort', onAbort, { once: true });
    interval = wait.clock.setInterval(() => {
      try {
        wait.pump();
      } catch (error) {
        // Steam shut down under us (SteamNotInitializedError): nothing will ever answer.
        finish(() => reject(error));
      }
    }, wait.pollMs);
    timer = wait.clock.setTimeout(() => {
      const outcome = onTimeout?.() ?? { error: new LobbyTimeoutError(wait.call, wait.timeoutMs) };
      finish(() => ('error' in outcome ? reject(outcome.error) : resolve(outcome.value)));
    }, wait.timeoutMs);
  });
}
