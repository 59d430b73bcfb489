// Call results under manual dispatch (call-results.ts) against a scripted GetAPICallResult: the
// 703 names the handle, the result's id and size; the result is fetched with exactly that size;
// Steam's failures, mismatches, garbage sizes, cancellation and shutdown all settle the Promise.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallResults } from '../src/call-results.js';
import type { SteamContext } from '../src/context.js';
import { SteamAPICallFailure, SteamCallCancelledError, SteamCallFailedError } from '../src/index.js';
import { lobbyStructs } from '../src/lobby-structs.js';
import { koffi } from './helpers/stub.js';

const structs = lobbyStructs(koffi, 'small');

interface Scripted {
  ok: boolean;
  failed: boolean;
  bytes: Uint8Array;
}

function world(script: Partial<Scripted> = {}, reason = -1) {
  const state: Scripted = { ok: true, failed: false, bytes: new Uint8Array(0), ...script };
  const getResult = vi.fn(
    (_pipe: number, _call: bigint, out: Uint8Array, size: number, _expected: number, failed: Uint8Array) => {
      out.set(state.bytes.subarray(0, size));
      failed[0] = state.failed ? 1 : 0;
      return state.ok;
    },
  );
  const ctx = {
    koffi,
    pipe: 7,
    live: true,
    callbackHandlers: new Set() as SteamContext['callbackHandlers'],
    core: { ManualDispatch_GetAPICallResult: getResult },
  } as unknown as SteamContext;
  const failureReason = vi.fn((_handle: bigint) => reason);
  const calls = new CallResults(ctx, structs, failureReason);
  const pointers: bigint[] = [];
  /** Pumps one 703 for `handle` through the handlers, as the dispatch loop does. */
  const complete = (handle: bigint, callbackId: number, size: number) => {
    const param = koffi.alloc('uint8_t', 16) as unknown as bigint;
    pointers.push(param);
    koffi.encode(param, structs.SteamAPICallCompleted_t, {
      m_hAsyncCall: handle,
      m_iCallback: callbackId,
      m_cubParam: size,
    });
    for (const handler of ctx.callbackHandlers) handler(703, param, 16);
  };
  const free = () => {
    for (const p of pointers) koffi.free(p as never);
  };
  return { state, getResult, failureReason, calls, complete, free, ctx };
}

/** A Linux LobbyCreated_t: result at 0, lobby id at 4 (12 bytes). */
function lobbyCreated(result: number, lobby: bigint): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, result, true);
  view.setBigUint64(4, lobby, true);
  return bytes;
}

const decodeCreated = (bytes: Uint8Array) =>
  koffi.decode(bytes, structs.LobbyCreated_t) as { m_eResult: number; m_ulSteamIDLobby: number | bigint };

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('call results', () => {
  it('a 703 for the handle fetches the result with exactly the size and id Steam reported, and resolves', async () => {
    const w = world({ bytes: lobbyCreated(1, 109775240917155841n) });
    cleanup = w.free;
    const { handle, promise } = w.calls.track('CreateLobby', 0x1234n, 513, 12, decodeCreated);
    expect(handle).toBe(0x1234n);
    expect(w.calls.size).toBe(1);
    w.complete(0x1234n, 513, 12);
    const result = await promise;
    expect(BigInt(result.m_ulSteamIDLobby)).toBe(109775240917155841n);
    expect(result.m_eResult).toBe(1);
    expect(w.getResult).toHaveBeenCalledTimes(1);
    const [pipe, call, , size, expected] = w.getResult.mock.calls[0]!;
    expect([pipe, call, size, expected]).toEqual([7, 0x1234n, 12, 513]);
    expect(w.calls.size).toBe(0);
  });

  it('a handle koffi returns as a Number is the same handle', async () => {
    const w = world({ bytes: lobbyCreated(1, 5n) });
    cleanup = w.free;
    const { promise } = w.calls.track('CreateLobby', 77, 513, 12, decodeCreated);
    w.complete(77n, 513, 12);
    expect((await promise).m_eResult).toBe(1);
  });

  it("Steam's failure (GetAPICallResult says failed) rejects with SteamCallFailedError and Steam's reason", async () => {
    const w = world({ failed: true }, SteamAPICallFailure.NetworkFailure);
    cleanup = w.free;
    const { promise } = w.calls.track('JoinLobby', 9n, 504, 20, () => 'never');
    w.complete(9n, 504, 20);
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SteamCallFailedError);
    expect(err).toMatchObject({ code: 'STEAM_CALL_FAILED', call: 'JoinLobby', failure: 1 });
    expect(w.failureReason).toHaveBeenCalledWith(9n);
  });

  it('a result Steam cannot copy, without a reason, is an invalid handle', async () => {
    const w = world({ ok: false });
    cleanup = w.free;
    const { promise } = w.calls.track('RequestLobbyList', 3n, 510, 4, () => 0);
    w.complete(3n, 510, 4);
    await expect(promise).rejects.toMatchObject({ failure: SteamAPICallFailure.InvalidHandle });
  });

  it('a 703 with another callback id, or a size smaller than the struct or absurdly large, rejects without fetching', async () => {
    const w = world({ bytes: lobbyCreated(1, 5n) });
    cleanup = w.free;
    const wrongId = w.calls.track('CreateLobby', 1n, 513, 12, decodeCreated).promise;
    const tooSmall = w.calls.track('CreateLobby', 2n, 513, 12, decodeCreated).promise;
    const tooBig = w.calls.track('CreateLobby', 3n, 513, 12, decodeCreated).promise;
    w.complete(1n, 504, 12);
    w.complete(2n, 513, 8);
    w.complete(3n, 513, 1 << 30);
    for (const p of [wrongId, tooSmall, tooBig]) {
      await expect(p).rejects.toMatchObject({
        code: 'STEAM_CALL_FAILED',
        failure: SteamAPICallFailure.MismatchedCallback,
      });
    }
    expect(w.getResult).not.toHaveBeenCalled();
  });

  it("a 703 for a handle nobody waits for is left alone (another API's call)", () => {
    const w = world({ bytes: lobbyCreated(1, 5n) });
    cleanup = w.free;
    w.calls.track('CreateLobby', 1n, 513, 12, decodeCreated);
    w.complete(99n, 513, 12);
    expect(w.getResult).not.toHaveBeenCalled();
    expect(w.calls.size).toBe(1);
  });

  it('a zero handle (k_uAPICallInvalid) rejects at once: Steam refused to start the call', async () => {
    const w = world();
    cleanup = w.free;
    const { promise } = w.calls.track('CreateLobby', 0, 513, 12, decodeCreated);
    await expect(promise).rejects.toMatchObject({
      code: 'STEAM_CALL_FAILED',
      failure: SteamAPICallFailure.None,
    });
    expect(w.calls.size).toBe(0);
  });

  it('a superseded call rejects with SteamCallCancelledError, and its late result is ignored', async () => {
    const w = world({ bytes: lobbyCreated(1, 5n) });
    cleanup = w.free;
    const { handle, promise } = w.calls.track('RequestLobbyList', 4n, 510, 4, () => 0);
    w.calls.cancel(handle, 'superseded');
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SteamCallCancelledError);
    expect(err).toMatchObject({
      code: 'STEAM_CALL_CANCELLED',
      reason: 'superseded',
      call: 'RequestLobbyList',
    });
    w.complete(4n, 510, 4);
    expect(w.getResult).not.toHaveBeenCalled();
  });

  it('shutdown rejects every pending call (SteamCallCancelledError, reason shutdown)', async () => {
    const w = world();
    cleanup = w.free;
    const a = w.calls.track('CreateLobby', 1n, 513, 12, decodeCreated).promise;
    const b = w.calls.track('JoinLobby', 2n, 504, 20, () => 0).promise;
    w.calls.cancelAll('shutdown');
    await expect(a).rejects.toMatchObject({ reason: 'shutdown', call: 'CreateLobby' });
    await expect(b).rejects.toMatchObject({ reason: 'shutdown', call: 'JoinLobby' });
    expect(w.calls.size).toBe(0);
  });

  it('a result the decoder refuses rejects with the decoder error', async () => {
    const w = world({ bytes: lobbyCreated(25, 0n) });
    cleanup = w.free;
    const { promise } = w.calls.track('CreateLobby', 5n, 513, 12, (bytes) => {
      const r = decodeCreated(bytes);
      if (r.m_eResult !== 1) throw new Error(`EResult ${r.m_eResult}`);
      return r;
    });
    w.complete(5n, 513, 12);
    await expect(promise).rejects.toThrow('EResult 25');
  });
});
