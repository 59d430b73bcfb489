// docs/PERFORMANCE.md cannot drift from the benchmarks: every metric it names is one a bench script
// prints (their `metric:` names, templates included, are read from the sources), and its tables are
// the generated ones, covering the whole catalogue (scripts/bench-catalogue.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = readFileSync(join(root, 'docs', 'PERFORMANCE.md'), 'utf8');
const catalogue = (await import(pathToFileURL(join(root, 'scripts', 'bench-catalogue.mjs')).href)) as {
  METRICS: string[];
  FIELDS: string[];
};

/** Every bench script: packages/<name>/bench/*.mjs and examples/<name>/bench/*.mjs. */
function benchSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const group of ['packages', 'examples']) {
    for (const pkg of readdirSync(join(root, group))) {
      const dir = join(root, group, pkg, 'bench');
      let files: string[];
      try {
        files = readdirSync(dir);
      } catch {
        continue;
      }
      for (const f of files.filter((x) => x.endsWith('.mjs')))
        out.push({ file: `${group}/${pkg}/bench/${f}`, text: readFileSync(join(dir, f), 'utf8') });
    }
  }
  return out;
}

/** The metric names the sources print, as patterns: a `${…}` in a template literal matches any word. */
function printedPatterns(): RegExp[] {
  const patterns: RegExp[] = [];
  for (const { text } of benchSources()) {
    for (const m of text.matchAll(/metric:\s*(['`])([^'`]+)\1/g)) {
      const source = m[2]!
        .split(/\$\{[^}]*\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[a-z0-9]+');
      patterns.push(new RegExp(`^${source}$`));
    }
  }
  return patterns;
}

/** Snake_case names in backticks in the docs: metric names, globs of them (`*`, `{a,b}`), or fields. */
function namesInDocs(): string[] {
  const names = new Set<string>();
  for (const m of docs.matchAll(/`([a-z][a-z0-9]*(?:_[a-z0-9*{},]+)+)`/g)) names.add(m[1]!);
  return [...names];
}

/** `host_tick_ms_{8,64}_*` → a RegExp over metric names. */
function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{([^}]*)\}/g, (_, alts: string) => `(?:${alts.split(',').join('|')})`)
    .replace(/\*/g, '[a-z0-9_]+');
  return new RegExp(`^${source}$`);
}

describe('docs/PERFORMANCE.md against the benchmarks', () => {
  it('lists in its catalogue only metrics a bench script prints', () => {
    const patterns = printedPatterns();
    expect(patterns.length).toBeGreaterThan(10);
    const unprinted = catalogue.METRICS.filter((name) => !patterns.some((p) => p.test(name)));
    expect(unprinted).toEqual([]);
  });

  it('has a catalogue entry for every metric name a bench script prints', () => {
    const orphans = printedPatterns().filter((p) => !catalogue.METRICS.some((name) => p.test(name)));
    expect(orphans.map(String)).toEqual([]);
  });

  it('names only metrics the benches print (or fields of their lines)', () => {
    const names = namesInDocs();
    expect(names.length).toBeGreaterThan(10);
    const unknown = names.filter((name) => {
      if (catalogue.FIELDS.includes(name)) return false;
      if (/[*{]/.test(name)) return !catalogue.METRICS.some((m) => globToRegExp(name).test(m));
      return !catalogue.METRICS.includes(name);
    });
    expect(unknown).toEqual([]);
  });

  it('carries generated tables that cover the whole catalogue', () => {
    const begin = docs.indexOf('<!-- bench:begin');
    const end = docs.indexOf('<!-- bench:end -->');
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(begin);
    const generated = docs.slice(begin, end);
    expect(generated).toMatch(/commit `[0-9a-f]{7,}`/);
    expect(generated).toMatch(/Machine: .+ cores, Node v\d+/);
    const missing = catalogue.METRICS.filter((name) => !generated.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
