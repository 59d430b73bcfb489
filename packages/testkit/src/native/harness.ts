/**
 * The conformance harness for the real koffi binding over the native fake library: every peer of a
 * world is a copy of the fake `.so` at its own path (independent globals), initialised through
 * `initSteam`, all in this process, exchanging UDP datagrams on 127.0.0.1. Time is the world's own:
 * every copy reads its clock from one shared clock file (`STEAMWIRE_FAKE_CLOCK_FILE`) that the
 * harness moves forward in small steps, pumping every peer after each. Steam's 20 s timeouts then
 * take milliseconds and every run is deterministic; the fake keeps Steam's numbers throughout.
 * @packageDocumentation
 */
import type { P2PNetworking, SteamBackend } from '@steamwire/transport-steam/steam';
import type {
  ConformanceHarness,
  ConformanceWorld,
  ConformanceWorldOptions,
} from '../conformance/harness.js';
import type { SteamBackendName } from '../conformance/steam-behaviour.js';
import { InvalidNativeFakeOptionError } from './errors.js';
import { createNativeFakePeer } from './peer.js';
import { allocateSteamId, openNativeWorld } from './world.js';

/** Options of {@link nativeFakeHarness}. */
export interface NativeFakeHarnessOptions {
  /** The binding's backend under test (a row of `STEAM_BEHAVIOUR`). */
  backend: SteamBackendName;
  /**
   * The world's clock moves in steps of at most this many ms, every peer pumped after each (default 5);
   * a long `advance` moves in at most 50 steps.
   */
  stepMs?: number;
  /** Promised upper bound on the delivery of one small packet, ms of the world's time (default 15). */
  deliveryMs?: number;
  /** Per-test vitest timeout, real ms (default 20000). */
  testTimeoutMs?: number;
}

function checkMs(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new InvalidNativeFakeOptionError(option, 'a positive integer', value);
  return value;
}

/** Steps of the clock between two yields to the event loop (other worlds run concurrently). */
const STEPS_PER_YIELD = 64;

/**
 * A {@link ConformanceHarness} running the real binding (`initSteam`) over the native fake, in one
 * process, for one backend, on a world clock the harness moves. Builds the fake library first if needed.
 */
export function nativeFakeHarness(options: NativeFakeHarnessOptions): ConformanceHarness {
  const backend = options.backend;
  // Every backend of the conformance table must be one the binding can start.
  const bindingBackend: SteamBackend = backend;
  const stepMs = checkMs('stepMs', options.stepMs ?? 5);
  const deliveryMs = checkMs('deliveryMs', options.deliveryMs ?? 15);
  const testTimeoutMs = checkMs('testTimeoutMs', options.testTimeoutMs ?? 20_000);

  async function setup({ peers: count }: ConformanceWorldOptions): Promise<ConformanceWorld> {
    const world = await openNativeWorld({ name: 'native', peers: count, clock: true }, (place) =>
      createNativeFakePeer({ ...place, backend: bindingBackend, steamId: allocateSteamId() }),
    );
    const { sessions, teardown } = world;
    const clock = world.clock!;
    const gone = new Set<number>();
    const peers: readonly P2PNetworking[] = sessions.map((s) => s.networking);
    // Reading the state of a session nobody has makes the fake poll its socket and run its timers
    // without consuming packets or emitting events (the suite calls runCallbacks itself). The Sockets
    // backend answers that from JavaScript, so there the relay status (a Steam call) does it.
    const pumpId = allocateSteamId();
    const pumpAll = (): void => {
      sessions.forEach((session, index) => {
        if (gone.has(index)) return;
        if (bindingBackend === 'sockets') session.utils.getRelayNetworkStatus();
        else session.networking.getP2PSessionState(pumpId);
      });
    };
    return {
      peers,
      absentPeerId: allocateSteamId(),
      deliveryMs,
      async advance(ms: number): Promise<void> {
        // What this JavaScript turn queued (the Sockets backend flushes at the turn's end) goes out
        // before time moves, as it would before any real time passed.
        peers.forEach((peer, index) => {
          if (!gone.has(index)) peer.flushP2PPackets?.();
        });
        let left = Math.max(0, ms);
        // A long wait (the suite's coarse steps) moves in up to 50 steps: the fake's timers are far
        // longer than that, and a slow host (Windows Node under Wine) still runs minutes of Steam time.
        const size = Math.max(stepMs, Math.floor(ms / 50));
        for (let steps = 1; left > 0; steps++) {
          const step = Math.min(size, left);
          clock.advance(step);
          left -= step;
          pumpAll();
          if (steps % STEPS_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      },
      async removePeer(index: number): Promise<void> {
        const session = sessions[index];
        if (session === undefined)
          throw new InvalidNativeFakeOptionError('index', 'a peer of this world', index);
        gone.add(index);
        session.shutdown(); // its socket closes without a word to anyone: a crash
      },
      teardown,
    };
  }

  return { name: `koffi binding over native fake (${backend})`, backend, setup, testTimeoutMs };
}
