import type { MemoryMessage } from './memory-records.js';

/**
 * The unfinished messages in submit order. Finishing one only counts it: finished messages are
 * dropped in one pass once they make up half the list, so the hot path never deletes from a hash
 * table and the sweeps still iterate only (mostly) unfinished work.
 */
export class UnfinishedMessages implements Iterable<MemoryMessage> {
  private items: MemoryMessage[] = [];
  private finished = 0;

  add(message: MemoryMessage): void {
    this.items.push(message);
  }

  /** Called once per message, when it finishes. */
  noteFinished(): void {
    this.finished += 1;
    if (this.finished > 64 && this.finished * 2 > this.items.length) {
      this.items = this.items.filter((m) => m.finishedAt === undefined);
      this.finished = 0;
    }
  }

  *[Symbol.iterator](): Iterator<MemoryMessage> {
    // A compaction during the iteration swaps in a new array; this one stays as it was.
    for (const message of this.items) if (message.finishedAt === undefined) yield message;
  }
}
