import { fileURLToPath } from 'node:url';
import { describeTransportConformance } from '@xport/provider-sdk/testing';

// The kit third-party authors run, against this package's built entry (dist/) loaded by a real
// kernel. The loopback's far end is the local inbox: what arrived is what the mailboxes hold
// (reports the kernel wrote to the sender are not deliveries).
const deliver = ['loopback:ada', 'Bob <loopback:bob>'];

describeTransportConformance('@xport/provider-loopback', {
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  config: { failAddresses: ['nobody'] },
  deliver,
  fail: ['loopback:nobody'],
  async deliveredTo(harness) {
    const mailboxes = [...deliver, 'loopback:nobody'];
    const arrived: string[] = [];
    for (const mailbox of mailboxes) for (const entry of await harness.inbox(mailbox)) if (entry.envelope.kind === 'note') arrived.push(entry.mailbox);
    return arrived;
  },
});
