/**
 * Manual callback dispatch (steam_api.h, "manual dispatch"): Steam's callbacks are pulled on the JS
 * thread with `RunFrame` + `GetNextCallback`, never pushed from native threads, which breaks under
 * Electron and newer Node. See STEAM_API.md §6.
 * @packageDocumentation
 */
import type { CallbackHandler, SteamContext } from './context.js';
import type { NativePointer } from './flat.js';

export type { CallbackHandler } from './context.js';

/**
 * Callbacks drained per {@link CallbackPump.run} at most, so a library that never stops reporting one
 * cannot hang the game loop; the rest wait for the next frame.
 */
const MAX_CALLBACKS_PER_FRAME = 4096;

/** Pumps Steam's callback queue for one library, reusing one `CallbackMsg_t` buffer. */
export class CallbackPump {
  private readonly ctx: SteamContext;
  private readonly msg: Uint8Array;

  constructor(ctx: SteamContext) {
    this.ctx = ctx;
    this.msg = new Uint8Array(ctx.koffi.sizeof(ctx.structs.CallbackMsg_t));
  }

  /**
   * Runs one frame: every pending callback goes to `handle` (when given) and to every handler registered
   * in the context's `callbackHandlers`. `FreeLastCallback` runs after each one
   * even when `handle` throws; handler errors are rethrown after the queue is drained (one error as
   * is, several as an `AggregateError`), so a throwing event listener never leaks or wedges Steam's queue.
   */
  run(handle?: CallbackHandler): void {
    const { core, koffi, structs, pipe } = this.ctx;
    core.ManualDispatch_RunFrame(pipe);
    const errors: unknown[] = [];
    for (let n = 0; n < MAX_CALLBACKS_PER_FRAME && core.ManualDispatch_GetNextCallback(pipe, this.msg); n++) {
      try {
        const msg = koffi.decode(this.msg, structs.CallbackMsg_t) as {
          m_iCallback: number;
          m_pubParam: NativePointer | null;
          m_cubParam: number;
        };
        // A call result (703) is fetched by the call-result handler (call-results.ts), before the free below.
        const { m_iCallback: id, m_pubParam: param, m_cubParam: size } = msg;
        if (param !== null && param !== 0n && size > 0) {
          // Each handler sees the callback even when another one throws.
          const deliver = (h: CallbackHandler): void => {
            try {
              h(id, param, size);
            } catch (err) {
              errors.push(err);
            }
          };
          if (handle !== undefined) deliver(handle);
          for (const other of this.ctx.callbackHandlers) if (other !== handle) deliver(other);
        }
      } catch (err) {
        errors.push(err);
      } finally {
        core.ManualDispatch_FreeLastCallback(pipe);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(errors, `${errors.length} Steam callback handlers threw.`);
  }
}
