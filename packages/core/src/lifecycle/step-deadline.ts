/** How a lifecycle step ended, as far as the kernel is concerned. */
export type StepOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'threw'; readonly error: unknown }
  /** The deadline passed first; the step may still settle later (see `onLate`). */
  | { readonly kind: 'timeout'; readonly limitMs: number }
  /** The kernel stopped waiting because it is stopping; the step may still settle later. */
  | { readonly kind: 'interrupted' };

/** What a step that the kernel stopped waiting for did in the end. */
export type LateSettlement<T> = { readonly kind: 'done'; readonly value: T; readonly afterMs: number } | { readonly kind: 'threw'; readonly error: unknown; readonly afterMs: number };

// setTimeout fires at once for anything longer (and warns): clamp instead.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Runs one provider step (import, create, logon, start, stop) and waits for it at most `limitMs`,
 * or until `interrupt` aborts. A step that misses its deadline cannot be cancelled — JavaScript has
 * no way to stop a promise — so the kernel stops waiting, and `onLate` hears how it ended, if it
 * ever does, so that the caller can undo what the abandoned step did (a start that finished late is
 * stopped) instead of letting it change state behind the kernel's back.
 *
 * The timer is not unref'ed: while a step is pending the process stays up to see its deadline.
 *
 * @example
 * const outcome = await runStep(() => provider.logon(), { limitMs: 60_000, interrupt: closing.signal });
 * if (outcome.kind === 'timeout') markTimedOut('logon', outcome.limitMs);
 */
export function runStep<T>(
  step: () => T | Promise<T>,
  options: { readonly limitMs: number; readonly interrupt?: AbortSignal; readonly onLate?: (late: LateSettlement<T>) => void },
): Promise<StepOutcome<T>> {
  const startedAt = Date.now();
  let running: Promise<T>;
  try {
    running = Promise.resolve(step());
  } catch (error) {
    return Promise.resolve({ kind: 'threw', error });
  }
  return new Promise<StepOutcome<T>>((resolve) => {
    let decided = false;
    const decide = (outcome: StepOutcome<T>): boolean => {
      if (decided) return false;
      decided = true;
      clearTimeout(timer);
      options.interrupt?.removeEventListener('abort', onInterrupt);
      resolve(outcome);
      return true;
    };
    const limitMs = Math.min(Math.max(options.limitMs, 1), MAX_TIMER_MS);
    const timer = setTimeout(() => decide({ kind: 'timeout', limitMs: options.limitMs }), limitMs);
    const onInterrupt = (): void => void decide({ kind: 'interrupted' });
    if (options.interrupt?.aborted) onInterrupt();
    else options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
    running.then(
      (value) => {
        if (!decide({ kind: 'done', value })) options.onLate?.({ kind: 'done', value, afterMs: Date.now() - startedAt });
      },
      (error: unknown) => {
        if (!decide({ kind: 'threw', error })) options.onLate?.({ kind: 'threw', error, afterMs: Date.now() - startedAt });
      },
    );
  });
}
