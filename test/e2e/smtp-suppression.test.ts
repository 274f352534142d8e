import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { readWholePart } from '@xport/provider-sdk';
import { createE2eApp, type E2eApp } from './test-app.js';
import { startSink, type Sink } from './smtp-sink.js';
import { outcomeEvents } from './outcome-events.js';

// The suppression list against a real SMTP peer: a relay that answers 550 5.1.1 for one address
// makes a hard bounce, and the next message to that address fails it at submit, with an NDR, while
// its other recipients are relayed.

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

describe('suppression list over SMTP', () => {
  it('a 550 5.1.1 from the relay suppresses the address: the next message fails it at submit with an NDR and relays the others', async () => {
    const asked: string[] = [];
    sink = await startSink({
      rcpt: (address) => {
        asked.push(address);
        return address === 'gone@remote.test' ? { code: 550, text: '5.1.1 <gone@remote.test>: Recipient address rejected: User unknown' } : undefined;
      },
    });
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: { smtp: { config: { relay: { host: '127.0.0.1', port: sink.port } } } },
      // NDRs in the sender's mailbox, where the test reads them.
      reports: { byAddressType: { smtp: 'mailbox' } },
    });
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    const k = kernel;
    const finals = outcomeEvents(k);

    const first = await k.submit({ from: 'ada@example.org', to: ['gone@remote.test', 'bob@remote.test'], subject: 'one', text: 'hi' });
    const firstDone = finals.settled(first.messageId, [0, 1]);
    await k.spooler().flush();
    await firstDone;
    const store = k.store()!;
    expect((await store.suppression!.listSuppressed()).map((e) => [e.address, e.hardBounces, e.lastError?.code])).toEqual([['smtp:gone@remote.test', 1, '5.1.1']]);

    const second = await k.submit({ from: 'ada@example.org', to: ['carol@remote.test', 'gone@remote.test'], subject: 'two', text: 'again' });
    expect(second.recipients.map((r) => [r.recipient.address, r.provider, r.state])).toEqual([
      ['carol@remote.test', 'smtp', 'queued'],
      ['gone@remote.test', null, 'failed'],
    ]);
    const secondDone = finals.settled(second.messageId, [0]);
    await k.spooler().flush();
    await secondDone;

    // The relay was asked about gone@ once: for the first message only.
    expect(asked.filter((a) => a === 'gone@remote.test')).toEqual(['gone@remote.test']);
    expect(sink.received.map((m) => m.to)).toEqual([['bob@remote.test'], ['carol@remote.test']]);
    const ndrs = (await store.listInbox('smtp:ada@example.org')).filter((e) => e.envelope.reportFor === second.messageId);
    expect(ndrs.map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    const text = (await readWholePart(store, ndrs[0]!.parts[0]!.partId)).toString('utf8');
    expect(text).toContain('5.7.1');
    expect(text).toContain('XPORT_RECIPIENT_SUPPRESSED: smtp:gone@remote.test is suppressed (1 hard bounce, last 550 5.1.1');
  });
});
