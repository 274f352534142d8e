import { afterEach, describe, expect, it } from 'vitest';
import type { RecipientOutcome } from '@xport/provider-sdk';
import { simpleParser } from 'mailparser';
import { createSmtpTransport, type SmtpConfig, type SmtpTransport } from '../src/index.js';
import { createOutboundMessage, neverAborted } from './support/outbound-message.js';
import { createTestContext, type TestContext } from './support/provider-context.js';
import { RawSmtpClient } from './support/raw-smtp-client.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

// International mail: raw UTF-8 headers (RFC 6532), RFC 2047 encoded words and legacy 8-bit
// headers in; internationalized addresses (RFC 6531, IDNA) in and out.
let transport: SmtpTransport | undefined;
let raw: RawSmtpClient | undefined;
let server: ScriptedServer | undefined;

afterEach(async () => {
  raw?.close();
  await transport?.stop?.();
  await server?.close();
  transport = undefined;
  raw = undefined;
  server = undefined;
});

/** The bytes of `text` in UTF-8, as the latin1 string RawSmtpClient writes byte for byte. */
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

async function listen(listenConfig: SmtpConfig['listen'] = {}): Promise<{ test: TestContext; port: number }> {
  const test = createTestContext({ listen: { enabled: true, port: 0, domains: ['example.org'], ...listenConfig } });
  transport = createSmtpTransport(test.context);
  await transport.logon?.();
  await transport.start?.();
  return { test, port: transport.listenAddress()!.port };
}

/** One SMTP transaction over a raw session; returns the EHLO reply and the reply to the final ".". */
async function transact(port: number, mailFrom: string, rcptTo: readonly string[], data: string): Promise<{ ehlo: string; final: string }> {
  const opened = await RawSmtpClient.open(port);
  raw = opened.client;
  const ehlo = await raw.send('EHLO client.test\r\n');
  expect(await raw.send(`MAIL FROM:<${mailFrom}> SMTPUTF8 BODY=8BITMIME\r\n`)).toMatch(/^250/);
  for (const rcpt of rcptTo) expect(await raw.send(`RCPT TO:<${rcpt}>\r\n`)).toMatch(/^250/);
  expect(await raw.send('DATA\r\n')).toMatch(/^354/);
  const final = await raw.send(`${data}\r\n.\r\n`);
  return { ehlo, final };
}

describe('international mail in', () => {
  it('advertises SMTPUTF8 and stores raw UTF-8 headers decoded, for non-ASCII mailboxes too', async () => {
    const { test, port } = await listen();
    const data = utf8(
      [
        'From: Jürgen Weiß <j@example.test>',
        'To: Zoë <zoë@example.org>',
        'Reply-To: "Weiß, Jürgen" <jürgen@bücher.example>',
        'Subject: Grüße aus Köln — 你好',
        'X-Greeting: Ünïcödé',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Grüße!',
      ].join('\r\n'),
    );
    const { ehlo, final } = await transact(port, utf8('jürgen@bücher.example'), [utf8('zoë@example.org')], data);
    expect(ehlo).toMatch(/^250-SMTPUTF8$/m);
    expect(final).toMatch(/^250 /);
    const message = test.delivered[0]!;
    expect(message.recipients).toEqual([{ type: 'smtp', address: 'zoë@example.org' }]);
    expect(message.from).toEqual({ type: 'smtp', address: 'j@example.test', name: 'Jürgen Weiß' });
    expect(message.subject).toBe('Grüße aus Köln — 你好');
    expect(message.headers).toMatchObject({
      From: 'Jürgen Weiß <j@example.test>',
      To: 'Zoë <zoë@example.org>',
      'Reply-To': '"Weiß, Jürgen" <jürgen@bücher.example>',
      Subject: 'Grüße aus Köln — 你好',
      'X-Greeting': 'Ünïcödé',
    });
    expect(message.text).toBe('Grüße!\n');
  });

  it('decodes RFC 2047 encoded words, in address lists name by name', async () => {
    const { test, port } = await listen();
    const data = [
      'From: =?UTF-8?Q?Wei=C3=9F=2C_J=C3=BCrgen?= <j@example.test>',
      'To: =?ISO-8859-1?Q?Zo=EB?= <zoe@example.org>, plain@example.org',
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?UTF-8?Q?_aus_K=C3=B6ln?=',
      'X-Note: =?UTF-8?Q?caf=C3=A9?= and more',
      '',
      'body',
    ].join('\r\n');
    expect((await transact(port, 'j@example.test', ['zoe@example.org'], data)).final).toMatch(/^250 /);
    const message = test.delivered[0]!;
    expect(message.from).toEqual({ type: 'smtp', address: 'j@example.test', name: 'Weiß, Jürgen' });
    expect(message.subject).toBe('Grüße aus Köln');
    expect(message.headers).toMatchObject({
      From: '"Weiß, Jürgen" <j@example.test>',
      To: 'Zoë <zoe@example.org>, plain@example.org',
      Subject: 'Grüße aus Köln',
      'X-Note': 'café and more',
    });
  });

  it('decodes a display name once: one that decodes to an encoded word stays that text', async () => {
    const { test, port } = await listen();
    const data = 'From: =?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fx=3F=3D?= <j@example.test>\r\n\r\nbody';
    expect((await transact(port, 'j@example.test', ['ada@example.org'], data)).final).toMatch(/^250 /);
    expect(test.delivered[0]!.from).toEqual({ type: 'smtp', address: 'j@example.test', name: '=?UTF-8?Q?x?=' });
    // Quoted in the stored header, where a reader does not decode it again (RFC 2047 §5).
    expect(test.delivered[0]!.headers?.From).toBe('"=?UTF-8?Q?x?=" <j@example.test>');
  });

  it('reads legacy 8-bit headers that are not UTF-8 as Windows-1252, and accepts the message', async () => {
    const { test, port } = await listen();
    // Latin-1 bytes: ü = 0xFC, é = 0xE9, € = 0x80 in Windows-1252, 0x81 is undefined there.
    const data = 'From: J\xfcrgen <j@example.test>\r\nSubject: caf\xe9 \x80 \x81!\r\nX-Tëst: dropped\r\nX-Other: Stra\xdfe\r\n\r\nbody';
    expect((await transact(port, 'j@example.test', ['ada@example.org'], data)).final).toMatch(/^250 /);
    const message = test.delivered[0]!;
    expect(message.from).toEqual({ type: 'smtp', address: 'j@example.test', name: 'Jürgen' });
    expect(message.subject).toBe('café € \uFFFD!');
    expect(message.headers).toMatchObject({ From: 'Jürgen <j@example.test>', Subject: 'café € \uFFFD!', 'X-Other': 'Straße' });
    // A line whose name is not an RFC 5322 field name is no header the store could keep.
    expect(Object.keys(message.headers ?? {}).some((name) => name.startsWith('X-T'))).toBe(false);
  });

  it('never stores a control character in a header, whatever the bytes decoded to', async () => {
    const { test, port } = await listen();
    const data = `X-Controls: a${utf8('\u0085')}b =?UTF-8?Q?c=07d?=\r\n\r\nbody`;
    expect((await transact(port, 'j@example.test', ['ada@example.org'], data)).final).toMatch(/^250 /);
    expect(test.delivered[0]!.headers?.['X-Controls']).toBe('a b c d');
  });

  it('serves an internationalized domain whichever form the client writes it in', async () => {
    const { test, port } = await listen({ domains: ['bücher.example'] });
    const data = 'Subject: idn\r\n\r\nbody';
    expect((await transact(port, 'j@example.test', ['ada@xn--bcher-kva.example', utf8('zoë@bücher.example')], data)).final).toMatch(/^250 /);
    expect(test.delivered[0]!.recipients).toEqual([
      { type: 'smtp', address: 'ada@bücher.example' },
      { type: 'smtp', address: 'zoë@bücher.example' },
    ]);
  });
});

describe('international mail out', () => {
  async function relayTo(options: Parameters<typeof startScriptedServer>[0] = {}): Promise<TestContext> {
    server = await startScriptedServer(options);
    const test = createTestContext({ relay: { host: '127.0.0.1', port: server.port, pool: { maxConnections: 1 } } });
    transport = createSmtpTransport(test.context);
    await transport.logon!();
    return test;
  }

  async function send(input: Parameters<typeof createOutboundMessage>[0]): Promise<string[]> {
    const { message, assigned } = createOutboundMessage(input);
    const outcomes = (await transport!.send(message, assigned, neverAborted())) as readonly RecipientOutcome[];
    return outcomes.map((o) => (o.status === 'failed' ? `failed ${o.code}` : o.status));
  }

  it('writes internationalized domains in ASCII in the envelope, without SMTPUTF8 when no local part needs it', async () => {
    await relayTo();
    expect(await send({ from: 'ada@bücher.example', to: ['bob@müller.example'], subject: 'IDN — ✓' })).toEqual(['delivered']);
    const wire = server!.wire();
    expect(wire).toContain('MAIL FROM:<ada@xn--bcher-kva.example>');
    expect(wire).toContain('RCPT TO:<bob@xn--mller-kva.example>');
    expect(wire).not.toContain('SMTPUTF8');
    const raw = server!.received[0]!.raw.toString('utf8');
    expect(raw).toMatch(/^From: ada@xn--bcher-kva\.example\r$/m);
    expect(raw).toMatch(/^To: bob@xn--mller-kva\.example\r$/m);
    expect((await simpleParser(server!.received[0]!.raw)).subject).toBe('IDN — ✓');
  });

  it('asks for SMTPUTF8 when a local part is non-ASCII and the relay offers it, and asks the relay once', async () => {
    const test = await relayTo();
    expect(await send({ from: 'jürgen@example.org', to: ['zoë@bücher.example'], subject: 'EAI' })).toEqual(['delivered']);
    expect(await send({ from: 'jürgen@example.org', to: ['zoë@bücher.example'], subject: 'EAI again' })).toEqual(['delivered']);
    const wire = server!.wire();
    expect(wire).toContain('MAIL FROM:<jürgen@example.org> SMTPUTF8');
    expect(wire).toContain('RCPT TO:<zoë@xn--bcher-kva.example>');
    expect(server!.received.map((m) => m.mailArgs && m.mailArgs.args)).toEqual([expect.objectContaining({ SMTPUTF8: true }), expect.objectContaining({ SMTPUTF8: true })]);
    expect(test.logs.filter((l) => l.message === 'smtp relay capabilities').map((l) => l.fields?.smtpUtf8)).toEqual([true]);
  });

  it('fails every recipient for good (5.6.7) when a UTF-8 header must go to a relay without SMTPUTF8, sending nothing', async () => {
    await relayTo({ server: { hideSMTPUTF8: true } });
    expect(await send({ from: 'ada@example.org', to: ['zoë@example.org', 'bob@example.net'], subject: 'EAI' })).toEqual(['failed 5.6.7', 'failed 5.6.7']);
    expect(server!.received).toEqual([]);
    expect(server!.wire()).not.toContain('MAIL FROM');
  });

  it('fails only a hidden (Bcc) non-ASCII recipient when the headers need no SMTPUTF8, and sends to the rest', async () => {
    await relayTo({ server: { hideSMTPUTF8: true } });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'], bcc: ['zoë@example.org'], subject: 'EAI' });
    const outcomes = (await transport!.send(message, assigned, neverAborted())) as readonly RecipientOutcome[];
    expect(outcomes[0]).toMatchObject({ status: 'delivered' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', code: '5.6.7' });
    expect((outcomes[1] as { diagnostic: string }).diagnostic).toBe(`relay 127.0.0.1:${server!.port} does not offer SMTPUTF8 (RFC 6531), which the non-ASCII address zoë@example.org needs`);
    expect(server!.received.map((m) => m.to)).toEqual([['bob@example.net']]);
    expect(server!.wire()).not.toContain('SMTPUTF8');
  });
});
