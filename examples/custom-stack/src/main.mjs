// The custom stack, end to end and offline: starts a local SMTP sink and a webhook receiver, starts
// the kernel on this folder (SQLite store, loopback, SMTP, webhook, the subject-tagger hook), submits
// one message with recipients of four address types, and prints where each recipient went.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { createKernel } from '@xport/core';
import { formatRecipient, XportError } from '@xport/provider-sdk';
import { verifyWebhookSignature } from 'xport-provider-webhook';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const print = (line = '') => process.stdout.write(`${line}\n`);

/** An SMTP server on 127.0.0.1 standing in for the relay: keeps every message it accepts. */
async function startSmtpSink() {
  const received = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    hideSTARTTLS: true,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback(null, 'queued');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A webhook receiver on 127.0.0.1 that checks each POST's signature. */
async function startWebhookReceiver(secret) {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifyWebhookSignature({ secret, body, timestamp: request.headers['x-xport-timestamp'], signature: request.headers['x-xport-signature'] });
      received.push({ path: request.url, verified, message: JSON.parse(body) });
      response.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function waitForOutcomes(store, messageId) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const message = await store.getMessage(messageId);
    if (message && message.recipients.every((r) => r.state !== 'queued' && r.state !== 'in-flight')) return message;
    if (Date.now() > deadline) throw new Error(`message ${messageId}: recipients still pending after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const signingSecret = randomBytes(24).toString('hex');
const smtpSink = await startSmtpSink();
const receiver = await startWebhookReceiver(signingSecret);
const data = await mkdtemp(join(tmpdir(), 'xport-custom-stack-'));

// The configuration file as written, with what only run time knows: the sink's port, a scratch database.
const config = JSON.parse(readFileSync(join(root, 'xport.config.json'), 'utf8'));
config.providers.smtp.config.relay.port = smtpSink.port;
config.providers['store-sqlite'].config.path = join(data, 'store.db');

const kernel = createKernel({ root, config, credentials: { webhook: { signingSecret } } });
try {
  await kernel.start();
  print('providers:');
  for (const row of kernel.status()) print(`  ${row.id.padEnd(15)} ${row.kind.padEnd(9)} ${row.state}`);

  const receipt = await kernel.submit({
    from: 'Shop <loopback:shop>',
    to: ['Alice <loopback:alice>', 'bob@example.net', `https:${receiver.origin}/hooks/orders`, 'fax:+33123456789'],
    subject: 'Order 42 shipped',
    text: 'Your order 42 left the warehouse.',
  });
  print(`routes for message ${receipt.messageId}:`);
  for (const r of receipt.recipients) print(`  ${formatRecipient(r.recipient)} -> ${r.provider ?? '(no transport for this address type)'}`);

  const settled = await waitForOutcomes(kernel.store(), receipt.messageId);
  print('outcomes:');
  for (const r of settled.recipients) {
    const why = r.lastError ? ` ${r.lastError.code} ${r.lastError.diagnostic}` : '';
    print(`  ${formatRecipient(r.recipient)} ${r.state}${r.provider ? ` by ${r.provider}` : ''}${why}`);
  }

  print('far ends:');
  for (const entry of await kernel.store().listInbox('loopback:alice')) print(`  loopback inbox loopback:alice: "${entry.envelope.subject}"`);
  for (const mail of smtpSink.received) {
    const subject = /^Subject: (.*)$/im.exec(mail.raw)?.[1]?.trim();
    const tagged = /^X-Custom-Stack: tagged$/im.test(mail.raw);
    print(`  smtp sink: ${mail.to.join(', ')} "${subject}"${tagged ? ' X-Custom-Stack: tagged' : ''}`);
  }
  for (const post of receiver.received) {
    print(`  webhook receiver: ${post.path} signature ${post.verified ? 'verified' : 'REFUSED'} "${post.message.subject}"`);
  }

  try {
    await kernel.submit({ from: 'loopback:shop', to: ['loopback:alice', 'carol@blocked.example'], subject: 'Order 43', text: 'Blocked?' });
    print('blocked message: queued (the hook did not reject it)');
  } catch (error) {
    if (!XportError.is(error)) throw error;
    print(`blocked message: rejected ${error.code}: ${error.message}`);
  }
} finally {
  await kernel.stop();
  await Promise.all([smtpSink.close(), receiver.close()]);
  await rm(data, { recursive: true, force: true });
}
