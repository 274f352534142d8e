import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_PAGES, CONSOLE_SETTINGS_PATH, type ConsoleSettings } from '@xport/console';
import type { Logger } from '@xport/provider-sdk';

// The console's files hold no data and no secret: they are served without a token (the console
// asks for one and sends it with every API request), and left out of the OpenAPI document.
const FILE_ROUTE = { config: { public: true }, schema: { hide: true } } as const;

// The page runs only the console's own script and style, talks only to this server, and is framed
// by no other site.
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const sendPage = (reply: FastifyReply): FastifyReply =>
  reply
    .header('content-security-policy', PAGE_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .sendFile('index.html', { cacheControl: false });

/**
 * The web console (package `@xport/console`) from its built files in `root`: `index.html` at each of
 * its pages (so a page's URL can be opened or reloaded), its hashed assets under `/assets/`, cached
 * for good. Only these paths: `/v1`, `/metrics`, `/livez` and `/readyz` stay the API's, and any
 * other path is the API's 404. `CONSOLE_SETTINGS_PATH` tells the console whether the API needs a
 * token. Returns false (and serves nothing) when the files are missing.
 */
export async function registerConsoleRoutes(app: FastifyInstance, root: string, tokenRequired: () => boolean, logger: Logger): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) {
    logger.warn(`HTTP API: the web console's files are missing (${root}); build @xport/console, or set http.console to false`);
    return false;
  }
  await app.register(fastifyStatic, { root, serve: false });
  const assets = existsSync(join(root, 'assets')) ? readdirSync(join(root, 'assets')) : [];
  for (const file of assets) {
    app.get(`/assets/${file}`, FILE_ROUTE, (_request, reply) => reply.header('x-content-type-options', 'nosniff').sendFile(`assets/${file}`, { immutable: true, maxAge: '365d' }));
  }
  for (const page of new Set(Object.values(CONSOLE_PAGES))) app.get(page, FILE_ROUTE, (_request, reply) => sendPage(reply));
  app.get(CONSOLE_SETTINGS_PATH, FILE_ROUTE, async (_request, reply): Promise<ConsoleSettings> => {
    reply.header('cache-control', 'no-store');
    return { tokenRequired: tokenRequired() };
  });
  return true;
}
