import { DELIVERY_EVENT_TYPES, type Clock, type DeliveryEvent, type EventLog, type Logger } from '@xport/provider-sdk';
import type { EndpointCursor } from '../cursor/cursor-file.js';
import { postWebhook, type AttemptRequest, type AttemptResult } from '../delivery/post-webhook.js';
import { toRetryDelay } from '../delivery/retry-delay.js';
import { toWebhookId, toWebhookPayload } from '../payload/webhook-payload.js';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.js';
import type { EndpointHealth } from './endpoint-status.js';
import type { RetryTimer } from './retry-timer.js';

export interface EndpointWorkerOptions {
  readonly endpoint: WebhookEndpoint;
  readonly log: EventLog;
  readonly cursor: EndpointCursor;
  readonly health: EndpointHealth;
  readonly clock: Clock;
  readonly timer: RetryTimer;
  readonly random: () => number;
  readonly logger: Logger;
  readonly pageSize: number;
  readonly stop: AbortSignal;
  /** Resolves when something new may be in the log (or the dispatcher stops). */
  readonly nextSignal: () => Promise<void>;
  readonly post?: (request: AttemptRequest) => Promise<AttemptResult>;
}

/**
 * One endpoint's delivery loop: reads the log after its cursor a page at a time (bounded memory),
 * sends each event in log order and moves the cursor only past an event that was acknowledged,
 * dropped after its last attempt, or skipped by the filter. So every event of a message reaches the
 * endpoint in the order the log has them, and a crash can only send some again, never skip one.
 * Each endpoint has its own loop: a slow or failing one holds up no other, and none holds up mail.
 */
export async function runEndpointWorker(options: EndpointWorkerOptions): Promise<void> {
  const { endpoint, log, cursor, health, stop, logger } = options;
  const { settings } = endpoint;
  const types = settings.events.length === DELIVERY_EVENT_TYPES.length ? undefined : settings.events;
  const post = options.post ?? postWebhook;
  const moveTo = (after: number): void => {
    if (after <= health.cursor) return;
    cursor.advance(after);
    health.moveCursor(after);
  };

  /** True when the loop may go on past the event (acknowledged, or dropped); false when it must stop (stopping, 410). */
  const deliver = async (event: DeliveryEvent): Promise<boolean> => {
    const id = toWebhookId(event);
    const body = JSON.stringify(toWebhookPayload(event));
    for (let attempt = 1; ; attempt += 1) {
      if (stop.aborted) return false;
      const timestamp = Math.floor(options.clock.now() / 1000);
      const result = await post({ url: settings.url, headers: endpoint.sign({ id, timestamp, body }), body, timeoutMs: settings.timeoutMs, stop });
      if (result.ok) {
        health.succeeded();
        return true;
      }
      if (result.stopped === true || stop.aborted) return false;
      const now = options.clock.now();
      if (result.status === 410) {
        health.failed(result.message, now);
        health.disable(now);
        logger.error(`webhook ${settings.id}: the receiver answered 410 Gone; not sending to it again until the daemon restarts (the cursor stays before event ${id})`, { endpoint: settings.id, event: id });
        return false;
      }
      if (attempt >= settings.retry.maxAttempts) {
        health.failed(result.message, now);
        health.droppedOne();
        logger.error(`webhook ${settings.id}: dropped event ${id} (${event.type} of message ${event.messageId}) after ${attempt} attempts; going on with the next`, { endpoint: settings.id, event: id, error: result.message });
        return true;
      }
      const delayMs = toRetryDelay(attempt, settings.retry, options.random, result.retryAfterMs);
      health.failed(result.message, now, now + delayMs);
      logger.warn(`webhook ${settings.id}: attempt ${attempt} of event ${id} failed; next in ${Math.round(delayMs / 1000)} s`, { endpoint: settings.id, event: id, error: result.message });
      await options.timer.wait(delayMs, stop);
    }
  };

  while (!stop.aborted) {
    let head: number;
    let page: DeliveryEvent[];
    try {
      head = await log.lastEventId();
      health.seeHead(head);
      page = await log.readEvents({ after: health.cursor, limit: options.pageSize, ...(types === undefined ? {} : { types }) });
    } catch (error) {
      logger.warn(`webhook ${settings.id}: cannot read the event log; trying again on the next signal`, { endpoint: settings.id, error: (error as Error).message });
      await options.nextSignal();
      continue;
    }
    for (const event of page) {
      if (!(await deliver(event))) return;
      moveTo(event.id);
    }
    // A short page holds every matching event up to the head read before it: the rest were filtered out.
    if (page.length < options.pageSize) {
      moveTo(head);
      await options.nextSignal();
    }
  }
}
