/**
 * Abort listeners, one per signal. The kernel hands every send of a claim round the same signal;
 * adding and removing an EventTarget listener per send cost more than any other step of the
 * provider's own code, so each signal gets one listener and the sends watching it sit in a set.
 */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

function watchersOf(signal: AbortSignal): Set<() => void> {
  let set = watchers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    watchers.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        watchers.delete(signal);
        for (const onAbort of [...created]) onAbort();
      },
      { once: true },
    );
  }
  return set;
}

/**
 * Calls `onAbort` once when `signal` aborts (at once when it already has); the function returned
 * stops watching, and must be called when the work is done, so nothing is kept for a signal that
 * outlives the work.
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  const set = watchersOf(signal);
  // One entry per call, even when the same function is given twice.
  const entry = (): void => onAbort();
  set.add(entry);
  return () => void set.delete(entry);
}

/** How many sends watch `signal` (for tests: a finished send must not stay). */
export function abortWatchers(signal: AbortSignal): number {
  return watchers.get(signal)?.size ?? 0;
}
