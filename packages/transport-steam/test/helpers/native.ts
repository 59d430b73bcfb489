// Tests that need native code built on this machine (the stub, from C) or Valve's library. They fail,
// saying what to install, when it is missing. STEAMWIRE_SKIP_NATIVE=1 is the one documented opt-out
// that turns them into visible skips instead; CI never sets it.
import { describe } from 'vitest';

export const SKIP_NATIVE = process.env.STEAMWIRE_SKIP_NATIVE === '1';

/** `describe` for native tests: `describe.skip` only under the explicit opt-out. */
export const describeNative: typeof describe.skip = SKIP_NATIVE ? describe.skip : describe;
