// Shared vitest settings: workspace packages resolve to their TypeScript sources, so tests never run
// against a stale build, and a package's tests see its dependencies' current code.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Type tests (`test/**/*.test-d.ts`, checked by tsc) run only in the packages that have some: vitest
// prints an "experimental feature" warning in every run that enables them. Tests run from the
// package's folder (turbo, `npx vitest run`), so that is where to look.
const testDir = join(process.cwd(), 'test');
const hasTypeTests =
  existsSync(testDir) &&
  readdirSync(testDir, { recursive: true }).some((file) => String(file).endsWith('.test-d.ts'));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@steamwire\/transport-steam$/, replacement: pkg('transport-steam/src/index.ts') },
      { find: /^@steamwire\/transport-steam\/steam$/, replacement: pkg('transport-steam/src/steam.ts') },
      { find: /^@steamwire\/testkit$/, replacement: pkg('testkit/src/index.ts') },
      { find: /^@steamwire\/testkit\/conformance$/, replacement: pkg('testkit/src/conformance/index.ts') },
      { find: /^@steamwire\/testkit\/native$/, replacement: pkg('testkit/src/native/index.ts') },
      { find: /^@steamwire\/rpc$/, replacement: pkg('rpc/src/index.ts') },
      { find: /^@steamwire\/rpc\/testing$/, replacement: pkg('rpc/src/testing.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Windows Node under Wine (npm run test:windows) starts processes and crosses into native code
    // several times slower than Linux: the same tests get a longer limit there.
    testTimeout: process.platform === 'win32' ? 30_000 : 10_000,
    typecheck: { enabled: hasTypeTests, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
