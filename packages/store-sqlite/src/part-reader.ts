import { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { sql } from './statements.js';
import { toStoreError } from './storage-errors.js';

/** Streams a part's chunk rows one at a time, as the consumer asks for them. */
export function openPartStream(db: () => Database, path: string, partId: string): Readable {
  let seq = 0;
  return new Readable({
    read() {
      try {
        const connection = db();
        if (seq === 0 && !sql(connection, 'SELECT 1 FROM parts WHERE id = ?').get(partId)) {
          throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: content part "${partId}" does not exist`, { details: { path, partId } });
        }
        const row = sql<[string, number], { data: Buffer }>(connection, 'SELECT data FROM part_chunks WHERE part_id = ? AND seq = ?').get(partId, seq);
        if (!row) {
          this.push(null);
          return;
        }
        seq += 1;
        this.push(row.data);
      } catch (error) {
        this.destroy(toStoreError(path, `read content part ${partId}`, error) as Error);
      }
    },
  });
}
