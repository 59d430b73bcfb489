/**
 * Where received bytes go. Allocating a fresh `ArrayBuffer` per packet costs more than the FFI calls
 * around it, so small packets are carved out of shared 64 KiB slabs (as Node's `Buffer` pool does):
 * each returned packet is a view of a slab, and a new slab is allocated only when one is used up.
 * A packet kept alive keeps its slab alive; `.slice()` it to keep it for long.
 * @packageDocumentation
 */
import type { NativePointer } from './flat.js';
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

/** Copies `n` bytes from native memory at `src` into `dest`. */
export type NativeCopy = (dest: Uint8Array, src: NativePointer, n: number) => void;

let copier: NativeCopy | null | undefined;

/**
 * libc's `memcpy` from the running process, or `null` where it is not reachable that way (Windows).
 * Copying into a slab with it is several times cheaper than `koffi.decode`, which allocates.
 */
export function nativeCopy(koffi: Koffi): NativeCopy | null {
  if (copier !== undefined) return copier;
  copier = null;
  if (process.platform !== 'win32') {
    try {
      const memcpy = koffi
        .load(null as unknown as string)
        .func('void *memcpy(void *dest, uint64_t src, size_t n)');
      copier = (dest, src, n) => {
        memcpy(dest, src, n);
      };
    } catch {
      copier = null;
    }
  }
  return copier;
}
