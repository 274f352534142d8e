import type { FastifyInstance } from 'fastify';
import { parseRecipient, suppressionKey, suppressionListOf, toSuppressionStatus, XportError } from '@xport/provider-sdk';
import { fromCursor, readPage } from '../paging/cursor.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/route-schemas.js';
import { suppressionBody, suppressionPage, suppressionParams, suppressionQuery } from '../schemas/suppression-schemas.js';
import { toSuppressionView } from '../views/suppression-view.js';
import { requireStore, type RouteContext } from './route-context.js';

/** The suppression key of an address in text form; `XPORT_ADDRESS_INVALID` (422) otherwise. */
const toKey = (text: string): string => suppressionKey(parseRecipient(text));

/** `GET /v1/suppressions`, `POST /v1/suppressions`, `DELETE /v1/suppressions/{address}`. */
export function registerSuppressionRoutes(app: FastifyInstance, { kernel }: RouteContext): void {
  const policy = kernel.config.reports.suppression;

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/suppressions',
    {
      schema: {
        summary: 'List the suppression list',
        description: 'Addresses that hard-bounced or were added by hand, most recently updated first, each with whether it suppresses now and until when.',
        tags: ['suppressions'],
        querystring: suppressionQuery,
        response: { 200: { description: 'A page of entries; nextCursor reads the next one (null on the last page).', ...suppressionPage }, ...errorResponses(400, 501, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const list = suppressionListOf(requireStore(kernel));
      const now = Date.now();
      const page = await readPage(fromCursor(request.query.cursor), request.query.limit, (offset, count) => list.listSuppressed({ offset, limit: count }));
      return { entries: page.items.map((e) => toSuppressionView(toSuppressionStatus(e, policy, now))), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Body: { address: string; reason?: string } }>(
    '/v1/suppressions',
    {
      schema: {
        summary: 'Suppress an address until it is removed',
        description: 'Messages to it then fail that recipient at submit (5.7.1, XPORT_RECIPIENT_SUPPRESSED) with an NDR. Adding an address already listed keeps its hard-bounce count.',
        tags: ['suppressions'],
        body: suppressionBody,
        response: { 201: { description: 'The entry as it is now.', $ref: 'Suppression#' }, ...errorResponses(400, 415, 422, 501, 503, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const address = toKey(request.body.address);
      const list = suppressionListOf(requireStore(kernel));
      const now = Date.now();
      const entry = await list.suppress({ address, at: now, ...(request.body.reason !== undefined ? { reason: request.body.reason } : {}) });
      reply.code(201).header('location', `/v1/suppressions/${encodeURIComponent(address)}`);
      return toSuppressionView(toSuppressionStatus(entry, policy, now));
    },
  );

  app.delete<{ Params: { address: string } }>(
    '/v1/suppressions/:address',
    {
      schema: {
        summary: 'Remove an address from the suppression list',
        description: 'Its hard-bounce count goes too: messages to it are sent again.',
        tags: ['suppressions'],
        params: suppressionParams,
        response: { 204: { description: 'Removed.', type: 'null' }, ...errorResponses(404, 422, 501, 503, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const address = toKey(request.params.address);
      if (!(await suppressionListOf(requireStore(kernel)).unsuppress(address))) {
        throw new XportError('XPORT_STORE_NOT_FOUND', `${address} is not on the suppression list`, { details: { address } });
      }
      return reply.code(204).send();
    },
  );
}
