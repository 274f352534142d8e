import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { XportError, type ErrorCode } from '@xport/provider-sdk';
import { createTestKernel, type TestKernel } from '@xport/provider-sdk/testing';
import type { SmtpTransport } from '../src/index.js';
import { toBoundedList } from '../src/inbound-reply.js';
import { startTestListener, type TestListener } from './support/test-listener.js';

let listener: TestListener | undefined;
let kernel: TestKernel | undefined;

afterEach(async () => {
  await listener?.close();
  await kernel?.close();
  listener = undefined;
  kernel = undefined;
});

function sendTo(port: number, extra: Record<string, unknown> = {}): Promise<{ responseCode?: number; response?: string }> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
  return client.sendMail({ from: 'grace@sender.test', to: 'ada@example.org', text: 'x', ...extra }).then(
    (info: { response: string }) => ({ responseCode: 250, response: info.response }),
    (error: { responseCode?: number; response?: string }) => error,
  );
}

const error = (code: ErrorCode, details: Record<string, unknown> = {}): XportError => new XportError(code, `kernel says ${code}`, { details });

describe('replies to what the inbound path refused', () => {
  it.each([
    { name: 'content: XPORT_MESSAGE_INVALID', thrown: error('XPORT_MESSAGE_INVALID', { header: 'Subject' }), code: 554, enhanced: '5.6.0' },
    { name: 'size: XPORT_MESSAGE_INVALID over maxMessageBytes', thrown: error('XPORT_MESSAGE_INVALID', { maxMessageBytes: 10 }), code: 552, enhanced: '5.3.4' },
    { name: 'size: XPORT_INPUT_TOO_LARGE', thrown: error('XPORT_INPUT_TOO_LARGE'), code: 552, enhanced: '5.3.4' },
    { name: 'sender: XPORT_ADDRESS_INVALID', thrown: error('XPORT_ADDRESS_INVALID', { field: 'inbound from' }), code: 553, enhanced: '5.1.7' },
    { name: 'recipient: XPORT_ADDRESS_INVALID', thrown: error('XPORT_ADDRESS_INVALID', { field: 'inbound recipients[0]' }), code: 553, enhanced: '5.1.3' },
    { name: 'policy: XPORT_MESSAGE_REJECTED', thrown: error('XPORT_MESSAGE_REJECTED'), code: 550, enhanced: '5.7.1' },
    { name: 'store full: XPORT_STORE_FULL', thrown: error('XPORT_STORE_FULL'), code: 452, enhanced: '4.3.1' },
    { name: 'hook offline: XPORT_HOOK_UNAVAILABLE', thrown: error('XPORT_HOOK_UNAVAILABLE'), code: 451, enhanced: '4.3.0' },
    { name: 'store down: XPORT_STORE_UNAVAILABLE', thrown: error('XPORT_STORE_UNAVAILABLE'), code: 451, enhanced: '4.3.0' },
    { name: 'anything else', thrown: new Error('disk on fire'), code: 451, enhanced: '4.3.0' },
  ])('$name → $code $enhanced', async ({ thrown, code, enhanced }) => {
    listener = await startTestListener();
    listener.test.deliveryError = thrown;
    const reply = await sendTo(listener.port);
    expect(reply.responseCode).toBe(code);
    expect(reply.response).toMatch(new RegExp(`^${code} ${enhanced.replaceAll('.', '\\.')} `));
    // Our own trouble is not described to the client; the client's content is.
    if (code >= 500) expect(reply.response).toContain('kernel says');
    else expect(reply.response).not.toContain('disk on fire');
  });

  it('a permanent content error is logged as a refusal, store trouble as an error', async () => {
    listener = await startTestListener();
    listener.test.deliveryError = error('XPORT_MESSAGE_INVALID');
    await sendTo(listener.port);
    listener.test.deliveryError = error('XPORT_STORE_FULL');
    await sendTo(listener.port);
    expect(listener.test.logs.filter((l) => l.message.startsWith('inbound')).map((l) => [l.level, l.message, l.fields?.code])).toEqual([
      ['warn', 'inbound message refused', 'XPORT_MESSAGE_INVALID'],
      ['error', 'inbound delivery failed; client told to retry', 'XPORT_STORE_FULL'],
    ]);
  });

  it('an encoded CR in Subject, refused by a real kernel, gets 554 5.6.0 (a permanent error), not 451', async () => {
    kernel = await createTestKernel({
      providers: [fileURLToPath(new URL('..', import.meta.url))],
      config: { transportOrder: ['smtp'], providers: { smtp: { config: { listen: { enabled: true, port: 0, domains: ['example.org'] } } } } },
    });
    const port = (kernel.transport('smtp') as SmtpTransport).listenAddress()!.port;
    const reply = await sendTo(port, { headers: { Subject: { prepared: true, value: '=?utf-8?Q?a=0Db?=' } } });
    expect(reply.responseCode).toBe(554);
    expect(reply.response).toMatch(/^554 5\.6\.0 Message content rejected: .*Subject/);
    expect(await kernel.inbox('ada@example.org')).toEqual([]);
  });

  it('names a hook\'s reason once, however many recipients it rejected, in one bounded line', async () => {
    listener = await startTestListener();
    listener.test.rejectReason = `inbound hook 'policy' rejected the message: ${'no '.repeat(300)}`;
    const to = Array.from({ length: 100 }, (_, i) => `r${i}@example.org`);
    const reply = await sendTo(listener.port, { to });
    expect(reply.responseCode).toBe(550);
    expect(reply.response).toMatch(/^550 5\.7\.1 Message rejected: inbound hook 'policy' rejected the message: no no/);
    expect(reply.response!.match(/inbound hook/g)).toHaveLength(1);
    expect(reply.response!.length + 2).toBeLessThanOrEqual(512);
  });

  it('bounds lists in replies: as many items as fit, then a count', () => {
    expect(toBoundedList(['in-1', 'in-2', 'in-3'], ',', 16)).toBe('in-1 (+2 more)');
    expect(toBoundedList(['in-1', 'in-2'], ',', 16)).toBe('in-1,in-2');
    expect(toBoundedList([], ',')).toBe('');
    const ids = Array.from({ length: 100_000 }, (_, i) => `in-${i}`);
    expect(toBoundedList(ids, ',').length).toBeLessThanOrEqual(400);
  });
});
