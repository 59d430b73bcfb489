// The project's Markdown links, checked as a reader follows them: a relative link must name a file
// or folder that exists (a README linked from another, a source file in a table).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every tracked-looking Markdown file: the root, docs/, and each workspace package's folder. */
function markdownFiles(): string[] {
  const skip = new Set(['node_modules', 'dist', 'build', 'reports', '.turbo', 'api']);
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || skip.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 3) walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk(root, 0);
  return found;
}

describe('documentation links', () => {
  it('every relative link in the Markdown files points at something that exists', () => {
    const files = markdownFiles();
    expect(files.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['README.md', 'examples/arena/README.md', 'packages/transport-steam/README.md']),
    );
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
        const path = target!.split('#')[0]!;
        if (!existsSync(join(dirname(file), decodeURIComponent(path))))
          broken.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
