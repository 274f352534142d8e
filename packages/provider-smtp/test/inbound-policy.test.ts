import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_FIELDS } from '@xport/provider-sdk';
import { createTestCertificate, type TestCertificate } from './support/certificates.js';
import type { RawSmtpClient } from './support/raw-smtp-client.js';
import { startTestListener, type TestListener } from './support/test-listener.js';

let certificate: TestCertificate;
let listener: TestListener | undefined;

beforeAll(async () => {
  certificate = await createTestCertificate();
});

afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** MAIL FROM, then one pipelined RCPT TO per address; resolves with the replies in order. */
async function envelope(client: RawSmtpClient, recipients: readonly string[]): Promise<string[]> {
  expect(await client.send('MAIL FROM:<grace@sender.test>\r\n')).toMatch(/^250/);
  client.write(recipients.map((r) => `RCPT TO:<${r}>\r\n`).join(''));
  const replies: string[] = [];
  for (let i = 0; i < recipients.length; i += 1) replies.push(await client.reply());
  return replies;
}

const recipients = (n: number, domain = 'example.org'): string[] => Array.from({ length: n }, (_, i) => `r${i}@${domain}`);

describe('listener policy: recipients', () => {
  it('accepts 100 recipients by default, answers the 101st 452 4.5.3, and delivers the first 100', async () => {
    listener = await startTestListener();
    const client = await listener.session();
    const replies = await envelope(client, [...recipients(101), 'r0@example.org']);
    expect(replies.slice(0, 100).every((r) => r.startsWith('250'))).toBe(true);
    expect(replies[100]).toBe('452 4.5.3 Too many recipients');
    expect(replies[101]).toMatch(/^250/); // a repeated address adds no recipient
    expect(await client.send('DATA\r\n')).toMatch(/^354/);
    const done = await client.send('Subject: many\r\n\r\nhello\r\n.\r\n');
    expect(done).toMatch(/^250 2\.0\.0 Ok: queued as in-1,/);
    // RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets, whatever the recipient count.
    expect(done.length + 2).toBeLessThanOrEqual(512);
    expect(done).toContain('more)');
    expect(listener.test.delivered[0]!.recipients).toHaveLength(100);
  });

  it('honours a configured maxRecipients', async () => {
    listener = await startTestListener({ maxRecipients: 2 });
    const replies = await envelope(await listener.session(), recipients(3));
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['250', '250', '452']);
  });
});

describe('listener policy: refused commands', () => {
  it('closes a connection with 421 4.7.0 after maxErrors refused RCPTs (default 20), and logs it once', async () => {
    listener = await startTestListener();
    const client = await listener.session();
    const replies = await envelope(client, recipients(20, 'elsewhere.test'));
    expect(replies.every((r) => r === '550 5.7.1 Relaying denied')).toBe(true);
    expect(await client.reply()).toBe('421 4.7.0 Too many errors, closing connection');
    await client.closed();
    expect(listener.logged('smtp client refused too many commands; disconnected').map((l) => l.fields)).toEqual([expect.objectContaining({ client: '127.0.0.1', errors: 20 })]);
  });

  it("counts smtp-server's own syntax errors too", async () => {
    listener = await startTestListener({ maxErrors: 3 });
    const client = await listener.session();
    expect(await client.send('MAIL FROM:<<<\r\n')).toMatch(/^501 /);
    expect(await client.send('RCPT TO:<ada@example.org>\r\n')).toMatch(/^503 /);
    expect(await client.send('MAIL FROM:bad address here\r\n')).toMatch(/^501 /);
    expect(await client.reply()).toBe('421 4.7.0 Too many errors, closing connection');
    await client.closed();
  });

  it('does not count 452 (too many recipients): a long pipelined envelope is not cut off', async () => {
    listener = await startTestListener({ maxRecipients: 1, maxErrors: 2 });
    const client = await listener.session();
    const replies = await envelope(client, recipients(10));
    expect(replies.filter((r) => r.startsWith('452'))).toHaveLength(9);
    expect(await client.send('NOOP\r\n')).toMatch(/^250/);
  });
});

describe('listener policy: STARTTLS', () => {
  it('neither advertises nor answers STARTTLS without a configured certificate', async () => {
    listener = await startTestListener();
    const { client } = await listener.open();
    const ehlo = await client.send('EHLO client.test\r\n');
    expect(ehlo).not.toContain('STARTTLS');
    expect(await client.send('STARTTLS\r\n')).toMatch(/^500 /);
  });

  it('advertises STARTTLS when listen.tls is configured', async () => {
    listener = await startTestListener({ tls: { key: certificate.key, cert: certificate.cert } });
    const { client } = await listener.open();
    expect(await client.send('EHLO client.test\r\n')).toContain('STARTTLS');
    expect(await client.send('STARTTLS\r\n')).toMatch(/^220 /);
  });
});

describe('listener policy: header limits', () => {
  async function sendData(client: RawSmtpClient, data: string): Promise<string> {
    expect(await client.send('MAIL FROM:<grace@sender.test>\r\nRCPT TO:<ada@example.org>\r\n')).toMatch(/^250/);
    expect(await client.reply()).toMatch(/^250/);
    expect(await client.send('DATA\r\n')).toMatch(/^354/);
    return client.send(`${data}\r\n.\r\n`);
  }
  const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-Field-${i}: v`).join('\r\n');

  it('accepts the header fields submit allows', async () => {
    listener = await startTestListener();
    expect(await sendData(await listener.session(), `Subject: ok\r\n${fields(MAX_HEADER_FIELDS - 1)}\r\n\r\nbody`)).toMatch(/^250 /);
  });

  it('refuses 10,000 header fields with 552 5.3.4 while reading DATA', async () => {
    listener = await startTestListener();
    expect(await sendData(await listener.session(), `${fields(10_000)}\r\n\r\nbody`)).toBe('552 5.3.4 Message header has too many fields');
    expect(listener.test.delivered).toHaveLength(0);
  });

  it('refuses a header block over 64 KiB with 552 5.3.4', async () => {
    listener = await startTestListener();
    const long = Array.from({ length: 70 }, (_, i) => `X-Long-${i}: ${'a'.repeat(1_000)}`).join('\r\n');
    expect(await sendData(await listener.session(), `${long}\r\n\r\nbody`)).toBe('552 5.3.4 Message header is too large');
  });
});
