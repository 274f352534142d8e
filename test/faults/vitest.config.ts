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
    // In-process kernels without a logger of their own stay quiet; the figures are what is printed.
    env: { XPORT_LOG_LEVEL: 'silent' },
    // A scenario that needs PostgreSQL takes its URL from packages/store-postgres/test/test-database.ts.
    // No projects here, unlike the root config (vitest would not pass them the --exclude above), so
    // every run of this config finds or starts a server: seconds, beside scenarios of minutes. The
    // short version of such a scenario is named postgres-*.short.test.ts for the root config.
    globalSetup: ['./test/support/postgres/global-setup.ts'],
  },
});
