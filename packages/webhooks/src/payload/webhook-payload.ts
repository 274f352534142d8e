import type { DeliveryEvent, DeliveryEventType } from '@xport/provider-sdk';

/** The `type` of a webhook payload: `message.` and the delivery event's type (`message.delivered`). */
export type WebhookEventType = `message.${DeliveryEventType}`;

/** The JSON body of every webhook request, in the shape the Standard Webhooks specification suggests. */
export interface WebhookPayload {
  readonly type: WebhookEventType;
  /** When the change happened (the event's `at`), ISO 8601 in UTC. */
  readonly timestamp: string;
  /** The delivery event as the store's event log holds it (`id`, `type`, `at`, `messageId`, …). */
  readonly data: DeliveryEvent;
}

/**
 * The payload type of a delivery event type: hierarchical and full-stop delimited, as the
 * specification recommends.
 *
 * @example
 * toWebhookEventType('delivered'); // 'message.delivered'
 */
export function toWebhookEventType(type: DeliveryEventType): WebhookEventType {
  return `message.${type}`;
}

/**
 * The `webhook-id` of an event: `evt_` and its position in the log. The same for every retry and
 * every endpoint, so a receiver can use it as an idempotency key (at-least-once delivery may repeat it).
 *
 * @example
 * toWebhookId({ id: 42, type: 'delivered', at: 0, messageId: 'm1' }); // 'evt_42'
 */
export function toWebhookId(event: Pick<DeliveryEvent, 'id'>): string {
  return `evt_${event.id}`;
}

/**
 * The payload of an event.
 *
 * @example
 * JSON.stringify(toWebhookPayload(event)); // {"type":"message.delivered","timestamp":"2026-…Z","data":{…}}
 */
export function toWebhookPayload(event: DeliveryEvent): WebhookPayload {
  return { type: toWebhookEventType(event.type), timestamp: new Date(event.at).toISOString(), data: event };
}
