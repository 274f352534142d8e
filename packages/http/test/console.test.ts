import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_PAGES, CONSOLE_SETTINGS_PATH, consoleAssetsDir } from '@xport/console';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';
import { createHttpApi } from '../src/index.js';
import { createApiApp, createCaptureLogger, type ApiApp } from './support/api-app.js';

// The console's own pages are checked in a real browser (test/e2e/console-browser.test.ts); here,
// what the server answers for its files and that it leaves the API's paths alone.

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

const get = (url: string, headers: Record<string, string> = {}) => app!.api.server.inject({ method: 'GET', url, headers });
const PAGE_URLS = ['/', '/queue', '/messages/01a234de-5eff-706d-9c12-00398435701f', '/inbox', '/inbox/loopback%3Aada', '/inbox/loopback%3Aada/01a234de-5f31-748f-b45c-84dac9adc23f', '/events'];

describe('the web console, served by the HTTP API', () => {
  it('answers each console page with index.html without a token, under a policy that runs only its own files', async () => {
    app = await createApiApp({ env: { XPORT_HTTP__TOKEN: K.httpApiToken } });
    const index = await readFile(join(consoleAssetsDir(), 'index.html'), 'utf8');
    expect(PAGE_URLS.length).toBe(Object.keys(CONSOLE_PAGES).length);
    for (const url of PAGE_URLS) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(page.body, url).toBe(index);
      expect(page.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(page.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(page.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves every built asset (those index.html names, and the chunks its script loads later), cached for good; an unknown asset is the API\'s 401/404', async () => {
    app = await createApiApp({ env: { XPORT_HTTP__TOKEN: K.httpApiToken } });
    const files = await readdir(join(consoleAssetsDir(), 'assets'));
    const index = (await get('/')).body;
    const named = files.filter((f) => index.includes(`/assets/${f}`));
    expect(named.some((f) => f.endsWith('.js')) && named.some((f) => f.endsWith('.css'))).toBe(true);
    const entry = (await get(`/assets/${named.find((f) => f.endsWith('.js'))!}`)).body;
    for (const file of files) {
      if (!named.includes(file)) expect(entry, `the entry script names ${file}`).toContain(file);
      const asset = await get(`/assets/${file}`);
      expect(asset.statusCode, file).toBe(200);
      expect(asset.headers['content-type'], file).toMatch(file.endsWith('.js') ? /javascript/ : /^text\/css/);
      expect(asset.headers['cache-control'], file).toContain('immutable');
      expect(asset.rawPayload.equals(await readFile(join(consoleAssetsDir(), 'assets', file))), file).toBe(true);
    }
    expect((await get('/assets/missing.js')).statusCode).toBe(401);
    expect((await get('/assets/missing.js', { authorization: `Bearer ${K.httpApiToken}` })).statusCode).toBe(404);
    expect((await get('/assets/../../package.json', { authorization: `Bearer ${K.httpApiToken}` })).statusCode).toBe(404);
  });

  it('leaves the API\'s paths to the API: they still need the token, and the document lists no console route', async () => {
    app = await createApiApp({ env: { XPORT_HTTP__TOKEN: K.httpApiToken } });
    for (const url of ['/v1/providers', '/v1/queue', '/metrics', '/queue/extra', '/v1']) expect((await get(url)).statusCode, url).toBe(401);
    expect((await get('/livez')).json()).toEqual({ status: 'alive' });
    const paths = Object.keys((await get('/v1/openapi.json')).json<{ paths: Record<string, unknown> }>().paths);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !p.startsWith('/v1/') && !['/livez', '/readyz', '/metrics'].includes(p))).toEqual([]);
  });

  it('says without a token, and without counting a failed authentication, whether the API needs one', async () => {
    app = await createApiApp({ env: { XPORT_HTTP__TOKEN: K.httpApiToken }, config: { http: { failedAuth: { limit: 1 } } } });
    for (let i = 0; i < 3; i += 1) {
      const settings = await get(CONSOLE_SETTINGS_PATH);
      expect(settings.json()).toEqual({ tokenRequired: true });
      expect(settings.headers['cache-control']).toBe('no-store');
    }
    expect((await get('/v1/providers', { authorization: `Bearer ${K.httpApiToken}` })).statusCode).toBe(200);
    await app.cleanup();
    app = await createApiApp();
    expect((await get(CONSOLE_SETTINGS_PATH)).json()).toEqual({ tokenRequired: false });
  });

  it('logs where the console is once the API listens', async () => {
    app = await createApiApp();
    const url = await app.api.listen();
    expect(app.logs.filter((l) => l.level === 'info').map((l) => l.message)).toContain(`Web console at ${url}/`);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it('serves no console with http.console false', async () => {
    app = await createApiApp({ config: { http: { console: false } } });
    expect((await get('/')).statusCode).toBe(404);
    expect((await get('/queue')).json()).toMatchObject({ code: 'XPORT_HTTP_ROUTE_NOT_FOUND' });
  });

  it('warns, and serves the API alone, when the console\'s files are missing', async () => {
    app = await createApiApp({ start: false });
    const empty = await mkdtemp(join(tmpdir(), 'xport-console-missing-'));
    const logger = createCaptureLogger();
    const api = await createHttpApi({ kernel: app.kernel, logger, consoleDir: empty, processMetrics: false });
    try {
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContainEqual(expect.stringContaining("the web console's files are missing"));
      expect((await api.server.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
      expect((await api.server.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    } finally {
      await api.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
