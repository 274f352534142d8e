import { v7 } from 'uuid';

/**
 * A new id for a message, content part or inbox entry: a UUIDv7 (RFC 9562), time-ordered, so each
 * indexed id lands at the right edge of its B-tree. Random UUIDv4 keys scattered every group commit
 * over many index pages, each rewritten to the WAL (millions of page writes per 20,000 messages).
 */
export function newRecordId(): string {
  return v7();
}
