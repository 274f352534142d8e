// Vitest global setup of the root config's `postgres` project and of the fault suite's config: runs
// once per run, in vitest's main process, before the first test file; finds or starts the run's
// PostgreSQL (test-postgres.mjs), hands its URL to the tests, and releases the server at the end.
import type { TestProject } from 'vitest/node';
import { findOrStartTestPostgres } from './test-postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the run's PostgreSQL (packages/store-postgres/test/test-database.ts reads it). */
    xportTestPgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[postgres] ${line}`);
  const server = await findOrStartTestPostgres({ log });
  log(`tests use ${server.description}`);
  project.provide('xportTestPgUrl', server.url);
  return () => server.release();
}
