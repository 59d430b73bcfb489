/**
 * Copies of the native fake library for in-process worlds of peers, reused across worlds: each peer
 * needs a file of its own (independent globals), and a copy is free again once its session is shut
 * down (the binding keeps each loaded file, and the fake re-reads its environment at every init).
 * @packageDocumentation
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyNativeFake } from './library.js';

/**
 * Library copies, reused across worlds. A path is free once its session is shut down: the binding
 * keeps each loaded file, and the fake re-reads its environment at every init.
 */
export class LibraryPool {
  private readonly free: string[] = [];
  private dir: string | null = null;
  private count = 0;

  acquire(source: string): string {
    const hit = this.free.pop();
    if (hit !== undefined) return hit;
    if (this.dir === null) {
      const dir = mkdtempSync(join(tmpdir(), 'steamwire-native-pool-'));
      this.dir = dir;
      process.once('exit', () => {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // Windows cannot delete a loaded DLL, and the binding keeps each library loaded: the copies
          // stay in the temp folder.
        }
      });
    }
    this.count += 1;
    return copyNativeFake(join(this.dir, `peer-${this.count}`), source);
  }

  release(path: string): void {
    this.free.push(path);
  }
}

/** The pool every harness of this process shares. */
export const nativeLibraryPool = new LibraryPool();
