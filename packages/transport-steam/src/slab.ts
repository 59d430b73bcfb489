/**
 * Where received bytes go. Allocating a fresh `ArrayBuffer` per packet costs more than the FFI calls
 * around it, so small packets are carved out of shared 64 KiB slabs (as Node's `Buffer` pool does):
 * each returned packet is a view of a slab, and a new slab is allocated only when one is used up.
 * A packet kept alive keeps its slab alive; `.slice()` it to keep it for long.
 * Also here: the {@link NativeScratch}, where native bytes are staged on their way into a slab.
 * @packageDocumentation
 */
import type { Koffi } from './koffi.js';

const SLAB_BYTES = 64 * 1024;
/** Larger packets get their own buffer, so one big packet never wastes most of a slab. */
export const SLAB_MAX_PACKET = SLAB_BYTES / 4;

/** Hands out views of shared slabs. */
export class ByteSlab {
  private slab = new Uint8Array(SLAB_BYTES);
  private offset = 0;

  /** A view of `n` writable bytes (`n` ≤ {@link SLAB_MAX_PACKET}); nobody else will be given them. */
  take(n: number): Uint8Array {
    if (this.offset + n > SLAB_BYTES) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.offset = 0;
    }
    const view = this.slab.subarray(this.offset, this.offset + n);
    // 8-byte steps keep every packet's start aligned, which memcpy likes.
    this.offset += (n + 7) & ~7;
    return view;
  }

  /**
   * Shortens the view most recently returned by {@link take} to `used` bytes, giving the rest back.
   * Returns the view to hand out.
   */
  trimLast(view: Uint8Array, used: number): Uint8Array {
    if (used === view.byteLength) return view;
    if (view.buffer === this.slab.buffer) this.offset = view.byteOffset + ((used + 7) & ~7);
    return view.subarray(0, used);
  }
}

/**
 * Native memory staged for a JS read: one region, allocated once with libc `malloc` and kept (with its
 * view) for the life of the process. Why: a koffi call whose arguments are all integers costs about
 * half as much as one that takes a typed array (koffi must pin and check the array), and
 * `koffi.view` costs microseconds per call, so it is made once here and never per packet. Bytes are
 * copied in with {@link copy} (integer-only memcpy) and read out through {@link bytes}/{@link words}.
 * Use it only within one synchronous call: the region is shared by every user in this thread.
 */
export interface NativeScratch {
  /** The region's native address (a safe integer; 16-byte aligned, as malloc returns it). */
  readonly address: number;
  /** The region, as bytes. */
  readonly bytes: Uint8Array;
  /** The same memory as native-endian uint32 words (every Steam platform is little-endian). */
  readonly words: Uint32Array;
  /** `memcpy(dest, src, n)` between plain native addresses (safe integers). */
  readonly copy: (dest: number, src: number, n: number) => void;
}

/** Bytes in the {@link NativeScratch} region: room for a message head, then a staging area as large as the biggest slab packet. */
export const SCRATCH_BYTES = 64 + SLAB_MAX_PACKET;

let scratch: NativeScratch | null | undefined;

/**
 * The C runtime that provides `memcpy` and `malloc`: the process's own symbols on Linux and macOS
 * (libc is always loaded), the Universal C Runtime on Windows (Node itself is linked against it, so
 * this finds the copy already loaded).
 */
function cRuntime(koffi: Koffi): ReturnType<Koffi['load']> {
  return process.platform === 'win32' ? koffi.load('ucrtbase.dll') : koffi.load(null);
}

/**
 * The process's {@link NativeScratch}, made on first use; `null` when the C runtime's
 * `memcpy`/`malloc` cannot be reached or the region cannot be made (every reader then takes the
 * `koffi.decode` path). Never freed: it lives as long as the process (and a view over freed memory
 * would be a use-after-free).
 */
export function nativeScratch(koffi: Koffi): NativeScratch | null {
  if (scratch !== undefined) return scratch;
  scratch = null;
  try {
    const libc = cRuntime(koffi);
    // Declared with integer arguments on purpose (see above); memcpy's return value is not needed.
    const memcpy = libc.func('void memcpy(uint64_t dest, uint64_t src, size_t n)') as NativeScratch['copy'];
    const malloc = libc.func('uint64_t malloc(size_t size)') as (size: number) => number | bigint;
    const address = Number(malloc(SCRATCH_BYTES));
    if (address === 0 || !Number.isSafeInteger(address)) return scratch;
    const buffer = koffi.view(address, SCRATCH_BYTES);
    scratch = Object.freeze({
      address,
      bytes: new Uint8Array(buffer),
      words: new Uint32Array(buffer),
      // The koffi function itself, not a wrapper: one call less per copy before the JIT inlines it.
      copy: memcpy,
    });
  } catch {
    scratch = null;
  }
  return scratch;
}
