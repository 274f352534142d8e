import { randomBytes } from 'node:crypto';

/**
 * Ids the store makes itself: a random prefix per store and a base-36 counter, instead of a random
 * UUID per id. The prefix keeps an id from before a restart (or of another store) from naming a
 * record of this one. Kept under 13 characters while the counter is small, V8 builds an id as one
 * flat string rather than a concatenation to flatten when it is first hashed; and since the counter
 * can be read back, a record can be found by its id through an array index instead of a hash table.
 */
export class RecordIds {
  readonly prefix: string;
  private count = 0;

  /** `randomChars`: a multiple of 4 (base64url of whole bytes). */
  constructor(randomChars = 4) {
    this.prefix = randomBytes((randomChars / 4) * 3).toString('base64url');
  }

  /** The next id of a sequence of ids that are only compared, never looked up (leases). */
  next(): string {
    return this.idOf(++this.count);
  }

  idOf(counter: number): string {
    return this.prefix + counter.toString(36);
  }

  /** The counter an id of this store carries, or -1 when it is not one (the caller still checks the record found is that id's). */
  counterOf(id: string): number {
    if (typeof id !== 'string' || id.length <= this.prefix.length || !id.startsWith(this.prefix)) return -1;
    let n = 0;
    for (let i = this.prefix.length; i < id.length; i += 1) {
      const c = id.charCodeAt(i);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
      if (digit < 0) return -1;
      n = n * 36 + digit;
    }
    return n;
  }
}
