import type { Kernel } from '@xport/core';

type OutcomeEvent = 'delivered' | 'failed' | 'deferred';

export interface OutcomeEvents {
  /** Resolves once each recipient of `messageId` named in `indexes` has had one of the events. */
  settled(messageId: string, indexes: readonly number[]): Promise<void>;
}

/**
 * Records the kernel's outcome events from now on. Start it before submitting: a message is sent as
 * soon as it is durable, which can be before `submit()` has returned to its caller, so a listener
 * added after the submit can miss its outcome.
 */
export function outcomeEvents(k: Kernel, names: readonly OutcomeEvent[] = ['delivered', 'failed']): OutcomeEvents {
  const seen = new Set<string>();
  const waiters = new Set<() => void>();
  const record = (event: { messageId: string; recipientIndex: number }): void => {
    seen.add(`${event.messageId}#${event.recipientIndex}`);
    for (const check of [...waiters]) check();
  };
  for (const name of names) k.spooler().on(name, record);
  return {
    settled: (messageId, indexes) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (!indexes.every((i) => seen.has(`${messageId}#${i}`))) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}
