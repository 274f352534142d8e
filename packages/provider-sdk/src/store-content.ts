/**
 * Cuts bytes into `chunkSize` pieces (views, not copies), for stores that keep content in chunk rows.
 *
 * @example
 * splitBytes(Buffer.from('abcde'), 2) // [<61 62>, <63 64>, <65>]
 */
export function splitBytes(bytes: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
  return chunks;
}

/**
 * Re-cuts a byte stream into chunks of exactly `chunkSize` bytes (the last may be shorter), holding
 * about one chunk at a time — so a store can write a many-megabyte part as it streams in.
 *
 * @example
 * for await (const chunk of toFixedChunks(attachment, 256 * 1024)) await insertChunk(partId, seq++, chunk);
 */
export async function* toFixedChunks(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const piece of source) {
    // Copied: a producer may reuse its buffer once we ask for the next piece.
    pending.push(Buffer.from(piece));
    pendingSize += piece.length;
    if (pendingSize < chunkSize) continue;
    const joined = Buffer.concat(pending, pendingSize);
    const full = joined.length - (joined.length % chunkSize);
    yield* splitBytes(joined.subarray(0, full), chunkSize);
    pending = full < joined.length ? [joined.subarray(full)] : [];
    pendingSize = joined.length - full;
  }
  if (pendingSize > 0) yield Buffer.concat(pending, pendingSize);
}
