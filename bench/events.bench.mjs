// Event delivery. Run after `pnpm build`: `node bench/events.bench.mjs` (or `pnpm bench events`).
// A kernel on the SQLite store with loopback, the HTTP API and one webhook endpoint, in one process;
// an SSE client (`GET /v1/events`) and a webhook receiver (node:http) count every event by its id.
// MESSAGES messages are submitted and delivered; then every event the store's log holds for the run
// (submitted, delivered, and received into the loopback inbox) must have reached the SSE client and the receiver: at least once each (duplicates are allowed by
// the contract, counted and printed), nothing missing. Printed: events, missing, duplicates, and how
// long after the last delivery the last event reached each side.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { benchFigures } from './figures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(here, '..', 'packages');
const MESSAGES = Number(process.env.XPORT_BENCH_MESSAGES ?? 1_000);
const IN_FLIGHT = 32;
const TOKEN = 'bench-token-0c6a2f9e41d87b35e2a9';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

const { createKernel } = await import('../packages/core/dist/index.js');
const { createHttpApi } = await import('../packages/http/dist/index.js');
const { readWebhookEndpoints, startKernelWebhooks, verifyWebhook } = await import('../packages/webhooks/dist/index.js');

/** Counts each event id seen (a second sighting is a duplicate) and when the last new one came. */
function tally() {
  const seen = new Map();
  return {
    seen,
    lastNewAt: 0,
    add(id) {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (seen.get(id) === 1) this.lastNewAt = performance.now();
    },
    duplicates() {
      let n = 0;
      for (const count of seen.values()) n += count - 1;
      return n;
    },
  };
}

const webhook = tally();
let badSignatures = 0;
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (!verifyWebhook(SECRET, req.headers, body)) badSignatures += 1;
    else webhook.add(JSON.parse(body).data.id);
    res.statusCode = 204;
    res.end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-bench-events-')));
await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
for (const name of ['provider-loopback', 'store-sqlite']) await symlink(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
await writeFile(
  join(root, 'xport.config.json'),
  JSON.stringify({
    store: { provider: 'store-sqlite' },
    transportOrder: ['loopback'],
    http: { enabled: true, port: 0 },
    webhooks: [{ id: 'bench', url: `http://127.0.0.1:${receiver.address().port}/hook`, secret: 'benchSecret' }],
  }),
);
const kernel = createKernel({ root, logger: silent, env: { XPORT_HTTP__TOKEN: TOKEN, XPORT_WEBHOOKS__BENCH_SECRET: SECRET } });
const api = await createHttpApi({ kernel });
const endpoints = await readWebhookEndpoints(kernel);
let webhooks;
const sse = tally();
const abort = new AbortController();
try {
  await kernel.start();
  const url = await api.listen();
  webhooks = await startKernelWebhooks(kernel, { endpoints, stateDir: join(root, '.xport') });
  const from = await kernel.lastEventId();

  // The SSE client reads from the start of this run's events.
  const stream = await fetch(`${url}/v1/events?after=${from}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
  const reading = (async () => {
    const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const id = /^id: ?(\d+)$/m.exec(buffered.slice(0, end));
        if (id) sse.add(Number(id[1]));
        buffered = buffered.slice(end + 2);
      }
    }
  })().catch((error) => {
    if (!abort.signal.aborted) throw error;
  });

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const n = next++;
      await kernel.submit({ from: 'loopback:bench', to: [`loopback:r${n % 100}`], subject: `m${n}`, text: 'event delivery' });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  // Every message delivered (followed through the kernel's own event log).
  let delivered = 0;
  for await (const _event of kernel.followEvents({ after: from, types: ['delivered'] })) if (++delivered === MESSAGES) break;
  const ids = [];
  for (let after = from; ; ) {
    const page = await kernel.readEvents({ after, limit: 1000 });
    if (page.length === 0) break;
    for (const e of page) ids.push(e.id);
    after = page[page.length - 1].id;
  }
  // Loopback delivers into the local inbox: each message is submitted, delivered and received.
  if (ids.length < 3 * MESSAGES) throw new Error(`the log holds ${ids.length} events for ${MESSAGES} delivered messages, expected ${3 * MESSAGES}`);
  const deliveredAt = performance.now();
  // Both sides catch up: wait (on their own progress, bounded by a minute) for every logged event.
  const caughtUp = (side) => ids.every((id) => side.seen.has(id));
  const deadline = deliveredAt + 60_000;
  while ((!caughtUp(sse) || !caughtUp(webhook)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const missing = (side) => ids.filter((id) => !side.seen.has(id)).length;
  const lag = (side) => Math.max(0, side.lastNewAt - deliveredAt);

  const figures = benchFigures(import.meta.url);
  figures.value('events written', ids.length, 'events');
  figures.value('SSE missing', missing(sse), 'events');
  figures.value('SSE duplicates', sse.duplicates(), 'events');
  figures.value('webhook missing', missing(webhook), 'events');
  figures.value('webhook duplicates', webhook.duplicates(), 'events');
  figures.value('webhook bad signatures', badSignatures, 'requests');
  figures.value('SSE lag after the last delivery', lag(sse), 'ms');
  figures.value('webhook lag after the last delivery', lag(webhook), 'ms');
  figures.value('submit to all delivered', deliveredAt - started, 'ms');
  const about = { baseline: 'the events the store logged in the run', target: '= 1 (at least once, nothing missing)' };
  figures.ratio('SSE received / logged', (ids.length - missing(sse)) / ids.length, about);
  figures.ratio('webhook received / logged', (ids.length - missing(webhook)) / ids.length, about);
  console.log(
    `events: ${MESSAGES} messages delivered in ${Math.round(deliveredAt - started)} ms, ${ids.length} events in the log` +
      ` | SSE: ${ids.length - missing(sse)} received, ${missing(sse)} missing, ${sse.duplicates()} duplicates, last ${Math.round(lag(sse))} ms after the last delivery` +
      ` | webhook: ${ids.length - missing(webhook)} received, ${missing(webhook)} missing, ${webhook.duplicates()} duplicates, ${badSignatures} bad signatures, last ${Math.round(lag(webhook))} ms after the last delivery`,
  );
  if (missing(sse) > 0 || missing(webhook) > 0 || badSignatures > 0) {
    console.error('events: an event did not arrive (or arrived unsigned): the at-least-once guarantee failed');
    process.exitCode = 1;
  }
  abort.abort();
  await reading;
} finally {
  abort.abort();
  await webhooks?.stop();
  await api.close();
  await kernel.stop();
  receiver.close();
  await rm(root, { recursive: true, force: true });
}
