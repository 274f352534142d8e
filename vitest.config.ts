import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // test/faults: only the short scenarios (*.short.test.ts) run here; `pnpm test:faults` runs the long ones.
    exclude: ['**/node_modules/**', '**/dist/**', 'test/faults/!(*.short).test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Known secrets in every worker, every output recorded, and a check that none of them leaked.
    setupFiles: ['./test/support/leak-check.setup.ts'],
  },
});
