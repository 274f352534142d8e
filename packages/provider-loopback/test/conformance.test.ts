import { fileURLToPath } from 'node:url';
import { describeTransportConformance } from '@xport/provider-sdk/testing';

// The kit third-party authors run, against this package's built entry (dist/) loaded by a real
// kernel. The loopback's far end is the local inbox: what arrived is what the mailboxes hold
// (reports the kernel wrote to the sender are not deliveries). Its fault-injection settings supply
// every case the loopback can take part in: a permanent failure, a deferral, a not-me. (It declares
// no credentials, so the bad-credential and secret cases have nothing to check.)
const deliver = ['loopback:ada', 'Bob <loopback:bob>'];
const fail = ['loopback:nobody'];
const defer = ['loopback:busy'];
const notMine = ['loopback:elsewhere'];

describeTransportConformance('@xport/provider-loopback', {
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  config: { failAddresses: ['nobody'], deferAddresses: ['busy'], notMeAddresses: ['elsewhere'] },
  deliver,
  fail,
  defer,
  notMine,
  async deliveredTo(harness) {
    const arrived: string[] = [];
    for (const mailbox of [...deliver, ...fail, ...defer, ...notMine]) {
      for (const entry of await harness.inbox(mailbox)) if (entry.envelope.kind === 'note' && entry.receivedBy === 'loopback') arrived.push(entry.mailbox);
    }
    return arrived;
  },
});
