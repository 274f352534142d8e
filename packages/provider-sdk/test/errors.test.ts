import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret, XportError, ERROR_CODES, describeErrorCode } from '../src/index.js';

describe('XportError', () => {
  it('is recognised by code, also when built by another copy of the SDK', () => {
    const error = new XportError('XPORT_LOGON_FAILED', 'smtp: 535 authentication failed', { details: { provider: 'smtp' } });
    expect(XportError.is(error)).toBe(true);
    expect(XportError.is(error, 'XPORT_LOGON_FAILED')).toBe(true);
    expect(XportError.is(error, 'XPORT_CONFIG_INVALID')).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), { name: 'XportError', code: 'XPORT_LOGON_FAILED' });
    expect(XportError.is(foreign, 'XPORT_LOGON_FAILED')).toBe(true);
    expect(XportError.is(new Error('plain'))).toBe(false);
    expect(XportError.is(null)).toBe(false);
  });

  it('keeps its cause and serialises code and details', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new XportError('XPORT_PROVIDER_UNAVAILABLE', 'relay down', { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'XPORT_PROVIDER_UNAVAILABLE', message: 'relay down' });
  });

  it('describes every code', () => {
    for (const code of Object.keys(ERROR_CODES) as Array<keyof typeof ERROR_CODES>) {
      expect(describeErrorCode(code).length).toBeGreaterThan(10);
    }
  });
});

describe('Secret', () => {
  it('never prints its value', () => {
    const secret = new Secret('hunter2-value');
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ password: secret })).toBe('{"password":"[redacted]"}');
    expect(inspect({ password: secret })).not.toContain('hunter2');
    expect(Object.keys(secret)).toEqual([]);
    expect(secret.reveal()).toBe('hunter2-value');
    expect(Secret.is(secret)).toBe(true);
    expect(Secret.is('hunter2-value')).toBe(false);
  });
});
