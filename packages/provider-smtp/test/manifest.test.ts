import { describe, expect, it } from 'vitest';
import { isProviderDefinition, manifestSchema } from '@xport/provider-sdk';
import provider from '../src/provider.js';
import { resolveSmtpConfig, SMTP_CONFIG_DEFAULTS } from '../src/index.js';
import { manifest } from './support/provider-context.js';

type Schema = { properties: Record<string, Schema>; default?: unknown };

describe('manifest and configuration', () => {
  it('declares a transport for address type smtp with its four optional credentials', () => {
    expect(manifest).toMatchObject({ manifestVersion: 1, id: 'smtp', kind: 'transport', entry: './dist/provider.js', kernel: '^1.0.0', addressTypes: ['smtp'], capabilities: ['send', 'receive'] });
    expect(Object.keys(manifestSchema.properties)).toEqual(expect.arrayContaining(Object.keys(manifest)));
    expect(Object.entries(manifest.credentials ?? {}).map(([name, c]) => [name, c.required])).toEqual([
      ['username', false],
      ['password', false],
      ['oauth2AccessToken', false],
      ['dkimPrivateKey', false],
    ]);
  });

  it('keeps the schema defaults and the code defaults in step', () => {
    const schema = manifest.configSchema as unknown as Schema;
    const relay = schema.properties.relay!.properties;
    const listen = schema.properties.listen!.properties;
    const d = SMTP_CONFIG_DEFAULTS;
    expect(relay.port!.default).toBe(d.relay.port);
    expect(relay.secure!.default).toBe(d.relay.secure);
    expect(relay.rejectUnauthorized!.default).toBe(d.relay.rejectUnauthorized);
    expect(relay.pool!.properties.maxConnections!.default).toBe(d.relay.pool.maxConnections);
    expect(relay.pool!.properties.maxMessages!.default).toBe(d.relay.pool.maxMessages);
    expect(relay.connectionTimeoutMs!.default).toBe(d.relay.connectionTimeoutMs);
    expect(relay.greetingTimeoutMs!.default).toBe(d.relay.greetingTimeoutMs);
    expect(relay.socketTimeoutMs!.default).toBe(d.relay.socketTimeoutMs);
    for (const key of Object.keys(d.listen) as (keyof typeof d.listen)[]) expect(listen[key]!.default).toEqual(d.listen[key]);
  });

  it('default-exports a branded transport definition', () => {
    expect(isProviderDefinition(provider)).toBe(true);
    expect(provider.kind).toBe('transport');
  });

  it('names the field, the expectation and the value in config errors', () => {
    expect(() => resolveSmtpConfig({ relay: { host: 'x', port: 70_000 } })).toThrow('config field /relay/port must be an integer 1..65535 (got 70000)');
    expect(resolveSmtpConfig({ relay: { host: 'smtp.example.org' } }).relay).toMatchObject({ port: 587, secure: false, maxConnections: 5 });
  });
});
