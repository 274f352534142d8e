import { DueHeap, dueBefore } from './due-heap.js';
import type { MemoryRecipient } from './memory-records.js';

/**
 * The claimable recipients of the queue, one heap per responsible provider, so a claim takes the
 * next due ones in O(log n) each instead of scanning and sorting the queue, and an offline
 * provider's backlog is never looked at while only other providers are claimed.
 */
export class DueIndex {
  private readonly heaps = new Map<string, DueHeap>();

  /** Re-files a recipient after any change of state, provider, due time or lease (`at` null: not claimable). */
  update(recipient: MemoryRecipient, at: number | null): void {
    const filed = recipient.dueHeap;
    if (at === null || recipient.provider === null) {
      filed?.remove(recipient);
      return;
    }
    const heap = this.heapOf(recipient.provider);
    if (filed === heap) {
      heap.refile(recipient, at);
      return;
    }
    filed?.remove(recipient);
    heap.add(recipient, at);
  }

  /**
   * Takes up to `limit` recipients due by `now` of these providers (all when undefined), earliest
   * first, out of the index: the caller re-files each once it has leased it.
   */
  takeDue(now: number, limit: number, providers: readonly string[] | undefined): MemoryRecipient[] {
    const taken: MemoryRecipient[] = [];
    if (providers !== undefined && providers.length === 1) {
      // The spooler claims per provider: one heap, no choosing between tops.
      const heap = this.heaps.get(providers[0]!);
      if (heap === undefined) return taken;
      while (taken.length < limit) {
        const top = heap.peek();
        if (top === undefined || top.filedAt > now) break;
        heap.remove(top);
        taken.push(top);
      }
      return taken;
    }
    const heaps: DueHeap[] = [];
    for (const id of providers ?? this.heaps.keys()) {
      const heap = this.heaps.get(id);
      if (heap !== undefined && !heaps.includes(heap)) heaps.push(heap);
    }
    while (taken.length < limit) {
      let best: MemoryRecipient | undefined;
      for (const heap of heaps) {
        const top = heap.peek();
        if (top !== undefined && top.filedAt <= now && (best === undefined || dueBefore(top, best))) best = top;
      }
      if (best === undefined) break;
      best.dueHeap!.remove(best);
      taken.push(best);
    }
    return taken;
  }

  /** The earliest due time of any claimable recipient, or null. */
  earliest(): number | null {
    let earliest: number | null = null;
    for (const heap of this.heaps.values()) {
      const top = heap.peek();
      if (top !== undefined && (earliest === null || top.filedAt < earliest)) earliest = top.filedAt;
    }
    return earliest;
  }

  private heapOf(provider: string): DueHeap {
    let heap = this.heaps.get(provider);
    if (heap === undefined) this.heaps.set(provider, (heap = new DueHeap()));
    return heap;
  }
}
