import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY_EVENT_TYPES } from '@xport/provider-sdk';
import { createLogCollector } from '@xport/provider-sdk/testing';
import type { WebhookSettings } from '@xport/core';
import { createWebhookDispatcher, toWebhookEndpoint, type WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/index.js';
import { ManualRetryTimer } from './manual-retry-timer.js';
import { MemoryEventLog } from './memory-event-log.js';

export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export function webhookSettings(id: string, url: string, overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return { id, url, secret: 'signingSecret', events: [...DELIVERY_EVENT_TYPES], enabled: true, timeoutMs: 5000, retry: { minDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 20 }, ...overrides };
}

/** A dispatcher over a MemoryEventLog, its cursors in a fresh directory, its waits by hand, its logs collected. */
export async function createFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'xport-webhooks-'));
  const log = new MemoryEventLog();
  const timer = new ManualRetryTimer();
  const logs = createLogCollector();
  const dispatchers: WebhookDispatcher[] = [];
  return {
    dir,
    log,
    timer,
    logs,
    /** Starts a dispatcher for these endpoints (settings and secret), woken by every append. */
    async start(endpoints: ReadonlyArray<{ settings: WebhookSettings; secret: string }>, more: Partial<WebhookDispatcherOptions> = {}): Promise<WebhookDispatcher> {
      const dispatcher = createWebhookDispatcher({
        log,
        endpoints: endpoints.map((e) => toWebhookEndpoint(e.settings, e.secret)),
        cursorDir: join(dir, 'webhooks'),
        logger: logs.logger,
        timer,
        random: () => 0.5,
        pollMs: 0,
        ...more,
      });
      dispatchers.push(dispatcher);
      log.onAppend(() => dispatcher.notify());
      await dispatcher.start();
      return dispatcher;
    },
    async close(): Promise<void> {
      for (const d of dispatchers) await d.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `check(dispatcher.status())` holds, tested after every status change (no polling, no sleeping). */
export function until(dispatcher: WebhookDispatcher, check: (status: ReturnType<WebhookDispatcher['status']>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(dispatcher.status())) return resolve();
    const off = dispatcher.onChange(() => {
      if (!check(dispatcher.status())) return;
      off();
      resolve();
    });
  });
}

/** Fires each retry wait as it comes until `check(dispatcher.status())` holds: for tests that do not count the attempts. */
export async function retryUntil(dispatcher: WebhookDispatcher, timer: ManualRetryTimer, check: (status: ReturnType<WebhookDispatcher['status']>) => boolean): Promise<void> {
  const done = until(dispatcher, check).then(() => true);
  while (!(await Promise.race([done, timer.nextWait().then(() => false)]))) timer.fire();
}
