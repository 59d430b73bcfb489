/**
 * Checking a library file before the operating system loads it. The loader maps a library's segments
 * straight from the file, so a truncated copy (an interrupted download or copy) does not fail to load:
 * it crashes the process (SIGBUS) on first touch of a page past the end. This reads the headers of the
 * platform's format — ELF (Linux), PE (Windows), Mach-O (macOS, also universal) — and checks that the
 * file is a library of this platform and architecture and that everything the headers place in the
 * file lies inside it. Pure file reading: nothing here loads native code.
 * @packageDocumentation
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** What is wrong with a library file, or nothing. */
export type LibraryFileProblem =
  /** The file is not a shared library of any format this checks, or of the wrong kind (an executable). */
  | { kind: 'not-a-library'; detail: string }
  /** A library, but for another operating system or CPU than the running process. */
  | { kind: 'wrong-platform'; detail: string }
  /** The headers place data past the end of the file. */
  | { kind: 'truncated'; detail: string };

/** The platform a library must be for (default: the running process). */
export interface LibraryTarget {
  platform: NodeJS.Platform;
  arch: string;
}

type Format = 'ELF' | 'PE' | 'Mach-O';
const FORMAT_OF: Partial<Record<NodeJS.Platform, Format>> = {
  linux: 'ELF',
  freebsd: 'ELF',
  win32: 'PE',
  darwin: 'Mach-O',
};
const ELF_MACHINE: Record<string, number> = { x64: 62, ia32: 3, arm64: 183, arm: 40 };
const PE_MACHINE: Record<string, number> = { x64: 0x8664, ia32: 0x14c, arm64: 0xaa64 };
const MACHO_CPU: Record<string, number> = { x64: 0x01000007, arm64: 0x0100000c, ia32: 7 };

/** Random access to the file, bounds-checked: reading past the end is itself a truncation. */
class FileReader {
  readonly size: number;
  private readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }
  /** `length` bytes at `offset`, or null when they are not all in the file. */
  bytes(offset: number, length: number): Buffer | null {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.size) return null;
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, offset + done);
      if (n <= 0) return null;
      done += n;
    }
    return buffer;
  }
}

class Truncated extends Error {}

/** Throws {@link Truncated} unless [offset, offset + length) lies inside the file. */
function within(file: FileReader, offset: number | bigint, length: number | bigint, what: string): void {
  const end = BigInt(offset) + BigInt(length);
  if (end > BigInt(file.size)) throw new Truncated(`${what} ends at byte ${end}`);
}

function formatOf(head: Buffer): Format | null {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return 'ELF';
  if (head.length >= 2 && head.toString('latin1', 0, 2) === 'MZ') return 'PE';
  if (head.length >= 4) {
    const le = head.readUInt32LE(0);
    const be = head.readUInt32BE(0);
    if (le === 0xfeedfacf || le === 0xfeedface || be === 0xcafebabe) return 'Mach-O';
  }
  return null;
}

function checkElf(file: FileReader, target: LibraryTarget): LibraryFileProblem | null {
  const head = file.bytes(0, Math.min(64, file.size))!;
  const is64 = head[4] === 2;
  if (head.length < (is64 ? 64 : 52)) throw new Truncated('the ELF header is incomplete');
  if (head[5] !== 1) return { kind: 'wrong-platform', detail: 'a big-endian ELF file' };
  const type = head.readUInt16LE(16);
  const machine = head.readUInt16LE(18);
  if (type !== 3)
    return { kind: 'not-a-library', detail: `an ELF file of type ${type}, not a shared object` };
  if (machine !== ELF_MACHINE[target.arch] || is64 !== (target.arch === 'x64' || target.arch === 'arm64')) {
    return {
      kind: 'wrong-platform',
      detail: `an ELF shared object for machine ${machine}, ${is64 ? 64 : 32}-bit`,
    };
  }
  // Elf64_Ehdr / Elf32_Ehdr and Elf64_Phdr / Elf32_Phdr field offsets.
  const word = (at: number): bigint => (is64 ? head.readBigUInt64LE(at) : BigInt(head.readUInt32LE(at)));
  const phoff = Number(word(is64 ? 32 : 28));
  const shoff = word(is64 ? 40 : 32);
  const [phentsize, phnum, shentsize, shnum] = (is64 ? [54, 56, 58, 60] : [42, 44, 46, 48]).map((at) =>
    head.readUInt16LE(at),
  ) as [number, number, number, number];
  within(file, phoff, phentsize * phnum, 'the program header table');
  for (let i = 0; i < phnum; i++) {
    const ph = file.bytes(phoff + i * phentsize, is64 ? 56 : 32)!;
    const offset = is64 ? ph.readBigUInt64LE(8) : ph.readUInt32LE(4);
    const size = is64 ? ph.readBigUInt64LE(32) : ph.readUInt32LE(16);
    // PT_LOAD: the loader maps [p_offset, p_offset + p_filesz) from the file.
    if (ph.readUInt32LE(0) === 1) within(file, offset, size, `the loadable segment of program header ${i}`);
  }
  if (shnum > 0) within(file, shoff, shentsize * shnum, 'the section header table');
  return null;
}

function checkPe(file: FileReader, target: LibraryTarget): LibraryFileProblem | null {
  const dos = file.bytes(0, 64);
  if (dos === null) throw new Truncated('the DOS header is incomplete');
  const pe = dos.readUInt32LE(0x3c);
  const coff = file.bytes(pe, 24);
  if (coff === null) throw new Truncated('the PE header is incomplete');
  if (coff.toString('latin1', 0, 4) !== 'PE\0\0')
    return { kind: 'not-a-library', detail: 'a DOS program, not a PE file' };
  const machine = coff.readUInt16LE(4);
  const sections = coff.readUInt16LE(6);
  const optionalSize = coff.readUInt16LE(20);
  if ((coff.readUInt16LE(22) & 0x2000) === 0)
    return { kind: 'not-a-library', detail: 'a Windows program, not a DLL' };
  if (machine !== PE_MACHINE[target.arch]) {
    return { kind: 'wrong-platform', detail: `a Windows DLL for machine 0x${machine.toString(16)}` };
  }
  const optional = file.bytes(pe + 24, optionalSize);
  if (optional === null) throw new Truncated('the optional header is incomplete');
  const table = pe + 24 + optionalSize;
  within(file, table, 40 * sections, 'the section table');
  for (let i = 0; i < sections; i++) {
    const s = file.bytes(table + 40 * i, 40)!;
    const rawSize = s.readUInt32LE(16);
    if (rawSize > 0)
      within(file, s.readUInt32LE(20), rawSize, `section ${s.toString('latin1', 0, 8).replace(/\0+$/, '')}`);
  }
  // The signature (certificate table, data directory 4) is addressed by file offset and comes last.
  const directories = optional.readUInt16LE(0) === 0x20b ? 112 : 96;
  if (optionalSize >= directories + 5 * 8) {
    const at = optional.readUInt32LE(directories + 32);
    const size = optional.readUInt32LE(directories + 36);
    if (size > 0) within(file, at, size, 'the certificate table');
  }
  return null;
}

/** Checks one Mach-O image starting at `base` (the whole file, or a slice of a universal file). */
function checkMachImage(
  file: FileReader,
  base: number,
  end: number,
  target: LibraryTarget,
): LibraryFileProblem | null {
  const header = file.bytes(base, 32);
  if (header === null) throw new Truncated('the Mach-O header is incomplete');
  const is64 = header.readUInt32LE(0) === 0xfeedfacf;
  const cpu = header.readUInt32LE(4);
  if (header.readUInt32LE(12) !== 6)
    return { kind: 'not-a-library', detail: 'a Mach-O file that is not a dylib' };
  if (cpu !== MACHO_CPU[target.arch])
    return { kind: 'wrong-platform', detail: `a Mach-O dylib for CPU type ${cpu}` };
  const count = header.readUInt32LE(16);
  let at = base + (is64 ? 32 : 28);
  within(file, at, header.readUInt32LE(20), 'the load commands');
  for (let i = 0; i < count; i++) {
    const command = file.bytes(at, 8);
    if (command === null) throw new Truncated('the load commands are incomplete');
    const [cmd, size] = [command.readUInt32LE(0), command.readUInt32LE(4)];
    if (cmd === 0x19 || cmd === 0x1) {
      const segment = file.bytes(at, is64 ? 56 : 48);
      if (segment === null) throw new Truncated('a segment command is incomplete');
      const offset = is64 ? segment.readBigUInt64LE(40) : BigInt(segment.readUInt32LE(32));
      const length = is64 ? segment.readBigUInt64LE(48) : BigInt(segment.readUInt32LE(36));
      const name = segment.toString('latin1', 8, 24).replace(/\0+$/, '');
      if (BigInt(base) + offset + length > BigInt(end))
        throw new Truncated(`segment ${name} ends past the image`);
    }
    if (size < 8) return { kind: 'not-a-library', detail: 'a Mach-O file with a malformed load command' };
    at += size;
  }
  return null;
}

function checkMachO(file: FileReader, target: LibraryTarget): LibraryFileProblem | null {
  const head = file.bytes(0, 8)!;
  if (head.readUInt32BE(0) !== 0xcafebabe) return checkMachImage(file, 0, file.size, target);
  // Universal: every slice must be in the file, and one must be for this CPU.
  const count = head.readUInt32BE(4);
  within(file, 8, 20 * count, 'the universal header');
  let mine: [number, number] | null = null;
  for (let i = 0; i < count; i++) {
    const arch = file.bytes(8 + 20 * i, 20)!;
    const [cpu, offset, size] = [arch.readUInt32BE(0), arch.readUInt32BE(8), arch.readUInt32BE(12)];
    within(file, offset, size, `the slice for CPU type ${cpu}`);
    if (cpu === MACHO_CPU[target.arch]) mine = [offset, offset + size];
  }
  if (mine === null)
    return { kind: 'wrong-platform', detail: `a universal Mach-O file without a ${target.arch} slice` };
  return checkMachImage(file, mine[0], mine[1], target);
}

/**
 * Checks that `path` is a complete shared library for `target` (default: this process). Returns the
 * problem, or null when the file is fit to be loaded.
 * @throws the file system's error when the file cannot be opened or read.
 */
export function checkLibraryFile(
  path: string,
  target: LibraryTarget = { platform: process.platform, arch: process.arch },
): LibraryFileProblem | null {
  const fd = openSync(path, 'r');
  try {
    const file = new FileReader(fd);
    const head = file.bytes(0, Math.min(8, file.size)) ?? Buffer.alloc(0);
    const format = formatOf(head);
    const expected = FORMAT_OF[target.platform];
    if (format === null) {
      return head.length < 4 && file.size < 4
        ? { kind: 'truncated', detail: `only ${file.size} bytes` }
        : { kind: 'not-a-library', detail: 'no ELF, PE or Mach-O header' };
    }
    if (expected !== undefined && format !== expected) {
      return {
        kind: 'wrong-platform',
        detail: `a ${format} file, while ${target.platform} loads ${expected} libraries`,
      };
    }
    try {
      if (format === 'ELF') return checkElf(file, target);
      if (format === 'PE') return checkPe(file, target);
      return checkMachO(file, target);
    } catch (err) {
      if (err instanceof Truncated)
        return { kind: 'truncated', detail: `${err.message}, past the end of the ${file.size}-byte file` };
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

/** The problem as the end of a sentence about the file, telling the user what to do. */
export function describeLibraryProblem(problem: LibraryFileProblem, target: LibraryTarget): string {
  switch (problem.kind) {
    case 'truncated':
      return `is truncated (${problem.detail}): it was cut short while being copied or downloaded, so copy it again from the Steamworks SDK`;
    case 'wrong-platform':
      return `is not a library for this platform (${problem.detail}; this process is ${target.platform}-${target.arch}): use the Steamworks SDK's redistributable for this platform`;
    default:
      return `is not a shared library (${problem.detail}): point to Valve's libsteam_api from the Steamworks SDK`;
  }
}
