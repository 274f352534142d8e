import { applyRecipientTransition, recipientTransition, type ClaimResult } from '@xport/provider-sdk';
import { toFrozenError, type MemoryRecipient } from './memory-records.js';

/**
 * Stores a claim result on an in-flight recipient (the lease has been checked): the SDK decides the
 * next state, attempts, due time and diagnostic; this only writes them and drops the lease.
 */
export function applyClaimResult(recipient: MemoryRecipient, result: ClaimResult, now: number): void {
  const next = applyRecipientTransition(recipient, recipientTransition(result), now);
  recipient.state = next.state;
  recipient.provider = next.provider;
  recipient.attempts = next.attempts;
  recipient.nextAttemptAt = next.nextAttemptAt;
  if (next.lastError !== recipient.lastError && next.lastError !== undefined) recipient.lastError = toFrozenError(next.lastError);
  recipient.updatedAt = next.updatedAt;
  recipient.leaseId = undefined;
  recipient.leaseExpiresAt = null;
}
