import { XportError } from '@xport/provider-sdk';

// Codes that say the storage cannot take the write now, as opposed to a bug in a statement.
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOTADB|CORRUPT|PERM|NOMEM|PROTOCOL|AUTH)/;

export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_FAILURE.test(code);
}

/** An `XPORT_STORE_UNAVAILABLE` error naming the database, what was being done, and SQLite's reason. */
export function toUnavailable(path: string, action: string, cause: unknown): XportError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new XportError('XPORT_STORE_UNAVAILABLE', `sqlite store ${path}: cannot ${action}: ${reason}${typeof code === 'string' ? ` (${code})` : ''}`, {
    cause,
    details: { path, action, sqliteCode: code },
  });
}

/** Keeps xport errors and statement bugs as they are; turns storage failures into `XPORT_STORE_UNAVAILABLE`. */
export function toStoreError(path: string, action: string, error: unknown): unknown {
  if (XportError.is(error)) return error;
  return isStorageFailure(error) ? toUnavailable(path, action, error) : error;
}
