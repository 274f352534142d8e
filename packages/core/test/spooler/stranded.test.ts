import type { MessageStore } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoopbackTransport, loopbackControl } from '../../../provider-loopback/src/index.js';
import { createSpooler, type Spooler } from '../../src/spooler/index.js';
import { createHarness, readAll } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
const spoolers: Spooler[] = [];
afterEach(async () => {
  for (const s of spoolers.splice(0)) await s.stop();
  await h?.spooler.stop();
  h = undefined;
});

const LIFETIME_MS = 3_600_000;

describe('expiry of recipients whose transport stays offline', () => {
  it('expires them past the lifetime with an NDR, without a send attempt', async () => {
    h = await createHarness({ options: { retry: { lifetimeMs: LIFETIME_MS } } });
    const loopback = createLoopbackTransport({ providerId: 'stranded-loopback', config: {}, inbound: h.spooler.inbound, logger: h.logger });
    const control = loopbackControl(loopback);
    control.setOffline(true);
    h.addTransport('stranded-loopback', ['loopback'], loopback);
    const expired: string[] = [];
    h.spooler.on('expired', (e) => expired.push(`${e.recipient.address} ${e.error.code}`));
    h.spooler.start();

    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you'], subject: 'never', text: 'x' });
    await h.spooler.flush();
    h.clock.advance(LIFETIME_MS - 1);
    await h.spooler.flush();
    expect((await h.store.getMessage(messageId))?.recipients[0]).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await h.inbox('loopback:me')).toEqual([]);

    h.clock.advance(1);
    await h.spooler.flush();
    const stored = await h.store.getMessage(messageId);
    expect(stored?.recipients[0]).toMatchObject({ state: 'expired', attempts: 0, lastError: { code: '4.4.7' } });
    expect(stored?.finishedAt).toBe(h.clock.now());
    expect(expired).toEqual(['you 4.4.7']);
    expect(control.handedOver).toBe(0);
    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([['report.ndr', messageId]]);
    expect(await h.reportText('loopback:me')).toEqual([expect.stringContaining('before it expired')]);
    expect(await h.inbox('loopback:you')).toEqual([]);
  });
});

/** A store whose next report write (an inbox write keyed `xport.report:ndr:`) fails once, as a crash right after the submit would leave it. */
function failingFirstReport(store: MessageStore): MessageStore & { failures: number } {
  const wrapped = Object.create(store) as MessageStore & { failures: number };
  wrapped.failures = 0;
  wrapped.receive = async (request) => {
    if (wrapped.failures === 0 && request.idempotencyKey?.startsWith('xport.report:ndr:')) {
      wrapped.failures += 1;
      throw new Error('simulated crash before the NDR was written');
    }
    return store.receive(request);
  };
  return wrapped;
}

describe('NDRs for unroutable recipients survive a crash after the submit', () => {
  it('keeps the recipient open when the report write fails, and writes the report exactly once after a restart', async () => {
    h = await createHarness({ options: { leaseMs: 10_000 } });
    const store = failingFirstReport(h.store);
    const first = createSpooler({ ...h.host, store }, { random: () => 0.5 });
    spoolers.push(first);

    const receipt = await first.submit({ from: 'loopback:me', to: ['fax:+33 1 23'], subject: 'unroutable', text: 'x' });
    expect(store.failures).toBe(1);
    expect(receipt.recipients.map((r) => [r.provider, r.state])).toEqual([[null, 'failed']]);
    // Not final yet: the store holds it (leased) until its report is written.
    expect((await h.store.getMessage(receipt.messageId))?.recipients[0]).toMatchObject({ provider: null, state: 'in-flight' });
    expect(await h.inbox('loopback:me')).toEqual([]);

    // "Restart": a new spooler on the same store once the dead one's lease has run out.
    h.clock.advance(10_000);
    const second = createSpooler({ ...h.host, store }, { random: () => 0.5 });
    spoolers.push(second);
    const failed: string[] = [];
    second.on('failed', (e) => failed.push(`${e.recipient.address} ${e.error.code}`));
    second.start();
    await second.flush();
    await second.flush();

    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([['report.ndr', receipt.messageId]]);
    expect(await readAll(h.store.openPart(reports[0]!.parts[0]!.partId))).toContain('5.1.2');
    expect(failed).toEqual(['+33 1 23 5.1.2']);
    const stored = await h.store.getMessage(receipt.messageId);
    expect(stored?.recipients[0]).toMatchObject({ provider: null, state: 'failed', lastError: { code: '5.1.2' } });
    expect(stored?.finishedAt).toBe(h.clock.now());
  });

  it('writes the NDR before submit resolves when nothing fails, and a duplicate submit writes no second one', async () => {
    h = await createHarness();
    h.spooler.start();
    const input = { from: 'loopback:me', to: ['telex:42'], text: 'x', idempotencyKey: 'once' };
    const receipt = await h.spooler.submit(input);
    expect((await h.inbox('loopback:me')).map((e) => e.envelope.reportFor)).toEqual([receipt.messageId]);
    expect((await h.store.getMessage(receipt.messageId))?.finishedAt).toBeTypeOf('number');
    const again = await h.spooler.submit(input);
    expect(again).toMatchObject({ messageId: receipt.messageId, duplicate: true });
    expect(again.recipients.map((r) => r.state)).toEqual(['failed']);
    await h.spooler.flush();
    expect(await h.inbox('loopback:me')).toHaveLength(1);
  });
});
