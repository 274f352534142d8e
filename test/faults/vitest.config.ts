import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fault suite, one file at a time so the figures are not skewed by another scenario sharing the
// CPU. `pnpm test:faults` runs the long versions (it passes --exclude '*.short.test.ts'); a single
// file, short or long, runs with `pnpm exec vitest run --config test/faults/vitest.config.ts <file>`.
// The short versions also run inside `pnpm test` through the root vitest.config.ts.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/faults/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
