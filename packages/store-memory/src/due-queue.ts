import type { MemoryRecipient } from './memory-records.js';

/** Earlier due time first, then submit order, then recipient index. */
export function dueBefore(a: MemoryRecipient, b: MemoryRecipient): boolean {
  if (a.filedAt !== b.filedAt) return a.filedAt < b.filedAt;
  if (a.message.seq !== b.message.seq) return a.message.seq < b.message.seq;
  return a.index < b.index;
}

// The run is compacted once this many slots at its front, or holes anywhere, are unused and they
// are at least half of it.
const COMPACT_AT = 1024;

/**
 * The recipients of one provider by (due time, submit order, recipient index), first in line first.
 *
 * Most recipients arrive in that order already: a fresh submission is due at once, after every
 * earlier one. Those are appended to a sorted run, and taking the first in line from it costs
 * O(1). The others (deferred retries, lease expiries, anything filed out of order) go to a binary
 * min-heap. Both record each recipient's position on the recipient itself (`runIndex`,
 * `heapIndex`), so one can be re-filed or removed in place: a removal from the run leaves a hole,
 * skipped when it reaches the front and dropped when the run is compacted.
 */
export class DueQueue {
  private run: Array<MemoryRecipient | undefined> = [];
  private runHead = 0;
  private holes = 0;
  // The key of the last recipient appended to the run: what the next one must not come before.
  private lastAt = -Infinity;
  private lastSeq = 0;
  private lastIndex = 0;
  private readonly heap: MemoryRecipient[] = [];

  /** The first in line, left in place. */
  peek(): MemoryRecipient | undefined {
    const first = this.runFront();
    const top = this.heap[0];
    if (first === undefined) return top;
    return top !== undefined && dueBefore(top, first) ? top : first;
  }

  add(recipient: MemoryRecipient, at: number): void {
    recipient.dueQueue = this;
    recipient.filedAt = at;
    if (this.fitsRun(recipient)) {
      recipient.runIndex = this.run.push(recipient) - 1;
      this.lastAt = at;
      this.lastSeq = recipient.message.seq;
      this.lastIndex = recipient.index;
      return;
    }
    recipient.heapIndex = this.heap.push(recipient) - 1;
    this.siftUp(recipient.heapIndex);
  }

  /** Moves a recipient already in this queue to a new due time. */
  refile(recipient: MemoryRecipient, at: number): void {
    if (recipient.heapIndex >= 0) {
      const later = at > recipient.filedAt;
      recipient.filedAt = at;
      if (later) this.siftDown(recipient.heapIndex);
      else this.siftUp(recipient.heapIndex);
      return;
    }
    this.remove(recipient);
    this.add(recipient, at);
  }

  remove(recipient: MemoryRecipient): void {
    recipient.dueQueue = undefined;
    if (recipient.runIndex >= 0) {
      this.run[recipient.runIndex] = undefined;
      recipient.runIndex = -1;
      this.holes += 1;
      this.compactRun();
      return;
    }
    const items = this.heap;
    const i = recipient.heapIndex;
    const last = items.pop()!;
    recipient.heapIndex = -1;
    if (last === recipient) return;
    items[i] = last;
    last.heapIndex = i;
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  /** Whether `recipient` comes after everything in the run, so appending keeps it sorted. */
  private fitsRun(recipient: MemoryRecipient): boolean {
    if (this.runHead === this.run.length) return true;
    const at = recipient.filedAt;
    if (at !== this.lastAt) return at > this.lastAt;
    const seq = recipient.message.seq;
    if (seq !== this.lastSeq) return seq > this.lastSeq;
    return recipient.index > this.lastIndex;
  }

  private runFront(): MemoryRecipient | undefined {
    const run = this.run;
    while (this.runHead < run.length && run[this.runHead] === undefined) {
      this.runHead += 1;
      this.holes -= 1;
    }
    if (this.runHead === run.length && run.length > 0) {
      // Empty: start over, so the array does not grow for ever.
      this.run = [];
      this.runHead = 0;
      this.holes = 0;
    }
    return this.run[this.runHead];
  }

  /** Drops the unused slots (the front and the holes) once they are many and at least half the run. */
  private compactRun(): void {
    const unused = this.runHead + this.holes;
    if (unused < COMPACT_AT || unused * 2 < this.run.length) return;
    const kept: MemoryRecipient[] = [];
    for (let i = this.runHead; i < this.run.length; i += 1) {
      const recipient = this.run[i];
      if (recipient === undefined) continue;
      recipient.runIndex = kept.push(recipient) - 1;
    }
    this.run = kept;
    this.runHead = 0;
    this.holes = 0;
  }

  private siftUp(start: number): void {
    const items = this.heap;
    const moving = items[start]!;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent]!;
      if (!dueBefore(moving, above)) break;
      items[i] = above;
      above.heapIndex = i;
      i = parent;
    }
    items[i] = moving;
    moving.heapIndex = i;
  }

  private siftDown(start: number): void {
    const items = this.heap;
    const length = items.length;
    const moving = items[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && dueBefore(items[right]!, items[left]!) ? right : left;
      const below = items[child]!;
      if (!dueBefore(below, moving)) break;
      items[i] = below;
      below.heapIndex = i;
      i = child;
    }
    items[i] = moving;
    moving.heapIndex = i;
  }
}
