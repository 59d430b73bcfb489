/**
 * Reading and writing Steam's message structs and buffers from JavaScript without a native call per
 * access. Steam hands out `SteamNetworkingMessage_t`s and their data buffers at heap addresses; a koffi
 * call costs ~100 ns, so three or four copies per message would cost more than the messages' own calls
 * (`AllocateMessage`, `Release`). Instead, {@link NativeHeap} keeps typed-array views over the 1 MiB
 * regions of address space those addresses fall in, made once per region (`koffi.view`, a few µs)
 * and reused for every later message there: Steam's allocator reuses the same few regions.
 *
 * Safety: a view only maps addresses; nothing is read or written through it except the bytes of a
 * message Steam has just given us (received and not yet released, or allocated and not yet sent),
 * which are live. Where views cannot be made (Electron's V8 memory cage refuses external buffers, or
 * `STEAMWIRE_NATIVE_VIEWS=0`), callers fall back to `koffi.decode`/`koffi.encode` per access.
 * @packageDocumentation
 */
import type { Koffi } from './koffi.js';

const REGION = 1 << 20;
const PAGE = 4096;
/** At most this many regions are viewed (64 MiB of address space); beyond, callers use the fallback. */
const MAX_REGIONS = 64;

interface Region {
  /** First viewed address (page-aligned; the region may be extended downwards). */
  readonly start: number;
  /** One past the last viewed address: the end of the 1 MiB region, or of the pages a straddling block needs. */
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
}

/** Whether views are allowed here (`STEAMWIRE_NATIVE_VIEWS=0` turns them off, for troubleshooting and tests). */
export function nativeViewsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.STEAMWIRE_NATIVE_VIEWS !== '0';
}

/** Views over the address space of Steam's messages, one per 1 MiB region in use. */
export class NativeHeap {
  /** The view {@link find} last located, and its first address. */
  bytes: Uint8Array = new Uint8Array(0);
  words: Uint32Array = new Uint32Array(0);
  /** Number of regions viewed so far (for tests and diagnostics). */
  regionCount = 0;

  private readonly koffi: Koffi;
  private readonly regions = new Map<number, Region>();
  private last: Region | null = null;
  private broken: boolean;

  constructor(koffi: Koffi, enabled: boolean = nativeViewsEnabled()) {
    this.koffi = koffi;
    this.broken = !enabled;
  }

  /** False once views proved impossible here: every {@link find} then answers -1. */
  get usable(): boolean {
    return !this.broken;
  }

  /**
   * Makes {@link bytes}/{@link words} cover `[address, address + length)` and returns the byte offset
   * of `address` in them (a multiple of 4 when `address` is), or -1 when no view can cover it (the
   * caller falls back to koffi.decode/encode).
   */
  find(address: number, length: number): number {
    let r = this.last;
    if (r === null || address < r.start || address + length > r.end) {
      r = this.regions.get(Math.floor(address / REGION)) ?? null;
      if (r === null || address < r.start || address + length > r.end) r = this.open(address, length);
      if (r === null) return -1;
      this.last = r;
      this.bytes = r.bytes;
      this.words = r.words;
    } else if (this.bytes !== r.bytes) {
      this.bytes = r.bytes;
      this.words = r.words;
    }
    return address - r.start;
  }

  /**
   * Views the region of `address`: from the page of `address` (or lower, if already viewed from lower)
   * to the region's end, or past it to the last page of a block that straddles into the next region.
   */
  private open(address: number, length: number): Region | null {
    if (this.broken || !Number.isSafeInteger(address) || address <= 0 || length > REGION) return null;
    const index = Math.floor(address / REGION);
    const old = this.regions.get(index);
    if (old === undefined && this.regions.size >= MAX_REGIONS) return null;
    const last = address + length;
    const end = Math.max((index + 1) * REGION, old?.end ?? 0, Math.ceil(last / PAGE) * PAGE);
    // Start at the page of the first address seen, so the view never begins on a page nobody mapped.
    const start = Math.min(address - (address % PAGE), old?.start ?? Number.POSITIVE_INFINITY);
    let buffer: ArrayBuffer;
    try {
      buffer = this.koffi.view(start, end - start);
    } catch {
      this.broken = true;
      return null;
    }
    const region: Region = { start, end, bytes: new Uint8Array(buffer), words: new Uint32Array(buffer) };
    this.regions.set(index, region);
    this.regionCount = this.regions.size;
    return region;
  }
}
