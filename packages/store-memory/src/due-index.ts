import type { MemoryMessage, MemoryRecipient } from './memory-records.js';

/** One recipient's place in line. It is current while its recipient still points at it. */
export interface DueEntry {
  readonly at: number;
  readonly message: MemoryMessage;
  readonly recipient: MemoryRecipient;
}

function before(a: DueEntry, b: DueEntry): boolean {
  return a.at !== b.at ? a.at < b.at : a.message.seq !== b.message.seq ? a.message.seq < b.message.seq : a.recipient.index < b.recipient.index;
}

const isCurrent = (entry: DueEntry): boolean => entry.recipient.dueEntry === entry;

/** A binary min-heap by (due time, submit order, recipient index). */
class DueHeap {
  readonly items: DueEntry[] = [];

  push(entry: DueEntry): void {
    const items = this.items;
    let i = items.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): DueEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * The claimable recipients of the queue, one heap per responsible provider, so a claim takes the
 * next due ones in O(log n) each instead of scanning and sorting the queue, and an offline
 * provider's backlog is never looked at while only other providers are claimed. Entries are
 * replaced rather than updated: a recipient's change pushes a new entry and leaves the old one to
 * be dropped when it surfaces (or at compaction).
 */
export class DueIndex {
  private readonly heaps = new Map<string, DueHeap>();
  private current = 0;
  private stored = 0;

  /** Re-files a recipient after any change of state, provider, due time or lease. */
  update(message: MemoryMessage, recipient: MemoryRecipient, at: number | null): void {
    if (recipient.dueEntry !== undefined) {
      recipient.dueEntry = undefined;
      this.current -= 1;
    }
    if (at === null || recipient.provider === null) return;
    const entry: DueEntry = { at, message, recipient };
    recipient.dueEntry = entry;
    let heap = this.heaps.get(recipient.provider);
    if (!heap) this.heaps.set(recipient.provider, (heap = new DueHeap()));
    heap.push(entry);
    this.current += 1;
    this.stored += 1;
    if (this.stored > 2 * this.current + 1024) this.compact();
  }

  /** Takes up to `limit` entries due by `now` of these providers (all when undefined), earliest first. */
  takeDue(now: number, limit: number, providers: readonly string[] | undefined): DueEntry[] {
    const heaps = providers === undefined ? [...this.heaps.values()] : providers.map((p) => this.heaps.get(p)).filter((h) => h !== undefined);
    const taken: DueEntry[] = [];
    while (taken.length < limit) {
      let best: DueHeap | undefined;
      for (const heap of heaps) {
        const top = this.top(heap);
        if (top !== undefined && top.at <= now && (best === undefined || before(top, best.items[0]!))) best = heap;
      }
      if (!best) break;
      const entry = best.pop()!;
      entry.recipient.dueEntry = undefined;
      this.current -= 1;
      this.stored -= 1;
      taken.push(entry);
    }
    return taken;
  }

  /** The earliest due time of any claimable recipient, or null. */
  earliest(): number | null {
    let earliest: number | null = null;
    for (const heap of this.heaps.values()) {
      const top = this.top(heap);
      if (top !== undefined && (earliest === null || top.at < earliest)) earliest = top.at;
    }
    return earliest;
  }

  /** A heap's first current entry, dropping outdated ones on the way. */
  private top(heap: DueHeap): DueEntry | undefined {
    while (heap.items.length > 0 && !isCurrent(heap.items[0]!)) {
      heap.pop();
      this.stored -= 1;
    }
    return heap.items[0];
  }

  /** Rebuilds the heaps from their current entries once outdated ones outnumber them. */
  private compact(): void {
    const live: DueEntry[] = [];
    for (const heap of this.heaps.values()) for (const entry of heap.items) if (isCurrent(entry)) live.push(entry);
    this.heaps.clear();
    this.stored = 0;
    this.current = 0;
    for (const entry of live) {
      entry.recipient.dueEntry = undefined;
      this.update(entry.message, entry.recipient, entry.at);
    }
  }
}
