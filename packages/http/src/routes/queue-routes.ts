import type { FastifyInstance } from 'fastify';
import { fromCursor, readPage } from '../paging/cursor.js';
import { AUTH_ERRORS, errorResponses, queuePage, queueQuery } from '../schemas/route-schemas.js';
import { toMessageView } from '../views/message-views.js';
import { requireStore, type RouteContext } from './route-context.js';

/** `GET /v1/queue`: messages with a recipient not yet final, in submit order, cursor paging. */
export function registerQueueRoutes(app: FastifyInstance, { kernel }: RouteContext): void {
  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/queue',
    {
      schema: {
        summary: 'List the queue',
        description: 'Messages with a recipient not yet final (queued, in flight or deferred), oldest first, each with every recipient as the store has it.',
        tags: ['queue'],
        querystring: queueQuery,
        response: { 200: { description: 'A page of messages; nextCursor reads the next one (null on the last page).', ...queuePage }, ...errorResponses(400, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const store = requireStore(kernel);
      const page = await readPage(fromCursor(cursor), limit, (offset, count) => store.listQueue({ offset, limit: count }));
      return { messages: page.items.map((m) => toMessageView(m)), nextCursor: page.nextCursor };
    },
  );
}
