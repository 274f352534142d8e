import type { Clock, EventLog, Logger } from '@xport/provider-sdk';
import type { WebhookSettings } from '@xport/core';
import { createCursorFile } from '../cursor/cursor-file.js';
import { toDisplayUrl } from '../delivery/post-webhook.js';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.js';
import { EndpointHealth, type WebhookEndpointStatus } from './endpoint-status.js';
import { runEndpointWorker } from './endpoint-worker.js';
import { systemRetryTimer, type RetryTimer } from './retry-timer.js';
import { WakeSignal } from './wake-signal.js';

export interface WebhookDispatcherOptions {
  /** The store's event log (`store.events`). */
  readonly log: EventLog;
  /** The enabled endpoints, with their signers (`readWebhookEndpoints`). */
  readonly endpoints: readonly WebhookEndpoint[];
  /** Endpoints configured with `enabled: false`: shown as `disabled` in status, never sent to. */
  readonly disabled?: readonly WebhookSettings[];
  /** Where each endpoint's cursor file is kept (`.xport/webhooks` of the application). */
  readonly cursorDir: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The waits between attempts; real timers when omitted (tests pass a manual one). */
  readonly timer?: RetryTimer;
  /** Jitter of the backoff; `Math.random` when omitted. */
  readonly random?: () => number;
  /** Events read at a time per endpoint. Default 100. */
  readonly pageSize?: number;
  /** Also look for new events this often, for events no signal announces (another process's submits). 0: only on `notify()`. Default 1000. */
  readonly pollMs?: number;
}

export interface WebhookDispatcher {
  /** Loads each endpoint's cursor and starts its loop. A new endpoint starts at the end of the log (it gets events from now on). */
  start(): Promise<void>;
  /** Something new may be in the log: every endpoint that is waiting reads again. Cheap; call it on every event. */
  notify(): void;
  /** One row per configured endpoint. */
  status(): WebhookEndpointStatus[];
  /** Calls `listener` after any endpoint's status changed (an attempt ended, its cursor or the log's head moved). Returns the function that stops it. */
  onChange(listener: () => void): () => void;
  /** Cuts attempts under way (their events are sent again at the next start), waits for the loops, writes the cursors. */
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Delivers the store's delivery events to every configured webhook endpoint: each endpoint has its
 * own loop and its own durable cursor, so events reach each one at least once and in log order, and
 * no endpoint, however slow or broken, holds up another or the sending of mail.
 *
 * @example
 * const dispatcher = createWebhookDispatcher({ log: store.events, endpoints: await readWebhookEndpoints(kernel), cursorDir: '.xport/webhooks', logger });
 * await dispatcher.start();
 * spooler.on('delivered', () => dispatcher.notify());
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();
  const lanes = options.endpoints.map((endpoint) => ({
    endpoint,
    health: new EndpointHealth(endpoint.settings.id, toDisplayUrl(endpoint.settings.url)),
    wake: new WakeSignal(),
    cursor: createCursorFile(options.cursorDir, endpoint.settings.id, (error) =>
      options.logger.warn(`webhook ${endpoint.settings.id}: could not save its cursor (the events since are sent again after a restart)`, { endpoint: endpoint.settings.id, error: (error as Error).message }),
    ),
  }));
  const disabled = (options.disabled ?? []).map((settings) => {
    const health = new EndpointHealth(settings.id, toDisplayUrl(settings.url));
    health.disable(clock.now());
    return health;
  });
  let workers: Promise<void>[] = [];
  let poll: NodeJS.Timeout | undefined;
  let started = false;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  for (const lane of lanes) lane.health.onChange = changed;

  // The log's head, for each endpoint's lag, also while its loop waits on a retry or is disabled.
  let refreshing = false;
  let refreshAgain = false;
  const refreshHead = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        const head = await options.log.lastEventId();
        for (const lane of lanes) lane.health.seeHead(head);
      } while (refreshAgain && !stopping.signal.aborted);
    } catch {
      // The loops say so when the log cannot be read; a lag shown a little stale is all this costs.
    } finally {
      refreshing = false;
    }
  };

  const notify = (): void => {
    if (!started || stopping.signal.aborted) return;
    for (const lane of lanes) lane.wake.give();
    void refreshHead();
  };
  const stopped = (): Promise<void> => new Promise((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));

  return {
    async start() {
      if (started) return;
      started = true;
      const head = await options.log.lastEventId();
      for (const lane of lanes) {
        const id = lane.endpoint.settings.id;
        const saved = await lane.cursor.load();
        if (saved === undefined) {
          lane.health.cursor = head;
          lane.cursor.advance(head);
          options.logger.info(`webhook ${id}: new endpoint, sending the events after ${head} (the end of the log)`, { endpoint: id });
        } else if ('unreadable' in saved) {
          // Sending everything kept again beats skipping what the endpoint never got.
          options.logger.warn(`webhook ${id}: its cursor cannot be read (${saved.unreadable}); sending every event the log keeps again`, { endpoint: id });
        } else {
          lane.health.cursor = saved.after;
        }
        lane.health.seeHead(head);
      }
      if ((options.pollMs ?? 1000) > 0) {
        poll = setInterval(notify, options.pollMs ?? 1000);
        poll.unref();
      }
      const whenStopped = stopped();
      workers = lanes.map((lane) =>
        runEndpointWorker({
          endpoint: lane.endpoint,
          log: options.log,
          cursor: lane.cursor,
          health: lane.health,
          clock,
          timer: options.timer ?? systemRetryTimer,
          random: options.random ?? Math.random,
          logger: options.logger,
          pageSize: options.pageSize ?? 100,
          stop: stopping.signal,
          nextSignal: () => Promise.race([lane.wake.next(), whenStopped]),
        }).catch((error: unknown) => {
          // A bug, not a receiver's fault: said loudly; the endpoint stops until the daemon restarts.
          options.logger.error(`webhook ${lane.endpoint.settings.id}: its delivery loop failed and stopped`, { endpoint: lane.endpoint.settings.id, error: (error as Error).stack ?? String(error) });
        }),
      );
    },
    notify,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    status() {
      return [...lanes.map((lane) => lane.health.toStatus()), ...disabled.map((health) => health.toStatus())];
    },
    async stop() {
      if (poll !== undefined) clearInterval(poll);
      stopping.abort();
      await Promise.all(workers);
      await Promise.all(lanes.map((lane) => lane.cursor.flush()));
    },
  };
}
