// Runs the smtp-relay example end to end on this machine: a local sink stands in for the relay
// host, the kernel starts with this directory's xport.config.json (ports and store moved to free
// and temporary ones), one message comes in over SMTP and one goes out from a loopback user.
//   node run.mjs
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKernel } from '@xport/core';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

const here = dirname(fileURLToPath(import.meta.url));

/** The relay host: an SMTP server on a free loopback port that keeps what it is given. */
async function startRelaySink() {
  const received = [];
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    hideSTARTTLS: true,
    disabledCommands: ['AUTH'],
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(raw)?.[1] });
        callback(null, 'OK relayed');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const sink = await startRelaySink();
const dataDir = await mkdtemp(join(tmpdir(), 'xport-smtp-relay-'));
const config = JSON.parse(await readFile(join(here, 'xport.config.json'), 'utf8'));
const smtp = config.providers.smtp.config;
smtp.relay.port = sink.port;
smtp.listen.port = 0;
config.providers['store-sqlite'].config.path = join(dataDir, 'store.db');
config.logLevel = 'warn';

const kernel = createKernel({ root: here, config });
try {
  await kernel.start();
  for (const row of kernel.status()) if (row.state !== 'online') throw new Error(`provider ${row.id} is ${row.state}: ${row.lastError?.message ?? ''}`);
  const store = kernel.store();
  const listener = kernel.transport('smtp').listenAddress();
  console.log(`kernel online: ${kernel.status().map((row) => row.id).sort().join(', ')}; SMTP listener on ${listener.host}:${listener.port}, relay sink on 127.0.0.1:${sink.port}`);

  // 1. Inbound: a foreign client delivers to ada@example.org; the hook puts it in loopback:ada.
  const client = nodemailer.createTransport({ host: listener.host, port: listener.port, ignoreTLS: true });
  const reply = await client.sendMail({ from: 'Grace <grace@elsewhere.test>', to: 'Ada <ada@example.org>', subject: 'Hello Ada (inbound)', text: 'Sent over SMTP.' });
  client.close();
  const inbox = await store.listInbox('loopback:ada');
  const inboundEntry = inbox.find((entry) => entry.envelope.subject === 'Hello Ada (inbound)');
  if (!inboundEntry) throw new Error('the inbound message is not in loopback:ada');
  console.log(`inbound: grace@elsewhere.test -> ada@example.org, listener replied "${reply.response}", stored in mailbox loopback:ada (subject "${inboundEntry.envelope.subject}", received by ${inboundEntry.receivedBy})`);

  // 2. Outbound: the loopback user writes to someone outside; routing sends it through the relay.
  const delivered = new Promise((resolve) => {
    const off = kernel.spooler().on('delivered', (event) => {
      if (event.recipient.address === 'bob@remote.test') {
        off();
        resolve(event);
      }
    });
  });
  const receipt = await kernel.submit({ from: 'Ada <loopback:ada>', to: ['Bob <bob@remote.test>'], subject: 'Hello Bob (outbound)', text: 'Relayed over SMTP.' });
  const event = await delivered;
  const relayed = sink.received.find((mail) => mail.subject === 'Hello Bob (outbound)');
  if (!relayed) throw new Error('the relay sink did not receive the outbound message');
  console.log(`outbound: loopback:ada -> bob@remote.test, routed to provider ${receipt.recipients[0].provider}, relay sink got MAIL FROM:<${relayed.from}> RCPT TO:<${relayed.to.join('>,<')}> (subject "${relayed.subject}"), spooler event ${event.recipient.address} delivered`);
} finally {
  await kernel.stop();
  await sink.close();
  await rm(dataDir, { recursive: true, force: true });
}
