import type { FastifyInstance } from 'fastify';
import type { KernelMetrics } from '../metrics/kernel-metrics.js';
import { checkReadiness } from '../health/readiness.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/route-schemas.js';
import type { RouteContext } from './route-context.js';

const readinessBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'store', 'transports'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not-ready'] },
    store: { type: 'string', enum: ['open', 'closed'] },
    transports: {
      type: 'object',
      additionalProperties: false,
      required: ['online', 'notOnline'],
      properties: {
        online: { type: 'array', items: { type: 'string' } },
        notOnline: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['id', 'state'], properties: { id: { type: 'string' }, state: { type: 'string' } } },
        },
      },
    },
    code: { type: 'string', description: 'Why not ready: XPORT_STORE_UNAVAILABLE, XPORT_PROVIDER_UNAVAILABLE, or XPORT_KERNEL_STOPPED while the daemon stops.' },
    message: { type: 'string' },
  },
} as const;

const PUBLIC = { public: true } as const;
const NO_AUTH: never[] = [];

/** `/livez`, `/readyz` (no token: probes), `/metrics` (Prometheus text) and `/v1/openapi.json`. */
export function registerOperationsRoutes(app: FastifyInstance, { kernel }: RouteContext, metrics: KernelMetrics, closing: () => boolean): void {
  app.get(
    '/livez',
    {
      config: PUBLIC,
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        security: NO_AUTH,
        response: { 200: { description: 'Alive.', type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: ['alive'] } } } },
      },
    },
    async () => ({ status: 'alive' }),
  );

  app.get(
    '/readyz',
    {
      config: PUBLIC,
      schema: {
        summary: 'Readiness: the store is open and a transport is online',
        description: 'Answers 503 with the reason (an xport code and a message) while the store is not open or no transport is online.',
        tags: ['health'],
        security: NO_AUTH,
        response: { 200: { description: 'Ready.', ...readinessBody }, 503: { description: 'Not ready: code and message say why.', ...readinessBody } },
      },
    },
    async (_request, reply) => {
      const readiness = checkReadiness(kernel, closing());
      return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Metrics in the Prometheus text format',
        tags: ['health'],
        response: { 200: { description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.get(
    '/v1/openapi.json',
    {
      config: PUBLIC,
      schema: { summary: 'This API as an OpenAPI 3.1 document', tags: ['health'], security: NO_AUTH, response: { 200: { description: 'The OpenAPI document.', type: 'object', additionalProperties: true } } },
    },
    async () => app.swagger(),
  );
}
