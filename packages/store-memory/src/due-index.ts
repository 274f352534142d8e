import { DueQueue, dueBefore } from './due-queue.js';
import type { MemoryRecipient } from './memory-records.js';

/**
 * The claimable recipients of the queue, one due queue per responsible provider, so a claim takes the
 * next due ones in O(1) each (those filed in order) or O(log n) instead of scanning and sorting the queue, and an offline
 * provider's backlog is never looked at while only other providers are claimed.
 */
export class DueIndex {
  private readonly queues = new Map<string, DueQueue>();
  /** Due recipients of held destinations, set aside by a claim that skipped them: provider → destination → queue. */
  private readonly parked = new Map<string, Map<string, DueQueue>>();

  /** Re-files a recipient after any change of state, provider, due time or lease (`at` null: not claimable). */
  update(recipient: MemoryRecipient, at: number | null): void {
    const filed = recipient.dueQueue;
    if (at === null || recipient.provider === null) {
      filed?.remove(recipient);
      return;
    }
    const queue = this.queueOf(recipient.provider);
    if (filed === queue) {
      queue.refile(recipient, at);
      return;
    }
    filed?.remove(recipient);
    queue.add(recipient, at);
  }

  /**
   * Takes up to `limit` recipients due by `now` of these providers (all when undefined), earliest
   * first, out of the index: the caller re-files each once it has leased it. Recipients of a
   * destination in `skip` are left waiting: met at the front of their provider's queue, they are set
   * aside in a queue of their destination (still filed: `earliest` and `update` see them), and go
   * back the first time a claim does not skip that destination. So a held destination's backlog is
   * stepped over once per hold, not once per claim.
   */
  takeDue(now: number, limit: number, providers: readonly string[] | undefined, skip?: readonly string[]): MemoryRecipient[] {
    const skipped = new Set(skip ?? []);
    this.unpark(providers, skipped);
    if (skipped.size === 0) return this.takeDueOf(now, limit, providers);
    const taken: MemoryRecipient[] = [];
    while (taken.length < limit) {
      const [next] = this.takeDueOf(now, 1, providers);
      if (next === undefined) break;
      if (skipped.has(next.destination)) this.parkedQueue(next.provider!, next.destination).add(next, next.filedAt);
      else taken.push(next);
    }
    return taken;
  }

  /** Puts the set-aside recipients of destinations no longer skipped back in their provider's queue. */
  private unpark(providers: readonly string[] | undefined, skipped: ReadonlySet<string>): void {
    for (const provider of providers ?? [...this.parked.keys()]) {
      const byDestination = this.parked.get(provider);
      if (byDestination === undefined) continue;
      for (const [destination, parked] of byDestination) {
        if (skipped.has(destination)) continue;
        byDestination.delete(destination);
        const queue = this.queueOf(provider);
        for (let r = parked.peek(); r !== undefined; r = parked.peek()) {
          parked.remove(r);
          queue.add(r, r.filedAt);
        }
      }
      if (byDestination.size === 0) this.parked.delete(provider);
    }
  }

  private parkedQueue(provider: string, destination: string): DueQueue {
    let byDestination = this.parked.get(provider);
    if (byDestination === undefined) this.parked.set(provider, (byDestination = new Map()));
    let queue = byDestination.get(destination);
    if (queue === undefined) byDestination.set(destination, (queue = new DueQueue()));
    return queue;
  }

  private takeDueOf(now: number, limit: number, providers: readonly string[] | undefined): MemoryRecipient[] {
    const taken: MemoryRecipient[] = [];
    if (providers !== undefined && providers.length === 1) {
      // The spooler claims per provider: one queue, no choosing between fronts.
      const queue = this.queues.get(providers[0]!);
      if (queue === undefined) return taken;
      while (taken.length < limit) {
        const top = queue.peek();
        if (top === undefined || top.filedAt > now) break;
        queue.remove(top);
        taken.push(top);
      }
      return taken;
    }
    const queues: DueQueue[] = [];
    for (const id of providers ?? this.queues.keys()) {
      const queue = this.queues.get(id);
      if (queue !== undefined && !queues.includes(queue)) queues.push(queue);
    }
    while (taken.length < limit) {
      let best: MemoryRecipient | undefined;
      for (const queue of queues) {
        const top = queue.peek();
        if (top !== undefined && top.filedAt <= now && (best === undefined || dueBefore(top, best))) best = top;
      }
      if (best === undefined) break;
      best.dueQueue!.remove(best);
      taken.push(best);
    }
    return taken;
  }

  /** The earliest due time of any claimable recipient, or null. */
  earliest(): number | null {
    let earliest: number | null = null;
    const queues = [...this.queues.values(), ...[...this.parked.values()].flatMap((byDestination) => [...byDestination.values()])];
    for (const queue of queues) {
      const top = queue.peek();
      if (top !== undefined && (earliest === null || top.filedAt < earliest)) earliest = top.filedAt;
    }
    return earliest;
  }

  private queueOf(provider: string): DueQueue {
    let queue = this.queues.get(provider);
    if (queue === undefined) this.queues.set(provider, (queue = new DueQueue()));
    return queue;
  }
}
