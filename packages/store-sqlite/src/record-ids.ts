import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// uuid's own generator asks the OS for 16 random bytes per id (a getrandom call each, ~3 µs);
// one fill of a pool serves 256 ids. The time/sequence state is kept here, as uuid keeps its own
// when given no options, so ids stay strictly increasing within a millisecond.
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolAt = pool.length;
let lastMs = -Infinity;
let seq = 0;

function randomBytes16(): Uint8Array {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  return bytes;
}

/**
 * A new id for a message, content part or inbox entry: a UUIDv7 (RFC 9562), time-ordered, so each
 * indexed id lands at the right edge of its B-tree. Random UUIDv4 keys scattered every group commit
 * over many index pages, each rewritten to the WAL (millions of page writes per 20,000 messages).
 */
export function newRecordId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > lastMs) {
    // A random 31-bit start, as uuid's v7 does, so ids of two processes in one millisecond differ early.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  return v7({ random, msecs: lastMs, seq });
}
