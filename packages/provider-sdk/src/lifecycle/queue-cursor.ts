import { XportError } from '../errors.js';

/** A position in the queue's order: the message's submit sequence, then the recipient's index. */
export interface QueuePosition {
  readonly seq: number;
  readonly index: number;
}

/**
 * The opaque cursor of a queue page that ends at `last` (every store writes the same form: callers
 * only pass back what they were given).
 *
 * @example
 * fromQueueCursor(toQueueCursor({ seq: 42, index: 3 })); // { seq: 42, index: 3 }
 */
export function toQueueCursor(last: QueuePosition): string {
  return Buffer.from(`q1:${last.seq}:${last.index}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for; `XPORT_QUEUE_FILTER_INVALID` for one no store issued. */
export function fromQueueCursor(cursor: string): QueuePosition {
  const match = /^q1:(\d{1,15}):(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) {
    throw new XportError('XPORT_QUEUE_FILTER_INVALID', 'queue cursor is not one a queue listing issued: pass back nextCursor as it was given', {
      details: { field: 'cursor', found: cursor.slice(0, 64) },
    });
  }
  return { seq: Number(match[1]), index: Number(match[2]) };
}
