// The pack test: a root-level vitest run of its own (scripts/test.mjs runs it after the packages'
// tests), with none of the packages' source aliases: it must see only what `npm pack` ships.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
