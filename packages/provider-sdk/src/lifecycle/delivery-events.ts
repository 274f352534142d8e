import type { RecipientError } from '../store.js';

/**
 * What a delivery event says happened. Each is written by the store in the same transaction as the
 * state change it describes, so the log never shows a change that did not happen, nor misses one.
 */
export type DeliveryEventType =
  | 'submitted'
  | 'delivered'
  | 'deferred'
  | 'failed'
  | 'expired'
  | 'held'
  | 'released'
  | 'deleted'
  | 'received'
  | 'bounced';

/** Every event type, in the order a recipient usually meets them. */
export const DELIVERY_EVENT_TYPES: readonly DeliveryEventType[] = [
  'submitted',
  'deferred',
  'delivered',
  'failed',
  'expired',
  'held',
  'released',
  'deleted',
  'bounced',
  'received',
];

/**
 * One entry of a store's event log. `submitted` and `received` are about a message (no recipient);
 * the others about one recipient of it.
 */
export interface DeliveryEvent {
  /**
   * Its position in the log: a positive integer, increasing in the order readers see events, never
   * reused. Read on from it with `EventReadRequest.after` (and `Last-Event-ID` over SSE).
   */
  readonly id: number;
  readonly type: DeliveryEventType;
  /** When the change happened, epoch ms. */
  readonly at: number;
  /** The outbox message; for `received`, the inbox entry. */
  readonly messageId: string;
  readonly recipientIndex?: number;
  /** The recipient as `formatRecipient` writes it (`smtp:bob@example.org`). */
  readonly recipient?: string;
  /** The provider responsible for the recipient when it happened (the receiving one for `received`). */
  readonly provider?: string | null;
  /** Attempts made so far, this one included. */
  readonly attempts?: number;
  /** For `deferred`, `failed`, `expired`, `bounced`: the RFC 3463 code and diagnostic. */
  readonly error?: RecipientError;
  /** For `deferred`: when the next attempt is due, epoch ms. */
  readonly nextAttemptAt?: number;
  /** For `received`: the mailbox it was put in. */
  readonly mailbox?: string;
}

/** What to read from an event log: events after a cursor, oldest first. */
export interface EventReadRequest {
  /** Read events with an id greater than this; omit to start at the oldest kept. */
  readonly after?: number;
  readonly limit: number;
  /** Only this message's events (its timeline). */
  readonly messageId?: string;
  /** Only these types. */
  readonly types?: readonly DeliveryEventType[];
}

/**
 * A store's durable event log. Optional for a store (like `suppression`): without it the kernel has
 * no history timeline, no event stream and no webhooks, and says so.
 */
export interface EventLog {
  /** Events after `request.after`, oldest first, at most `limit`. */
  readEvents(request: EventReadRequest): Promise<DeliveryEvent[]>;
  /** The id of the newest event, or 0 when the log is empty (where `--follow` starts). */
  lastEventId(): Promise<number>;
  /**
   * Removes at most `limit` events older than `before` (epoch ms), oldest first; returns how many.
   * Events are appended in time order, so a store may look only at its `limit` oldest ids (bounded
   * work): a batch that meets a newer event among them removes fewer, and the rest waits.
   */
  purgeEvents(before: number, limit: number): Promise<number>;
}

/**
 * True when `value` names an event type (a query parameter or a stored row is checked with it).
 *
 * @example
 * isDeliveryEventType('delivered'); // true
 */
export function isDeliveryEventType(value: unknown): value is DeliveryEventType {
  return typeof value === 'string' && (DELIVERY_EVENT_TYPES as readonly string[]).includes(value);
}
