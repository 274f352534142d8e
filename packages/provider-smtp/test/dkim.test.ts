import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth';
import type { RecipientOutcome } from '@xport/provider-sdk';
import { createSmtpTransport, resolveSmtpConfig, type SmtpTransport } from '../src/index.js';
import { createOutboundMessage, neverAborted } from './support/outbound-message.js';
import { createTestContext, type TestContext } from './support/provider-context.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

// DKIM signing (RFC 6376) of what goes to the relay, checked with mailauth against a DNS record
// the test publishes through mailauth's resolver option.
let transport: SmtpTransport | undefined;
let server: ScriptedServer | undefined;

afterEach(async () => {
  await transport?.stop?.();
  await server?.close();
  transport = undefined;
  server = undefined;
});

function rsaKey(bits = 2048): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return { privateKey, record: `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}` };
}

const KEY = rsaKey();
const SELECTOR = 'xport2026';

/** Answers the one TXT query DKIM verification makes, as DNS would: in strings of at most 255 octets. */
async function resolver(name: string, type: string): Promise<string[][]> {
  if (type === 'TXT' && name === `${SELECTOR}._domainkey.example.org`) return [KEY.record.match(/.{1,255}/g)!];
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

/** Every line of the PEM body: none may show up anywhere, not even one. */
const keyLines = (pem: string): string[] => pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));

async function relayWithDkim(dkim: Record<string, unknown>, credentials: Record<string, string> = { dkimPrivateKey: KEY.privateKey }): Promise<TestContext> {
  server = await startScriptedServer();
  const test = createTestContext({ relay: { host: '127.0.0.1', port: server.port, dkim: dkim as never } }, credentials);
  transport = createSmtpTransport(test.context);
  return test;
}

async function sendOne(headers: Record<string, string> = {}): Promise<RecipientOutcome[]> {
  const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'], subject: 'Signed — ✓', headers, messageId: '<dkim-1@example.org>' });
  return [...((await transport!.send(message, assigned, neverAborted())) as readonly RecipientOutcome[])];
}

describe('DKIM signing', () => {
  it('signs what the relay receives so that it verifies against the published key, and a changed copy does not', async () => {
    const test = await relayWithDkim({ domain: 'example.org', selector: SELECTOR });
    await transport!.logon!();
    expect((await sendOne()).map((o) => o.status)).toEqual(['delivered']);
    const raw = server!.received[0]!.raw;
    expect(raw.toString('utf8')).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.org;/m);

    const verified = await dkimVerify(raw, { resolver });
    expect(verified.results).toHaveLength(1);
    expect(verified.results[0]).toMatchObject({ signingDomain: 'example.org', selector: SELECTOR, status: { result: 'pass' } });

    const tampered = Buffer.from(raw.toString('utf8').replace('Subject: ', 'Subject: Re: '), 'utf8');
    expect((await dkimVerify(tampered, { resolver })).results[0]!.status.result).toBe('fail');

    const logs = JSON.stringify(test.logs);
    for (const line of keyLines(KEY.privateKey)) expect(logs).not.toContain(line);
  });

  it('signs the configured header fields', async () => {
    await relayWithDkim({ domain: 'example.org', selector: SELECTOR, headers: ['From', 'Subject', 'X-Ticket'] });
    await transport!.logon!();
    await sendOne({ 'X-Ticket': 'T-42' });
    const raw = server!.received[0]!.raw;
    expect((await dkimVerify(raw, { resolver })).results[0]!.status.result).toBe('pass');
    const signature = /^DKIM-Signature:(.*(?:\r\n[ \t].*)*)/m.exec(raw.toString('utf8'))![1]!.replace(/\r\n[ \t]*/g, '');
    expect(signature).toContain('h=from:subject:x-ticket;');
  });

  it.each([
    ['is missing', {}],
    ['is not a readable PEM private key', { dkimPrivateKey: `${KEY.privateKey.slice(0, 200)}broken` }],
    ['is not an RSA key (it is ed25519)', { dkimPrivateKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }],
    ['has 512 bits, fewer than the 1024 RFC 8301 requires', { dkimPrivateKey: rsaKey(512).privateKey }],
  ])('refuses the logon when the dkimPrivateKey credential %s, naming it but never its value', async (why, credentials) => {
    const test = await relayWithDkim({ domain: 'example.org', selector: SELECTOR }, credentials);
    const refused = await Promise.resolve(transport!.logon!()).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(refused?.code).toBe('XPORT_LOGON_FAILED');
    expect(refused?.message).toBe(`provider "smtp": credential "dkimPrivateKey" ${why}; relay.dkim needs an RSA private key in PEM form`);
    expect(transport!.sides!()[0]).toMatchObject({ name: 'relay', state: 'down', error: { code: 'XPORT_LOGON_FAILED' } });
    const everything = JSON.stringify(test.logs) + refused!.message + JSON.stringify(transport!.sides!());
    for (const value of Object.values(credentials)) for (const line of keyLines(value)) expect(everything).not.toContain(line);
    expect(server!.received).toEqual([]);
  });

  it('checks the DKIM configuration: a valid domain, a selector of labels, From among the signed headers', () => {
    const relay = (dkim: Record<string, unknown>) => () => resolveSmtpConfig({ relay: { host: 'smtp.example.org', dkim: dkim as never } });
    expect(relay({ domain: 'bücher.example', selector: 's1.2026' })().relay?.dkim).toEqual({ domain: 'bücher.example', selector: 's1.2026', headers: undefined });
    expect(relay({ domain: 'exa mple.org', selector: 's1' })).toThrow('config field /relay/dkim/domain must be a domain name (got "exa mple.org")');
    expect(relay({ domain: 'example.org', selector: 's1._domainkey' })).toThrow('config field /relay/dkim/selector');
    expect(relay({ domain: 'example.org', selector: 's1', headers: ['Subject', 'Date'] })).toThrow(
      'config field /relay/dkim/headers must be a list of header field names that includes From (got ["Subject","Date"])',
    );
  });
});
