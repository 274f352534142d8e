import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryEventType } from '@xport/provider-sdk';
import { AUTH_ERRORS, errorResponses } from '../schemas/route-schemas.js';
import { eventsHeaders, eventsPage, eventsQuery } from '../schemas/event-schemas.js';
import { toEventView, toSseFrame } from '../views/event-views.js';
import { requireStore, type RouteContext } from './route-context.js';

interface EventsQuery {
  after?: number;
  type?: DeliveryEventType[];
  message?: string;
  follow: boolean;
  limit: number;
}

/** A comment line every so often keeps proxies and clients from taking a quiet stream for a dead one. */
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

function wantsPage(request: FastifyRequest<{ Querystring: EventsQuery }>): boolean {
  if (!request.query.follow) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/event-stream');
}

/** Writes to the stream, waiting for it to drain when the client reads slower than events come. */
function writeFrame(reply: FastifyReply, text: string): Promise<void> | undefined {
  if (reply.raw.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      reply.raw.off('drain', done);
      reply.raw.off('close', done);
      resolve();
    };
    reply.raw.on('drain', done);
    reply.raw.on('close', done);
  });
}

/**
 * `GET /v1/events`: the delivery event log as Server-Sent Events (resuming after `Last-Event-ID` or
 * `?after=`), or one JSON page with `?follow=false` or `Accept: application/json`.
 */
export function registerEventRoutes(app: FastifyInstance, { kernel }: RouteContext, heartbeatMs = DEFAULT_SSE_HEARTBEAT_MS): void {
  // Streams end when the API closes, so close() does not wait on them.
  const streams = new Set<AbortController>();
  app.addHook('preClose', (done) => {
    for (const stream of streams) stream.abort();
    done();
  });

  app.get<{ Querystring: EventsQuery; Headers: { 'last-event-id'?: string } }>(
    '/v1/events',
    {
      schema: {
        summary: 'Read or follow delivery events',
        description:
          'The delivery event log (submitted, delivered, deferred, failed, expired, deleted, received, ...), oldest first. By default a Server-Sent Events stream: each event is sent with `id:` its id, `event:` its type and `data:` its JSON; `: heartbeat` comments keep a quiet stream open. A client that reconnects with `Last-Event-ID` resumes after that event: nothing lost, nothing repeated. With `?follow=false` or `Accept: application/json`: one page as JSON.',
        tags: ['events'],
        querystring: eventsQuery,
        headers: eventsHeaders,
        response: {
          200: {
            description: 'A stream of events (text/event-stream), or one page of them (application/json).',
            content: {
              'application/json': { schema: eventsPage },
              'text/event-stream': { schema: { type: 'string', description: 'Server-Sent Events: `id: <id>`, `event: <type>`, `data: <DeliveryEvent JSON>`, a blank line.' } },
            },
          },
          ...errorResponses(400, 501, 503, ...AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      requireStore(kernel);
      const { type, message, limit } = request.query;
      const filter = { ...(type === undefined ? {} : { types: type }), ...(message === undefined ? {} : { messageId: message }) };
      const lastEventId = request.headers['last-event-id'];
      const after = lastEventId !== undefined ? Number(lastEventId) : request.query.after;

      if (wantsPage(request)) {
        const from = after ?? 0;
        const events = await kernel.readEvents({ after: from, limit, ...filter });
        return { events: events.map(toEventView), lastEventId: events.at(-1)?.id ?? from };
      }

      // Before the stream starts: a store without an event log is a coded error (501), not an empty
      // stream; and "new events only" means those after this request, not after the first read.
      const from = after ?? (await kernel.lastEventId());
      const stop = new AbortController();
      const events = kernel.followEvents({ after: from, ...filter, signal: stop.signal });
      streams.add(stop);
      reply.hijack();
      // The connection is the stream's alone, and ends with it: a closing API then has nothing idle left to wait for.
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'close', 'x-accel-buffering': 'no' });
      reply.raw.flushHeaders();
      const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      // The response's close, not the request's: a request emits 'close' once its (empty) body is read.
      reply.raw.once('close', () => stop.abort());
      try {
        for await (const event of events) {
          const waiting = writeFrame(reply, toSseFrame(event));
          if (waiting !== undefined) await waiting;
          if (stop.signal.aborted) break;
        }
      } catch (error) {
        // The stream has started: the error can only be told as a comment before it ends.
        reply.raw.write(`: error ${(error as { code?: string }).code ?? 'XPORT_INTERNAL_ERROR'}\n\n`);
      } finally {
        clearInterval(heartbeat);
        streams.delete(stop);
        reply.raw.end();
      }
    },
  );
}
