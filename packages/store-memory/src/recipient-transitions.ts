import type { ClaimResult } from '@xport/provider-sdk';
import { toFrozenError, type MemoryRecipient } from './memory-records.js';

/** Applies a claim result to an in-flight recipient (the lease has been checked). */
export function applyClaimResult(recipient: MemoryRecipient, result: ClaimResult, now: number): void {
  const dueBeforeClaim = recipient.nextAttemptAt;
  recipient.leaseId = undefined;
  recipient.updatedAt = now;
  switch (result.state) {
    case 'delivered':
      recipient.state = 'delivered';
      recipient.attempts += 1;
      recipient.nextAttemptAt = null;
      return;
    case 'failed':
    case 'expired':
      recipient.state = result.state;
      if (result.state === 'failed') recipient.attempts += 1;
      recipient.nextAttemptAt = null;
      recipient.lastError = toFrozenError(result.error);
      return;
    case 'deferred':
      recipient.state = 'deferred';
      if (result.countAttempt) recipient.attempts += 1;
      recipient.nextAttemptAt = result.nextAttemptAt;
      if (result.error) recipient.lastError = toFrozenError(result.error);
      return;
    case 'queued':
      // A hand-over keeps its place in line unless a time is given.
      recipient.state = 'queued';
      recipient.provider = result.provider;
      recipient.nextAttemptAt = result.nextAttemptAt ?? dueBeforeClaim ?? now;
      return;
  }
}
