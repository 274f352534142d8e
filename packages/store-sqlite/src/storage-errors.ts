import { XportError } from '@xport/provider-sdk';
import { diagnoseStorage, type StorageDiagnosis } from './storage-diagnosis.js';

// Codes that say the storage cannot take the write now, as opposed to a bug in a statement.
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOTADB|CORRUPT|PERM|NOMEM|PROTOCOL|AUTH)/;
// SQLite's own "no room" and "may not write": always the store being full or read-only.
const NO_ROOM = /^SQLITE_(FULL|READONLY|PERM)/;
// I/O errors: "cannot write" or a failing device; the filesystem, looked at when one happens, tells which.
const IO_FAILURE = /^SQLITE_(IOERR|CANTOPEN)/;
// The same refusals from Node (creating the directory or the file) and what the probe of the filesystem finds.
const NO_ROOM_ERRNO = /^(ENOSPC|EDQUOT|EROFS|EPERM|EACCES)$/;

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

export function isStorageFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (STORAGE_FAILURE.test(code) || NO_ROOM_ERRNO.test(code));
}

// One look at the filesystem per failure, however many jobs of a batch it fails.
const diagnoses = new WeakMap<object, StorageDiagnosis | null>();

function diagnosisFor(path: string, cause: unknown): StorageDiagnosis | undefined {
  if (typeof cause !== 'object' || cause === null) return diagnoseStorage(path);
  let found = diagnoses.get(cause);
  if (found === undefined) diagnoses.set(cause, (found = diagnoseStorage(path) ?? null));
  return found ?? undefined;
}

/**
 * The xport error for a storage failure: `XPORT_STORE_FULL` when the store has no room or may not be
 * written (SQLite FULL/READONLY/PERM, an ENOSPC/EDQUOT/EROFS/EPERM/EACCES from Node, or an I/O error
 * the filesystem explains that way), `XPORT_STORE_UNAVAILABLE` otherwise (locked, a failing device).
 * The message names the database, the action, SQLite's reason and what the filesystem showed.
 */
export function toStorageError(path: string, action: string, cause: unknown): XportError {
  const code = codeOf(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const said = `sqlite store ${path}: cannot ${action}: ${reason}${code !== undefined && !reason.includes(code) ? ` (${code})` : ''}`;
  const looked = code !== undefined && (NO_ROOM.test(code) || IO_FAILURE.test(code) || NO_ROOM_ERRNO.test(code)) ? diagnosisFor(path, cause) : undefined;
  const full = (code !== undefined && (NO_ROOM.test(code) || NO_ROOM_ERRNO.test(code))) || looked !== undefined;
  if (!full) return new XportError('XPORT_STORE_UNAVAILABLE', said, { cause, details: { path, action, sqliteCode: code } });
  return storeFull(path, action, looked === undefined ? said : `${said}; ${looked.explanation}`, looked, cause, code);
}

/** `XPORT_STORE_FULL` for a refusal found before SQLite was asked (opening a store that may not be written). */
export function toRefusedStorage(path: string, action: string, refused: StorageDiagnosis): XportError {
  return storeFull(path, action, `sqlite store ${path}: cannot ${action}: ${refused.explanation}`, refused, undefined, undefined);
}

function storeFull(path: string, action: string, said: string, looked: StorageDiagnosis | undefined, cause: unknown, code: string | undefined): XportError {
  return new XportError('XPORT_STORE_FULL', `${said}. Writes are refused until that passes; nothing already accepted is lost`, {
    ...(cause === undefined ? {} : { cause }),
    details: { path, action, sqliteCode: code, ...(looked === undefined ? {} : { errno: looked.errno, file: looked.file }) },
  });
}

/** Keeps xport errors and statement bugs as they are; turns storage failures into `XPORT_STORE_FULL` or `XPORT_STORE_UNAVAILABLE`. */
export function toStoreError(path: string, action: string, error: unknown): unknown {
  if (XportError.is(error)) return error;
  return isStorageFailure(error) ? toStorageError(path, action, error) : error;
}
