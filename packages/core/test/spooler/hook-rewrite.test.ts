import { XportError, type MessageInput, type OutboundVerdict } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, readAll, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const message: MessageInput = {
  from: 'x400:me',
  to: ['x400:a'],
  cc: ['x400:b'],
  subject: 'original',
  text: 'the body',
  headers: { 'X-Keep': 'kept', 'X-Tag': 'old', 'X-Drop': 'gone soon' },
};

/** Submits `message` through hooks answering `verdicts` in order; resolves with the stored envelope and recipients. */
async function rewritten(...verdicts: unknown[]) {
  h = await createHarness();
  h.addTransport('fx', ['x400'], recordingTransport());
  verdicts.forEach((verdict, i) => h!.hooks.push({ id: `hook-${i}`, hook: { outbound: () => verdict as OutboundVerdict } }));
  const { messageId } = await h.spooler.submit(message);
  const stored = await h.store.getMessage(messageId);
  return { envelope: stored!.envelope, recipients: stored!.recipients.map((r) => `${r.role}:${r.recipient.address}`), stored: stored! };
}

async function refusedRewrite(...verdicts: unknown[]): Promise<XportError> {
  const error = await rewritten(...verdicts).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!XportError.is(error)) throw new Error(`expected an XportError, got ${String(error)}`);
  expect(await h!.store.listQueue()).toEqual([]);
  return error;
}

describe('a rewrite verdict changes the fields it names and keeps the rest', () => {
  it('merges headers: sets new ones, replaces existing ones, removes null ones, keeps unnamed ones', async () => {
    const { envelope } = await rewritten({ action: 'rewrite', headers: { 'X-Tag': 'new', 'X-Added': 'yes', 'X-Drop': null } });
    expect(envelope.headers).toEqual({ 'X-Keep': 'kept', 'X-Tag': 'new', 'X-Added': 'yes' });
    expect(envelope.subject).toBe('original');
  });

  it('matches header names case-insensitively and keeps the spelling of the hook', async () => {
    const { envelope } = await rewritten({ action: 'rewrite', headers: { 'x-tag': 'lower', 'X-KEEP': null } });
    expect(envelope.headers).toEqual({ 'X-Drop': 'gone soon', 'x-tag': 'lower' });
  });

  it('removing a header that is not there, or an empty headers object, changes nothing', async () => {
    expect((await rewritten({ action: 'rewrite', headers: { 'X-Absent': null } })).envelope.headers).toEqual(message.headers);
    expect((await rewritten({ action: 'rewrite', headers: {} })).envelope.headers).toEqual(message.headers);
  });

  it('replaces the subject with a string, removes it with null, keeps it when omitted', async () => {
    expect((await rewritten({ action: 'rewrite', subject: 'new subject' })).envelope.subject).toBe('new subject');
    expect((await rewritten({ action: 'rewrite', subject: null })).envelope).not.toHaveProperty('subject');
    expect((await rewritten({ action: 'rewrite', headers: { 'X-A': '1' } })).envelope.subject).toBe('original');
  });

  it('replaces the whole recipient list (a reroute), roles included; omitted, the recipients are kept', async () => {
    const rerouted = await rewritten({ action: 'rewrite', recipients: [{ recipient: 'x400:archive', role: 'bcc' }] });
    expect(rerouted.recipients).toEqual(['bcc:archive']);
    expect((await rewritten({ action: 'rewrite', subject: 's' })).recipients).toEqual(['to:a', 'cc:b']);
  });

  it('never touches the sender, the content or the flags', async () => {
    const { envelope, stored } = await rewritten({ action: 'rewrite', recipients: [{ recipient: 'x400:z', role: 'to' }], subject: 's', headers: { 'X-Tag': null } });
    expect(envelope.from).toEqual({ type: 'x400', address: 'me' });
    expect(await readAll(h!.store.openPart(stored.parts[0]!.partId))).toBe('the body');
    expect(envelope).toMatchObject({ deliveryReport: false, suppressNdr: false });
  });

  it('chains: each hook sees what the hooks before it left, in order', async () => {
    h = await createHarness();
    h.addTransport('fx', ['x400'], recordingTransport());
    const seen: Array<Record<string, string>> = [];
    h.hooks.push({ id: 'first', hook: { outbound: () => ({ action: 'rewrite', headers: { 'X-Step': 'one', 'X-Drop': null } }) } });
    h.hooks.push({ id: 'second', hook: { outbound: (m) => (seen.push({ ...m.headers }), { action: 'rewrite', subject: `${m.subject ?? ''} (2)`, headers: { 'X-Step': `${m.headers['X-Step']},two` } }) } });
    const { messageId } = await h.spooler.submit(message);
    expect(seen).toEqual([{ 'X-Keep': 'kept', 'X-Tag': 'old', 'X-Step': 'one' }]);
    expect((await h.store.getMessage(messageId))?.envelope).toMatchObject({ subject: 'original (2)', headers: { 'X-Keep': 'kept', 'X-Tag': 'old', 'X-Step': 'one,two' } });
  });
});

describe('a rewrite that cannot be applied refuses the message, naming the hook', () => {
  it.each([
    ['a misspelt field', { action: 'rewrite', header: { 'X-A': '1' } }, 'XPORT_MESSAGE_REJECTED', "outbound hook 'hook-0' returned a rewrite with unknown field(s) header (known: recipients, subject, headers)"],
    ['a replaceHeaders field', { action: 'rewrite', replaceHeaders: {} }, 'XPORT_MESSAGE_REJECTED', 'unknown field(s) replaceHeaders'],
    ['headers that are not an object', { action: 'rewrite', headers: [['X-A', '1']] }, 'XPORT_MESSAGE_REJECTED', 'rewrite headers that are not an object'],
    ['one header named twice', { action: 'rewrite', headers: { 'X-A': '1', 'x-a': '2' } }, 'XPORT_MESSAGE_REJECTED', 'rewrote header "x-a" twice'],
    ['no recipients', { action: 'rewrite', recipients: [] }, 'XPORT_MESSAGE_REJECTED', 'rerouted the message to no recipients'],
    ['a recipient without a role', { action: 'rewrite', recipients: [{ recipient: 'x400:a' }] }, 'XPORT_MESSAGE_REJECTED', 'recipients[0] with role undefined'],
    ['a broken recipient', { action: 'rewrite', recipients: [{ recipient: 'x400:a\r\nRCPT TO:<x>', role: 'to' }] }, 'XPORT_ADDRESS_INVALID', "outbound hook 'hook-0' rewrote the message into an invalid one: hook 'hook-0' recipients[0]:"],
    ['a header with a line break', { action: 'rewrite', headers: { 'X-A': 'a\r\nBcc: x@evil' } }, 'XPORT_MESSAGE_INVALID', "outbound hook 'hook-0' rewrote the message into an invalid one: header \"X-A\""],
    ['a header that is not a string', { action: 'rewrite', headers: { 'X-A': 42 } }, 'XPORT_MESSAGE_INVALID', 'value must be a string (got number)'],
    ['a subject with a line break', { action: 'rewrite', subject: 'a\nb' }, 'XPORT_MESSAGE_INVALID', 'header "Subject"'],
    [
      'more headers than submit allows',
      { action: 'rewrite', headers: Object.fromEntries(Array.from({ length: 126 }, (_, i) => [`X-N${i}`, 'v'])) },
      'XPORT_MESSAGE_INVALID',
      '129 extra headers, more than the 128 allowed',
    ],
  ])('%s', async (_what, verdict, code, words) => {
    const error = await refusedRewrite(verdict);
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
    expect(error.details).toMatchObject({ hook: 'hook-0' });
  });
});
