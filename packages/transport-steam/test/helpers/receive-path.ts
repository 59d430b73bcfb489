// The Messages backend with a chosen receive path. `initSteam` always takes the fastest one (views of
// Steam's heap, with native scratch + integer-only memcpy where a view cannot serve); this builds the
// backend the way `initSteam` does, from the package's internals, but without views (scratch only) or
// with the `koffi.decode` fallback, so every path is tested on every platform.
import { InitResult, STEAM_ERR_MSG_BYTES } from '../../src/constants.js';
import { SteamContext } from '../../src/context.js';
import { bindFunctions } from '../../src/flat.js';
import { MessagesNetworking } from '../../src/messages.js';
import { nativeScratch } from '../../src/slab.js';
import { steamStructs } from '../../src/structs.js';
import { koffi } from './stub.js';

/**
 * A Messages backend over the library at `libraryPath` that reads every message with `koffi.decode`, or
 * (`withScratch`) through the native scratch; never through views.
 */
export function initMessagesWithDecodePath(
  libraryPath: string,
  withScratch = false,
): {
  networking: MessagesNetworking;
  shutdown(): void;
} {
  const lib = koffi.load(libraryPath);
  const core = bindFunctions(lib, 'core');
  const messages = bindFunctions(lib, 'messages');
  if (!core.ok || !messages.ok) throw new Error(`${libraryPath} lacks symbols`);
  const result = core.functions.InitFlat(new Uint8Array(STEAM_ERR_MSG_BYTES));
  if (result !== InitResult.OK) throw new Error(`SteamAPI_InitFlat failed with ${result}`);
  const ctx = new SteamContext(libraryPath, koffi, core.functions, steamStructs(koffi));
  core.functions.ManualDispatch_Init();
  ctx.pipe = core.functions.GetHSteamPipe();
  const user = core.functions.SteamUser();
  const self = messages.functions.SteamNetworkingMessages();
  if (user === null || self === null) throw new Error('the stub returned a NULL interface');
  ctx.live = true;
  const localSteamId = BigInt(core.functions.ISteamUser_GetSteamID(user));
  return {
    networking: new MessagesNetworking(
      ctx,
      messages.functions,
      self,
      localSteamId,
      withScratch ? nativeScratch(koffi) : null,
      null,
    ),
    shutdown() {
      ctx.live = false;
      core.functions.Shutdown();
    },
  };
}
