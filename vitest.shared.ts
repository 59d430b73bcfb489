// Shared vitest settings: workspace packages resolve to their TypeScript sources, so tests never run
// against a stale build, and a package's tests see its dependencies' current code.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@steamwire\/transport-steam$/, replacement: pkg('transport-steam/src/index.ts') },
      { find: /^@steamwire\/transport-steam\/steam$/, replacement: pkg('transport-steam/src/steam.ts') },
      { find: /^@steamwire\/testkit$/, replacement: pkg('testkit/src/index.ts') },
      { find: /^@steamwire\/testkit\/conformance$/, replacement: pkg('testkit/src/conformance/index.ts') },
      { find: /^@steamwire\/testkit\/native$/, replacement: pkg('testkit/src/native/index.ts') },
      { find: /^@steamwire\/rpc$/, replacement: pkg('rpc/src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 10_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
