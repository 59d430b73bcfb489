// docs/ARCHITECTURE.md names files; these tests fail when one of them is renamed or removed, and when
// a file of rpc's src is missing from it, so the picture stays the code's.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(`${root}docs/ARCHITECTURE.md`, 'utf8');
/** Where a bare file name (`outbox.ts`) in the document may live. */
const sourceDirs = [
  'packages/rpc/src',
  'packages/testkit/src',
  'packages/transport-steam/src',
  'examples/arena/src',
];

const pathPattern = /(?:[\w.-]+\/)+[\w.-]+\.(?:ts|mjs|md|json|c)\b/g;
const bareNamePattern = /(?<![\w./-])[\w-]+\.(?:ts|mjs)\b/g;

describe('docs/ARCHITECTURE.md', () => {
  it('names only paths that exist', () => {
    const paths = [...new Set(doc.match(pathPattern) ?? [])];
    expect(paths.length).toBeGreaterThan(10);
    const missing = paths.filter((p) => !existsSync(`${root}${p}`));
    expect(missing, `paths named in docs/ARCHITECTURE.md that do not exist`).toEqual([]);
  });

  it('names only source files that exist in some package', () => {
    const names = [...new Set(doc.match(bareNamePattern) ?? [])];
    expect(names).toContain('outbox.ts');
    const missing = names.filter((n) => !sourceDirs.some((dir) => existsSync(`${root}${dir}/${n}`)));
    expect(missing, `file names in docs/ARCHITECTURE.md found in no package's src`).toEqual([]);
  });

  it("names every file of rpc's src", () => {
    const files = readdirSync(`${root}packages/rpc/src`).filter((f) => f.endsWith('.ts'));
    const unnamed = files.filter((f) => !new RegExp(`(?<![\\w-])${f.replace('.', '\\.')}\\b`).test(doc));
    expect(unnamed, 'files of packages/rpc/src that docs/ARCHITECTURE.md does not mention').toEqual([]);
  });
});
