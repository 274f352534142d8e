import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { readWholePart, type MessageStore, type TransportProvider } from '@xport/provider-sdk';
import { createE2eApp, type E2eApp } from './test-app.js';
import { nodemailer, simpleParser, startSink, type Sink, type SinkMail } from './smtp-sink.js';
import { outcomeEvents } from './outcome-events.js';

// Asynchronous bounces against real SMTP peers: xport relays a message to an in-process
// smtp-server that accepts it (250), then the relay's bounce for it arrives on xport's own SMTP
// listener "hours later" — no sleep, it is just sent then — with MAIL FROM:<>. The bounce is tied
// to the recipient by its VERP return path, its ENVID or its original Message-ID; the recipient
// flips from delivered to failed and the sender is told.

const VERP_KEY = 'late-bounce-e2e-verp-key-0123456789';

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

async function startKernel(options: { readonly reports: Record<string, unknown>; readonly sinkDsn?: boolean }): Promise<Kernel> {
  sink = await startSink({ dsn: options.sinkDsn ?? false, rcpt: (address) => (address.startsWith('busy@') ? { code: 450, text: '4.2.1 try later' } : undefined) });
  app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp'],
    providers: { smtp: { config: { relay: { host: '127.0.0.1', port: sink.port }, listen: { enabled: true, port: 0, domains: ['example.org'], addresses: ['bounces@xport.test'] } } } },
    reports: { reportingMta: 'xport.test', ...options.reports },
  });
  kernel = createKernel({ root: app.root, env: {}, credentials: { reports: { verpKey: VERP_KEY } } });
  await kernel.start();
  return kernel;
}

function listenPort(k: Kernel): number {
  return (k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } }).listenAddress().port;
}

async function sendAndSettle(k: Kernel, input: Parameters<Kernel['submit']>[0], count: number): Promise<string> {
  const outcomes = outcomeEvents(k, ['delivered', 'failed', 'deferred']);
  const { messageId } = await k.submit(input);
  const done = outcomes.settled(messageId, [...Array(count).keys()]);
  await k.spooler().flush();
  await done;
  return messageId;
}

/** A bounce as a remote MTA writes it (RFC 3464), for `bob@remote.test` unless told otherwise. */
function bounceText(options: { readonly to: string; readonly envelopeId?: string; readonly messageId?: string; readonly recipient?: string; readonly action?: string; readonly status?: string }): string {
  const recipient = options.recipient ?? 'bob@remote.test';
  const status = options.status ?? '5.1.1';
  return [
    'From: MAILER-DAEMON@mx.remote.test',
    `To: <${options.to}>`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="bnd-42"',
    '',
    '--bnd-42',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '',
    '--bnd-42',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.remote.test',
    ...(options.envelopeId === undefined ? [] : [`Original-Envelope-Id: ${options.envelopeId}`]),
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${options.action ?? 'failed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} <${recipient}>: Recipient address rejected: User unknown`,
    '',
    '--bnd-42',
    'Content-Type: text/rfc822-headers',
    '',
    'From: ada@example.org',
    'Subject: late',
    ...(options.messageId === undefined ? [] : [`Message-ID: ${options.messageId}`]),
    '',
    '--bnd-42--',
    '',
  ].join('\r\n');
}

/** Sends a bounce to xport's listener over SMTP with the null reverse path, as a relay does. */
async function sendBounce(k: Kernel, to: string, raw: string): Promise<void> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: listenPort(k), ignoreTLS: true, logger: false });
  try {
    await client.sendMail({ envelope: { from: '', to: [to] }, raw });
  } finally {
    client.close();
  }
}

async function states(store: MessageStore, messageId: string): Promise<Array<[string, string, string | undefined]>> {
  const message = await store.getMessage(messageId);
  return message!.recipients.map((r) => [r.recipient.address, r.state, r.lastError?.code]);
}

async function ndrTexts(store: MessageStore, mailbox: string, messageId: string): Promise<string[]> {
  const entries = (await store.listInbox(mailbox)).filter((e) => e.envelope.reportFor === messageId && e.envelope.kind === 'report.ndr');
  return Promise.all(entries.map(async (e) => (await readWholePart(store, e.parts[1]!.partId)).toString('utf8')));
}

const fromOf = (mail: SinkMail | undefined): string => mail?.from ?? '';

describe('asynchronous bounces over SMTP', () => {
  it('VERP: each recipient goes out from its own return path; its bounce fails it, tells the local sender once, and counts once', async () => {
    const k = await startKernel({ reports: { verp: 'bounces@xport.test', byAddressType: { smtp: 'mailbox' } } });
    const store = k.store()!;
    const messageId = await sendAndSettle(k, { from: 'ada@example.org', to: ['bob@remote.test', 'carol@remote.test'], subject: 'late', text: 'hi' }, 2);
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'delivered', undefined],
      ['carol@remote.test', 'delivered', undefined],
    ]);
    // One transaction per recipient, each from its own sub-address of reports.verp; the header From stays the sender.
    const bobMail = sink!.received.find((m) => m.to.includes('bob@remote.test'));
    const carolMail = sink!.received.find((m) => m.to.includes('carol@remote.test'));
    expect(fromOf(bobMail)).toMatch(new RegExp(`^bounces\\+${messageId}\\.0\\.[a-z2-7]{13}@xport\\.test$`));
    expect(fromOf(carolMail)).toMatch(new RegExp(`^bounces\\+${messageId}\\.1\\.[a-z2-7]{13}@xport\\.test$`));
    expect((await simpleParser(bobMail!.raw)).from?.value[0]?.address).toBe('ada@example.org');

    // Hours later, as far as xport can tell: the relay's bounce for bob comes back to bob's return path.
    const bounce = bounceText({ to: fromOf(bobMail) });
    await sendBounce(k, fromOf(bobMail), bounce);
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'failed', '5.1.1'],
      ['carol@remote.test', 'delivered', undefined],
    ]);
    const ndrs = await ndrTexts(store, 'smtp:ada@example.org', messageId);
    expect(ndrs).toHaveLength(1);
    expect(ndrs[0]).toContain('Final-Recipient: rfc822; bob@remote.test');
    expect(ndrs[0]).toContain('Status: 5.1.1');
    expect(ndrs[0]).not.toContain('carol@remote.test');
    const counted = await store.suppression!.listSuppressed();
    expect(counted.map((e) => [e.address, e.hardBounces])).toEqual([['smtp:bob@remote.test', 1]]);

    // The same bounce again changes nothing: no second report, no second count.
    const failedAt = (await store.getMessage(messageId))!.recipients[0]!.updatedAt;
    await sendBounce(k, fromOf(bobMail), bounce);
    expect((await store.getMessage(messageId))!.recipients[0]!.updatedAt).toBe(failedAt);
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'failed', '5.1.1'],
      ['carol@remote.test', 'delivered', undefined],
    ]);
    expect(await ndrTexts(store, 'smtp:ada@example.org', messageId)).toHaveLength(1);
    expect((await store.suppression!.listSuppressed()).map((e) => [e.address, e.hardBounces])).toEqual([['smtp:bob@remote.test', 1]]);
    // Both bounces are kept for an operator, as every bounce is.
    expect((await store.listInbox('xport:bounces')).map((e) => e.envelope.kind)).toEqual(['report.dsn', 'report.dsn']);
  });

  it('VERP: a bounce to a forged token fails no one, reports nothing and counts nothing; it stays in the bounce mailbox', async () => {
    const k = await startKernel({ reports: { verp: 'bounces@xport.test', byAddressType: { smtp: 'mailbox' } } });
    const store = k.store()!;
    const messageId = await sendAndSettle(k, { from: 'ada@example.org', to: ['bob@remote.test'], subject: 'late', text: 'hi' }, 1);
    const genuine = fromOf(sink!.received[0]);
    // Someone who knows the message id and the scheme, but not the key.
    const forged = genuine.replace(/\.[a-z2-7]{13}@/, '.aaaaaaaaaaaaa@');
    expect(forged).not.toBe(genuine);
    await sendBounce(k, forged, bounceText({ to: forged }));
    expect(await states(store, messageId)).toEqual([['bob@remote.test', 'delivered', undefined]]);
    expect(await ndrTexts(store, 'smtp:ada@example.org', messageId)).toEqual([]);
    expect(await store.suppression!.listSuppressed()).toEqual([]);
    expect((await store.listInbox('xport:bounces')).map((e) => e.envelope.kind)).toEqual(['report.dsn']);
  });

  it('ENVID: the bounce of a relay that took the DSN request fails the recipient, and the remote sender gets a DSN through the relay with MAIL FROM:<>', async () => {
    const k = await startKernel({ reports: {}, sinkDsn: true });
    const store = k.store()!;
    const messageId = await sendAndSettle(
      k,
      { from: 'ada@elsewhere.test', to: ['bob@remote.test', 'carol@remote.test'], subject: 'late', text: 'hi', dsn: { envelopeId: 'q3-figures-0042', notify: ['failure'] } },
      2,
    );
    expect(sink!.received[0]!.mailArgs).toMatchObject({ ENVID: 'q3-figures-0042' });
    const reportSent = new Promise<void>((resolve) => k.spooler().on('delivered', (e) => e.messageId !== messageId && resolve()));
    await sendBounce(k, 'postmaster@example.org', bounceText({ to: 'postmaster@example.org', envelopeId: 'q3-figures-0042' }));
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'failed', '5.1.1'],
      ['carol@remote.test', 'delivered', undefined],
    ]);
    await k.spooler().flush();
    await reportSent;
    const dsn = sink!.received.find((m) => m.to.includes('ada@elsewhere.test'))!;
    expect(dsn.from).toBe('');
    const parsed = await simpleParser(dsn.raw, { keepDeliveryStatus: true } as Parameters<typeof simpleParser>[1]);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report' });
    const status = parsed.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString('utf8');
    expect(status).toContain('Original-Envelope-Id: q3-figures-0042');
    expect(status).toContain('Final-Recipient: rfc822; bob@remote.test');
    expect(status).toContain('Action: failed');
    expect(status).not.toContain('carol@remote.test');
  });

  it('Message-ID: a bounce that names only the original Message-ID fails the recipient; one for a recipient that is not delivered changes nothing', async () => {
    const k = await startKernel({ reports: { byAddressType: { smtp: 'mailbox' } } });
    const store = k.store()!;
    const messageId = await sendAndSettle(k, { from: 'ada@example.org', to: ['bob@remote.test', 'busy@remote.test'], subject: 'late', text: 'hi', messageId: '<late-77@example.org>' }, 2);
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'delivered', undefined],
      ['busy@remote.test', 'deferred', '4.2.1'],
    ]);
    await sendBounce(k, 'postmaster@example.org', bounceText({ to: 'postmaster@example.org', messageId: '<late-77@example.org>', recipient: 'busy@remote.test' }));
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'delivered', undefined],
      ['busy@remote.test', 'deferred', '4.2.1'],
    ]);
    await sendBounce(k, 'postmaster@example.org', bounceText({ to: 'postmaster@example.org', messageId: '<late-77@example.org>' }));
    expect(await states(store, messageId)).toEqual([
      ['bob@remote.test', 'failed', '5.1.1'],
      ['busy@remote.test', 'deferred', '4.2.1'],
    ]);
    const ndrs = await ndrTexts(store, 'smtp:ada@example.org', messageId);
    expect(ndrs).toHaveLength(1);
    expect(ndrs[0]).toContain('Final-Recipient: rfc822; bob@remote.test');
    // A delayed notice changes no state.
    await sendBounce(k, 'postmaster@example.org', bounceText({ to: 'postmaster@example.org', messageId: '<late-77@example.org>', recipient: 'busy@remote.test', action: 'delayed', status: '4.2.1' }));
    expect((await store.getMessage(messageId))!.recipients[1]!.state).toBe('deferred');
  });

  it('an uncorrelated bounce stays in the bounce mailbox and is counted for the suppression list as before', async () => {
    const k = await startKernel({ reports: { byAddressType: { smtp: 'mailbox' } } });
    const store = k.store()!;
    await sendBounce(k, 'postmaster@example.org', bounceText({ to: 'postmaster@example.org', envelopeId: 'not-ours', recipient: 'dave@remote.test' }));
    expect((await store.listInbox('xport:bounces')).map((e) => e.envelope.kind)).toEqual(['report.dsn']);
    expect((await store.suppression!.listSuppressed()).map((e) => [e.address, e.hardBounces])).toEqual([['smtp:dave@remote.test', 1]]);
  });
});
