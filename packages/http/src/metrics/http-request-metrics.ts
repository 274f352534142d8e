import { Counter, type Registry } from 'prom-client';

/** `xport_http_requests_total{method,route,status}`: every request the API answered, by route template. */
export class HttpRequestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'xport_http_requests_total',
      help: 'HTTP API requests answered, by method, route template (unmatched for no route) and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  }

  observe(method: string, route: string | undefined, status: number): void {
    // The route template, never the path: ids and mailboxes would make a series per message.
    this.requests.inc({ method, route: route ?? 'unmatched', status: String(status) });
  }
}
