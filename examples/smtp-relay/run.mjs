// Runs the smtp-relay example end to end on this machine: a local sink stands in for the relay
// host, the kernel starts with this directory's xport.config.json (ports and store moved to free
// and temporary ones), one message comes in over SMTP, one goes out from a loopback user, and one
// from a remote sender is forwarded out again (SMTP in, SMTP out), to two addresses the relay
// refuses: the remote sender gets one standard DSN over SMTP.
//   node run.mjs
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKernel } from '@xport/core';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

const here = dirname(fileURLToPath(import.meta.url));

// The relay host knows no mailbox by these names, and says so at RCPT TO.
const UNKNOWN = new Set(['nobody@remote.test', 'ghost@remote.test']);

/** The relay host: an SMTP server on a free loopback port that keeps what it is given. */
async function startRelaySink() {
  const received = [];
  const waiting = [];
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    hideSTARTTLS: true,
    disabledCommands: ['AUTH'],
    onRcptTo(address, _session, callback) {
      if (!UNKNOWN.has(address.address)) return callback();
      callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = { from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(raw)?.[1], raw };
        received.push(mail);
        for (const wait of waiting.splice(0)) if (!wait(mail)) waiting.push(wait);
        callback(null, 'OK relayed');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  /** Resolves with the first mail (received already or later) that `match` accepts. */
  const next = (match) => {
    const found = received.find(match);
    return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push((mail) => match(mail) && (resolve(mail), true)));
  };
  return { port: server.server.address().port, received, next, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The per-recipient blocks of a DSN's message/delivery-status part: `address status` each. */
function failedRecipients(raw) {
  const status = raw.split(/\r?\nContent-Type: message\/delivery-status\r?\n/)[1]?.split(/\r?\n--/)[0] ?? '';
  return [...status.matchAll(/^Final-Recipient: rfc822; (\S+)\r?\nAction: failed\r?\nStatus: (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
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

  // 3. SMTP in, SMTP out: team@example.org forwards to the team's outside addresses, keeping the
  //    remote sender (as a mail server's alias does) and its DSN request (RFC 3461: zed asks for
  //    failures only, with an envelope id). The relay refuses two of them: the remote sender is told
  //    with one standard DSN, sent over SMTP with MAIL FROM:<>, naming its envelope id.
  const team = ['bob@remote.test', 'nobody@remote.test', 'ghost@remote.test'];
  kernel.spooler().on('received', ({ entries }) => {
    for (const { mailbox, id } of entries) {
      if (mailbox !== 'loopback:team') continue;
      void forward(id).catch((error) => console.error(`forwarding failed: ${error.message}`));
    }
  });
  const forward = async (id) => {
    const entry = await store.getInboxEntry(id);
    const text = entry.parts.find((part) => part.kind === 'text');
    const body = text ? Buffer.concat(await store.openPart(text.partId).toArray()).toString('utf8') : '';
    // The listener kept zed's RET, ENVID, NOTIFY and ORCPT; an alias hands the alias's NOTIFY and ORCPT on to every address it stands for.
    const asked = entry.envelope.dsn;
    const own = asked?.recipients?.[0];
    const dsn = asked && { ...asked, recipients: own ? team.map((recipient) => ({ ...own, recipient })) : [] };
    await kernel.submit({ from: entry.envelope.from, to: team, subject: entry.envelope.subject, messageId: entry.envelope.messageId, text: body, ...(dsn ? { dsn } : {}) });
  };
  const zed = nodemailer.createTransport({ host: listener.host, port: listener.port, ignoreTLS: true });
  await zed.sendMail({
    from: 'Zed <zed@elsewhere.test>',
    to: 'team@example.org',
    subject: 'Hello team (forwarded)',
    messageId: '<zed-1@elsewhere.test>',
    text: 'To everyone.',
    dsn: { id: 'zed-1', return: 'headers', notify: 'failure', recipient: 'team@example.org' },
  });
  zed.close();
  const dsn = await sink.next((mail) => mail.from === '');
  // Whatever else is due goes now: a second report, if there were one, would reach the sink too.
  await kernel.spooler().flush();
  const forwarded = sink.received.filter((mail) => mail.subject === 'Hello team (forwarded)');
  const reportType = /^Content-Type: (multipart\/report; report-type=delivery-status)/m.exec(dsn.raw)?.[1];
  const envelopeId = /^Original-Envelope-Id: (\S+)/m.exec(dsn.raw)?.[1];
  console.log(
    `forward: zed@elsewhere.test -> team@example.org -> ${team.join(', ')}; relay took RCPT TO:<${forwarded.flatMap((mail) => mail.to).join('>,<')}> and refused 2; ` +
      `${sink.received.filter((mail) => mail.from === '').length} DSN to RCPT TO:<${dsn.to.join('>,<')}> with MAIL FROM:<${dsn.from}> (${reportType}) for envelope ${envelopeId} listing ${failedRecipients(dsn.raw).join(', ')}`,
  );
} finally {
  await kernel.stop();
  await sink.close();
  await rm(dataDir, { recursive: true, force: true });
}
