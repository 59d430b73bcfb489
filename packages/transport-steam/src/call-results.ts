/**
 * Steam's async calls as Promises, under manual dispatch (STEAM_API.md §6, §16.5): a call returns a
 * `SteamAPICall_t` handle; later the pump sees `SteamAPICallCompleted_t` (703) naming the handle, the
 * result's callback id and its size, and the result is copied out with
 * `SteamAPI_ManualDispatch_GetAPICallResult` — passing exactly the size Steam reported (the platform
 * size: 12 bytes for a Linux `LobbyCreated_t`, 16 on Windows).
 *
 * What settles a pending call, and when:
 * - the 703 for its handle: resolves with the decoded result, or rejects with `SteamCallFailedError`
 *   when Steam says the call failed (its `ESteamAPICallFailure`, from `GetAPICallFailureReason`) or the
 *   result is not what the call produces;
 * - `shutdown()`: rejects every pending call with `SteamCallCancelledError` (`shutdown`);
 * - a newer call of a kind Steam runs one at a time (`requestLobbyList`): `superseded`.
 * Steam reports its own timeouts (e.g. a lobby search gives up after 20 s) as a failed call. If Steam
 * never reports at all, the Promise stays pending until shutdown: race it with your own timer if a
 * game must not wait that long. Everything settles from inside the pump (`runCallbacks`), never from
 * a native thread.
 * @packageDocumentation
 */
import type { SteamContext } from './context.js';
import {
  SteamAPICallFailure,
  SteamCallCancelledError,
  type SteamCallCancelReason,
  SteamCallFailedError,
} from './lobby-errors.js';
import { LobbyCallbackId, type LobbyStructs } from './lobby-structs.js';

/** No result struct is anywhere near this big; a larger size in a 703 is garbage, not an allocation. */
const MAX_RESULT_BYTES = 64 * 1024;

interface PendingCall {
  readonly call: string;
  readonly callbackId: number;
  readonly minSize: number;
  readonly decode: (bytes: Uint8Array) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The pending async calls of one Steam session, settled from the callback pump. */
export class CallResults {
  private readonly ctx: SteamContext;
  private readonly structs: LobbyStructs;
  private readonly failureReason: (handle: bigint) => number;
  private readonly pending = new Map<bigint, PendingCall>();
  private readonly failed = new Uint8Array(1);

  /**
   * @param failureReason `ISteamUtils::GetAPICallFailureReason` for a handle.
   * Registers itself as a listener of the session's callback pump.
   */
  constructor(ctx: SteamContext, structs: LobbyStructs, failureReason: (handle: bigint) => number) {
    this.ctx = ctx;
    this.structs = structs;
    this.failureReason = failureReason;
    ctx.callbackHandlers.add((id, param, size) => {
      if (id === LobbyCallbackId.SteamAPICallCompleted) this.completed(param, size);
    });
  }

  /** How many calls wait for their result. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Tracks the call Steam just started. A zero handle (`k_uAPICallInvalid`) means Steam refused to
   * start it: the Promise rejects at once.
   * @param callbackId the result's callback id (e.g. 513 for `LobbyCreated_t`).
   * @param minSize the smallest result this platform's struct can be read from.
   */
  track<T>(
    call: string,
    handle: number | bigint,
    callbackId: number,
    minSize: number,
    decode: (bytes: Uint8Array) => T,
  ): {
    handle: bigint;
    promise: Promise<T>;
  } {
    const h = BigInt(handle);
    if (h === 0n) {
      return {
        handle: h,
        promise: Promise.reject(
          new SteamCallFailedError(call, SteamAPICallFailure.None, 'Steam returned no call handle'),
        ),
      };
    }
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(h, {
        call,
        callbackId,
        minSize,
        decode,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    return { handle: h, promise };
  }

  /** Rejects one pending call (its result, if it still comes, is ignored). */
  cancel(handle: bigint, reason: SteamCallCancelReason): void {
    const p = this.pending.get(handle);
    if (p === undefined) return;
    this.pending.delete(handle);
    p.reject(new SteamCallCancelledError(p.call, reason));
  }

  /** Rejects every pending call. */
  cancelAll(reason: SteamCallCancelReason): void {
    for (const handle of [...this.pending.keys()]) this.cancel(handle, reason);
  }

  /** The 703 for some handle: fetch its result with `GetAPICallResult` (before the pump frees the callback). */
  private completed(param: bigint, size: number): void {
    const { koffi, core, pipe } = this.ctx;
    if (size < koffi.sizeof(this.structs.SteamAPICallCompleted_t)) return;
    const done = koffi.decode(param, this.structs.SteamAPICallCompleted_t) as {
      m_hAsyncCall: number | bigint;
      m_iCallback: number;
      m_cubParam: number;
    };
    const handle = BigInt(done.m_hAsyncCall);
    const p = this.pending.get(handle);
    // Not ours (another API's call, or one we gave up on): leave it.
    if (p === undefined) return;
    this.pending.delete(handle);
    if (done.m_iCallback !== p.callbackId) {
      p.reject(
        new SteamCallFailedError(
          p.call,
          SteamAPICallFailure.MismatchedCallback,
          `result ${done.m_iCallback}, expected ${p.callbackId}`,
        ),
      );
      return;
    }
    const bytes = done.m_cubParam;
    if (bytes < p.minSize || bytes > MAX_RESULT_BYTES) {
      p.reject(
        new SteamCallFailedError(
          p.call,
          SteamAPICallFailure.MismatchedCallback,
          `a ${bytes}-byte result, expected ${p.minSize}`,
        ),
      );
      return;
    }
    const out = new Uint8Array(bytes);
    this.failed[0] = 0;
    const ok = core.ManualDispatch_GetAPICallResult(pipe, handle, out, bytes, p.callbackId, this.failed);
    if (!ok || this.failed[0] !== 0) {
      p.reject(new SteamCallFailedError(p.call, this.reason(handle, ok)));
      return;
    }
    try {
      p.resolve(p.decode(out));
    } catch (err) {
      p.reject(err);
    }
  }

  private reason(handle: bigint, copied: boolean): SteamAPICallFailure {
    const reason = this.failureReason(handle);
    if (reason >= SteamAPICallFailure.SteamGone && reason <= SteamAPICallFailure.MismatchedCallback) {
      return reason as SteamAPICallFailure;
    }
    // Steam said "failed" but no reason: a result it could not copy is an unknown handle to it.
    return copied ? SteamAPICallFailure.None : SteamAPICallFailure.InvalidHandle;
  }
}
