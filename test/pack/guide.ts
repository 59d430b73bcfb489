/**
 * Reads docs/GUIDE.md as a script: its fenced blocks, in order, become steps. A block's info string
 * says what to do with it:
 * - ```` ```ts file=src/x.ts ```` (any language): write the block to that file, relative to the shell's
 *   current folder; the info string is invisible on a rendered page, so the line above the block must
 *   show the name as ``**`src/x.ts`**``;
 * - ```` ```sh ````: run it with bash (`-e`: every line must succeed) in the current folder; a `cd` in it
 *   carries over to the next steps, as in a terminal; `prints="text"`: its output must contain the text;
 * - ```` ```sh fails=TEXT ````: it must fail, and its output must contain TEXT (a program that needs Steam);
 * - any other block (```` ```text ````) is prose.
 */
import { readFileSync } from 'node:fs';

/** One step of the guide. */
export type GuideStep =
  | { kind: 'file'; line: number; path: string; text: string }
  | { kind: 'shell'; line: number; script: string; prints?: string; fails?: string };

/** `key=value` and `key="value with spaces"` pairs of an info string (after the language). */
function attributes(info: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of info.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) {
    found[match[1]!] = match[2] ?? match[3]!;
  }
  return found;
}

/** The steps of the markdown file at `path`, in order. */
export function readGuide(path: string): GuideStep[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const steps: GuideStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end === lines.length) throw new Error(`${path}:${start}: the block opened here is never closed`);
    const body = lines.slice(start, end).join('\n');
    const language = open[1]!;
    const attrs = attributes(open[2]!);
    if (attrs.file !== undefined) {
      const caption = `**\`${attrs.file}\`**`;
      if (lines[i - 2] !== caption) {
        throw new Error(`${path}:${start}: the block of ${attrs.file} needs the line ${caption} above it`);
      }
      steps.push({ kind: 'file', line: start, path: attrs.file, text: `${body}\n` });
    } else if (language === 'sh') {
      steps.push({ kind: 'shell', line: start, script: body, prints: attrs.prints, fails: attrs.fails });
    }
    i = end;
  }
  return steps;
}
