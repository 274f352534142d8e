import type { Database } from 'better-sqlite3';
import { splitBytes, toFixedChunks, type ContentPartInput, type PartInfo } from '@xport/provider-sdk';
import type { GroupCommitWriter } from './group-commit.js';
import { sql } from './statements.js';
import { newRecordId } from './record-ids.js';

/** A part ready to be attached to a record: bytes already in memory go in with the record's own write. */
export interface PreparedPart {
  readonly info: PartInfo;
  /** Chunks to insert with the record; undefined when the part was streamed in ahead of it. */
  readonly inline?: readonly Buffer[];
}

function describePart(input: ContentPartInput, size: number): PartInfo {
  return {
    partId: newRecordId(),
    kind: input.kind,
    contentType: input.contentType,
    size,
    ...(input.filename === undefined ? {} : { filename: input.filename }),
    ...(input.contentId === undefined ? {} : { contentId: input.contentId }),
  };
}

const EMPTY = Buffer.alloc(0);

function insertChunk(db: Database, partId: string, seq: number, data: Buffer): void {
  sql(db, 'INSERT INTO part_chunks (part_id, seq, data) VALUES (?, ?, ?)').run(partId, seq, data);
}

/** Writes a prepared part's rows and gives it to `owner` (a message id or an inbox receipt id). */
export function attachPart(db: Database, part: PreparedPart, owner: string, now: number): void {
  if (part.inline && part.inline.length <= 1) {
    // One chunk or none: the bytes live in the part's own row (schema v3).
    sql(db, 'INSERT INTO parts (id, owner, created_at, data) VALUES (?, ?, ?, ?)').run(part.info.partId, owner, now, part.inline[0] ?? EMPTY);
  } else if (part.inline) {
    sql(db, 'INSERT INTO parts (id, owner, created_at) VALUES (?, ?, ?)').run(part.info.partId, owner, now);
    part.inline.forEach((chunk, seq) => insertChunk(db, part.info.partId, seq, chunk));
  } else {
    sql(db, 'UPDATE parts SET owner = ? WHERE id = ?').run(owner, part.info.partId);
  }
}

export function deletePartRows(db: Database, partIds: readonly string[]): void {
  for (const id of partIds) {
    sql(db, 'DELETE FROM part_chunks WHERE part_id = ?').run(id);
    sql(db, 'DELETE FROM parts WHERE id = ?').run(id);
  }
}

/** Streams an async source into chunk rows as it arrives, `chunkSize` bytes a row; returns its size. */
async function streamPart(writer: GroupCommitWriter, partId: string, source: AsyncIterable<Uint8Array>, chunkSize: number): Promise<number> {
  await writer.run('store content', (db) => sql(db, 'INSERT INTO parts (id, owner, created_at) VALUES (?, NULL, ?)').run(partId, Date.now()));
  let seq = 0;
  let size = 0;
  const writeChunk = async (chunk: Buffer): Promise<void> => {
    const at = seq++;
    await writer.run('store content', (db) => insertChunk(db, partId, at, chunk));
  };
  for await (const chunk of toFixedChunks(source, chunkSize)) {
    size += chunk.length;
    await writeChunk(chunk);
  }
  return size;
}

/**
 * Removes the content a record streamed in ahead of a write that failed. Best effort: when the store
 * cannot write (disk full), the rows stay unowned and the cleanup at the next open removes them.
 */
export async function discardStreamedParts(writer: GroupCommitWriter, parts: readonly PreparedPart[]): Promise<void> {
  const streamed = parts.filter((p) => !p.inline).map((p) => p.info.partId);
  if (streamed.length > 0) await writer.run('discard content', (db) => deletePartRows(db, streamed)).catch(() => undefined);
}

/**
 * Reads every part: strings and byte arrays stay in memory (they already are) and are written with
 * the record; async sources are written to the store as they stream in, never held whole. On failure
 * the streamed rows are removed and the error is rethrown.
 */
export async function prepareParts(writer: GroupCommitWriter, inputs: readonly ContentPartInput[], chunkSize: number): Promise<PreparedPart[]> {
  const prepared: PreparedPart[] = [];
  try {
    for (const input of inputs) {
      const content = input.content;
      if (typeof content === 'string' || content instanceof Uint8Array) {
        const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
        prepared.push({ info: describePart(input, bytes.length), inline: splitBytes(bytes, chunkSize) });
        continue;
      }
      const partId = newRecordId();
      prepared.push({ info: { ...describePart(input, 0), partId } });
      const size = await streamPart(writer, partId, content, chunkSize);
      prepared[prepared.length - 1] = { info: { ...describePart(input, size), partId } };
    }
    return prepared;
  } catch (error) {
    await discardStreamedParts(writer, prepared);
    throw error;
  }
}

const ORPHAN_AGE_MS = 86_400_000;

/**
 * Removes content streamed in for a record that was never written (its process died mid-submit).
 * Only day-old rows: another process may be streaming a part right now.
 */
export function deleteOrphanParts(db: Database, now: number): number {
  const orphans = sql<[number], { id: string }>(db, 'SELECT id FROM parts WHERE owner IS NULL AND created_at < ?').all(now - ORPHAN_AGE_MS);
  deletePartRows(db, orphans.map((o) => o.id));
  return orphans.length;
}
