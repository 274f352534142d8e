import { randomFillSync } from 'node:crypto';

// A generator that asks the OS for 16 random bytes per id makes a getrandom call each (~3 µs); one
// fill of a pool serves 256 ids. The time/sequence state is kept here, so ids stay strictly
// increasing within a millisecond. The layout is written here too: the uuid package's v7 is the same
// few lines, but loading it opened 22 files in every process that opens the store (each CLI command).
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

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * The UUIDv7 text of `msecs` (48 bits), the 31-bit counter `seq` and `random`'s last bytes, laid
 * out as RFC 9562's method 1 (and the uuid package's `v7({ random, msecs, seq })`): unix_ts_ms,
 * version 7 with the counter's top 12 bits, variant 10 with its next 14 bits and its last 6 bits
 * followed by 34 random bits.
 *
 * @example
 * toUuidV7(1764700000123, 0x7abcdef1, random); // '019ae051-0f7b-77ab-b37b-c5…'
 */
export function toUuidV7(msecs: number, seq: number, random: Uint8Array): string {
  const h = (byte: number) => HEX[byte & 0xff]!;
  return (
    h(msecs / 0x10000000000) +
    h(msecs / 0x100000000) +
    h(msecs / 0x1000000) +
    h(msecs / 0x10000) +
    '-' +
    h(msecs / 0x100) +
    h(msecs) +
    '-' +
    h(0x70 | ((seq >>> 28) & 0x0f)) +
    h(seq >>> 20) +
    '-' +
    h(0x80 | ((seq >>> 14) & 0x3f)) +
    h(seq >>> 6) +
    '-' +
    h(((seq << 2) & 0xff) | (random[10]! & 0x03)) +
    h(random[11]!) +
    h(random[12]!) +
    h(random[13]!) +
    h(random[14]!) +
    h(random[15]!)
  );
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
    // A random 31-bit start, so ids of two processes in one millisecond differ early.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  return toUuidV7(lastMs, seq, random);
}
