import type { FastifyInstance } from 'fastify';
import { consoleAssetsDir } from '@xport/console';
import type { HttpSettings, Kernel } from '@xport/core';
import { XportError, XportTokens, type Logger } from '@xport/provider-sdk';
import { checkBindAllowed, readApiTokens } from './auth/api-tokens.js';
import { BearerAuth } from './auth/bearer-auth.js';
import { FailedAuthLimiter } from './auth/failed-auth-limiter.js';
import { isLoopbackHost } from './auth/loopback-host.js';
import { HttpRequestMetrics } from './metrics/http-request-metrics.js';
import { createKernelMetrics, type KernelMetrics } from './metrics/kernel-metrics.js';
import type { WebhookStatusSource } from './metrics/webhook-metrics.js';
import { registerConsoleRoutes } from './routes/console-routes.js';
import { registerInboxRoutes } from './routes/inbox-routes.js';
import { registerSuppressionRoutes } from './routes/suppression-routes.js';
import { registerMessageRoutes } from './routes/messages-routes.js';
import { registerOperationsRoutes } from './routes/operations-routes.js';
import { registerProviderRoutes } from './routes/providers-routes.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { registerEventRoutes } from './routes/events-routes.js';
import type { RouteContext } from './routes/route-context.js';
import { createServer } from './server/create-server.js';
import { toBodyLimit } from './submit/body-limit.js';

export interface HttpApiOptions {
  readonly kernel: Kernel;
  /** Where and how to serve; `kernel.config.http` when omitted. */
  readonly settings?: HttpSettings;
  /** The kernel's logger (which masks every known secret) when omitted. */
  readonly logger?: Logger;
  /** Where the web console's built files are (`settings.console`); `consoleAssetsDir()` of `@xport/console` when omitted. */
  readonly consoleDir?: string;
  /** prom-client's process and Node.js metrics on `/metrics` too. Default true. */
  readonly processMetrics?: boolean;
  /** How often a quiet `GET /v1/events` stream gets a heartbeat comment, ms. Default 15 000. */
  readonly sseHeartbeatMs?: number;
  /** The webhook dispatcher's status (`dispatcher.status` of `@xport/webhooks`), for the `xport_webhook_*` metrics. */
  readonly webhookStatus?: WebhookStatusSource;
}

export interface HttpApi {
  /** The fastify instance: `inject()` in tests, or more routes of the application's own. */
  readonly server: FastifyInstance;
  readonly metrics: KernelMetrics;
  /**
   * Listens on `settings.host:settings.port` and resolves with the URL. Rejects with
   * `XPORT_CREDENTIAL_MISSING` for an address off this machine without an API token, and
   * `XPORT_HTTP_LISTEN_FAILED` when the address cannot be bound.
   */
  listen(): Promise<string>;
  /** Reads the API tokens again (the daemon does on SIGHUP, after a token was rotated). */
  reloadCredentials(): Promise<void>;
  /** Stops taking connections, lets requests under way finish (cut off after `spooler.stopTimeoutMs`), stops the metrics. */
  close(): Promise<void>;
}

/**
 * The HTTP API over a kernel: `/v1` routes for messages, delivery events, the queue, inboxes, the suppression list and providers, with
 * `/metrics`, `/livez`, `/readyz` and `/v1/openapi.json`, and the web console at `/` (`settings.console`). Reads the API tokens through the kernel's
 * credential service first. The kernel may start before or after: until its store is open, the
 * routes that need it answer 503.
 *
 * @example
 * const api = await createHttpApi({ kernel });
 * console.log(`API on ${await api.listen()}`);
 * await kernel.start();
 */
export async function createHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const { kernel } = options;
  const settings = options.settings ?? kernel.config.http;
  const logger = options.logger ?? kernel.container.resolve<Logger>(XportTokens.Logger);
  let tokens = await readApiTokens(kernel);
  const auth = new BearerAuth(tokens.tokens, new FailedAuthLimiter(settings.failedAuth.limit, settings.failedAuth.windowMs), logger);
  const metrics = createKernelMetrics(kernel, { processMetrics: options.processMetrics ?? true, logger, ...(options.webhookStatus ? { webhookStatus: options.webhookStatus } : {}) });
  const maxBodyBytes = toBodyLimit(kernel.config.spooler.maxMessageBytes);
  let closing = false;
  const isClosing = (): boolean => closing;
  const server = await createServer({ settings, auth, logger, requests: new HttpRequestMetrics(metrics.registry), maxBodyBytes, closing: isClosing });
  const ctx: RouteContext = { kernel, maxBodyBytes };
  registerMessageRoutes(server, ctx);
  registerQueueRoutes(server, ctx);
  registerEventRoutes(server, ctx, options.sseHeartbeatMs);
  registerInboxRoutes(server, ctx);
  registerSuppressionRoutes(server, ctx);
  registerProviderRoutes(server, ctx, logger);
  registerOperationsRoutes(server, ctx, metrics, isClosing);
  const consoleServed = settings.console && (await registerConsoleRoutes(server, options.consoleDir ?? consoleAssetsDir(), () => auth.required, logger));

  const warnShortTokens = (): void => {
    for (const name of tokens.short) logger.warn(`HTTP API: API token "${name}" is short; use at least 20 random characters (openssl rand -hex 32)`);
  };
  warnShortTokens();

  return {
    server,
    metrics,
    async listen() {
      checkBindAllowed(settings, tokens);
      try {
        const url = await server.listen({ host: settings.host, port: settings.port });
        // After the bind, so the warning names the port a caller would use (port 0 takes a free one).
        if (!auth.required) logger.warn(`HTTP API: no API token is set; any process on this machine can use the API at ${url}`);
        logger.info(`HTTP API listening on ${url}${isLoopbackHost(settings.host) ? '' : ' (bearer token required)'}`);
        if (consoleServed) logger.info(`Web console at ${url}/`);
        return url;
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new XportError('XPORT_HTTP_LISTEN_FAILED', `the HTTP API cannot listen on ${settings.host}:${settings.port} (${reason}); set http.host and http.port in xport.config.json`, {
          cause: error,
          details: { host: settings.host, port: settings.port, reason },
        });
      }
    },
    async reloadCredentials() {
      tokens = await readApiTokens(kernel);
      auth.replaceTokens(tokens.tokens);
      warnShortTokens();
    },
    async close() {
      closing = true;
      const cutOff = setTimeout(() => server.server.closeAllConnections(), kernel.config.spooler.stopTimeoutMs);
      cutOff.unref();
      try {
        await server.close();
      } finally {
        clearTimeout(cutOff);
        metrics.close();
      }
    },
  };
}
