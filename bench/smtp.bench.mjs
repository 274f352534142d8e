/* global AbortController */
// SMTP transport throughput: raw nodemailer (pooled) vs the xport smtp transport's send(), to the
// same local smtp-server sink in the same run, then the inbound listener's accept rate.
// Needs `pnpm build` first (imports packages/provider-smtp/dist). Prints figures; asserts nothing.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', 'packages', 'provider-smtp');
const require = createRequire(join(pkg, 'package.json'));
const nodemailer = require('nodemailer');
const { SMTPServer } = require('smtp-server');
const { createSmtpTransport } = await import(pathToFileURL(join(pkg, 'dist', 'index.js')).href);

const MESSAGES = Number(process.env.SMTP_BENCH_MESSAGES ?? 3000);
const POOL = { maxConnections: 5, maxMessages: 1000 };
const TEXT = Buffer.from('Benchmark body line.\r\n'.repeat(40));

async function startSink() {
  let count = 0;
  const server = new SMTPServer({
    logger: false, disableReverseLookup: true, authOptional: true, hideSTARTTLS: true,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => { count += 1; callback(null, 'ok'); });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, count: () => count, close: () => new Promise((r) => server.close(r)) };
}

function context(config, deliver = async () => ({ entries: [], rejected: [] })) {
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return {
    info: { id: 'smtp', packageName: '@xport/provider-smtp', version: '0.1.0', directory: pkg, manifest: {}, appRoot: pkg },
    config,
    credentials: { declared: ['username', 'password', 'oauth2AccessToken'], get: () => undefined, require: (n) => { throw new Error(`no ${n}`); } },
    logger, clock: { now: Date.now }, store: undefined, inbound: { deliver },
    resolve: () => { throw new Error('no container'); }, container: undefined,
  };
}

function outboundMessage(i) {
  return {
    id: `m${i}`,
    envelope: { from: { type: 'smtp', address: 'bench@example.org' }, subject: `bench ${i}`, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: [{ recipient: { type: 'smtp', address: 'sink@example.net' }, role: 'to' }],
    parts: [{ partId: 't', kind: 'text', contentType: 'text/plain; charset=utf-8', size: TEXT.length }],
    size: TEXT.length, submittedAt: Date.now(),
    openPart: () => Readable.from([TEXT]),
  };
}

async function timed(label, run) {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = MESSAGES / seconds;
  console.log(`${label.padEnd(34)} ${MESSAGES} msgs in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} msgs/s`);
  return rate;
}

const sink = await startSink();
const relay = { host: '127.0.0.1', port: sink.port, pool: POOL };

const rawTransport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sink.port, ignoreTLS: true, ...POOL, logger: false, textEncoding: 'base64' });
const raw = await timed('raw nodemailer (pool 5)', () =>
  Promise.all(Array.from({ length: MESSAGES }, (_, i) => rawTransport.sendMail({ from: 'bench@example.org', to: 'sink@example.net', subject: `bench ${i}`, text: Readable.from([TEXT]), textEncoding: 'base64' }))));
rawTransport.close();

const transport = createSmtpTransport(context({ relay }));
await transport.logon();
let failures = 0;
const ours = await timed('xport smtp transport send() (pool 5)', () =>
  Promise.all(Array.from({ length: MESSAGES }, async (_, i) => {
    const message = outboundMessage(i);
    const [result] = await transport.send(message, [{ index: 0, recipient: message.recipients[0].recipient, role: 'to', attempts: 0 }], { signal: new AbortController().signal });
    if (result.status !== 'delivered') failures += 1;
  })));
await transport.stop();
console.log(`ratio transport/raw: ${(ours / raw).toFixed(2)}x (target >= 0.9x)${failures ? `, ${failures} not delivered` : ''}; sink received ${sink.count()}`);
await sink.close();

let accepted = 0;
const listener = createSmtpTransport(context({ listen: { enabled: true, port: 0, domains: ['example.org'] } }, async () => { accepted += 1; return { entries: [], rejected: [] }; }));
await listener.start();
const client = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: listener.listenAddress().port, ignoreTLS: true, ...POOL, logger: false });
await timed('inbound listener accept (pool 5)', () =>
  Promise.all(Array.from({ length: MESSAGES }, (_, i) => client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: `in ${i}`, text: TEXT.toString() }))));
client.close();
await listener.stop();
console.log(`inbound accepted ${accepted}`);
