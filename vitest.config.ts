import { defineConfig } from 'vitest/config';

// Test files that need PostgreSQL. They form a project of their own, whose global setup finds or
// starts a server (test/support/postgres/test-postgres.mjs) and hands its URL to them through
// packages/store-postgres/test/test-database.ts. Vitest runs a project's global setup only when the
// run has files of that project, so a run without PostgreSQL tests starts no server.
const NEED_POSTGRES = [
  'packages/store-postgres/test/**/*.test.ts',
  'test/e2e/postgres-*.test.ts',
  'test/faults/postgres-*.short.test.ts',
  'test/support/postgres/test-postgres.test.ts',
];

export default defineConfig({
  test: {
    // Both projects inherit every option below. (Options given on the command line reach projects
    // only in part: vitest passes --exclude, for one, to neither.)
    projects: [
      { extends: true, test: { name: 'postgres', include: NEED_POSTGRES, globalSetup: ['./test/support/postgres/global-setup.ts'] } },
      {
        extends: true,
        test: {
          name: 'main',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: NEED_POSTGRES,
        },
      },
    ],
    // test/faults: only the short scenarios (*.short.test.ts) run here; `pnpm test:faults` runs the long ones.
    exclude: ['**/node_modules/**', '**/dist/**', 'test/faults/!(*.short).test.ts'],
    // Kernels a test creates without a logger of its own log nothing (their default logger's level);
    // a test that reads the default logger sets XPORT_LOG_LEVEL for the process it starts.
    env: { XPORT_LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Known secrets in every worker, every output recorded, and a check that none of them leaked.
    setupFiles: ['./test/support/leak-check.setup.ts'],
  },
});
