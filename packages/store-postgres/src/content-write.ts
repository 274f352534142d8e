import { randomUUID } from 'node:crypto';
import { splitBytes, toFixedChunks, type ContentPartInput, type PartInfo } from '@xport/provider-sdk';
import type { Database } from './database.js';

/**
 * Parts ready to go in with a record's own statement: bytes already in memory as chunk arrays,
 * async sources already streamed into chunk rows (owner NULL until the record claims them).
 */
export interface PreparedParts {
  readonly infos: PartInfo[];
  /** Ids of in-memory parts, and their chunks as parallel arrays (part id, sequence, bytes). */
  readonly inlineIds: string[];
  readonly chunkPartIds: string[];
  readonly chunkSeqs: number[];
  readonly chunks: Buffer[];
  /** Ids of parts written ahead of the record. */
  readonly streamedIds: string[];
}

function describePart(input: ContentPartInput, partId: string, size: number): PartInfo {
  return {
    partId,
    kind: input.kind,
    contentType: input.contentType,
    size,
    ...(input.filename === undefined ? {} : { filename: input.filename }),
    ...(input.contentId === undefined ? {} : { contentId: input.contentId }),
  };
}

/** Streams an async source into chunk rows as it arrives, `chunkSize` bytes a row; holds at most about one chunk. */
async function streamPart(db: Database, partId: string, source: AsyncIterable<Uint8Array>, chunkSize: number): Promise<number> {
  await db.pool.query(`INSERT INTO ${db.s}.parts (id, owner, created_at) VALUES ($1, NULL, $2)`, [partId, Date.now()]);
  let seq = 0;
  let size = 0;
  const writeChunk = async (chunk: Buffer): Promise<void> => {
    await db.pool.query(`INSERT INTO ${db.s}.part_chunks (part_id, seq, data) VALUES ($1, $2, $3)`, [partId, seq++, chunk]);
  };
  for await (const chunk of toFixedChunks(source, chunkSize)) {
    size += chunk.length;
    await writeChunk(chunk);
  }
  return size;
}

/** Deletes parts written ahead of a record that was not written after all (their chunks cascade). */
export async function discardParts(db: Database, partIds: readonly string[]): Promise<void> {
  if (partIds.length === 0) return;
  await db.pool.query(`DELETE FROM ${db.s}.parts WHERE id = ANY($1::text[]) AND owner IS NULL`, [partIds]);
}

/**
 * Reads every part: strings and byte arrays are written with the record; async sources are written
 * as they stream in, never held whole. On failure the streamed rows are removed and the error rethrown.
 */
export async function prepareParts(db: Database, inputs: readonly ContentPartInput[], chunkSize: number): Promise<PreparedParts> {
  const prepared: PreparedParts = { infos: [], inlineIds: [], chunkPartIds: [], chunkSeqs: [], chunks: [], streamedIds: [] };
  try {
    for (const input of inputs) {
      const content = input.content;
      const partId = randomUUID();
      if (typeof content === 'string' || content instanceof Uint8Array) {
        const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
        prepared.infos.push(describePart(input, partId, bytes.length));
        prepared.inlineIds.push(partId);
        splitBytes(bytes, chunkSize).forEach((chunk, seq) => {
          prepared.chunkPartIds.push(partId);
          prepared.chunkSeqs.push(seq);
          prepared.chunks.push(chunk);
        });
        continue;
      }
      prepared.streamedIds.push(partId);
      const size = await streamPart(db, partId, content, chunkSize);
      prepared.infos.push(describePart(input, partId, size));
    }
    return prepared;
  } catch (error) {
    await discardParts(db, prepared.streamedIds).catch(() => undefined);
    throw error;
  }
}

/**
 * CTEs that attach prepared parts to `owner` inside a record's insert statement; `from` names the CTE
 * whose one row exists only if the record was written. Parameters start at `$first`.
 */
export function attachPartsSql(db: Database, from: string, owner: string, createdAt: string, first: number): string {
  const [ids, chunkIds, seqs, data, streamed] = [first, first + 1, first + 2, first + 3, first + 4].map((n) => `$${n}`);
  return `
    inline_parts AS (
      INSERT INTO ${db.s}.parts (id, owner, created_at) SELECT p, ${owner}, ${createdAt} FROM ${from}, unnest(${ids}::text[]) AS p
    ), inline_chunks AS (
      INSERT INTO ${db.s}.part_chunks (part_id, seq, data)
      SELECT c.part_id, c.seq, c.data FROM ${from}, unnest(${chunkIds}::text[], ${seqs}::int[], ${data}::bytea[]) AS c(part_id, seq, data)
    ), streamed_parts AS (
      UPDATE ${db.s}.parts p SET owner = ${owner} FROM ${from} WHERE p.id = ANY(${streamed}::text[])
    )`;
}

export function attachPartsValues(parts: PreparedParts): unknown[] {
  return [parts.inlineIds, parts.chunkPartIds, parts.chunkSeqs, parts.chunks, parts.streamedIds];
}
