import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { XportTokens, type Clock, type Logger } from '@xport/provider-sdk';
import type { Kernel, Spooler } from '@xport/core';
import { PROVIDER_STATES, QUEUE_STATES } from '../schemas/state-lists.js';
import { registerWebhookMetrics, type WebhookStatusSource } from './webhook-metrics.js';

export interface KernelMetrics {
  /** Every metric, for `/metrics` (`registry.metrics()`, content type `registry.contentType`). */
  readonly registry: Registry;
  /** Stops listening to the kernel. */
  close(): void;
}

export interface KernelMetricsOptions {
  /** Also the process and Node.js runtime metrics of prom-client (`process_*`, `nodejs_*`). Default true. */
  readonly processMetrics?: boolean;
  readonly logger?: Logger;
  /** The webhook endpoints' status (package `@xport/webhooks`), for the `xport_webhook_*` metrics. */
  readonly webhookStatus?: WebhookStatusSource;
}

// From a local send to a slow relay's full timeout (sendTimeoutMs defaults to 120 s).
const SEND_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const SIDE_STATES = ['up', 'down', 'off'] as const;
const DEPTH_KEYS = { queued: 'queued', 'in-flight': 'inFlight', deferred: 'deferred', held: 'held' } as const;

/**
 * The kernel's metrics in Prometheus form: counters fed by the spooler's events (what this process
 * submitted, sent and received), gauges read at each scrape (queue depth and age from the store,
 * provider states from the status table). Names follow the Prometheus conventions: the `xport_`
 * prefix, base units (seconds), `_total` for counters.
 *
 * @example
 * const metrics = createKernelMetrics(kernel);
 * response.end(await metrics.registry.metrics());
 */
export function createKernelMetrics(kernel: Kernel, options: KernelMetricsOptions = {}): KernelMetrics {
  const registry = new Registry();
  const registers = [registry];
  const clock = kernel.container.resolve<Clock>(XportTokens.Clock);
  const warn = (what: string, error: unknown): void => options.logger?.warn(`metrics: could not read ${what}`, { error: String((error as Error)?.message ?? error) });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const submitted = new Counter({ name: 'xport_messages_submitted_total', help: 'Messages this process accepted for sending (a repeated idempotency key counts once).', registers });
  const outcomes = new Counter({
    name: 'xport_recipients_total',
    help: 'Recipient outcomes: delivered, deferred, failed or expired, by the responsible provider ("" for none). A recipient deferred twice then delivered counts three times.',
    labelNames: ['provider', 'outcome'],
    registers,
  });
  const received = new Counter({ name: 'xport_messages_received_total', help: 'Inbound messages kept in the inbox, by the provider that received them.', labelNames: ['provider'], registers });
  const sendDuration = new Histogram({
    name: 'xport_send_duration_seconds',
    help: 'Duration of each hand-over of a message to a transport, from the first preprocessor to its answer.',
    labelNames: ['provider'],
    buckets: SEND_BUCKETS_S,
    registers,
  });

  new Gauge({
    name: 'xport_queue_recipients',
    help: 'Recipients not yet final, by responsible transport and state.',
    labelNames: ['provider', 'state'],
    registers,
    async collect() {
      this.reset();
      try {
        const depth = await kernel.spooler().queueDepth();
        for (const [provider, counts] of Object.entries(depth)) for (const state of QUEUE_STATES) this.set({ provider, state }, counts[DEPTH_KEYS[state]]);
      } catch (error) {
        warn('the queue depth', error);
      }
    },
  });
  new Gauge({
    name: 'xport_queue_oldest_age_seconds',
    help: 'Age of the oldest message with a recipient not yet final; 0 when there is none.',
    registers,
    async collect() {
      this.reset();
      try {
        const oldest = await kernel.spooler().oldestQueuedAt();
        this.set(oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000));
      } catch (error) {
        warn('the oldest queued message', error);
      }
    },
  });
  new Gauge({
    name: 'xport_provider_up',
    help: '1 when the provider is online, else 0.',
    labelNames: ['provider', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const row of kernel.status()) this.set({ provider: row.id, kind: row.kind }, row.state === 'online' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'xport_provider_state',
    help: 'The provider state as a state set: 1 for the state it is in, 0 for every other.',
    labelNames: ['provider', 'state'],
    registers,
    collect() {
      this.reset();
      for (const row of kernel.status()) for (const state of PROVIDER_STATES) this.set({ provider: row.id, state }, row.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'xport_provider_side_state',
    help: "The state of each side a transport reports (its relay, its listener) as a state set: 1 for the side's state, 0 for the others.",
    labelNames: ['provider', 'side', 'state'],
    registers,
    collect() {
      this.reset();
      for (const row of kernel.status()) for (const side of row.sides ?? []) for (const state of SIDE_STATES) this.set({ provider: row.id, side: side.name, state }, side.state === state ? 1 : 0);
    },
  });

  if (options.webhookStatus) registerWebhookMetrics(registry, options.webhookStatus);

  let detach: Array<() => void> = [];
  const attach = (spooler: Spooler): void => {
    for (const off of detach) off();
    detach = [
      spooler.on('submitted', (e) => void (e.duplicate || submitted.inc())),
      spooler.on('delivered', (e) => outcomes.inc({ provider: e.provider ?? '', outcome: 'delivered' })),
      spooler.on('deferred', (e) => outcomes.inc({ provider: e.provider ?? '', outcome: 'deferred' })),
      spooler.on('failed', (e) => outcomes.inc({ provider: e.provider ?? '', outcome: 'failed' })),
      spooler.on('expired', (e) => outcomes.inc({ provider: e.provider ?? '', outcome: 'expired' })),
      spooler.on('received', (e) => received.inc({ provider: e.receivedBy ?? '' })),
      spooler.on('attempted', (e) => sendDuration.observe({ provider: e.provider }, e.durationMs / 1000)),
    ];
  };
  const offReady = kernel.on('spooler-ready', attach);
  try {
    attach(kernel.spooler());
  } catch {
    // Not started yet: spooler-ready attaches.
  }
  return {
    registry,
    close() {
      offReady();
      for (const off of detach) off();
      detach = [];
    },
  };
}
