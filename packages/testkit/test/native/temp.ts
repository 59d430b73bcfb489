/**
 * Temporary folders of the native tests. Windows cannot delete a DLL that is loaded, and the binding
 * keeps every Steam library it loaded for the life of the process, so there a folder holding library
 * copies is left behind (in the temp folder) instead of failing the test.
 */
import { rmSync } from 'node:fs';

export function removeTempDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (process.platform !== 'win32' || (code !== 'EPERM' && code !== 'EBUSY')) throw err;
  }
}
