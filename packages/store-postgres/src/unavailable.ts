import { XportError } from '@xport/provider-sdk';
import type { DatabaseTarget } from './connection.js';

// SQLSTATE classes and codes that mean "the database cannot serve us now", as opposed to a bug in a statement:
// 08 connection exception, 53 insufficient resources, 57P01-57P03 shutdown / cannot connect now,
// 57014 query cancelled (statement_timeout), 55P03 lock not available (lock_timeout), 40001/40P01 are retried by callers.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|57014|55P03|58)/;
const UNAVAILABLE_NODE_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED)$/;
const UNAVAILABLE_MESSAGE = /(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly|Client was closed|Cannot use a pool after calling end)/i;

// SQLSTATEs that say the server has no room or may not write: 53100 disk_full (a table, index or WAL
// file could not be extended), 25006 read_only_sql_transaction (a standby, or default_transaction_read_only).
// 53200 out_of_memory and 53300 too_many_connections stay "unavailable": the server cannot serve us
// now, which is not about room to write the store.
const FULL_SQLSTATE = /^(53100|25006)$/;

/** Whether a driver error says the database is full or read-only (`XPORT_STORE_FULL`). */
export function isStoreFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FULL_SQLSTATE.test(code);
}

export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODE.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

function passwordOf(connectionString: string): string {
  try {
    return decodeURIComponent(new URL(connectionString).password);
  } catch {
    return '';
  }
}

/** The driver's reason, without the connection string, its password, or anything shaped like `user:password@`. */
export function safeReason(error: unknown, connectionString: string): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (const secret of [connectionString, passwordOf(connectionString)]) {
    if (secret.length > 0) reason = reason.split(secret).join('[redacted]');
  }
  return reason.replace(/\/\/[^@\s/]*@/g, '//[redacted]@');
}

/** An `XPORT_STORE_UNAVAILABLE` error naming the database (host/db only), the action and the driver's reason. */
export function toUnavailable(target: DatabaseTarget, action: string, cause: unknown, secret: string): XportError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new XportError('XPORT_STORE_UNAVAILABLE', `${target.label}: cannot ${action}: ${safeReason(cause, secret)}${typeof code === 'string' ? ` (${code})` : ''}`, {
    cause,
    details: { host: target.host, port: target.port, database: target.database, action, pgCode: code },
  });
}

/** An `XPORT_STORE_FULL` error: the database (host/db only), the action, the server's reason and what to expect. */
export function toStoreFull(target: DatabaseTarget, action: string, cause: unknown, secret: string): XportError {
  const code = (cause as { code?: unknown } | null)?.code;
  const why = code === '25006' ? 'the database accepts no writes (read-only transaction: a standby, or default_transaction_read_only)' : 'the database server has no space left to write';
  return new XportError(
    'XPORT_STORE_FULL',
    `${target.label}: cannot ${action}: ${safeReason(cause, secret)} (${String(code)}); ${why}. Writes are refused until that passes; nothing already accepted is lost`,
    { cause, details: { host: target.host, port: target.port, database: target.database, action, pgCode: code } },
  );
}

/**
 * Keeps xport errors and statement bugs as they are; turns a full or read-only database into
 * `XPORT_STORE_FULL`, connection and server-availability failures into `XPORT_STORE_UNAVAILABLE`.
 */
export function toStoreError(target: DatabaseTarget, action: string, error: unknown, secret: string): unknown {
  if (XportError.is(error)) return error;
  if (isStoreFull(error)) return toStoreFull(target, action, error, secret);
  return isUnavailable(error) ? toUnavailable(target, action, error, secret) : error;
}
