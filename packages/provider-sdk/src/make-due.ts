import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MessageStore } from './store.js';

/** Most deferred recipients one `makeDue` transaction moves (a deep queue is made due in many short ones). */
export const MAKE_DUE_BATCH = 5000;

/**
 * Makes the deferred recipients of these providers due at `now` (store-and-forward: a transport
 * back online, or a flush) in bounded batches: each `store.makeDue(providers, now, batch)` is one
 * short transaction, and the event loop turns between them, so submits, claims and other
 * processes' writes go on while a deep queue is moved. Stops when a batch comes back short
 * (a recipient made due at `now` is not due *after* `now`, so it is never counted twice).
 * Returns how many recipients were made due.
 *
 * @example
 * const moved = await makeDueInBatches(store, ['smtp'], Date.now());
 */
export async function makeDueInBatches(
  store: Pick<MessageStore, 'makeDue'>,
  providers: readonly string[],
  now: number,
  batch: number = MAKE_DUE_BATCH,
): Promise<number> {
  if (providers.length === 0) return 0;
  let total = 0;
  for (;;) {
    const moved = await store.makeDue(providers, now, batch);
    total += moved;
    if (moved < batch) return total;
    await nextTurn();
  }
}
