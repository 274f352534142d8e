import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { XportError } from '@xport/provider-sdk';
import { createSmtpTransport, type SmtpConfig, type SmtpTransport } from '../src/index.js';
import { createTestCertificate, type TestCertificate } from './support/certificates.js';
import { createTestContext, type TestContext } from './support/provider-context.js';
import { RawSmtpClient } from './support/raw-smtp-client.js';

let certificate: TestCertificate;
let transport: SmtpTransport | undefined;
let raw: RawSmtpClient | undefined;

beforeAll(async () => {
  certificate = await createTestCertificate();
});

afterEach(async () => {
  raw?.close();
  await transport?.stop?.();
  transport = undefined;
  raw = undefined;
});

async function listen(listenConfig: SmtpConfig['listen'] = {}, credentials: Record<string, string> = {}): Promise<{ test: TestContext; port: number }> {
  const test = createTestContext({ listen: { enabled: true, port: 0, domains: ['example.org'], addresses: ['postmaster@other.test'], ...listenConfig } }, credentials);
  transport = createSmtpTransport(test.context);
  await transport.logon?.();
  await transport.start?.();
  return { test, port: transport.listenAddress()!.port };
}

async function rawSession(port: number): Promise<RawSmtpClient> {
  const opened = await RawSmtpClient.open(port);
  raw = opened.client;
  expect(opened.greeting).toMatch(/^220 /);
  expect(await raw.send('EHLO client.test\r\n')).toMatch(/^250/);
  return raw;
}

function client(port: number, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false, ...extra });
}

describe('inbound listener', () => {
  it('is off by default', async () => {
    const test = createTestContext({});
    transport = createSmtpTransport(test.context);
    await transport.start?.();
    expect(transport.listenAddress()).toBeUndefined();
  });

  it('accepts mail for a served domain and hands a parsed message to inbound.deliver', async () => {
    const { test, port } = await listen();
    const info = await client(port).sendMail({
      from: 'Grace <grace@sender.test>',
      to: 'Ada <ada@example.org>',
      cc: 'postmaster@other.test',
      subject: 'Hello — inbound',
      messageId: '<inbound-1@sender.test>',
      headers: { 'X-Ticket': 'T-7' },
      text: 'Plain text body',
      html: '<p>HTML body</p>',
      attachments: [{ filename: 'notes.txt', content: Buffer.from('attached bytes'), contentType: 'text/plain' }],
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as in-1,in-2/);
    expect(test.delivered).toHaveLength(1);
    const message = test.delivered[0]!;
    expect(message.recipients).toEqual([
      { type: 'smtp', address: 'ada@example.org' },
      { type: 'smtp', address: 'postmaster@other.test' },
    ]);
    expect(message.from).toEqual({ type: 'smtp', address: 'grace@sender.test', name: 'Grace' });
    expect(message.subject).toBe('Hello — inbound');
    expect(message.messageId).toBe('<inbound-1@sender.test>');
    expect(message.text?.trim()).toBe('Plain text body');
    expect(message.html?.trim()).toBe('<p>HTML body</p>');
    expect(message.headers?.['X-Ticket']).toBe('T-7');
    expect(Object.values(message.headers ?? {}).every((v) => typeof v === 'string' && !/[\r\n]/.test(v))).toBe(true);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments![0]!.filename).toBe('notes.txt');
    expect(Buffer.from(message.attachments![0]!.content as Uint8Array).toString()).toBe('attached bytes');
  });

  it('denies relaying for a domain it does not serve', async () => {
    const { test, port } = await listen();
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test>\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<someone@elsewhere.test>\r\n')).toBe('550 5.7.1 Relaying denied');
    expect(await session.send('RCPT TO:<other@other.test>\r\n')).toBe('550 5.7.1 Relaying denied');
    expect(test.delivered).toHaveLength(0);
  });

  it('requires AUTH when configured: 530 before, accepted after authenticating over STARTTLS', async () => {
    const { test, port } = await listen({ requireAuth: true, tls: { key: certificate.key, cert: certificate.cert } }, { username: 'relay-user', password: 's3cret-pass' });
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test>\r\n')).toBe('530 5.7.0 Authentication required');
    const wrong = client(port, { ignoreTLS: false, requireTLS: true, tls: { ca: certificate.cert }, auth: { user: 'relay-user', pass: 'nope' } });
    await expect(wrong.sendMail({ from: 'grace@sender.test', to: 'ada@example.org', text: 'x' })).rejects.toMatchObject({ responseCode: 535 });
    const right = client(port, { ignoreTLS: false, requireTLS: true, tls: { ca: certificate.cert }, auth: { user: 'relay-user', pass: 's3cret-pass' } });
    await right.sendMail({ from: 'grace@sender.test', to: 'ada@example.org', text: 'authenticated' });
    expect(test.delivered.map((m) => m.text?.trim())).toEqual(['authenticated']);
    expect(JSON.stringify(test.logs)).not.toContain('s3cret-pass');
  });

  it('refuses requireAuth without TLS unless insecure AUTH is allowed', async () => {
    const test = createTestContext({ listen: { enabled: true, port: 0, requireAuth: true } }, { username: 'u', password: 'p' });
    transport = createSmtpTransport(test.context);
    await expect(transport.start!()).rejects.toMatchObject({ code: 'XPORT_PROVIDER_CONFIG_INVALID' });
  });

  it('rejects a message over maxMessageBytes with 552 5.3.4', async () => {
    const { test, port } = await listen({ maxMessageBytes: 10_000 });
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test>\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<ada@example.org>\r\n')).toMatch(/^250/);
    expect(await session.send('DATA\r\n')).toMatch(/^354/);
    const body = `Subject: big\r\n\r\n${'x'.repeat(70) + '\r\n'}`.repeat(400);
    expect(await session.send(`${body}.\r\n`)).toMatch(/^552 5\.3\.4 /);
    expect(test.delivered).toHaveLength(0);
    const announced = await client(port).sendMail({ from: 'grace@sender.test', to: 'ada@example.org', text: 'y'.repeat(20_000) }).catch((e: { responseCode?: number }) => e);
    expect(announced).toMatchObject({ responseCode: 552 });
  });

  it('rejects bare LF line endings (SMTP smuggling) with 550 5.6.0', async () => {
    const { test, port } = await listen();
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test>\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<ada@example.org>\r\n')).toMatch(/^250/);
    expect(await session.send('DATA\r\n')).toMatch(/^354/);
    const smuggled = 'Subject: first\r\n\r\nbody\n.\nMAIL FROM:<evil@sender.test>\r\nRCPT TO:<ada@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n';
    expect(await session.send(smuggled)).toMatch(/^550 5\.6\.0 /);
    expect(test.delivered).toHaveLength(0);
  });

  it('rejects control characters in envelope parameters with 501', async () => {
    const { port } = await listen();
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test> ENVID=a\x01b\r\n')).toMatch(/^501 /);
  });

  it('advertises DSN and hands RET, ENVID (xtext decoded) and each recipient NOTIFY and ORCPT to the kernel with the message', async () => {
    const { test, port } = await listen();
    const session = await rawSession(port);
    expect(await session.send('EHLO client.test\r\n')).toMatch(/^250[ -]DSN\r?$/m);
    expect(await session.send('MAIL FROM:<grace@sender.test> RET=HDRS ENVID=q+2B1\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<ada@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;ada+2Bdesk@example.org\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<bob@example.org>\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<carol@example.org> NOTIFY=NEVER\r\n')).toMatch(/^250/);
    expect(await session.send('DATA\r\n')).toMatch(/^354/);
    expect(await session.send('Subject: dsn\r\n\r\nbody\r\n.\r\n')).toMatch(/^250/);
    expect(test.delivered[0]!.dsn).toEqual({
      ret: 'hdrs',
      envelopeId: 'q+1',
      recipients: [
        { recipient: { type: 'smtp', address: 'ada@example.org' }, notify: ['success', 'delay'], originalRecipient: 'rfc822;ada+desk@example.org' },
        { recipient: { type: 'smtp', address: 'carol@example.org' }, notify: 'never' },
      ],
    });
  });

  it('refuses malformed DSN parameters with 501 5.5.4, naming the rule', async () => {
    const { port } = await listen();
    const session = await rawSession(port);
    expect(await session.send('MAIL FROM:<grace@sender.test> RET=BODY\r\n')).toMatch(/^501 5\.5\.4 RET must be FULL or HDRS/);
    expect(await session.send('MAIL FROM:<grace@sender.test>\r\n')).toMatch(/^250/);
    expect(await session.send('RCPT TO:<ada@example.org> NOTIFY=NEVER,DELAY\r\n')).toMatch(/^501 5\.5\.4 NOTIFY=NEVER cannot be combined/);
    expect(await session.send('RCPT TO:<ada@example.org> NOTIFY=DELAY,DELAY\r\n')).toMatch(/^501 5\.5\.4 a NOTIFY keyword is given twice/);
    expect(await session.send('RCPT TO:<ada@example.org> ORCPT=ada@example.org\r\n')).toMatch(/^501 5\.5\.4 ORCPT must be addr-type;address/);
  });

  it('answers 451 4.3.0 when the store refuses, and the client sees a temporary failure', async () => {
    const { test, port } = await listen();
    test.deliveryError = new XportError('XPORT_STORE_UNAVAILABLE', 'test store refuses writes');
    const error = await client(port).sendMail({ from: 'grace@sender.test', to: 'ada@example.org', text: 'x' }).catch((e: { responseCode?: number; response?: string }) => e);
    expect(error).toMatchObject({ responseCode: 451, response: expect.stringContaining('4.3.0') });
    expect(test.delivered).toHaveLength(0);
  });
});
