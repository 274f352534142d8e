import { formatRecipient, type Recipient } from '../address.js';
import type { ClaimResult, RecipientError, SubmitRequest } from '../store.js';
import type { DeliveryEvent, DeliveryEventType, EventReadRequest } from './delivery-events.js';

/** An event before the store has given it its id (what a write appends). */
export type NewDeliveryEvent = Omit<DeliveryEvent, 'id'>;

/** Most events one read returns: a larger `limit` is cut to this, so one call stays bounded. */
export const MAX_EVENT_READ = 1000;

/**
 * The events a submit owes: one `submitted` for the message, one `failed` for each recipient it
 * refused at once (no route, suppressed). Every store appends exactly these, in this order.
 *
 * @example
 * const events = submitEvents(messageId, request); // [{ type: 'submitted', ... }, { type: 'failed', recipientIndex: 1, ... }]
 */
export function submitEvents(messageId: string, request: SubmitRequest): NewDeliveryEvent[] {
  const at = request.submittedAt;
  const events: NewDeliveryEvent[] = [{ type: 'submitted', at, messageId }];
  request.recipients.forEach((r, index) => {
    if ((r.state ?? 'queued') !== 'failed') return;
    const failed: { -readonly [K in keyof NewDeliveryEvent]: NewDeliveryEvent[K] } = {
      type: 'failed',
      at,
      messageId,
      recipientIndex: index,
      recipient: formatRecipient(r.recipient),
      provider: r.provider,
      attempts: 0,
    };
    if (r.lastError !== undefined) failed.error = r.lastError;
    events.push(failed);
  });
  return events;
}

/** What a claim result's event says besides the recipient: its type, error and next attempt. */
export interface CompletionEventFields {
  readonly type: DeliveryEventType;
  readonly error?: RecipientError;
  readonly nextAttemptAt?: number;
}

/**
 * What the event a claim result owes says, or undefined for a hand-over (`queued`: the recipient
 * only changed hands, nothing happened to it a reader needs to know). A SQL store writes these
 * fields and copies the recipient's own (address, provider, attempts) from its row.
 *
 * @example
 * completionEventFields({ state: 'failed', error }); // { type: 'failed', error }
 */
export function completionEventFields(result: ClaimResult): CompletionEventFields | undefined {
  switch (result.state) {
    case 'queued':
      return undefined;
    case 'delivered':
      return { type: 'delivered' };
    case 'deferred':
      return result.error === undefined ? { type: 'deferred', nextAttemptAt: result.nextAttemptAt } : { type: 'deferred', error: result.error, nextAttemptAt: result.nextAttemptAt };
    case 'failed':
    case 'expired':
      return { type: result.state, error: result.error };
  }
}

/** What a completion event is built from: the recipient as it is after the result. */
export interface CompletedRecipient {
  readonly messageId: string;
  readonly recipientIndex: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
  /** Attempts after the result. */
  readonly attempts: number;
}

/**
 * The event a completion owes (see {@link completionEventFields}), for the recipient as it is after it.
 *
 * @example
 * const event = completionEvent({ messageId, recipientIndex: 0, recipient, provider: 'smtp', attempts: 1 }, { state: 'delivered' }, now);
 */
export function completionEvent(done: CompletedRecipient, result: ClaimResult, at: number): NewDeliveryEvent | undefined {
  const fields = completionEventFields(result);
  if (fields === undefined) return undefined;
  return {
    at,
    messageId: done.messageId,
    recipientIndex: done.recipientIndex,
    recipient: formatRecipient(done.recipient),
    provider: done.provider,
    attempts: done.attempts,
    ...fields,
  };
}

/**
 * The event an operator's change or a late bounce owes a recipient, as it is after the change:
 * `deleted` (abort, delete), `held`, `released`, or `bounced` (its error is the bounce's).
 *
 * @example
 * const event = recipientEvent('held', { messageId, recipientIndex: 0, recipient, provider: 'smtp', attempts: 0 }, now);
 */
export function recipientEvent(type: 'deleted' | 'held' | 'released' | 'bounced', done: CompletedRecipient, at: number, error?: RecipientError): NewDeliveryEvent {
  const event: NewDeliveryEvent = {
    type,
    at,
    messageId: done.messageId,
    recipientIndex: done.recipientIndex,
    recipient: formatRecipient(done.recipient),
    provider: done.provider,
    attempts: done.attempts,
  };
  return error === undefined ? event : { ...event, error };
}

/**
 * The event an aborted (deleted) recipient owes.
 *
 * @example
 * const event = deletedEvent({ messageId, recipientIndex: 0, recipient, provider: 'smtp', attempts: 0 }, now);
 */
export function deletedEvent(done: CompletedRecipient, at: number): NewDeliveryEvent {
  return recipientEvent('deleted', done, at);
}

/**
 * The event one inbox entry owes: `messageId` is the entry's id, `provider` the receiving one.
 *
 * @example
 * const event = receivedEvent({ id: 'e1', mailbox: 'ada' }, now, 'smtp');
 */
export function receivedEvent(entry: { readonly id: string; readonly mailbox: string }, at: number, receivedBy: string | undefined): NewDeliveryEvent {
  return { type: 'received', at, messageId: entry.id, mailbox: entry.mailbox, provider: receivedBy ?? null };
}

/**
 * True when `event` is one `request` asks for (its message and types; the cursor is the caller's).
 * A store that filters in memory uses it; a SQL store writes the same conditions in its query.
 *
 * @example
 * events.filter((e) => e.id > (request.after ?? 0) && matchesEventRequest(e, request));
 */
export function matchesEventRequest(event: DeliveryEvent, request: EventReadRequest): boolean {
  if (request.messageId !== undefined && event.messageId !== request.messageId) return false;
  if (request.types !== undefined && request.types.length > 0 && !request.types.includes(event.type)) return false;
  return true;
}

/**
 * The number of events one read may return: `limit`, at least 0 and at most {@link MAX_EVENT_READ}.
 *
 * @example
 * const limit = eventReadLimit(request.limit);
 */
export function eventReadLimit(limit: number): number {
  return Math.max(0, Math.min(MAX_EVENT_READ, Math.floor(limit)));
}
