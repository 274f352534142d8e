import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered (undefined: it never answered). */
  readonly status: number | undefined;
}

/** How the receiver answers its n-th request (0-based): a status, or `hang` (never answer). */
export type Answer = (n: number, request: { readonly body: string }) => number | 'hang';

/**
 * A real HTTP receiver (node:http on 127.0.0.1, a free port) that records every request and answers
 * as `answer` says; `waitFor` resolves once a condition over what it received holds (event-driven:
 * checked on every request, never by sleeping).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly hung: ServerResponse[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  /** Requests that arrived, counted as they arrive (one the sender gave up on before its body was read counts too). */
  private arrived = 0;
  private readonly server = createServer((req, res) => {
    const n = this.arrived++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = this.answer(n, { body });
      this.requests.push({ headers: req.headers, body, status: answer === 'hang' ? undefined : answer });
      if (answer === 'hang') this.hung.push(res);
      else res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
      this.check();
    });
  });
  url = '';

  constructor(public answer: Answer = () => 204) {}

  async listen(path = '/hooks/xport'): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** The parsed bodies of the requests answered 2xx, in order. */
  acknowledged(): Array<{ type: string; data: { id: number; messageId: string; type: string } }> {
    return this.requests.filter((r) => r.status !== undefined && r.status < 300).map((r) => JSON.parse(r.body));
  }

  /** The event ids of the acknowledged requests, in order. */
  acknowledgedIds(): number[] {
    return this.acknowledged().map((p) => p.data.id);
  }

  waitFor(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  private check(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
