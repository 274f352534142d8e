import type { FastifyInstance } from 'fastify';
import type { ProviderStatus, QueueDepth } from '@xport/core';
import type { Logger } from '@xport/provider-sdk';
import { AUTH_ERRORS, errorResponses } from '../schemas/route-schemas.js';
import type { RouteContext } from './route-context.js';

const providersBody = {
  type: 'object',
  additionalProperties: false,
  required: ['providers'],
  properties: { providers: { type: 'array', items: { $ref: 'Provider#' } } },
} as const;

// The row as the status table has it, less the package directory: a path on the server is no client's business.
function toProviderView(row: ProviderStatus, depth: QueueDepth | undefined): Record<string, unknown> {
  const view: Record<string, unknown> = { id: row.id, packageName: row.packageName, version: row.version, kind: row.kind, addressTypes: row.addressTypes, state: row.state, enabled: row.enabled };
  if (row.lastError) view.lastError = { code: row.lastError.code, message: row.lastError.message };
  if (row.sides) view.sides = row.sides;
  if (depth) view.queue = { queued: depth.queued, inFlight: depth.inFlight, deferred: depth.deferred, held: depth.held };
  return view;
}

/** `GET /v1/providers`: the status table, sides included, with each transport's queue depth. */
export function registerProviderRoutes(app: FastifyInstance, { kernel }: RouteContext, logger: Logger): void {
  app.get(
    '/v1/providers',
    {
      schema: {
        summary: 'The status table',
        description: "One row per provider: state, the sides a transport reports (its relay, its listener), address types, last error, and a transport's queue depth (absent while the store is not open).",
        tags: ['providers'],
        response: { 200: { description: 'The status table.', ...providersBody }, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => {
      let depth: Record<string, QueueDepth> = {};
      try {
        depth = await kernel.spooler().queueDepth();
      } catch (error) {
        // The table answers whatever the store's state: it is what one reads when something is down.
        logger.debug('GET /v1/providers without queue depth', { error: String((error as Error)?.message ?? error) });
      }
      return { providers: kernel.status().map((row) => toProviderView(row, depth[row.id])) };
    },
  );
}
