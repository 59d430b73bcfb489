/**
 * The function names a shared library exports: `nm` for ELF (Linux) and Mach-O (macOS); on Windows,
 * where there is no `nm`, the PE export table is read directly.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function exportedSymbols(path: string): string[] {
  if (process.platform === 'win32') return peExports(readFileSync(path));
  const args = process.platform === 'darwin' ? ['-gU', path] : ['-D', '--defined-only', path];
  const run = spawnSync('nm', args, { encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run nm (${run.error.message}): install binutils`);
  if (run.status !== 0) throw new Error(`nm failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[2])
    .filter((name): name is string => name !== undefined && name !== '')
    .map((name) => (process.platform === 'darwin' ? name.replace(/^_/, '') : name));
}

/** Names in a PE32+ file's export directory (IMAGE_EXPORT_DIRECTORY.AddressOfNames). */
function peExports(file: Buffer): string[] {
  const pe = file.readUInt32LE(0x3c);
  if (file.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE file');
  const coff = pe + 4;
  const sectionCount = file.readUInt16LE(coff + 2);
  const optional = coff + 20;
  if (file.readUInt16LE(optional) !== 0x20b) throw new Error('not a 64-bit PE file');
  const exportRva = file.readUInt32LE(optional + 112);
  const sections = optional + file.readUInt16LE(coff + 16);
  const offsetOf = (rva: number): number => {
    for (let i = 0; i < sectionCount; i++) {
      const s = sections + 40 * i;
      const va = file.readUInt32LE(s + 12);
      const size = Math.max(file.readUInt32LE(s + 8), file.readUInt32LE(s + 16));
      if (rva >= va && rva < va + size) return rva - va + file.readUInt32LE(s + 20);
    }
    throw new Error(`RVA ${rva} is in no section`);
  };
  if (exportRva === 0) return [];
  const dir = offsetOf(exportRva);
  const count = file.readUInt32LE(dir + 24);
  const names = offsetOf(file.readUInt32LE(dir + 32));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = offsetOf(file.readUInt32LE(names + 4 * i));
    out.push(file.toString('latin1', at, file.indexOf(0, at)));
  }
  return out;
}
