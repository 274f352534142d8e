import { XportError } from '@xport/provider-sdk';

/**
 * Opaque page cursors. Today a cursor holds the position of the next page in the store's order
 * (submit order for the queue, newest first for an inbox): a message that leaves the queue, or an
 * entry that arrives, while a client pages shifts the next page by one. Clients only pass back what
 * they were given, so the store's own keyset cursors can replace this without changing the API.
 */
const VERSION = 1;

export function toCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ v: VERSION, o: offset }), 'utf8').toString('base64url');
}

/** The position a cursor stands for (0 without one); `XPORT_HTTP_REQUEST_INVALID` for one this API did not issue. */
export function fromCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; o?: unknown };
    if (parsed.v === VERSION && Number.isSafeInteger(parsed.o) && (parsed.o as number) >= 0) return parsed.o as number;
  } catch {
    // Falls through to the error below.
  }
  throw new XportError('XPORT_HTTP_REQUEST_INVALID', 'querystring/cursor is not a cursor this API issued: pass back nextCursor as it was given', { details: { part: 'querystring' } });
}

/**
 * One page of `limit` items read through `read(offset, count)`: one more is read than shown, so
 * the last page has no cursor.
 */
export async function readPage<T>(offset: number, limit: number, read: (offset: number, count: number) => Promise<T[]>): Promise<{ items: T[]; nextCursor: string | null }> {
  const items = await read(offset, limit + 1);
  if (items.length <= limit) return { items, nextCursor: null };
  return { items: items.slice(0, limit), nextCursor: toCursor(offset + limit) };
}
