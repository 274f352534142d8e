import { join } from 'node:path';
import { XportTokens, type Clock, type Logger } from '@xport/provider-sdk';
import type { Kernel, SpoolerEventName } from '@xport/core';
import { createWebhookDispatcher, type WebhookDispatcher } from '../dispatch/webhook-dispatcher.js';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.js';
import { eventLogOf } from './event-log-of.js';

// Spooler events whose change the store wrote to the event log: each may have added events.
const SIGNALLING: readonly SpoolerEventName[] = ['submitted', 'delivered', 'deferred', 'failed', 'expired', 'received'];

export interface KernelWebhooksOptions {
  /** From `readWebhookEndpoints(kernel)`, read before the kernel starts (so a missing secret stops the daemon before anything ran). */
  readonly endpoints: readonly WebhookEndpoint[];
  /** The application's private state directory (`<root>/.xport`); cursors go to its `webhooks/`. */
  readonly stateDir: string;
  /** Something new may be in the log: called with the dispatcher's `notify`. Default: the spooler's events. */
  readonly follow?: (notify: () => void) => () => void;
}

/**
 * Starts the dispatcher over a started kernel's store: its event log, the `enabled: false` endpoints
 * shown as disabled, the kernel's logger (which masks every secret) and clock, polling every
 * `spooler.pollMs` for events no signal announces (another process's submits, operator actions).
 * Resolves undefined when no webhook is enabled (and none can be shown); rejects with `XPORT_WEBHOOK_EVENTS_UNAVAILABLE`
 * when the store keeps no event log.
 *
 * @example
 * const endpoints = await readWebhookEndpoints(kernel);
 * await kernel.start();
 * const webhooks = await startKernelWebhooks(kernel, { endpoints, stateDir: join(kernel.root, '.xport') });
 */
export async function startKernelWebhooks(kernel: Kernel, options: KernelWebhooksOptions): Promise<WebhookDispatcher | undefined> {
  const disabled = kernel.config.webhooks.filter((w) => !w.enabled);
  const store = kernel.store();
  const hasLog = (store as { readonly events?: unknown } | undefined)?.events !== undefined;
  // Only endpoints that would send need an event log; disabled ones are merely shown where there is one.
  if (options.endpoints.length === 0 && (disabled.length === 0 || !hasLog)) return undefined;
  const log = eventLogOf(store, kernel.config.store.provider ?? 'the default store');
  const dispatcher = createWebhookDispatcher({
    log,
    endpoints: options.endpoints,
    disabled,
    cursorDir: join(options.stateDir, 'webhooks'),
    logger: kernel.container.resolve<Logger>(XportTokens.Logger),
    clock: kernel.container.resolve<Clock>(XportTokens.Clock),
    pollMs: kernel.config.spooler.pollMs,
  });
  await dispatcher.start();
  const follow =
    options.follow ??
    ((notify: () => void) => {
      const spooler = kernel.spooler();
      const offs = SIGNALLING.map((name) => spooler.on(name, notify));
      return () => offs.forEach((off) => off());
    });
  const stopFollowing = follow(() => dispatcher.notify());
  return {
    ...dispatcher,
    async stop() {
      stopFollowing();
      await dispatcher.stop();
    },
  };
}
