import type { SuppressionEntry } from '../store.js';

/**
 * A suppression list row of a relational store, in the column names the SQLite and PostgreSQL
 * stores share (table `suppressions`, primary key `address`).
 */
export interface SuppressionRecordRow {
  readonly address: string;
  readonly hard_bounces: number | string;
  readonly last_bounce_at: number | string | null;
  readonly last_code: string | null;
  readonly last_diagnostic: string | null;
  readonly manual: number | boolean;
  readonly reason: string | null;
  readonly updated_at: number | string;
}

/** The columns a suppression row is read with (`SELECT ${SUPPRESSION_COLUMNS} FROM suppressions`). */
export const SUPPRESSION_COLUMNS = 'address, hard_bounces, last_bounce_at, last_code, last_diagnostic, manual, reason, updated_at';

/**
 * The count a hard bounce writes, as a SQL expression for an upsert (`hardBounceCount` in SQL: the
 * rule is written here once for both stores). `columns` name the existing row's columns (e.g.
 * `suppressions.hard_bounces`); `countSince` is the placeholder for `HardBounce.countSince`.
 */
export function hardBounceCountSql(columns: { readonly hardBounces: string; readonly lastBounceAt: string }, countSince: string): string {
  return `CASE WHEN ${columns.lastBounceAt} IS NULL OR ${columns.lastBounceAt} < ${countSince} THEN 1 ELSE ${columns.hardBounces} + 1 END`;
}

/** A suppression row as an entry (numbers from BIGINT text, 0/1 or boolean flags). */
export function decodeSuppressionRow(row: SuppressionRecordRow): SuppressionEntry {
  const entry: { -readonly [K in keyof SuppressionEntry]: SuppressionEntry[K] } = {
    address: row.address,
    hardBounces: Number(row.hard_bounces),
    lastBounceAt: row.last_bounce_at === null ? null : Number(row.last_bounce_at),
    manual: row.manual === true || row.manual === 1,
    updatedAt: Number(row.updated_at),
  };
  if (row.last_code !== null) entry.lastError = { code: row.last_code, diagnostic: row.last_diagnostic ?? '' };
  if (row.reason !== null) entry.reason = row.reason;
  return entry;
}
