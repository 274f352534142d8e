import { Counter, Gauge, type Registry } from 'prom-client';

/** What `/metrics` reads of each webhook endpoint (`WebhookEndpointStatus` of @xport/webhooks has these fields). */
export interface WebhookMetricsRow {
  readonly id: string;
  readonly state: 'ok' | 'retrying' | 'failing' | 'disabled';
  readonly lagEvents: number;
  readonly delivered: number;
  readonly failedAttempts: number;
  readonly dropped: number;
}

/** The webhook dispatcher's rows, read at each scrape; an empty list while none runs. */
export type WebhookStatusSource = () => readonly WebhookMetricsRow[];

const WEBHOOK_STATES = ['ok', 'retrying', 'failing', 'disabled'] as const;

/**
 * The webhook metrics, read from the dispatcher's status at each scrape (the dispatcher keeps the
 * counts, so the registry stays here and the webhooks package needs no prom-client):
 * `xport_webhook_deliveries_total{endpoint,outcome}` per event that ended (`delivered` with a 2xx,
 * `dropped` after its last attempt), `xport_webhook_failures_total{endpoint}` per failed attempt,
 * `xport_webhook_lag_events{endpoint}` and the state set `xport_webhook_state{endpoint,state}`.
 *
 * @example
 * registerWebhookMetrics(registry, () => dispatcher.status());
 */
export function registerWebhookMetrics(registry: Registry, source: WebhookStatusSource): void {
  const registers = [registry];
  new Counter({
    name: 'xport_webhook_deliveries_total',
    help: 'Events whose delivery to a webhook endpoint ended: delivered (acknowledged with a 2xx) or dropped (after its last attempt), by endpoint.',
    labelNames: ['endpoint', 'outcome'],
    registers,
    collect() {
      this.reset();
      for (const row of source()) {
        this.inc({ endpoint: row.id, outcome: 'delivered' }, row.delivered);
        this.inc({ endpoint: row.id, outcome: 'dropped' }, row.dropped);
      }
    },
  });
  new Counter({
    name: 'xport_webhook_failures_total',
    help: 'Failed attempts to deliver an event to a webhook endpoint (no answer within timeoutMs, a connection error, a status other than 2xx), each retry counted.',
    labelNames: ['endpoint'],
    registers,
    collect() {
      this.reset();
      for (const row of source()) this.inc({ endpoint: row.id }, row.failedAttempts);
    },
  });
  new Gauge({
    name: 'xport_webhook_lag_events',
    help: "Events in the store's event log after a webhook endpoint's cursor (not yet delivered to it, or not yet passed by its filter).",
    labelNames: ['endpoint'],
    registers,
    collect() {
      this.reset();
      for (const row of source()) this.set({ endpoint: row.id }, row.lagEvents);
    },
  });
  new Gauge({
    name: 'xport_webhook_state',
    help: "A webhook endpoint's state as a state set: 1 for the state it is in (ok, retrying, failing, disabled), 0 for the others.",
    labelNames: ['endpoint', 'state'],
    registers,
    collect() {
      this.reset();
      for (const row of source()) for (const state of WEBHOOK_STATES) this.set({ endpoint: row.id, state }, row.state === state ? 1 : 0);
    },
  });
}
