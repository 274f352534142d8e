import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction, type onSendHookHandler } from 'fastify';
import type { HttpSettings } from '@xport/core';
import { XportError, type Logger } from '@xport/provider-sdk';
import type { BearerAuth } from '../auth/bearer-auth.js';
import { toErrorReply } from '../errors/error-reply.js';
import type { HttpRequestMetrics } from '../metrics/http-request-metrics.js';
import { SHARED_SCHEMAS } from '../schemas/shared-schemas.js';
import { registerOpenApi } from './openapi.js';
import { createRequestValidators } from './request-validators.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route anyone may call without a token: the health probes and the OpenAPI document. */
    readonly public?: boolean;
  }
}

/** A route's hooks of one kind as a list (fastify takes one or several). */
const toHooks = <T>(hooks: T | readonly T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? [...(hooks as readonly T[])] : [hooks as T]);

// Routes other than submit take no body worth the name.
const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface ServerParts {
  readonly settings: HttpSettings;
  readonly auth: BearerAuth;
  readonly logger: Logger;
  readonly requests: HttpRequestMetrics;
  /** The submit route's body limit, named in the error for a larger body. */
  readonly maxBodyBytes: number;
  /** True once the API is closing: requests that still arrive are refused with a coded 503. */
  readonly closing: () => boolean;
}

/**
 * The fastify instance every route is added to: strict request validation, bearer auth before the
 * body is read, one error shape for every refusal, request counting, and the OpenAPI document
 * built from the routes. fastify's own logger stays off: the daemon's logger (which masks known
 * secrets) logs what needs logging, and never a request's headers.
 */
export async function createServer(parts: ServerParts): Promise<FastifyInstance> {
  const { settings, auth, logger } = parts;
  const app = Fastify({
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: settings.trustProxy.length > 0 ? [...settings.trustProxy] : false,
    // Idle keep-alive connections close at once on close(); requests under way finish. Requests
    // that still arrive on a busy connection get the API's own 503 (see admit), not
    // fastify's body without an xport code.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
  });
  // A body is JSON or refused (415): fastify would otherwise take text/plain as a string body.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(createRequestValidators());
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await registerOpenApi(app);

  // Bearer auth runs in onRequest, before the body is read: a client without a valid token never
  // makes the API parse one. Hooks are attached to each route as it is added (all but the public
  // ones), so a request pays no look-up of its route's options, and take callbacks, not promises.
  const authenticate = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const refused = auth.authenticate({ ip: request.ip, authorization: request.headers.authorization });
    if (refused === undefined) done();
    else void refused.then(done, done);
  };
  // One onRequest hook for both checks: a hook fewer for fastify to run on every request.
  const admit = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!parts.closing()) return authenticate(request, reply, done);
    reply.header('connection', 'close');
    done(new XportError('XPORT_KERNEL_STOPPED', 'the daemon is stopping and takes no new requests; send it again once it is back (or to another instance)'));
  };
  // While closing, every response ends its connection: a keep-alive client's socket would otherwise
  // hold close() until the cut-off once its last request is answered.
  const closeConnectionWhileClosing: onSendHookHandler = (_request, reply, payload, done) => {
    if (parts.closing()) reply.header('connection', 'close');
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    const method = String(route.method);
    route.onSend = [...toHooks(route.onSend), closeConnectionWhileClosing];
    const observe = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      parts.requests.observe(method, route.url, reply.statusCode);
      done();
    };
    route.onResponse = [...toHooks(route.onResponse), observe];
    if (route.config?.public !== true) route.onRequest = [admit, ...toHooks(route.onRequest)];
  });
  app.setErrorHandler(async (error, request, reply) => {
    const answer = toErrorReply(error, parts.maxBodyBytes);
    if (answer.unexpected !== undefined) {
      const cause = answer.unexpected;
      logger.error('HTTP API: a request failed on an unexpected error', {
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0],
        error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
        stack: cause instanceof Error ? cause.stack : undefined,
      });
    }
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  // Unknown routes are authenticated too; what they answer is counted under route "unmatched".
  app.setNotFoundHandler({ preHandler: authenticate }, async (request) => {
    throw new XportError('XPORT_HTTP_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} (see /v1/openapi.json)`);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) parts.requests.observe(request.method, undefined, reply.statusCode);
    done();
  });
  return app;
}
