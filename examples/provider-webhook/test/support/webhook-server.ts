import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/index.js';

export interface ReceivedPost {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the signature verified with the server's secret. */
  readonly signed: boolean;
}

export interface WebhookServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly received: ReceivedPost[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that answers by path: `/ok…` 200, `/gone` 404, `/busy` 503 with
 * Retry-After: 120, `/busy-until` 503 with an HTTP-date Retry-After, `/moved` 302, `/slow` never,
 * `/verify` 200 when the signature verifies with `secret`, else 401. Successful POSTs are recorded.
 */
export async function startWebhookServer(secret: string): Promise<WebhookServer> {
  const received: ReceivedPost[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const signed = verifyWebhookSignature({
        secret,
        body,
        timestamp: request.headers['x-xport-timestamp'] as string | undefined,
        signature: request.headers['x-xport-signature'] as string | undefined,
      });
      const answer = (status: number, text: string, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'content-type': 'text/plain', ...headers });
        response.end(text);
      };
      if (path === '/slow') return void hanging.add(response);
      if (path === '/verify') return answer(signed ? 200 : 401, signed ? 'ok' : 'bad signature');
      if (path === '/gone') return answer(404, 'no such hook\r\nhere');
      if (path === '/busy') return answer(503, 'overloaded', { 'retry-after': '120' });
      if (path === '/busy-until') return answer(503, 'maintenance', { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
      if (path === '/moved') return answer(302, '', { location: 'http://127.0.0.1:1/elsewhere' });
      received.push({ path, headers: request.headers, body, signed });
      answer(200, 'accepted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
