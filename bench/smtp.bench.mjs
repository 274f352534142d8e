// SMTP throughput against a local smtp-server sink (in a worker thread), every path in a process of
// its own with a sink of its own, in interleaved rounds:
//   raw: raw nodemailer, pooled, Nagle off (the baseline);
//   memory: xport, kernel + provider-smtp found by discovery on the memory store, N submits until all delivered;
//   direct: the provider's send() alone, without the kernel;
//   journal: raw nodemailer behind a bare durable SQLite journal (a row at accept, an update at sent):
//     the floor under any SQLite path; journalWorker: the same with the journal in a worker thread;
//   sqlite, sqliteWindow: the kernel path on the SQLite store, without and with commitWindowMs 2;
//   nagle: raw nodemailer with its default socket (Nagle on), to show what that costs;
//   inbound: messages/s the kernel's SMTP listener accepts into the SQLite store.
// Needs `pnpm build` first. Every path runs unmeasured first (JIT warm-up). Prints figures and
// ratios against the baseline; asserts nothing.
// SMTP_BENCH_MESSAGES (default 3000) sets N; SMTP_BENCH_ROUNDS (default 3) the measured rounds; SMTP_BENCH_WARM_RUNS (default 6)
// the unmeasured runs of each path before its measured one; SMTP_BENCH_CONCURRENCY the spooler's limit for smtp;
// SMTP_BENCH_PATH=raw|journal|journalWorker|memory|direct|sqlite|sqliteWindow|nagle|inbound runs one path in this process, e.g. under --cpu-prof.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openDurableJournal } from './durable-journal.mjs';
import { openDurableJournalInWorker } from './durable-journal-worker.mjs';
import { benchFigures } from './figures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, '..', 'packages');
const pkg = join(packages, 'provider-smtp');
const require = createRequire(join(pkg, 'package.json'));
const nodemailer = require('nodemailer');
const { SMTPServer } = require('smtp-server');
const { createSmtpTransport } = await import(pathToFileURL(join(pkg, 'dist', 'index.js')).href);
const { createKernel } = await import(pathToFileURL(join(packages, 'core', 'dist', 'index.js')).href);

const MESSAGES = Number(process.env.SMTP_BENCH_MESSAGES ?? 3000);
const NAGLE_MESSAGES = Math.min(MESSAGES, 300);
const ROUNDS = Number(process.env.SMTP_BENCH_ROUNDS ?? 3);
const POOL = { maxConnections: 5, maxMessages: 1000 };
// Messages handed to the transport at once (the spooler's limits.concurrency for smtp): pool size
// x 8, so every pooled connection has several messages queued behind the one it sends, and the
// spooler takes its rounds of a quarter of that (10) rather than one message at a time. With x 4
// the kernel path ran about 6 % slower for the rounds' own cost. Raw nodemailer, for comparison,
// is handed all N messages at once.
const CONCURRENCY = Number(process.env.SMTP_BENCH_CONCURRENCY ?? POOL.maxConnections * 8);
const TEXT = Buffer.from('Benchmark body line.\r\n'.repeat(40));

/**
 * The relay: an smtp-server in a worker thread (a relay is never in the sender's event loop), so
 * its CPU does not count against whichever sender is measured. It counts what it accepted.
 */
async function startSink() {
  const worker = new Worker(new URL(import.meta.url), { workerData: { sink: true } });
  const port = await new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m) => resolve(m.port));
  });
  const count = () =>
    new Promise((resolve) => {
      worker.once('message', (m) => resolve(m.count));
      worker.postMessage('count');
    });
  return { port, count, close: () => worker.terminate() };
}

async function runSinkWorker() {
  let count = 0;
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    hideSTARTTLS: true,
    disabledCommands: ['AUTH'],
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count += 1;
        callback(null, 'ok');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  parentPort.on('message', () => parentPort.postMessage({ count }));
  parentPort.postMessage({ port: server.server.address().port });
}

/** What provider-smtp does (src/relay-socket.ts): connect the pool's sockets with Nagle off. */
function noDelaySocket(options, callback) {
  const socket = connect({ host: options.host, port: options.port, noDelay: true });
  socket.once('connect', () => {
    socket.removeAllListeners('error');
    callback(null, { connection: socket });
  });
  socket.once('error', callback);
}

/**
 * CPU time of this process's main thread in ms (Linux: /proc/self/task/<pid>/stat, utime + stime in
 * clock ticks of 10 ms), or undefined elsewhere. The sink runs in another thread, so this is what the
 * sender alone spent: a steadier figure than the rate when the machine is noisy.
 */
function mainThreadCpuMs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Times one run. Besides the rate, the main thread's CPU a message (the sender's own work) and the
 * whole process's (every thread: the sender, the sink, the SQLite store's WAL syncs and checkpoints),
 * with how many cores that kept busy on average: what a path needs of the machine, not only of its thread.
 */
async function timed(label, count, run) {
  const cpuBefore = mainThreadCpuMs();
  const processBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const processUsed = process.cpuUsage(processBefore);
  const cpuAfter = mainThreadCpuMs();
  const rate = count / seconds;
  const cpuUs = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / count;
  const processCpuUs = (processUsed.user + processUsed.system) / count;
  const cores = (processUsed.user + processUsed.system) / 1e6 / seconds;
  const cpu = cpuUs === undefined ? '' : `, main thread ${cpuUs.toFixed(0).padStart(4)} us CPU/msg`;
  const whole = `, process ${processCpuUs.toFixed(0).padStart(4)} us CPU/msg (${cores.toFixed(2)} cores busy)`;
  console.log(`${label.padEnd(52)} ${String(count).padStart(5)} msgs in ${seconds.toFixed(2).padStart(6)} s = ${rate.toFixed(0).padStart(5)} msgs/s${cpu}${whole}`);
  return { rate, cpuUs, processCpuUs, cores };
}

/** Raw nodemailer's pooled transport to the sink, with `socket` options (Nagle off: `{ getSocket: noDelaySocket }`). */
const rawTransport = (port, socket) => nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, ignoreTLS: true, ...POOL, ...socket, logger: false });

async function rawNodemailer(port, count, socket) {
  const transport = rawTransport(port, socket);
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => transport.sendMail({ from: 'bench@example.org', to: 'sink@example.net', subject: `bench ${i}`, text: Readable.from([TEXT]), textEncoding: 'base64' })));
  } finally {
    transport.close();
  }
}

/**
 * Raw nodemailer behind the least a durable relay writes (bench/durable-journal.mjs): each message is
 * on disk before it is sent and marked sent after. No kernel: a floor for the SQLite paths' cost.
 */
async function rawWithJournal(port, count, inWorker = false) {
  const journal = await (inWorker ? openDurableJournalInWorker : openDurableJournal)(join(packages, 'store-sqlite'));
  const transport = rawTransport(port, { getSocket: noDelaySocket });
  try {
    await Promise.all(Array.from({ length: count }, async (_, i) => {
      await journal.accept(i, 'sink@example.net', TEXT);
      await transport.sendMail({ from: 'bench@example.org', to: 'sink@example.net', subject: `bench ${i}`, text: Readable.from([TEXT]), textEncoding: 'base64' });
      await journal.markSent(i);
    }));
  } finally {
    transport.close();
    await journal.close();
  }
}

/** A temporary application whose node_modules link the built workspace packages. */
async function createApp(config) {
  const root = await mkdtemp(join(tmpdir(), 'xport-smtp-bench-'));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of ['provider-smtp', 'store-sqlite', 'store-memory']) await symlink(join(packages, name), join(root, 'node_modules', '@xport', name), 'dir');
  await writeFile(join(root, 'xport.config.json'), JSON.stringify(config));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

async function throughKernel(port, storeId = 'store-sqlite', quiet = false, storeConfig = undefined) {
  const app = await createApp({
    store: { provider: storeId },
    transportOrder: ['smtp'],
    providers: {
      smtp: { config: { relay: { host: '127.0.0.1', port, pool: POOL } }, limits: { concurrency: CONCURRENCY } },
      ...(storeConfig ? { [storeId]: { config: storeConfig } } : {}),
    },
    spooler: { pollMs: 1000 },
    logLevel: 'warn',
  });
  const kernel = createKernel({ root: app.root, env: {} });
  try {
    await kernel.start();
    if (kernel.providerState('smtp') !== 'online') throw new Error(`smtp is ${kernel.providerState('smtp')}`);
    let delivered = 0;
    let other = 0;
    let finished;
    const allDone = new Promise((resolve) => (finished = resolve));
    const settle = () => delivered + other === MESSAGES && finished();
    kernel.spooler().on('delivered', () => ((delivered += 1), settle()));
    for (const event of ['failed', 'expired', 'deferred']) kernel.spooler().on(event, () => ((other += 1), settle()));
    const run = async () => {
      await Promise.all(Array.from({ length: MESSAGES }, (_, i) => kernel.submit({ from: 'bench@example.org', to: ['sink@example.net'], subject: `bench ${i}`, text: TEXT.toString() })));
      await allDone;
    };
    const label = `xport: kernel + provider-smtp + ${storeId}${storeConfig ? ` ${JSON.stringify(storeConfig)}` : ''}`;
    const measured = quiet ? (await run(), { rate: 0 }) : await timed(label, MESSAGES, run);
    return { ...measured, delivered, other };
  } finally {
    await kernel.stop();
    await app.cleanup();
  }
}

function providerContext(config) {
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return {
    info: { id: 'smtp', packageName: '@xport/provider-smtp', version: '0.1.0', directory: pkg, manifest: {}, appRoot: pkg },
    config,
    credentials: { declared: ['username', 'password', 'oauth2AccessToken'], get: () => undefined, require: (n) => { throw new Error(`no ${n}`); } },
    logger, clock: { now: Date.now }, store: undefined, inbound: undefined,
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

async function providerSendOnly(port, count, quiet = false) {
  const transport = createSmtpTransport(providerContext({ relay: { host: '127.0.0.1', port, pool: POOL } }));
  await transport.logon();
  let failures = 0;
  try {
    const run = () =>
      Promise.all(Array.from({ length: count }, async (_, i) => {
        const message = outboundMessage(i);
        const [result] = await transport.send(message, [{ index: 0, recipient: message.recipients[0].recipient, role: 'to', attempts: 0 }], { signal: new AbortController().signal });
        if (result.status !== 'delivered') failures += 1;
      }));
    const measured = quiet ? (await run(), { rate: 0 }) : await timed('provider-smtp send() alone, no kernel', count, run);
    return { ...measured, failures };
  } finally {
    await transport.stop();
  }
}

async function inboundThroughKernel() {
  const app = await createApp({
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp'],
    providers: { smtp: { config: { listen: { enabled: true, port: 0, domains: ['example.org'] } } } },
    logLevel: 'warn',
  });
  const kernel = createKernel({ root: app.root, env: {} });
  try {
    await kernel.start();
    const { port } = kernel.transport('smtp').listenAddress();
    const client = rawTransport(port, { getSocket: noDelaySocket });
    const { rate } = await timed('inbound: listener -> kernel -> SQLite inbox', MESSAGES, () =>
      Promise.all(Array.from({ length: MESSAGES }, (_, i) => client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: `in ${i}`, text: TEXT.toString() }))));
    client.close();
    const stored = (await kernel.store().listInbox('smtp:ada@example.org', { limit: MESSAGES + 1 })).length;
    return { rate, stored };
  } finally {
    await kernel.stop();
    await app.cleanup();
  }
}


const RAW = 'raw nodemailer, pool 5, Nagle off (baseline)';

/** Every measured path, the baseline first; each runs in a process of its own (see main). */
const PATHS = [
  { key: 'raw' },
  { key: 'memory', ratio: 'xport kernel + smtp, memory store / raw', note: ' (target >= 0.9x)' },
  { key: 'direct', ratio: 'provider send() alone / raw', note: '' },
  { key: 'journal', ratio: 'raw nodemailer + bare durable SQLite journal / raw', note: ' (the floor of any SQLite path: a row at accept, an update at sent)' },
  { key: 'journalWorker', ratio: 'raw nodemailer + the journal in a worker thread / raw', note: ' (the same floor with its statements off the sending thread)' },
  { key: 'sqlite', ratio: 'xport kernel + smtp, SQLite store / raw', note: ' (durable: one WAL fsync per group commit)' },
  { key: 'sqliteWindow', ratio: 'xport kernel + smtp, SQLite commitWindowMs 2 / raw', note: '' },
];

/** One run of one path against the sink at `port`; measured unless `quiet`. */
async function runPath(key, port, quiet) {
  switch (key) {
    case 'raw':
      if (quiet) return (await rawNodemailer(port, MESSAGES, { getSocket: noDelaySocket }), {});
      return timed(RAW, MESSAGES, () => rawNodemailer(port, MESSAGES, { getSocket: noDelaySocket }));
    case 'nagle':
      if (quiet) return (await rawNodemailer(port, NAGLE_MESSAGES, {}), {});
      return timed('raw nodemailer, pool 5, default socket (Nagle on)', NAGLE_MESSAGES, () => rawNodemailer(port, NAGLE_MESSAGES, {}));
    case 'journal':
      if (quiet) return (await rawWithJournal(port, MESSAGES), {});
      return timed('raw nodemailer + a bare durable SQLite journal', MESSAGES, () => rawWithJournal(port, MESSAGES));
    case 'journalWorker':
      if (quiet) return (await rawWithJournal(port, MESSAGES, true), {});
      return timed('raw nodemailer + the journal in a worker thread', MESSAGES, () => rawWithJournal(port, MESSAGES, true));
    case 'memory':
      return throughKernel(port, 'store-memory', quiet);
    case 'direct':
      return providerSendOnly(port, MESSAGES, quiet);
    case 'sqlite':
      return throughKernel(port, 'store-sqlite', quiet);
    case 'sqliteWindow':
      return throughKernel(port, 'store-sqlite', quiet, { commitWindowMs: 2 });
    default:
      throw new Error(`SMTP_BENCH_PATH must be one of raw, journal, journalWorker, nagle, memory, direct, sqlite, sqliteWindow, inbound; not ${key}`);
  }
}

/**
 * SMTP_BENCH_PATH: one path in this process, after its warm-up runs, against a sink of its own;
 * prints its figures and, for the parent, a RESULT line. Also the way to profile one path.
 */
async function runOnePath(key, warmRuns) {
  if (key === 'inbound') {
    const inbound = await inboundThroughKernel();
    console.log(`inbound stored ${inbound.stored}/${MESSAGES} in the SQLite inbox`);
    return;
  }
  const sink = await startSink();
  try {
    for (let i = 0; i < (key === 'nagle' ? 1 : warmRuns); i++) await runPath(key, sink.port, true);
    const result = await runPath(key, sink.port, false);
    const notDelivered = (result.other ?? 0) + (result.failures ?? 0);
    console.log(`RESULT ${JSON.stringify({ rate: result.rate, cpuUs: result.cpuUs, processCpuUs: result.processCpuUs, cores: result.cores, notDelivered, sinkCount: await sink.count() })}`);
  } finally {
    await sink.close();
  }
}

/** Runs one path in a child process; echoes its output and returns its RESULT. */
function inChild(key) {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, SMTP_BENCH_PATH: key } });
  const lines = (child.stdout ?? '').split('\n').filter((l) => l !== '');
  for (const line of lines) if (!line.startsWith('RESULT ')) console.log(line);
  if (child.status !== 0) throw new Error(`SMTP bench path ${key} exited with ${child.status ?? child.signal}`);
  const result = lines.find((l) => l.startsWith('RESULT '));
  return result === undefined ? undefined : JSON.parse(result.slice('RESULT '.length));
}

async function main() {
  // Unmeasured runs of every path first. The kernel's own code keeps getting faster for tens of
  // thousands of messages (its main-thread CPU per message fell from about 320 us after two warm-up
  // runs of 3,000 to 275-290 us after six or twelve), and a relay daemon lives in that steady state.
  const warmRuns = Number(process.env.SMTP_BENCH_WARM_RUNS ?? 6);
  if (process.env.SMTP_BENCH_PATH !== undefined) return runOnePath(process.env.SMTP_BENCH_PATH, warmRuns);

  // Each path runs in a process of its own, as a relay daemon (or an application using nodemailer)
  // would. Sharing one process, a path runs on code the JIT also compiled for the others' objects:
  // the memory store's kernel path gave 0.68-0.73x raw next to the SQLite paths and the provider's
  // send(), where the same path in a process of its own gave 0.81-0.90x. Rounds take every path in
  // turn, so the machine's drift (runs of one path vary by 20 % or more here) falls on all of them
  // alike, and medians are compared.
  const runs = Object.fromEntries(PATHS.map((p) => [p.key, []]));
  let notDelivered = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`-- round ${round} of ${ROUNDS}`);
    for (const path of PATHS) {
      const result = inChild(path.key);
      notDelivered += result.notDelivered;
      if (result.sinkCount !== MESSAGES * (warmRuns + 1)) console.log(`!!! the sink of ${path.key} received ${result.sinkCount}, expected ${MESSAGES * (warmRuns + 1)}`);
      runs[path.key].push(result);
    }
  }
  const nagle = inChild('nagle');
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rate = (key) => median(runs[key].map((r) => r.rate));
  const cpu = (key) => (runs[key][0].cpuUs == null ? undefined : median(runs[key].map((r) => r.cpuUs)));
  const raw = rate('raw');
  const cpuNote = (key) => (cpu(key) === undefined ? '' : `; main-thread CPU ${cpu(key).toFixed(0)} vs ${cpu('raw').toFixed(0)} us/msg = ${(cpu('raw') / cpu(key)).toFixed(2)}x`);
  console.log(`medians of ${ROUNDS} rounds, each path in a process of its own after ${warmRuns} unmeasured runs; baseline raw nodemailer ${raw.toFixed(0)} msgs/s`);
  const figures = benchFigures(import.meta.url);
  figures.value('raw nodemailer', raw, 'msgs/s');
  for (const path of PATHS.slice(1)) {
    const label = path.ratio.replace(/ \/ raw$/, '');
    figures.value(label, rate(path.key), 'msgs/s');
    figures.ratio(`${label} / raw nodemailer`, rate(path.key) / raw, { baseline: 'raw nodemailer to the same sink', ...(path.key === 'memory' ? { target: '>= 0.9' } : {}) });
  }
  figures.ratio('Nagle on / Nagle off', nagle.rate / raw, { baseline: 'raw nodemailer, Nagle off' });
  figures.value('messages not delivered', notDelivered, 'messages');
  for (const path of PATHS.slice(1)) console.log(`ratio ${path.ratio}: ${(rate(path.key) / raw).toFixed(2)}x${path.note}${cpuNote(path.key)}`);
  console.log(`ratio Nagle on / Nagle off: ${(nagle.rate / raw).toFixed(2)}x`);
  // What each path needs of the whole machine. Raw nodemailer and its sink already keep most of the
  // cores busy, so a path's CPU a message (every thread) bounds its rate whatever thread does the work:
  // this machine's cores divided by it is the most the path could send if nothing but CPU limited it.
  const processCpu = (key) => median(runs[key].map((r) => r.processCpuUs));
  const coresBusy = (key) => median(runs[key].map((r) => r.cores));
  const machineCores = availableParallelism();
  for (const path of PATHS) {
    const ceiling = (machineCores * 1e6) / processCpu(path.key);
    const label = path.key === 'raw' ? 'raw nodemailer' : path.ratio.replace(/ \/ raw$/, '');
    console.log(`whole process, ${label}: ${processCpu(path.key).toFixed(0)} us CPU/msg, ${coresBusy(path.key).toFixed(2)} of ${machineCores} cores busy; CPU-bound ceiling ${ceiling.toFixed(0)} msgs/s = ${(ceiling / raw).toFixed(2)}x raw's rate`);
    figures.value(`${label}: process CPU a message`, processCpu(path.key), 'µs');
    figures.ratio(`${label}: CPU-bound ceiling / raw nodemailer`, ceiling / raw, { baseline: `raw nodemailer's rate; the ceiling is ${machineCores} cores over the path's CPU a message, every thread` });
  }
  if (notDelivered > 0) console.log(`!!! ${notDelivered} messages NOT delivered`);
  inChild('inbound');
}

if (!isMainThread && workerData?.sink) {
  await runSinkWorker();
} else {
  await main();
}
