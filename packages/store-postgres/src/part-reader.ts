import { Readable } from 'node:stream';
import { XportError } from '@xport/provider-sdk';
import type { Database } from './database.js';

/**
 * Streams a part's chunk rows one query at a time, as the consumer asks for them: a 20 MB
 * attachment never sits in memory whole, and a slow consumer holds no connection between reads.
 */
export function openPartStream(db: () => Database, partId: string, toStoreError: (action: string, error: unknown) => unknown): Readable {
  let seq = 0;
  return new Readable({
    read() {
      void (async () => {
        const database = db();
        if (seq === 0) {
          const { rowCount } = await database.pool.query(`SELECT 1 FROM ${database.s}.parts WHERE id = $1`, [partId]);
          if (rowCount === 0) {
            throw new XportError('XPORT_STORE_NOT_FOUND', `${database.target.label}: content part "${partId}" does not exist`, { details: { partId } });
          }
        }
        const { rows } = await database.pool.query<{ data: Buffer }>(`SELECT data FROM ${database.s}.part_chunks WHERE part_id = $1 AND seq = $2`, [
          partId,
          seq,
        ]);
        const row = rows[0];
        if (!row) {
          this.push(null);
          return;
        }
        seq += 1;
        this.push(row.data);
      })().catch((error: unknown) => this.destroy(toStoreError(`read content part ${partId}`, error) as Error));
    },
  });
}
