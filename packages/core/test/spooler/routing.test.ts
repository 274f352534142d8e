import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoopbackTransport } from '../../../provider-loopback/src/index.js';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('spooler routing', () => {
  it('hands each transport only its own recipients of a mixed message, and bounces the unknown type', async () => {
    h = await createHarness();
    h.addTransport('loopback', ['loopback'], createLoopbackTransport({ providerId: 'loopback', config: {}, inbound: h.spooler.inbound, logger: h.logger }));
    const x400 = recordingTransport();
    h.addTransport('x400-fixture', ['X400'], x400);
    h.spooler.start();

    const receipt = await h.spooler.submit({
      from: 'loopback:sender',
      to: ['loopback:alice', 'x400:bob', 'Fax Desk <FAX:+33 1 23>'],
      cc: [{ type: 'loopback', address: 'carol' }],
      subject: 'mixed',
      text: 'hello',
    });
    expect(receipt.duplicate).toBe(false);
    expect(receipt.recipients.map((r) => [r.recipient.address, r.provider, r.state])).toEqual([
      ['alice', 'loopback', 'queued'],
      ['bob', 'x400-fixture', 'queued'],
      ['+33 1 23', null, 'failed'],
      ['carol', 'loopback', 'queued'],
    ]);

    await h.spooler.flush();

    expect(x400.calls.map((c) => [c.messageId, c.recipients, c.indexes])).toEqual([[receipt.messageId, ['bob'], [1]]]);
    // The transport still sees every recipient for its headers.
    expect(x400.calls[0]!.message.recipients).toHaveLength(4);
    expect((await h.inbox('loopback:alice')).map((e) => e.envelope.subject)).toEqual(['mixed']);
    expect((await h.inbox('loopback:carol')).map((e) => e.envelope.subject)).toEqual(['mixed']);

    const reports = await h.inbox('loopback:sender');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.envelope).toMatchObject({ kind: 'report.ndr', reportFor: receipt.messageId });
    const [text] = await h.reportText('loopback:sender');
    expect(text).toContain('fax:+33 1 23');
    expect(text).toContain('5.1.2');
    expect(text).toContain('no transport for address type fax');
    expect(text).toContain(receipt.messageId);

    const sent = await h.store.listSent();
    expect(sent.map((m) => m.id)).toEqual([receipt.messageId]);
    expect(sent[0]!.recipients.map((r) => r.state)).toEqual(['delivered', 'delivered', 'failed', 'delivered']);
  });

  it('hands a not-me recipient to the next transport for its type without burning an attempt', async () => {
    h = await createHarness();
    const first = recordingTransport((r) => r.map(() => outcome.notMe()));
    const second = recordingTransport();
    h.addTransport('first', ['x400'], first);
    h.addTransport('second', ['x400'], second);
    h.spooler.start();

    const { messageId } = await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: 'hi' });
    await h.spooler.flush();

    expect(first.calls.map((c) => c.recipients)).toEqual([['bob']]);
    expect(second.calls.map((c) => c.recipients)).toEqual([['bob']]);
    const stored = await h.store.getMessage(messageId);
    expect(stored?.recipients[0]).toMatchObject({ provider: 'second', state: 'delivered', attempts: 1 });
  });

  it('fails with an NDR when every transport for the type answers not-me', async () => {
    h = await createHarness();
    h.addTransport('only', ['x400'], recordingTransport((r) => r.map(() => outcome.notMe())));
    h.spooler.start();
    const failed: string[] = [];
    h.spooler.on('failed', (e) => failed.push(`${e.recipient.address} ${e.error.code}`));

    const { messageId } = await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: 'hi' });
    await h.spooler.flush();

    expect(failed).toEqual(['bob 5.4.4']);
    expect((await h.store.getMessage(messageId))?.recipients[0]?.state).toBe('failed');
    expect(await h.inbox('x400:me')).toHaveLength(1);
  });
});
