import pg from 'pg';
import type { Logger } from '@xport/provider-sdk';

/** What logs and error messages may say about the database: never the user's password or the full string. */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  /** `host:port/database schema "name"`, for messages. */
  readonly label: string;
}

export interface PoolSettings {
  readonly connectionString: string;
  readonly schema: string;
  readonly poolSize: number;
  readonly connectionTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly applicationName: string;
}

export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,47}$/;

/** Host, port and database of a connection string; whatever cannot be parsed is shown as `?`. */
export function describeTarget(connectionString: string, schema: string): DatabaseTarget {
  let host = '?';
  let port = '5432';
  let database = '?';
  try {
    const url = new URL(connectionString);
    host = url.hostname || (url.searchParams.get('host') ?? '?');
    port = url.port || '5432';
    database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '?';
  } catch {
    // A libpq key=value string: the label stays vague rather than risk echoing a password.
  }
  return { host, port, database, label: `postgres store ${host}:${port}/${database} schema "${schema}"` };
}

// BIGINT (int8) columns hold epoch milliseconds and sizes, all well inside Number's exact range.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// The hot statements are named prepared statements written to plan well generically (see
// queryPrepared): without this the server re-plans the claim, whose planning costs more than its
// run, for as long as a custom plan looks cheaper than the generic one. Session-only.
const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/**
 * Session options for the server: ours, then any the connection string carries (`?options=...`),
 * so a setting of the user's (even plan_cache_mode) wins. The driver would otherwise let the
 * connection string's `options` replace ours, so it is taken out of the string and sent here.
 */
export function sessionOptions(connectionString: string): { connectionString: string; options: string } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: GENERIC_PLANS }; // not a URL: the driver reads no options from it
  }
  const given = url.searchParams.get('options');
  if (given === null) return { connectionString, options: GENERIC_PLANS };
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: given.trim() === '' ? GENERIC_PLANS : `${GENERIC_PLANS} ${given}` };
}

/**
 * Connection settings for the pool and the LISTEN client. Every wait is bounded: connecting
 * (`connectionTimeoutMillis`), a query on the client side (`query_timeout`) and on the server
 * (`statement_timeout`), so an outage turns into an error instead of a hang.
 */
export function clientConfig(settings: PoolSettings): pg.ClientConfig {
  const session = sessionOptions(settings.connectionString);
  return {
    connectionString: session.connectionString,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    query_timeout: settings.queryTimeoutMs,
    statement_timeout: settings.queryTimeoutMs,
    // A lock held by a dead peer's transaction must not stall this process for longer than a query may take.
    lock_timeout: settings.queryTimeoutMs,
    idle_in_transaction_session_timeout: settings.queryTimeoutMs * 2,
    application_name: settings.applicationName,
    options: session.options,
    keepAlive: true,
    types,
  };
}

export function createPool(settings: PoolSettings, target: DatabaseTarget, logger: Logger | undefined): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(settings), max: settings.poolSize, idleTimeoutMillis: 30_000 });
  // An idle connection that dies (server restart, pg_terminate_backend) must not crash the process:
  // the pool drops it and the next query opens a new one.
  pool.on('error', (error) => {
    logger?.warn(`${target.label}: an idle connection was lost (${error.message}); the pool will reconnect`, {
      host: target.host,
      database: target.database,
    });
  });
  return pool;
}
