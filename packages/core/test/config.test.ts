import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { XportError } from '@xport/provider-sdk';
import { createKernel, loadConfig, toXportConfig } from '../src/index.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

function errorOf(run: () => unknown): XportError {
  try {
    run();
  } catch (error) {
    if (XportError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an XportError');
}

describe('configuration', () => {
  it('is the defaults when xport.config.json is missing', async () => {
    root = await mkdtemp(join(tmpdir(), 'xport-config-'));
    const config = loadConfig(root);
    expect(config).toEqual({
      discovery: { nodeModules: true, paths: [] },
      store: {},
      transportOrder: [],
      hookOrder: [],
      providers: {},
      credentials: { env: true, file: '.xport/credentials.json' },
      logonRetry: { minDelayMs: 1000, maxDelayMs: 300000 },
      lifecycle: { importTimeoutMs: 30000, createTimeoutMs: 30000, logonTimeoutMs: 120000, startTimeoutMs: 120000 },
      spooler: {
        leaseMs: 300000,
        batchSize: 100,
        pollMs: 1000,
        sendTimeoutMs: 120000,
        stopTimeoutMs: 10000,
        maxMessageBytes: 26214400,
        retry: { minDelayMs: 300000, maxDelayMs: 4000000, lifetimeMs: 432000000 },
      },
      reports: { byAddressType: { smtp: 'dsn' }, bounceMailbox: 'xport:bounces', delayAfterMs: 14_400_000, suppression: { enabled: true, afterHardBounces: 1, ttlMs: 2_592_000_000 } },
      http: { enabled: false, host: '127.0.0.1', port: 8580, console: true, trustProxy: [], failedAuth: { limit: 10, windowMs: 60000 } },
      webhooks: [],
      logLevel: 'info',
    });
  });

  it('refuses a reports section whose bounce mailbox is no recipient, or whose VERP base is no plain SMTP address', () => {
    expect(errorOf(() => toXportConfig({ reports: { bounceMailbox: 'no recipient here' } }, 'xport.config.json')).message).toBe(
      'xport.config.json: field /reports/bounceMailbox must be a recipient (TYPE:address) (got "no recipient here")',
    );
    expect(errorOf(() => toXportConfig({ reports: { verp: 'bounces+x@example.org' } }, 'xport.config.json')).message).toBe(
      'xport.config.json: field /reports/verp must be an SMTP address without "+" in its local part (got "bounces+x@example.org")',
    );
    expect(errorOf(() => toXportConfig({ reports: { byAddressType: { smtp: 'pigeon' } } }, 'xport.config.json')).code).toBe('XPORT_CONFIG_INVALID');
    expect(toXportConfig({ reports: { byAddressType: {}, verp: 'bounces@example.org' } }, 'test').reports).toEqual({ byAddressType: {}, bounceMailbox: 'xport:bounces', verp: 'bounces@example.org', delayAfterMs: 14_400_000, suppression: { enabled: true, afterHardBounces: 1, ttlMs: 2_592_000_000 } });
  });

  it('applies defaults inside partially written sections and provider entries', () => {
    const config = toXportConfig({ spooler: { retry: { lifetimeMs: 1000 } }, providers: { smtp: { enabled: false } } }, 'test');
    expect(config.spooler.retry).toEqual({ minDelayMs: 300000, maxDelayMs: 4000000, lifetimeMs: 1000 });
    expect(config.spooler.leaseMs).toBe(300000);
    expect(config.providers.smtp).toEqual({ enabled: false, config: {}, limits: { concurrency: 8, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 5, overrides: [] } } });
  });

  it('reports every invalid field with its path, expected and found', () => {
    const error = errorOf(() => toXportConfig({ logLevel: 'loud', transportOrder: ['Not An Id'], spooler: { batchSize: 0 }, extra: 1 }, 'xport.config.json'));
    expect(error.code).toBe('XPORT_CONFIG_INVALID');
    expect(error.message).toContain('xport.config.json: ');
    expect(error.message).toContain('field /extra is not an allowed field');
    expect(error.message).toContain('field /logLevel must be one of "debug", "info", "warn", "error", "silent" (got "loud")');
    expect(error.message).toContain('field /transportOrder/0 must match ^[a-z][a-z0-9-]{0,62}$ (got "Not An Id")');
    expect(error.message).toContain('field /spooler/batchSize must be >= 1 (got 0)');
  });

  it('refuses prototype keys, deep nesting, bad JSON and inconsistent retry bounds', async () => {
    expect(errorOf(() => toXportConfig(JSON.parse('{"providers":{"x":{"config":{"__proto__":{"a":1}}}}}'), 'c')).message).toBe(
      'c: field /providers/x/config/__proto__ uses the forbidden key "__proto__"',
    );
    let deep: unknown = {};
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(errorOf(() => toXportConfig({ providers: { x: { config: deep } } }, 'c')).message).toContain('nests deeper than 32 levels');
    expect(errorOf(() => toXportConfig({ logonRetry: { minDelayMs: 10, maxDelayMs: 5 } }, 'c')).message).toContain('/logonRetry/minDelayMs must not exceed');
    root = await mkdtemp(join(tmpdir(), 'xport-config-'));
    await writeFile(join(root, 'xport.config.json'), '{ "logLevel": ');
    const error = errorOf(() => loadConfig(root as string));
    expect(error.code).toBe('XPORT_CONFIG_INVALID');
    expect(error.message).toContain(`${join(root, 'xport.config.json')} is not valid JSON`);
  });

  it('lets discover() report an invalid configuration while start() rejects with it', async () => {
    root = await mkdtemp(join(tmpdir(), 'xport-config-'));
    await writeFile(join(root, 'xport.config.json'), JSON.stringify({ spooler: { leaseMs: 'long' } }));
    const kernel = createKernel({ root, env: {} });
    const report = await kernel.discover();
    expect(report.configErrors).toEqual([{ code: 'XPORT_CONFIG_INVALID', message: expect.stringContaining('field /spooler/leaseMs must be of type integer (got "long")') }]);
    await expect(kernel.start()).rejects.toMatchObject({ code: 'XPORT_CONFIG_INVALID' });
    expect(kernel.config.spooler.leaseMs).toBe(300000);
  });
});
