import { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { sql } from './statements.js';
import { toStoreError } from './storage-errors.js';

/**
 * Streams a part: its bytes from its own row when they are kept there (one chunk or less, schema
 * v3), otherwise its chunk rows one at a time, as the consumer asks for them.
 */
export function openPartStream(db: () => Database, path: string, partId: string): Readable {
  let seq = 0;
  let whole = false;
  return new Readable({
    read() {
      try {
        const connection = db();
        if (whole) {
          this.push(null);
          return;
        }
        if (seq === 0) {
          const part = sql<[string], { data: Buffer | null }>(connection, 'SELECT data FROM parts WHERE id = ?').get(partId);
          if (!part) {
            throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: content part "${partId}" does not exist`, { details: { path, partId } });
          }
          if (part.data !== null) {
            whole = true;
            this.push(part.data.length > 0 ? part.data : null);
            return;
          }
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

/** Reads a part whole: its own row's bytes when kept there, otherwise its chunk rows in order. */
export function readPartBytes(db: Database, path: string, partId: string): Buffer {
  try {
    const part = sql<[string], { data: Buffer | null }>(db, 'SELECT data FROM parts WHERE id = ?').get(partId);
    if (!part) throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: content part "${partId}" does not exist`, { details: { path, partId } });
    if (part.data !== null) return part.data;
    const rows = sql<[string], { data: Buffer }>(db, 'SELECT data FROM part_chunks WHERE part_id = ? ORDER BY seq').all(partId);
    return rows.length === 1 ? rows[0]!.data : Buffer.concat(rows.map((row) => row.data));
  } catch (error) {
    throw toStoreError(path, `read content part ${partId}`, error);
  }
}
