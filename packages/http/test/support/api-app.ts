import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions } from 'fastify';
import { createKernel, type Kernel, type SpoolerEventName, type SpoolerEvents } from '@xport/core';
import type { Clock, Logger, MessageStore } from '@xport/provider-sdk';
import { createHttpApi, type HttpApi, type WebhookStatusSource } from '../../src/index.js';
import { createOpenApiChecker } from '../../../../test/support/openapi-check.js';
import { recordOutput } from '../../../../test/support/output-recorder.js';

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(here, '..', '..', '..');
const FIXTURES = join(here, '..', 'fixtures', 'providers');

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A logger that keeps every line (and hands it to the leak check). */
export function createCaptureLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const write = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    const line = { level, message, fields: { ...bindings, ...fields } };
    recordOutput('http test logger', line);
    lines.push(line);
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => createCaptureLogger(lines, { ...bindings, ...more }) };
}

export interface ApiAppOptions {
  /** Merged over the default: SQLite store, loopback transport, the API on a free port. */
  readonly config?: Record<string, unknown>;
  /** Fixture providers (packages/http/test/fixtures/providers) to install. */
  readonly fixtures?: readonly string[];
  /** The kernel's environment (credentials: XPORT_HTTP__TOKEN…). */
  readonly env?: Record<string, string>;
  /** Start the kernel (default true). */
  readonly start?: boolean;
  /** The kernel's clock (a test that moves time). */
  readonly clock?: Clock;
  /** A store the test builds in the app root (a size quota, say), instead of the configured SQLite store. */
  readonly store?: (root: string) => MessageStore;
  /** Heartbeat interval of `GET /v1/events` streams, ms. */
  readonly sseHeartbeatMs?: number;
  /** The webhook endpoints' status the `xport_webhook_*` metrics read. */
  readonly webhookStatus?: WebhookStatusSource;
}

export interface InjectedResponse {
  readonly status: number;
  readonly headers: Record<string, string | number | string[] | undefined>;
  readonly body: string;
  /** The body's bytes. */
  readonly raw: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface ApiApp {
  readonly root: string;
  readonly kernel: Kernel;
  readonly api: HttpApi;
  readonly logs: LogLine[];
  /** A request through fastify's inject; every answer is checked against the API's OpenAPI document. */
  request(options: InjectOptions): Promise<InjectedResponse>;
  /** Resolves with the next spooler event of that name (subscribe before causing it). */
  next<E extends SpoolerEventName>(name: E, matching?: (event: SpoolerEvents[E]) => boolean): Promise<SpoolerEvents[E]>;
  cleanup(): Promise<void>;
}

/**
 * An application root with real packages (SQLite store, loopback transport, fixtures), a kernel
 * over it and the HTTP API, the way `xport start` composes them.
 */
export async function createApiApp(options: ApiAppOptions = {}): Promise<ApiApp> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-http-')));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of ['provider-loopback', 'store-sqlite', 'provider-sdk']) await symlink(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
  for (const fixture of options.fixtures ?? []) await cp(join(FIXTURES, fixture), join(root, 'node_modules', fixture), { recursive: true });
  const config = { store: { provider: 'store-sqlite' }, transportOrder: ['loopback'], ...options.config, http: { enabled: true, port: 0, ...(options.config?.http as object | undefined) } };
  await writeFile(join(root, 'xport.config.json'), JSON.stringify(config, null, 2));

  const logger = createCaptureLogger();
  const kernel = createKernel({ root, env: options.env ?? {}, logger, ...(options.store ? { store: options.store(root) } : {}), ...(options.clock ? { clock: options.clock } : {}) });
  const api = await createHttpApi({
    kernel,
    processMetrics: false,
    ...(options.sseHeartbeatMs === undefined ? {} : { sseHeartbeatMs: options.sseHeartbeatMs }),
    ...(options.webhookStatus ? { webhookStatus: options.webhookStatus } : {}),
  });
  await api.server.ready();
  const check = createOpenApiChecker(api.server.swagger());
  if (options.start ?? true) await kernel.start();

  return {
    root,
    kernel,
    api,
    logs: logger.lines,
    async request(inject) {
      const response = await api.server.inject(inject);
      const contentType = response.headers['content-type'];
      check({ method: inject.method ?? 'GET', url: String(inject.url), status: response.statusCode, contentType: typeof contentType === 'string' ? contentType : undefined, body: response.body });
      return { status: response.statusCode, headers: response.headers, body: response.body, raw: response.rawPayload, json: <T>() => JSON.parse(response.body) as T };
    },
    next(name, matching = () => true) {
      return new Promise((resolve) => {
        const off = kernel.spooler().on(name, (event) => {
          if (!matching(event)) return;
          off();
          resolve(event);
        });
      });
    },
    async cleanup() {
      await api.close();
      await kernel.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
