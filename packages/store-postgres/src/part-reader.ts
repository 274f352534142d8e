import { Readable } from 'node:stream';
import { XportError } from '@xport/provider-sdk';
import { queryPrepared, type Database } from './database.js';

interface FirstChunkRow {
  found: boolean;
  data: Buffer | null;
  last: number | null;
}

/**
 * Streams a part's chunk rows one query at a time, as the consumer asks for them: a 20 MB
 * attachment never sits in memory whole, and a slow consumer holds no connection between reads.
 * The first query also checks that the part exists and finds its last chunk, so a part of one chunk
 * (every in-memory body up to `chunkSize`) costs one round trip.
 */
export function openPartStream(db: () => Database, partId: string, toStoreError: (action: string, error: unknown) => unknown): Readable {
  let seq = 0;
  let last = -1;
  return new Readable({
    read() {
      void (async () => {
        const database = db();
        let data: Buffer | undefined;
        if (seq === 0) {
          const { rows } = await queryPrepared<FirstChunkRow>(
            database,
            'read_part_first',
            `SELECT EXISTS (SELECT 1 FROM ${database.s}.parts WHERE id = $1) AS found,
               (SELECT data FROM ${database.s}.part_chunks WHERE part_id = $1 AND seq = 0) AS data,
               (SELECT max(seq) FROM ${database.s}.part_chunks WHERE part_id = $1) AS last`,
            [partId],
          );
          const row = rows[0];
          if (!row?.found) {
            throw new XportError('XPORT_STORE_NOT_FOUND', `${database.target.label}: content part "${partId}" does not exist`, { details: { partId } });
          }
          data = row.data ?? undefined;
          last = row.last ?? -1;
        } else if (seq <= last) {
          const { rows } = await queryPrepared<{ data: Buffer }>(
            database,
            'read_part_chunk',
            `SELECT data FROM ${database.s}.part_chunks WHERE part_id = $1 AND seq = $2`,
            [partId, seq],
          );
          data = rows[0]?.data;
        }
        if (data === undefined) {
          this.push(null);
          return;
        }
        seq += 1;
        this.push(data);
        // The last chunk: end now rather than spend a round trip to find there is no next one.
        if (seq > last) this.push(null);
      })().catch((error: unknown) => this.destroy(toStoreError(`read content part ${partId}`, error) as Error));
    },
  });
}

/** A part whose content is already in hand (read ahead by a claim): the same stream, no round trip. */
export function openReadPart(data: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(data);
      }
      this.push(null);
    },
  });
}
