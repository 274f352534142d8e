import { XportError, type RecipientFilter } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, gatedTransport, readAll, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const states = async (harness: Harness, messageId: string) => (await harness.store.getMessage(messageId))?.recipients.map((r) => r.state);

describe('queue operations (spooler.operate)', () => {
  it('holds the recipients of one domain: the others are sent, the held ones wait until released and are then sent', async () => {
    h = await createHarness();
    const relay = recordingTransport();
    h.addTransport('relay', ['smtp'], relay);
    const first = await h.spooler.submit({ from: 'smtp:me@sender.example', to: ['smtp:a@Held.Example', 'smtp:b@other.example'], text: 'x' });
    const second = await h.spooler.submit({ from: 'smtp:me@sender.example', to: ['smtp:c@held.example'], text: 'x' });

    const dry = await h.spooler.operate({ operation: 'hold', filter: { domains: ['held.example'] }, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, changed: 2, skippedInFlight: 0 });
    expect(await states(h, first.messageId)).toEqual(['queued', 'queued']);
    const held = await h.spooler.operate({ operation: 'hold', filter: { domains: ['held.example'] }, batchSize: 1 });
    expect(held).toMatchObject({ dryRun: false, changed: 2, skippedInFlight: 0, messages: 2, batches: 2, reports: 0 });
    expect((await h.spooler.queueDepth())['relay']).toEqual({ queued: 1, inFlight: 0, deferred: 0, held: 2 });

    h.spooler.start();
    await h.spooler.flush();
    expect(relay.calls.flatMap((c) => c.recipients)).toEqual(['b@other.example']);
    expect(await states(h, first.messageId)).toEqual(['held', 'delivered']);

    // Release wakes the spooler by itself: no flush.
    const released = await h.spooler.operate({ operation: 'release', filter: { states: ['held'] } });
    expect(released.changed).toBe(2);
    await waitFor(async () => (await states(h!, second.messageId))?.[0] === 'delivered');
    await waitFor(async () => (await states(h!, first.messageId))?.[0] === 'delivered');
    expect(relay.calls.flatMap((c) => c.recipients).sort()).toEqual(['a@Held.Example', 'b@other.example', 'c@held.example']);
  });

  it('refuses a filter that selects everything without all: true, and changes nothing', async () => {
    h = await createHarness();
    h.addTransport('relay', ['smtp'], recordingTransport());
    const { messageId } = await h.spooler.submit({ to: ['smtp:a@example.org'], text: 'x' });
    const everything: RecipientFilter[] = [{}, { states: ['queued', 'in-flight', 'deferred', 'held'] }];
    for (const filter of everything) {
      const error = await h.spooler.operate({ operation: 'hold', filter }).catch((e: unknown) => e);
      expect(XportError.is(error, 'XPORT_QUEUE_FILTER_UNBOUNDED')).toBe(true);
    }
    expect(await states(h, messageId)).toEqual(['queued']);
    expect(XportError.is(await h.spooler.operate({ operation: 'hold', filter: { all: true, domains: ['example.org'] } }).catch((e: unknown) => e), 'XPORT_QUEUE_FILTER_INVALID')).toBe(true);
    expect((await h.spooler.operate({ operation: 'hold', filter: { all: true } })).changed).toBe(1);
  });

  it('delete aborts and writes one NDR per message, however its recipients fall into batches; none about a report or when the message asked for none', async () => {
    h = await createHarness();
    h.addTransport('loopback', ['loopback'], recordingTransport());
    const many = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:a', 'loopback:b', 'loopback:c'], subject: 'many', text: 'x' });
    const quiet = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:d'], subject: 'quiet', text: 'x', suppressNdr: true });
    const report = await h.store.submit({
      envelope: { from: { type: 'loopback', address: 'me' }, headers: {}, kind: 'report.ndr', reportFor: 'earlier', deliveryReport: false, suppressNdr: false },
      recipients: [{ recipient: { type: 'loopback', address: 'e' }, role: 'to', provider: 'loopback' }],
      parts: [{ kind: 'text', contentType: 'text/plain', content: 'r' }],
      submittedAt: h.clock.now(),
      expiresAt: h.clock.now() + 1000_000,
    });
    const deleted = await h.spooler.operate({ operation: 'delete', filter: { addressTypes: ['loopback'] }, batchSize: 2 });
    expect(deleted).toMatchObject({ changed: 5, messages: 3, batches: 3, reports: 1 });
    for (const id of [many.messageId, quiet.messageId, report.messageId]) {
      const stored = await h.store.getMessage(id);
      expect(stored?.finishedAt).toBeDefined();
      expect(stored?.recipients.every((r) => r.state === 'aborted' && r.lastError?.code === '5.0.0')).toBe(true);
    }
    const inbox = await h.inbox('loopback:me');
    expect(inbox.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([['report.ndr', many.messageId]]);
    const text = await readAll(h.store.openPart(inbox[0]!.parts[0]!.partId));
    for (const address of ['loopback:a', 'loopback:b', 'loopback:c']) expect(text).toContain(address);
    expect(text).toContain('deleted from the queue by an operator');
  });

  it('skips a recipient in flight and counts it; its send settles as usual, the others stay held, and nothing is lost', async () => {
    // One send at a time: the second message cannot be claimed while the first is in flight.
    h = await createHarness({ limits: { relay: { concurrency: 1, ratePerSecond: 0 } } });
    const relay = gatedTransport();
    h.addTransport('relay', ['smtp'], relay);
    const sending = await h.spooler.submit({ to: ['smtp:a@example.org'], text: 'x' });
    h.spooler.start();
    await waitFor(() => relay.calls.length === 1);
    const waiting = await h.spooler.submit({ to: ['smtp:b@example.org'], text: 'y' });
    expect(await h.spooler.operate({ operation: 'hold', filter: { domains: ['example.org'] }, dryRun: true })).toMatchObject({ changed: 1, skippedInFlight: 1 });
    const held = await h.spooler.operate({ operation: 'hold', filter: { domains: ['example.org'] } });
    expect(held).toMatchObject({ changed: 1, skippedInFlight: 1 });
    relay.release(0);
    await waitFor(async () => (await states(h!, sending.messageId))?.[0] === 'delivered');
    await h.spooler.flush();
    expect(relay.calls).toHaveLength(1);
    expect(await states(h, waiting.messageId)).toEqual(['held']);
    expect(await h.spooler.operate({ operation: 'release', filter: { messageIds: [waiting.messageId] } })).toMatchObject({ changed: 1, skippedInFlight: 0 });
    await waitFor(() => relay.calls.length === 1 + 1);
    relay.release(1);
    await waitFor(async () => (await states(h!, waiting.messageId))?.[0] === 'delivered');
  });

  it('hold with expire: a held recipient expires with its message (NDR, expired event), never sent; one held without stays held', async () => {
    const lifetimeMs = 3_600_000;
    h = await createHarness({ options: { retry: { lifetimeMs } } });
    const relay = recordingTransport();
    h.addTransport('loopback', ['loopback'], relay);
    const expired: string[] = [];
    h.spooler.on('expired', (e) => expired.push(`${e.recipient.address} ${e.error.code}`));
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:lapses@expire.example', 'loopback:waits@keep.example'], subject: 'held', text: 'x' });

    // A dry run counts the same with or without expire.
    const dry = await h.spooler.operate({ operation: 'hold', filter: { domains: ['expire.example'] }, expire: true, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, changed: 1 });
    expect(await h.spooler.operate({ operation: 'hold', filter: { domains: ['expire.example'] }, dryRun: true })).toEqual(dry);
    expect(await h.spooler.operate({ operation: 'hold', filter: { domains: ['expire.example'] }, expire: true })).toMatchObject({ changed: 1, messages: 1 });
    expect(await h.spooler.operate({ operation: 'hold', filter: { domains: ['keep.example'] } })).toMatchObject({ changed: 1, messages: 1 });
    expect(h.logger.lines.some((l) => l.message === 'queue hold: 1 recipient(s) of 1 message(s) changed (to expire with their messages)')).toBe(true);

    h.spooler.start();
    await h.spooler.flush();
    h.clock.advance(lifetimeMs - 1);
    await h.spooler.flush();
    expect(await states(h, messageId)).toEqual(['held', 'held']);

    h.clock.advance(1);
    await h.spooler.flush();
    const stored = await h.store.getMessage(messageId);
    expect(stored?.recipients.map((r) => [r.state, r.attempts, r.lastError?.code])).toEqual([
      ['expired', 0, '4.4.7'],
      ['held', 0, undefined],
    ]);
    expect(stored?.finishedAt).toBeUndefined();
    expect(expired).toEqual(['lapses@expire.example 4.4.7']);
    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([['report.ndr', messageId]]);
    const [text] = await h.reportText('loopback:me');
    expect(text).toContain('lapses@expire.example');
    expect(text).not.toContain('waits@keep.example');
    const events = await h.store.events!.readEvents({ after: 0, limit: 100, messageId });
    expect(events.map((e) => [e.type, e.recipientIndex])).toEqual([
      ['submitted', undefined],
      ['held', 0],
      ['held', 1],
      ['expired', 0],
    ]);

    // Held without expire: still held long after; released, it is queued due now and, its message
    // being past its lifetime, expires as release does today. Neither was ever sent.
    h.clock.advance(10 * lifetimeMs);
    await h.spooler.flush();
    expect(await states(h, messageId)).toEqual(['expired', 'held']);
    expect(await h.spooler.operate({ operation: 'release', filter: { messageIds: [messageId] } })).toMatchObject({ changed: 1 });
    await h.spooler.flush();
    expect(await states(h, messageId)).toEqual(['expired', 'expired']);
    expect(relay.calls).toEqual([]);
  });

  it('refuses expire on an operation other than hold, and an expire that is not a boolean, changing nothing', async () => {
    h = await createHarness();
    h.addTransport('relay', ['smtp'], recordingTransport());
    const { messageId } = await h.spooler.submit({ to: ['smtp:a@example.org'], text: 'x' });
    await h.spooler.operate({ operation: 'hold', filter: { messageIds: [messageId] } });
    for (const operation of ['release', 'retry', 'delete'] as const) {
      for (const dryRun of [false, true]) {
        const error = await h.spooler.operate({ operation, filter: { messageIds: [messageId] }, expire: true, dryRun }).catch((e: unknown) => e);
        expect(XportError.is(error, 'XPORT_QUEUE_OPERATION_INVALID')).toBe(true);
        expect((error as XportError).message).toBe(`queue ${operation}: expire applies to hold only (it lets held recipients expire); ${operation} takes no expire`);
      }
    }
    const malformed = await h.spooler.operate({ operation: 'hold', filter: { messageIds: [messageId] }, expire: 'yes' as unknown as boolean }).catch((e: unknown) => e);
    expect(XportError.is(malformed, 'XPORT_QUEUE_OPERATION_INVALID')).toBe(true);
    expect(await states(h, messageId)).toEqual(['held']);
  });
});
