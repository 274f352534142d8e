import type { Database } from 'better-sqlite3';
import {
  SUPPRESSION_COLUMNS,
  decodeSuppressionRow,
  hardBounceCountSql,
  type HardBounce,
  type ListOptions,
  type ManualSuppression,
  type SuppressionEntry,
  type SuppressionRecordRow,
  type SuppressionStore,
} from '@xport/provider-sdk';
import { sql } from './statements.js';

type Write = <T>(action: string, work: (db: Database) => T) => Promise<T>;

const RECORD_BOUNCE = `INSERT INTO suppressions (address, hard_bounces, last_bounce_at, last_code, last_diagnostic, manual, reason, updated_at)
  VALUES (@address, 1, @at, @code, @diagnostic, 0, NULL, @at)
  ON CONFLICT (address) DO UPDATE SET
    hard_bounces = ${hardBounceCountSql({ hardBounces: 'suppressions.hard_bounces', lastBounceAt: 'suppressions.last_bounce_at' }, '@countSince')},
    last_bounce_at = excluded.last_bounce_at, last_code = excluded.last_code, last_diagnostic = excluded.last_diagnostic, updated_at = excluded.updated_at
  RETURNING ${SUPPRESSION_COLUMNS}`;

const SUPPRESS = `INSERT INTO suppressions (address, hard_bounces, last_bounce_at, manual, reason, updated_at)
  VALUES (@address, 0, NULL, 1, @reason, @at)
  ON CONFLICT (address) DO UPDATE SET manual = 1, reason = excluded.reason, updated_at = excluded.updated_at
  RETURNING ${SUPPRESSION_COLUMNS}`;

/** The suppression list in table `suppressions`: writes through the group-commit writer, reads on the connection. */
export class SqliteSuppression implements SuppressionStore {
  constructor(
    private readonly write: Write,
    private readonly connection: () => Database,
  ) {}

  recordHardBounce(bounce: HardBounce): Promise<SuppressionEntry> {
    const params = { address: bounce.address, at: bounce.at, code: bounce.error.code, diagnostic: bounce.error.diagnostic, countSince: bounce.countSince };
    return this.write('record a hard bounce', (db) => decodeSuppressionRow(sql<[typeof params], SuppressionRecordRow>(db, RECORD_BOUNCE).get(params)!));
  }

  suppress(entry: ManualSuppression): Promise<SuppressionEntry> {
    const params = { address: entry.address, reason: entry.reason ?? null, at: entry.at };
    return this.write('suppress an address', (db) => decodeSuppressionRow(sql<[typeof params], SuppressionRecordRow>(db, SUPPRESS).get(params)!));
  }

  unsuppress(address: string): Promise<boolean> {
    return this.write('unsuppress an address', (db) => sql(db, 'DELETE FROM suppressions WHERE address = ?').run(address).changes > 0);
  }

  async listSuppressed(options: ListOptions = {}): Promise<SuppressionEntry[]> {
    const rows = sql<[number, number], SuppressionRecordRow>(
      this.connection(),
      `SELECT ${SUPPRESSION_COLUMNS} FROM suppressions ORDER BY updated_at DESC, address LIMIT ? OFFSET ?`,
    ).all(options.limit ?? -1, options.offset ?? 0);
    return rows.map(decodeSuppressionRow);
  }

  async findSuppressions(addresses: readonly string[]): Promise<SuppressionEntry[]> {
    if (addresses.length === 0) return [];
    // One statement whatever the count. One address (a message to one recipient, the common case) is
    // read by primary key, about a fifth of the cost of reading it through json_each.
    const rows =
      addresses.length === 1
        ? sql<[string], SuppressionRecordRow>(this.connection(), `SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE address = ?`).all(addresses[0]!)
        : sql<[string], SuppressionRecordRow>(this.connection(), `SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE address IN (SELECT value FROM json_each(?))`).all(
            JSON.stringify(addresses),
          );
    return rows.map(decodeSuppressionRow);
  }

  /** Oldest bounces first, `limit` rows a statement (the `suppressions_by_last_bounce` index). */
  purgeExpired(expiredBefore: number, limit: number): Promise<number> {
    return this.write(
      'purge expired suppressions',
      (db) =>
        sql(
          db,
          `DELETE FROM suppressions WHERE address IN (
             SELECT address FROM suppressions WHERE manual = 0 AND last_bounce_at IS NOT NULL AND last_bounce_at < ? ORDER BY last_bounce_at LIMIT ?)`,
        ).run(expiredBefore, limit).changes,
    );
  }
}
