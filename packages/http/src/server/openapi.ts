import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

export const API_TITLE = 'xport HTTP API';
export const API_VERSION = '1';
export const BEARER_SCHEME = 'bearerAuth';

/**
 * Registers @fastify/swagger, which builds the OpenAPI 3.1 document from every route's schemas as
 * they are added (so it must be registered before them). Shared schemas keep their `$id` as their
 * component name.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: API_TITLE,
        version: API_VERSION,
        description: 'Submit and read messages, the queue, inboxes and provider status of an xport daemon. Errors carry an xport code (docs/errors.md).',
      },
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'An API token: credential `token` (or `previousToken`) of owner `http`.' } } },
      security: [{ [BEARER_SCHEME]: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
}
