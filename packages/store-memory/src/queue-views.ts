import { isFinalRecipientState, type ListOptions, type ProviderQueueCounts, type QueueCounts, type RecipientState, type StoredMessage } from '@xport/provider-sdk';
import { toStoredMessage, type MemoryMessage } from './memory-records.js';

function page<T>(items: T[], options: ListOptions = {}): T[] {
  const offset = options.offset ?? 0;
  return items.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
}

/** Unfinished messages in submit order. */
export function listQueued(queue: Iterable<MemoryMessage>, options?: ListOptions): StoredMessage[] {
  return page([...queue], options).map(toStoredMessage);
}

/** Finished messages, most recently finished first. */
export function listFinished(sent: Iterable<MemoryMessage>, options?: ListOptions): StoredMessage[] {
  const ordered = [...sent].sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || b.seq - a.seq);
  return page(ordered, options).map(toStoredMessage);
}

export function emptyStateCounts(): Record<RecipientState, number> {
  return { queued: 0, 'in-flight': 0, deferred: 0, held: 0, delivered: 0, failed: 0, expired: 0, aborted: 0 };
}

export function countRecipients(messages: Iterable<MemoryMessage>): QueueCounts {
  const byState = emptyStateCounts();
  const byProvider: Record<string, { -readonly [K in keyof ProviderQueueCounts]: number }> = {};
  for (const message of messages) {
    for (const r of message.recipients) {
      byState[r.state] += 1;
      if (isFinalRecipientState(r.state)) continue;
      const slot = (byProvider[r.provider ?? ''] ??= { queued: 0, inFlight: 0, deferred: 0, held: 0 });
      if (r.state === 'queued') slot.queued += 1;
      else if (r.state === 'in-flight') slot.inFlight += 1;
      else if (r.state === 'held') slot.held += 1;
      else slot.deferred += 1;
    }
  }
  return { byState, byProvider };
}
