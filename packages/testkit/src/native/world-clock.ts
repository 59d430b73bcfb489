/**
 * A world's clock for native fake peers: an 8-byte file of int64 microseconds (little-endian) that
 * every library copy of the world reads instead of real time (`STEAMWIRE_FAKE_CLOCK_FILE`), rewritten
 * in place by whoever moves it. Steam's 10 s and 20 s timeouts then take milliseconds, and a run is
 * deterministic.
 * @packageDocumentation
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';

/** The clock file of one world, and the time it holds. */
export class WorldClock {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(8);
  /** Microseconds; starts away from 0 so that "never" (0) stays distinct from "now". */
  private nowUs = 1_000_000;

  /** Creates (or overwrites) the file at `path` at the start time. */
  constructor(readonly path: string) {
    this.buffer.writeBigInt64LE(BigInt(this.nowUs));
    writeFileSync(path, this.buffer);
    this.fd = openSync(path, 'r+');
  }

  /** The world's time, ms (the same origin the fake libraries read). */
  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Moves the world's time forward by `ms`. */
  advance(ms: number): void {
    this.nowUs += Math.round(ms * 1000);
    this.buffer.writeBigInt64LE(BigInt(this.nowUs));
    writeSync(this.fd, this.buffer, 0, 8, 0);
  }

  /** Closes the file (the libraries keep reading its last time). */
  close(): void {
    closeSync(this.fd);
  }
}
