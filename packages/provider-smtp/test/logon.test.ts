import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { XportError } from '@xport/provider-sdk';
import { createSmtpTransport, type SmtpConfig, type SmtpTransport } from '../src/index.js';
import { createTestCertificate, type TestCertificate } from './support/certificates.js';
import { createOutboundMessage, neverAborted } from './support/outbound-message.js';
import { createTestContext, type TestContext } from './support/provider-context.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

const PASSWORD = 'correct-horse-battery-staple';
let certificate: TestCertificate;
let server: ScriptedServer | undefined;
let transport: SmtpTransport | undefined;

beforeAll(async () => {
  certificate = await createTestCertificate();
});

afterEach(async () => {
  await transport?.stop?.();
  await server?.close();
  transport = undefined;
  server = undefined;
});

// The relay's timeouts are safety nets: no case here waits for one to fire (a refused connection
// and a 4xx greeting fail at once), and the in-process relay shares this process's busy event loop.
function relayConfig(port: number, extra: Partial<NonNullable<SmtpConfig['relay']>> = {}): SmtpConfig {
  return { relay: { host: '127.0.0.1', port, ca: certificate.cert, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000, pool: { maxConnections: 1 }, ...extra } };
}

async function logonError(t: SmtpTransport): Promise<XportError> {
  const error = await Promise.resolve(t.logon!()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(XportError.is(error)).toBe(true);
  return error as XportError;
}

async function freePortWithNobodyListening(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('relay logon', () => {
  it('authenticates over STARTTLS and then sends', async () => {
    server = await startScriptedServer({ server: { hideSTARTTLS: false, key: certificate.key, cert: certificate.cert, authMethods: ['PLAIN', 'LOGIN'] } });
    const test: TestContext = createTestContext(relayConfig(server.port), { username: 'ada', password: PASSWORD });
    transport = createSmtpTransport(test.context);
    await transport.logon!();
    expect(server.authAttempts.map((a) => [a.username, a.password])).toEqual([['ada', PASSWORD]]);
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    expect(await transport.send(message, assigned, neverAborted())).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(transport.availability?.()).toBe('available');
  });

  it('speaks implicit TLS (relay.secure) over the socket it opens itself', async () => {
    server = await startScriptedServer({ server: { secure: true, key: certificate.key, cert: certificate.cert, authMethods: ['PLAIN', 'LOGIN'] } });
    const test: TestContext = createTestContext(relayConfig(server.port, { secure: true }), { username: 'ada', password: PASSWORD });
    transport = createSmtpTransport(test.context);
    await transport.logon!();
    expect(server.authAttempts.map((a) => a.username)).toEqual(['ada']);
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    expect(await transport.send(message, assigned, neverAborted())).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(server.received.map((m) => m.to)).toEqual([['bob@example.net']]);
  });

  it('turns a 535 into XPORT_LOGON_FAILED with the server reply and without the password', async () => {
    server = await startScriptedServer({
      server: { hideSTARTTLS: false, key: certificate.key, cert: certificate.cert },
      auth: () => ({ code: 535, text: '5.7.8 Authentication credentials invalid' }),
    });
    const test = createTestContext(relayConfig(server.port, { authMethod: 'PLAIN' }), { username: 'ada', password: PASSWORD });
    transport = createSmtpTransport(test.context);
    const error = await logonError(transport);
    expect(error.code).toBe('XPORT_LOGON_FAILED');
    expect(error.message).toContain('5.7.8 Authentication credentials invalid');
    const seen = [error.message, JSON.stringify(error), JSON.stringify(test.logs)].join('\n');
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain(Buffer.from(`\0ada\0${PASSWORD}`).toString('base64'));
    expect(server.authAttempts).toHaveLength(1);
  });

  it('masks the AUTH payload a relay echoes in a later reply, in the recipient outcome it becomes', async () => {
    const payload = Buffer.from(`\0ada\0${PASSWORD}`).toString('base64');
    server = await startScriptedServer({
      server: { hideSTARTTLS: false, key: certificate.key, cert: certificate.cert, authMethods: ['PLAIN'] },
      rcpt: () => ({ code: 550, text: `5.7.1 not with ${payload} you don't` }),
    });
    const test = createTestContext(relayConfig(server.port, { authMethod: 'PLAIN' }), { username: 'ada', password: PASSWORD });
    transport = createSmtpTransport(test.context);
    await transport.logon!();
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    expect(await transport.send(message, assigned, neverAborted())).toEqual([{ status: 'failed', code: '5.7.1', diagnostic: "550 5.7.1 not with [redacted] you don't" }]);
  });

  it('reports XPORT_PROVIDER_UNAVAILABLE when the connection is refused', async () => {
    const port = await freePortWithNobodyListening();
    const test = createTestContext(relayConfig(port));
    transport = createSmtpTransport(test.context);
    const error = await logonError(transport);
    expect(error.code).toBe('XPORT_PROVIDER_UNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(transport.availability?.()).toBe('unavailable');
  });

  it('reports XPORT_PROVIDER_UNAVAILABLE on a 4xx greeting', async () => {
    server = await startScriptedServer({
      server: {
        onConnect(_session, callback) {
          callback(Object.assign(new Error('4.3.2 Too busy, try later'), { responseCode: 421 }));
        },
      },
    });
    transport = createSmtpTransport(createTestContext(relayConfig(server.port)).context);
    expect((await logonError(transport)).code).toBe('XPORT_PROVIDER_UNAVAILABLE');
  });

  it('refuses to send credentials to a server that offers no STARTTLS', async () => {
    server = await startScriptedServer({ server: { hideSTARTTLS: true, allowInsecureAuth: true } });
    const test = createTestContext(relayConfig(server.port), { username: 'ada', password: PASSWORD });
    transport = createSmtpTransport(test.context);
    const error = await logonError(transport);
    expect(error.code).toBe('XPORT_LOGON_FAILED');
    expect(server.authAttempts).toHaveLength(0);
    expect(JSON.stringify(error) + JSON.stringify(test.logs)).not.toContain(PASSWORD);
  });

  it('rejects requireTLS: false when credentials are used', () => {
    const test = createTestContext(relayConfig(2525, { requireTLS: false }), { username: 'ada', password: PASSWORD });
    expect(() => createSmtpTransport(test.context)).toThrow(expect.objectContaining({ code: 'XPORT_PROVIDER_CONFIG_INVALID' }));
  });

  it('authenticates with XOAUTH2 using the oauth2AccessToken credential', async () => {
    server = await startScriptedServer({ server: { hideSTARTTLS: false, key: certificate.key, cert: certificate.cert, authMethods: ['XOAUTH2'] } });
    const test = createTestContext(relayConfig(server.port, { authMethod: 'XOAUTH2' }), { username: 'ada@example.org', oauth2AccessToken: 'token-123' });
    transport = createSmtpTransport(test.context);
    await transport.logon!();
    expect(server.authAttempts.map((a) => [a.method, a.username, a.accessToken])).toEqual([['XOAUTH2', 'ada@example.org', 'token-123']]);
  });
});
