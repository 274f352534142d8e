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
import type { Database } from './database.js';

/** Runs one store operation on the open database, with the store's error mapping. */
type Run = <T>(action: string, work: (db: Database) => Promise<T>) => Promise<T>;

async function one(db: Database, text: string, values: unknown[]): Promise<SuppressionEntry> {
  const { rows } = await db.pool.query<SuppressionRecordRow>(text, values);
  return decodeSuppressionRow(rows[0]!);
}

/** The suppression list in table `suppressions`: each call is one statement. */
export class PostgresSuppression implements SuppressionStore {
  constructor(private readonly run: Run) {}

  recordHardBounce(bounce: HardBounce): Promise<SuppressionEntry> {
    return this.run('record a hard bounce', (db) =>
      one(
        db,
        `INSERT INTO ${db.s}.suppressions AS s (address, hard_bounces, last_bounce_at, last_code, last_diagnostic, manual, reason, updated_at)
         VALUES ($1, 1, $2, $3, $4, FALSE, NULL, $2)
         ON CONFLICT (address) DO UPDATE SET
           hard_bounces = ${hardBounceCountSql({ hardBounces: 's.hard_bounces', lastBounceAt: 's.last_bounce_at' }, '$5')},
           last_bounce_at = EXCLUDED.last_bounce_at, last_code = EXCLUDED.last_code, last_diagnostic = EXCLUDED.last_diagnostic, updated_at = EXCLUDED.updated_at
         RETURNING ${SUPPRESSION_COLUMNS}`,
        [bounce.address, bounce.at, bounce.error.code, bounce.error.diagnostic, bounce.countSince],
      ),
    );
  }

  suppress(entry: ManualSuppression): Promise<SuppressionEntry> {
    return this.run('suppress an address', (db) =>
      one(
        db,
        `INSERT INTO ${db.s}.suppressions (address, hard_bounces, last_bounce_at, manual, reason, updated_at)
         VALUES ($1, 0, NULL, TRUE, $2, $3)
         ON CONFLICT (address) DO UPDATE SET manual = TRUE, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at
         RETURNING ${SUPPRESSION_COLUMNS}`,
        [entry.address, entry.reason ?? null, entry.at],
      ),
    );
  }

  unsuppress(address: string): Promise<boolean> {
    return this.run('unsuppress an address', async (db) => ((await db.pool.query(`DELETE FROM ${db.s}.suppressions WHERE address = $1`, [address])).rowCount ?? 0) > 0);
  }

  listSuppressed(options: ListOptions = {}): Promise<SuppressionEntry[]> {
    return this.run('list suppressed addresses', async (db) => {
      const { rows } = await db.pool.query<SuppressionRecordRow>(
        `SELECT ${SUPPRESSION_COLUMNS} FROM ${db.s}.suppressions ORDER BY updated_at DESC, address LIMIT $1 OFFSET $2`,
        [options.limit ?? null, options.offset ?? 0],
      );
      return rows.map(decodeSuppressionRow);
    });
  }

  findSuppressions(addresses: readonly string[]): Promise<SuppressionEntry[]> {
    if (addresses.length === 0) return Promise.resolve([]);
    return this.run('look up suppressed addresses', async (db) => {
      const { rows } = await db.pool.query<SuppressionRecordRow>(`SELECT ${SUPPRESSION_COLUMNS} FROM ${db.s}.suppressions WHERE address = ANY($1::text[])`, [addresses]);
      return rows.map(decodeSuppressionRow);
    });
  }

  /** Oldest bounces first, `limit` rows a statement (the `suppressions_by_last_bounce` index). */
  purgeExpired(expiredBefore: number, limit: number): Promise<number> {
    return this.run('purge expired suppressions', async (db) => {
      const { rowCount } = await db.pool.query(
        `DELETE FROM ${db.s}.suppressions WHERE address IN (
           SELECT address FROM ${db.s}.suppressions WHERE NOT manual AND last_bounce_at IS NOT NULL AND last_bounce_at < $1 ORDER BY last_bounce_at LIMIT $2)`,
        [expiredBefore, limit],
      );
      return rowCount ?? 0;
    });
  }
}
