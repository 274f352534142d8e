import type { RecipientOutcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { Readable } from 'node:stream';
import { abortWatchers } from '../src/abort-watch.js';
import { createSmtpTransport, type SmtpTransport } from '../src/index.js';
import { createOutboundMessage, neverAborted } from './support/outbound-message.js';
import { createTestContext } from './support/provider-context.js';
import { startScriptedServer, type ScriptedServer, type ScriptedServerOptions } from './support/scripted-server.js';

/** send() may answer one outcome for all recipients; these tests read one per recipient. */
const toList = (o: RecipientOutcome | readonly RecipientOutcome[]): readonly RecipientOutcome[] => ('status' in o ? [o] : o);

let server: ScriptedServer | undefined;
let transport: SmtpTransport | undefined;

afterEach(async () => {
  await transport?.stop?.();
  await server?.close();
  transport = undefined;
  server = undefined;
});

// The relay's timeouts are safety nets: no case here waits for one to fire, and the in-process
// relay shares this process's event loop, which a loaded machine slows down.
async function setUp(script: ScriptedServerOptions = {}): Promise<{ server: ScriptedServer; transport: SmtpTransport }> {
  server = await startScriptedServer(script);
  const { context } = createTestContext({ relay: { host: '127.0.0.1', port: server.port, pool: { maxConnections: 1 }, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 } });
  transport = createSmtpTransport(context);
  return { server, transport };
}

describe('send through a relay', () => {
  it('delivers text, html, attachments and headers, with the envelope from the assigned recipients', async () => {
    const { server, transport } = await setUp();
    await transport.logon?.();
    const attachment = Buffer.alloc(100_000, 7);
    const { message, assigned } = createOutboundMessage({
      from: 'ada@example.org',
      to: ['bob@example.net'],
      cc: ['carol@example.net'],
      bcc: ['dave@example.net'],
      subject: 'Quarterly report — é',
      headers: { 'X-Ticket': 'T-42', 'Reply-To': 'desk@example.org' },
      messageId: '<fixed-id-1@example.org>',
      parts: [
        { kind: 'text', contentType: 'text/plain; charset=utf-8', content: Buffer.from('plain body ✓\r\n') },
        { kind: 'html', contentType: 'text/html; charset=utf-8', content: Buffer.from('<p>html body</p>') },
        { kind: 'attachment', contentType: 'application/octet-stream', filename: 'data.bin', content: attachment },
      ],
    });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'delivered' }),
      expect.objectContaining({ status: 'delivered' }),
      expect.objectContaining({ status: 'delivered' }),
    ]);
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.from).toBe('ada@example.org');
    expect(mail.to.sort()).toEqual(['bob@example.net', 'carol@example.net', 'dave@example.net']);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.messageId).toBe('<fixed-id-1@example.org>');
    expect(parsed.subject).toBe('Quarterly report — é');
    expect(parsed.text).toBe('plain body ✓\r\n'.replace(/\r\n/g, '\n'));
    expect(parsed.html).toBe('<p>html body</p>');
    expect(parsed.headers.get('x-ticket')).toBe('T-42');
    expect(parsed.headers.get('bcc')).toBeUndefined();
    expect(mail.raw.toString('latin1')).not.toContain('dave@example.net');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.filename).toBe('data.bin');
    expect(Buffer.compare(parsed.attachments[0]!.content, attachment)).toBe(0);
    expect((parsed.to as { text: string }).text).toContain('bob@example.net');
    expect((parsed.cc as { text: string }).text).toContain('carol@example.net');
  });

  it('fails only the recipient whose RCPT TO got a 5xx; the others still go out', async () => {
    const { server, transport } = await setUp({ rcpt: (a) => (a === 'nobody@example.net' ? { code: 550, text: '5.1.1 User unknown' } : undefined) });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'nobody@example.net', 'carol@example.net'] });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'delivered' }),
      { status: 'failed', code: '5.1.1', diagnostic: expect.stringContaining('User unknown') },
      expect.objectContaining({ status: 'delivered' }),
    ]);
    expect(server.received[0]!.to).toEqual(['bob@example.net', 'carol@example.net']);
  });

  it('defers a recipient on a 4xx RCPT reply and delivers it on the next attempt', async () => {
    let busy = true;
    const { server, transport } = await setUp({ rcpt: (a) => (a === 'bob@example.net' && busy ? { code: 451, text: '4.2.1 Mailbox busy, try later' } : undefined) });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    const first = await transport.send(message, assigned, neverAborted());
    expect(first).toEqual([{ status: 'deferred', code: '4.2.1', diagnostic: expect.stringContaining('Mailbox busy') }]);
    expect(server.received).toHaveLength(0);
    busy = false;
    const second = await transport.send(message, assigned, neverAborted());
    expect(second).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(server.received).toHaveLength(1);
  });

  it('applies a 5xx final reply to every accepted recipient, keeping RCPT rejections their own', async () => {
    const { transport } = await setUp({
      rcpt: (a) => (a === 'later@example.net' ? { code: 452, text: '4.2.2 Mailbox full' } : undefined),
      data: () => ({ code: 554, text: '5.6.0 Content rejected' }),
    });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'later@example.net', 'carol@example.net'] });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes).toEqual([
      { status: 'failed', code: '5.6.0', diagnostic: expect.stringContaining('Content rejected') },
      { status: 'deferred', code: '4.2.2', diagnostic: expect.stringContaining('Mailbox full') },
      { status: 'failed', code: '5.6.0', diagnostic: expect.stringContaining('Content rejected') },
    ]);
  });

  it('defers everyone when the connection drops after the final "." with no reply', async () => {
    const { transport } = await setUp({ data: () => 'drop' });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'carol@example.net'] });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes.map((o) => o.status)).toEqual(['deferred', 'deferred']);
    expect(transport.availability?.()).toBe('unavailable');
  });

  it('fails a message bigger than the SIZE the server advertises, without a retry', async () => {
    const { server, transport } = await setUp({ server: { size: 50_000 } });
    const { message, assigned } = createOutboundMessage({
      from: 'ada@example.org',
      to: ['bob@example.net'],
      parts: [{ kind: 'attachment', contentType: 'application/octet-stream', filename: 'big.bin', content: Buffer.alloc(60_000, 1) }],
    });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes).toEqual([{ status: 'failed', code: '5.3.4', diagnostic: expect.any(String) }]);
    expect(server.received).toHaveLength(0);
  });

  it('fails a malformed address with 5.1.3 before it reaches the wire', async () => {
    const { server, transport } = await setUp();
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'bad address@example.net'] });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes[0]).toEqual(expect.objectContaining({ status: 'delivered' }));
    expect(outcomes[1]).toEqual({ status: 'failed', code: '5.1.3', diagnostic: expect.stringContaining('local part') });
    expect(server.received[0]!.to).toEqual(['bob@example.net']);
  });

  it('passes DSN NOTIFY when a delivery report is asked for and the server offers DSN', async () => {
    const { server, transport } = await setUp({ server: { hideDSN: false } });
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'], deliveryReport: true });
    await transport.send(message, assigned, neverAborted());
    expect(server.received[0]!.rcptArgs[0]!.dsn?.notify).toEqual(['SUCCESS', 'FAILURE', 'DELAY']);
  });

  it("passes the sender's DSN parameters on, one transaction per distinct NOTIFY and ORCPT, and marks success-asking deliveries passed-on", async () => {
    const { server, transport } = await setUp({ server: { hideDSN: false } });
    const smtp = (address: string) => ({ type: 'smtp', address });
    const { message, assigned } = createOutboundMessage({
      from: 'ada@example.org',
      to: ['bob@example.net', 'carol@example.net', 'dave@example.net', 'erin@example.net'],
      dsn: {
        ret: 'full',
        envelopeId: 'env+1',
        notify: ['success'],
        recipients: [
          { recipient: smtp('carol@example.net'), notify: ['failure'], originalRecipient: { type: 'rfc822', value: 'carol@old.example' } },
          { recipient: smtp('dave@example.net'), notify: 'never' },
        ],
      },
    });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes.map((o) => [o.status, 'handOff' in o ? o.handOff : undefined])).toEqual([
      ['delivered', 'passed-on'],
      ['delivered', undefined],
      ['delivered', undefined],
      ['delivered', 'passed-on'],
    ]);
    // bob and erin share NOTIFY=SUCCESS: one transaction; carol and dave each their own.
    expect(server.received.map((m) => [m.to, m.rcptArgs.map((r) => r.args)])).toEqual([
      [['bob@example.net', 'erin@example.net'], [{ NOTIFY: 'SUCCESS' }, { NOTIFY: 'SUCCESS' }]],
      [['carol@example.net'], [{ NOTIFY: 'FAILURE', ORCPT: 'rfc822;carol@old.example' }]],
      [['dave@example.net'], [{ NOTIFY: 'NEVER' }]],
    ]);
    for (const mail of server.received) expect(mail.mailArgs && mail.mailArgs.args).toMatchObject({ RET: 'FULL', ENVID: 'env+1' });
  });

  it('sends no DSN parameters to a relay that does not offer DSN, and marks success-asking deliveries relayed', async () => {
    const { server, transport } = await setUp();
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'carol@example.net'], dsn: { recipients: [{ recipient: { type: 'smtp', address: 'bob@example.net' }, notify: ['success', 'failure'] }] } });
    const outcomes = toList(await transport.send(message, assigned, neverAborted()));
    expect(outcomes.map((o) => ('handOff' in o ? o.handOff : undefined))).toEqual(['relayed', undefined]);
    expect(server.received.flatMap((m) => m.rcptArgs.map((r) => r.args))).toEqual([false, false]);
  });

  it('gives a message without a Message-ID a random UUID one at the sender domain, and keeps multipart intact', async () => {
    const { server, transport } = await setUp();
    for (const to of ['bob@example.net', 'carol@example.net']) {
      const { message, assigned } = createOutboundMessage({
        from: 'ada@example.org',
        to: [to],
        parts: [
          { kind: 'text', contentType: 'text/plain; charset=utf-8', content: Buffer.from('plain') },
          { kind: 'html', contentType: 'text/html; charset=utf-8', content: Buffer.from('<p>html</p>') },
        ],
      });
      expect(message.envelope.messageId).toBeUndefined();
      await transport.send(message, assigned, neverAborted());
    }
    const parsed = await Promise.all(server.received.map((mail) => simpleParser(mail.raw)));
    const ids = parsed.map((p) => p.messageId);
    // A version 4 UUID (its version and variant digits), not nodemailer's own random hex of the same shape.
    for (const id of ids) expect(id).toMatch(/^<[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@example\.org>$/);
    expect(new Set(ids).size).toBe(2);
    expect(parsed.map((p) => [p.text?.trim(), p.html])).toEqual([
      ['plain', '<p>html</p>'],
      ['plain', '<p>html</p>'],
    ]);
  });

  it('writes the Message-ID of an internationalized sender domain in punycode', async () => {
    const { server, transport } = await setUp();
    const { message, assigned } = createOutboundMessage({ from: 'ada@bücher.example', to: ['bob@example.net'] });
    await transport.send(message, assigned, neverAborted());
    const parsed = await simpleParser(server.received[0]!.raw);
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@xn--bcher-kva\.example>$/);
  });

  it('drops the transaction when aborted while the body is read: no message, every recipient deferred', async () => {
    const { server, transport } = await setUp();
    await transport.logon?.();
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net', 'carol@example.net'] });
    let bodyRead!: () => void;
    const reading = new Promise<void>((resolve) => (bodyRead = resolve));
    // A body that starts and never ends: only the abort can end this send.
    const stalled = new Readable({ read: () => bodyRead() });
    stalled.push(Buffer.from('the first line of a body that never ends\r\n'));
    const controller = new AbortController();
    const sending = transport.send({ ...message, openPart: () => stalled }, assigned, { signal: controller.signal });
    await reading;
    controller.abort();
    const outcomes = toList(await sending);
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'deferred', code: '4.3.2' }),
      expect.objectContaining({ status: 'deferred', code: '4.3.2' }),
    ]);
    expect(stalled.destroyed).toBe(true);
    expect(server.received).toHaveLength(0);
    expect(abortWatchers(controller.signal)).toBe(0);
  });

  it('leaves nothing on a signal shared by sends that all finished', async () => {
    const { server, transport } = await setUp();
    const controller = new AbortController();
    const sends = ['bob@example.net', 'carol@example.net', 'dave@example.net'].map((to) => {
      const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: [to] });
      return transport.send(message, assigned, { signal: controller.signal });
    });
    expect((await Promise.all(sends)).flatMap(toList).map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(server.received).toHaveLength(3);
    expect(abortWatchers(controller.signal)).toBe(0);
  });

  it('defers without sending when the kernel aborts the attempt', async () => {
    const { server, transport } = await setUp();
    const controller = new AbortController();
    controller.abort();
    const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    const outcomes = await transport.send(message, assigned, { signal: controller.signal });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'deferred' })]);
    expect(server.received).toHaveLength(0);
  });
});

describe('sends before any logon', () => {
  it('share one relay pool: concurrent first sends open one connection, not one pool each', async () => {
    let connections = 0;
    const { server, transport } = await setUp({
      server: {
        onConnect(_session, callback) {
          connections += 1;
          callback();
        },
      },
    });
    const sends = ['bob@example.net', 'carol@example.net'].map((to) => {
      const { message, assigned } = createOutboundMessage({ from: 'ada@example.org', to: [to] });
      return transport.send(message, assigned, neverAborted());
    });
    const outcomes = (await Promise.all(sends)).flatMap(toList);
    expect(outcomes.map((o) => o.status)).toEqual(['delivered', 'delivered']);
    expect(server.received).toHaveLength(2);
    // pool.maxConnections is 1: a second pool, opened by the second send and never closed, would be a second connection.
    expect(connections).toBe(1);
  });
});

describe('sender of another address type (gateway)', () => {
  async function sendFromLoopback(senderDomain: string | undefined): Promise<{ from: string; header: string | undefined }> {
    server = await startScriptedServer();
    const relay = { host: '127.0.0.1', port: server.port, pool: { maxConnections: 1 }, ...(senderDomain === undefined ? {} : { senderDomain }) };
    transport = createSmtpTransport(createTestContext({ relay }).context);
    const { message, assigned } = createOutboundMessage({ to: ['bob@example.net'] });
    const fromLoopback = { ...message, envelope: { ...message.envelope, from: { type: 'loopback', address: 'ada', name: 'Ada' } } };
    expect(await transport.send(fromLoopback, assigned, neverAborted())).toEqual([expect.objectContaining({ status: 'delivered' })]);
    const mail = server.received[0]!;
    const parsed = await simpleParser(mail.raw);
    return { from: mail.from, header: (parsed.from as { text: string } | undefined)?.text };
  }

  it('is sent as <address>@<relay.senderDomain>, envelope and From header', async () => {
    expect(await sendFromLoopback('Example.ORG')).toEqual({ from: 'ada@example.org', header: '"Ada" <ada@example.org>' });
  });

  it('goes out with the null sender and no From when relay.senderDomain is not set', async () => {
    expect(await sendFromLoopback(undefined)).toEqual({ from: '', header: undefined });
  });
});
