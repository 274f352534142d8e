import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, readAll } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('inbound port', () => {
  it('writes one inbox entry per recipient mailbox and emits received once the store accepted', async () => {
    h = await createHarness();
    const received: string[][] = [];
    h.spooler.on('received', (e) => received.push(e.entries.map((x) => x.mailbox)));
    const receipt = await h.spooler.inbound.deliver({
      from: { type: 'smtp', address: 'ada@example.org' },
      recipients: [
        { type: 'SMTP', address: 'Bob@Example.ORG' },
        { type: 'loopback', address: 'carol' },
      ],
      subject: 'hello',
      text: 'body',
      attachments: [{ filename: 'a.txt', content: 'attached' }],
      receivedBy: 'smtp',
    });
    expect(receipt.rejected).toEqual([]);
    expect(receipt.entries.map((e) => e.mailbox)).toEqual(['smtp:Bob@example.org', 'loopback:carol']);
    expect(received).toEqual([['smtp:Bob@example.org', 'loopback:carol']]);
    const [entry] = await h.inbox('loopback:carol');
    expect(entry).toMatchObject({ receivedBy: 'smtp', envelope: { subject: 'hello', kind: 'note' } });
    const attachment = entry!.parts.find((p) => p.kind === 'attachment');
    expect(await readAll(h.store.openPart(attachment!.partId))).toBe('attached');
  });

  it('lets an inbound hook reject a message: nothing is written and every mailbox is named', async () => {
    h = await createHarness();
    h.hooks.push({ id: 'virus-scan', hook: { inbound: () => ({ action: 'reject', reason: 'infected' }) } });
    const receipt = await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], text: 'x' });
    expect(receipt).toEqual({ entries: [], rejected: [{ mailbox: 'loopback:carol', reason: "inbound hook 'virus-scan' rejected the message: infected" }] });
    expect(await h.inbox('loopback:carol')).toEqual([]);
  });

  it('applies an inbound rewrite', async () => {
    h = await createHarness();
    h.hooks.push({ id: 'tagger', hook: { inbound: (m) => ({ action: 'rewrite', message: { ...m, subject: `[ext] ${m.subject ?? ''}` } }) } });
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], subject: 'hi' });
    expect((await h.inbox('loopback:carol')).map((e) => e.envelope.subject)).toEqual(['[ext] hi']);
  });

  it('rejects when the store does not accept, so the transport does not acknowledge', async () => {
    h = await createHarness();
    const received: unknown[] = [];
    h.spooler.on('received', (e) => received.push(e));
    await h.store.close();
    await expect(h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], text: 'x' })).rejects.toThrow();
    expect(received).toEqual([]);
  });

  it('refuses a message without recipients or with a header line break', async () => {
    h = await createHarness();
    await expect(h.spooler.inbound.deliver({ recipients: [] })).rejects.toMatchObject({ code: 'XPORT_MESSAGE_INVALID' });
    await expect(h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'c' }], headers: { 'X-A': 'a\nb' } })).rejects.toMatchObject({
      code: 'XPORT_MESSAGE_INVALID',
    });
  });
});
