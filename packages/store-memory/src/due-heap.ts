import type { MemoryRecipient } from './memory-records.js';

/** Earlier due time first, then submit order, then recipient index. */
export function dueBefore(a: MemoryRecipient, b: MemoryRecipient): boolean {
  if (a.filedAt !== b.filedAt) return a.filedAt < b.filedAt;
  if (a.message.seq !== b.message.seq) return a.message.seq < b.message.seq;
  return a.index < b.index;
}

/**
 * A binary min-heap of recipients by (due time, submit order, recipient index) that records each
 * recipient's position on the recipient itself, so one can be re-filed or removed in place in
 * O(log n): no entry object per change, and no outdated entries left behind to skip and compact.
 */
export class DueHeap {
  private readonly items: MemoryRecipient[] = [];

  /** The first in line, left in place. */
  peek(): MemoryRecipient | undefined {
    return this.items[0];
  }

  add(recipient: MemoryRecipient, at: number): void {
    recipient.dueHeap = this;
    recipient.filedAt = at;
    recipient.heapIndex = this.items.push(recipient) - 1;
    this.siftUp(recipient.heapIndex);
  }

  /** Moves a recipient already in this heap to a new due time. */
  refile(recipient: MemoryRecipient, at: number): void {
    const later = at > recipient.filedAt;
    recipient.filedAt = at;
    if (later) this.siftDown(recipient.heapIndex);
    else this.siftUp(recipient.heapIndex);
  }

  remove(recipient: MemoryRecipient): void {
    const items = this.items;
    const i = recipient.heapIndex;
    const last = items.pop()!;
    recipient.dueHeap = undefined;
    recipient.heapIndex = -1;
    if (last === recipient) return;
    items[i] = last;
    last.heapIndex = i;
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  private siftUp(start: number): void {
    const items = this.items;
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
    const items = this.items;
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
