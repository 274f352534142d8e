import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { TransportProvider } from '@xport/provider-sdk';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { decodeWords, simpleParser, startSink, type Sink } from './smtp-sink.js';

// International mail through a real kernel on the SQLite store: Python's smtplib sends an RFC 6532
// message (raw UTF-8 headers, 8bit body) with SMTPUTF8 to the SMTP listener; what the inbox keeps
// is then sent on through the relay, which must receive the same text.
const SMTPLIB_SEND_UTF8 = join(PACKAGES, 'provider-smtp', 'test', 'interop', 'smtplib_send_utf8.py');
const hasPython = spawnSync('python3', ['-c', 'import smtplib, email.policy'], { stdio: 'ignore' }).status === 0;
const title = hasPython
  ? 'international mail end to end'
  : 'international mail end to end (SKIPPED: no python3 with smtplib on PATH; install python3 to run it)';

let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

const ATTACHMENT = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const SPEC = {
  from: 'Jürgen Weiß <j@example.test>',
  to: ['Ada <ada@example.org>', 'Zoë Ångström <zoë@example.org>'],
  subject: 'Grüße aus Köln — 你好 ✓',
  headers: { 'X-Greeting': 'Ünïcödé héader — ✓', 'Message-ID': '<utf8-e2e-1@example.test>' },
  text: 'Grüße, Jürgen — 你好 — Ωμέγα ✓\nZweite Zeile.\n',
  attachment: { filename: 'Übersicht – 2026.bin', hex: ATTACHMENT.toString('hex') },
};

function listenPort(k: Kernel): number {
  const transport = k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } | undefined };
  const address = transport.listenAddress();
  if (!address) throw new Error('the smtp listener is not running');
  return address.port;
}

function sendWithSmtplib(port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-W', 'ignore', SMTPLIB_SEND_UTF8, String(port), JSON.stringify(SPEC)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe(title, () => {
  it.skipIf(!hasPython)('a UTF-8 message sent by Python smtplib with SMTPUTF8 reaches the inbox byte-exact and goes out over the relay intact', async () => {
    sink = await startSink();
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: { smtp: { config: { relay: { host: '127.0.0.1', port: sink.port }, listen: { enabled: true, port: 0, domains: ['example.org'] } } } },
      spooler: { pollMs: 50 },
    });
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');

    const run = await sendWithSmtplib(listenPort(kernel));
    expect(run.stderr).toBe('');
    const reply = JSON.parse(run.stdout) as { smtputf8: boolean; refused: Record<string, unknown>; sent: string };
    expect(reply).toMatchObject({ smtputf8: true, refused: {} });
    // The message really went as RFC 6532: raw UTF-8 in the header block, no encoded words.
    const sent = Buffer.from(reply.sent, 'hex').toString('utf8');
    expect(sent).toContain(`Subject: ${SPEC.subject}\r\n`);
    expect(sent).not.toContain('=?');

    // smtplib returned after the 250: the entries are there. The non-ASCII mailbox is its own.
    const store = kernel.store()!;
    expect(await store.listInbox('smtp:zoë@example.org')).toHaveLength(1);
    const inbox = await store.listInbox('smtp:ada@example.org');
    expect(inbox).toHaveLength(1);
    const entry = inbox[0]!;
    expect(entry.envelope.from).toEqual({ type: 'smtp', address: 'j@example.test', name: 'Jürgen Weiß' });
    expect(entry.envelope.subject).toBe(SPEC.subject);
    expect(entry.envelope.messageId).toBe('<utf8-e2e-1@example.test>');
    expect(entry.envelope.headers).toMatchObject({
      From: SPEC.from,
      To: SPEC.to.join(', '),
      Subject: SPEC.subject,
      'X-Greeting': SPEC.headers['X-Greeting'],
    });
    const text = entry.parts.find((p) => p.kind === 'text')!;
    const storedText = await buffer(store.openPart(text.partId));
    expect(storedText.equals(Buffer.from(SPEC.text, 'utf8'))).toBe(true);
    const attachment = entry.parts.find((p) => p.kind === 'attachment')!;
    expect(attachment.filename).toBe(SPEC.attachment.filename);
    expect((await buffer(store.openPart(attachment.partId))).equals(ATTACHMENT)).toBe(true);

    // Out over the relay: an ASCII recipient and one whose local part and domain are both non-ASCII.
    const receipt = await kernel.submit({
      from: entry.envelope.from,
      to: ['Bob <bob@example.net>', 'Zoë <zoë@bücher.example>'],
      subject: entry.envelope.subject,
      headers: { 'X-Greeting': entry.envelope.headers['X-Greeting']! },
      text: storedText.toString('utf8'),
      attachments: [{ filename: attachment.filename!, contentType: attachment.contentType, content: await buffer(store.openPart(attachment.partId)) }],
    });
    await expect.poll(async () => (await store.getMessage(receipt.messageId))?.recipients.map((r) => r.state), { timeout: 15_000 }).toEqual(['delivered', 'delivered']);

    expect(sink.received).toHaveLength(1);
    const relayed = sink.received[0]!;
    // A non-ASCII local part needs SMTPUTF8 (the sink offers it); the relay's parser shows domains in Unicode.
    expect(relayed.smtpUtf8).toBe(true);
    expect(relayed.from).toBe('j@example.test');
    expect([...relayed.to].sort()).toEqual(['bob@example.net', 'zoë@bücher.example']);
    const parsed = await simpleParser(relayed.raw);
    expect(parsed.subject).toBe(SPEC.subject);
    expect(parsed.from?.value).toEqual([{ address: 'j@example.test', name: 'Jürgen Weiß' }]);
    // Header text goes out as RFC 2047 encoded words, which read back to the same text.
    expect(decodeWords(parsed.headers.get('x-greeting') as string)).toBe(SPEC.headers['X-Greeting']);
    expect(Buffer.from(parsed.text ?? '', 'utf8').equals(Buffer.from(SPEC.text, 'utf8'))).toBe(true);
    expect(parsed.attachments.map((a) => a.filename)).toEqual([SPEC.attachment.filename]);
    expect(parsed.attachments[0]!.content.equals(ATTACHMENT)).toBe(true);
  });
});
