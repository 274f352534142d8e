// HTTP submit throughput. Run after `pnpm build`: `node bench/http.bench.mjs` (or `pnpm bench http`).
// POST /v1/messages through the HTTP API (fastify, a bearer token, JSON in and out) against
// kernel.submit called in-process, on the same kernel and the same SQLite store, in the same run.
// The HTTP client runs in a child process (undici, 64 keep-alive connections, 64 requests in flight)
// so it does not share the server's event loop; the in-process path keeps 64 submits in flight too.
// Each path runs WARM_RUNS unmeasured rounds, then ROUNDS measured rounds taken in turn (so machine
// noise falls on both alike); the medians are reported, with the p99 latency of each.
// The kernel runs submit-only (no spool loop): both paths measure accepting a message, not sending it.
// Beside the rates it prints the CPU each path costs per message (process.cpuUsage: the server
// process, and for HTTP the client's too), which drifts less than rates on a shared machine: on 2
// cores the client takes CPU the server would otherwise have, which an in-process caller does not.
// XPORT_BENCH_HTTP_PATH runs one path only (its warm-up, then its rounds) and prints its figures
// without a ratio, for a profiler (`node --cpu-prof` then profiles the server side alone: the client
// process is started without the profiler's flags) or to take the HTTP cost apart: `http`,
// `in-process`, `http-stub` (the API with kernel.submit replaced by a stub that stores nothing: the
// API's own cost) or `fastify` (a bare fastify route answering 202 with a fixed body, no auth and no
// schema, in the same process: the floor any fastify server pays on this machine).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { benchFigures } from './figures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(here, '..', 'packages');
const MESSAGES = Number(process.env.XPORT_BENCH_MESSAGES ?? 5_000);
const IN_FLIGHT = 64;
const WARM_RUNS = Number(process.env.XPORT_BENCH_WARM_RUNS ?? 2);
const ROUNDS = Number(process.env.XPORT_BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 0.7;
const PATHS = ['http', 'in-process', 'http-stub', 'fastify'];
const ONLY = process.env.XPORT_BENCH_HTTP_PATH;
if (ONLY !== undefined && !PATHS.includes(ONLY)) throw new Error(`XPORT_BENCH_HTTP_PATH must be one of ${PATHS.join(', ')}; not ${ONLY}`);
const runsInProcess = ONLY === undefined || ONLY === 'in-process';
const runsOverHttp = ONLY !== 'in-process';
const stores = ONLY === undefined || ONLY === 'http' || ONLY === 'in-process';
const TOKEN = 'bench-token-5d1f0c9a7e3b42e8a6b1';
const TEXT = 'hello from the HTTP benchmark '.repeat(4);

const toMessage = (round, n) => ({ from: 'loopback:bench', to: [`loopback:r${n % 1000}`], subject: `${round} m${n}`, text: TEXT });

/** Runs `task(n)` for n in [0, count) with `window` in flight; resolves with each one's latency (ms). */
async function windowed(count, window, task) {
  const latencies = new Float64Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const started = performance.now();
      await task(n);
      latencies[n] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
  return latencies;
}

const p99 = (latencies) => [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)];

// --- the client process: POSTs rounds of messages when asked, answers with elapsed ms and latencies.
if (process.argv[2] === '--client') {
  const { Pool } = await import('undici');
  const pool = new Pool(process.argv[3], { connections: IN_FLIGHT, pipelining: 1 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  process.on('message', async ({ round }) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const latencies = await windowed(MESSAGES, IN_FLIGHT, async (n) => {
      const res = await pool.request({ path: '/v1/messages', method: 'POST', headers, body: JSON.stringify(toMessage(round, n)) });
      const body = await res.body.text();
      if (res.statusCode !== 202) throw new Error(`POST /v1/messages answered ${res.statusCode}: ${body}`);
    });
    const used = process.cpuUsage(cpu);
    process.send({ elapsed: performance.now() - started, p99: p99(latencies), clientCpu: used.user + used.system });
  });
  process.on('disconnect', () => void pool.close().then(() => process.exit(0)));
} else {
  const { createKernel } = await import('../packages/core/dist/index.js');
  const { createHttpApi } = await import('../packages/http/dist/index.js');
  const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-bench-http-')));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of ['provider-loopback', 'store-sqlite']) await symlink(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
  await writeFile(join(root, 'xport.config.json'), JSON.stringify({ store: { provider: 'store-sqlite' }, transportOrder: ['loopback'], http: { enabled: true, port: 0 } }));
  const kernel = createKernel({ root, logger: silent, env: { XPORT_HTTP__TOKEN: TOKEN } });
  const api = await createHttpApi({ kernel });
  let client;
  let bare;
  try {
    await kernel.start({ spool: false });
    if (ONLY === 'http-stub') {
      let stubbed = 0;
      const toRecipient = (text) => ({ type: text.slice(0, text.indexOf(':')), address: text.slice(text.indexOf(':') + 1) });
      kernel.submit = async (input) => ({ messageId: `stub-${stubbed++}`, duplicate: false, recipients: input.to.map((to) => ({ recipient: toRecipient(to), provider: 'loopback', state: 'queued' })) });
    }
    if (ONLY === 'fastify') {
      const Fastify = createRequire(join(PACKAGES, 'http', 'package.json'))('fastify');
      bare = Fastify({ logger: false });
      bare.post('/v1/messages', async (_request, reply) => {
        reply.code(202);
        return { messageId: 'bare', duplicate: false, recipients: [], href: '/v1/messages/bare' };
      });
    }
    const url = bare === undefined ? await api.listen() : await bare.listen({ host: '127.0.0.1', port: 0 });
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof'));
    client = fork(fileURLToPath(import.meta.url), ['--client', url], { stdio: 'inherit', execArgv });
    const cpuSince = (start) => {
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const httpRound = (round) =>
      new Promise((resolve, reject) => {
        const cpu = process.cpuUsage();
        client.once('message', (answer) => resolve({ ...answer, cpu: cpuSince(cpu) }));
        client.once('exit', (code) => reject(new Error(`the client exited with ${code}`)));
        client.send({ round });
      });
    const inProcessRound = async (round) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const latencies = await windowed(MESSAGES, IN_FLIGHT, (n) => kernel.submit(toMessage(round, n)));
      return { elapsed: performance.now() - started, p99: p99(latencies), cpu: cpuSince(cpu) };
    };
    for (let i = 0; i < WARM_RUNS; i++) {
      if (runsInProcess) await inProcessRound(`warm-in-${i}`);
      if (runsOverHttp) await httpRound(`warm-http-${i}`);
    }
    const rounds = { inProcess: [], http: [] };
    for (let round = 0; round < ROUNDS; round++) {
      if (runsInProcess) rounds.inProcess.push(await inProcessRound(`in-${round}`));
      if (runsOverHttp) rounds.http.push(await httpRound(`http-${round}`));
    }
    const rate = (run) => Math.round((MESSAGES / run.elapsed) * 1000);
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const perMessage = (micros) => Math.round(micros / MESSAGES);
    const counts = await kernel.store().counts();
    const expected = stores ? (WARM_RUNS + ROUNDS) * (ONLY === undefined ? 2 : 1) * MESSAGES : 0;
    if (counts.byState.queued !== expected) throw new Error(`the store holds ${counts.byState.queued} queued recipients, expected ${expected}`);
    if (ONLY !== undefined) {
      const only = runsOverHttp ? rounds.http : rounds.inProcess;
      const client = runsOverHttp ? `, client ${median(only.map((r) => perMessage(r.clientCpu)))} µs` : '';
      console.log(
        `http: ${ONLY} only: rounds (msgs/s) ${only.map(rate).join(' ')} | median ${median(only.map(rate))} msgs/s, p99 ${median(only.map((r) => r.p99)).toFixed(1)} ms` +
          ` | CPU per message: this process ${median(only.map((r) => perMessage(r.cpu)))} µs${client}`,
      );
    } else {
      const inRate = median(rounds.inProcess.map(rate));
      const httpRate = median(rounds.http.map(rate));
      const inP99 = median(rounds.inProcess.map((r) => r.p99));
      const httpP99 = median(rounds.http.map((r) => r.p99));
      const inCpu = median(rounds.inProcess.map((r) => perMessage(r.cpu)));
      const serverCpu = median(rounds.http.map((r) => perMessage(r.cpu)));
      const clientCpu = median(rounds.http.map((r) => perMessage(r.clientCpu)));
      const figures = benchFigures(import.meta.url);
      figures.value('POST /v1/messages', httpRate, 'msgs/s');
      figures.value('POST /v1/messages p99', httpP99, 'ms');
      figures.value('in-process kernel.submit', inRate, 'msgs/s');
      figures.value('in-process kernel.submit p99', inP99, 'ms');
      figures.value('CPU per message, HTTP server', serverCpu, 'µs');
      figures.value('CPU per message, in-process', inCpu, 'µs');
      figures.ratio('HTTP / in-process', httpRate / inRate, { baseline: 'in-process kernel.submit, same kernel and store', target: `>= ${TARGET_RATIO}` });
      console.log(`http: rounds (msgs/s) in-process ${rounds.inProcess.map(rate).join(' ')} | HTTP ${rounds.http.map(rate).join(' ')}`);
      console.log(
        `http: POST /v1/messages ${httpRate} msgs/s (p99 ${httpP99.toFixed(1)} ms; ${IN_FLIGHT} in flight over ${IN_FLIGHT} keep-alive connections, bearer token)` +
          ` | in-process kernel.submit ${inRate} msgs/s (p99 ${inP99.toFixed(1)} ms; ${IN_FLIGHT} in flight) | same SQLite store, ${MESSAGES} messages a round, median of ${ROUNDS}` +
          ` | ratio ${(httpRate / inRate).toFixed(2)} | target >= ${TARGET_RATIO}`,
      );
      console.log(
        `http: CPU per message: in-process ${inCpu} µs | HTTP server ${serverCpu} µs (+${serverCpu - inCpu} µs for HTTP), client ${clientCpu} µs` +
          ` | CPU in-process / HTTP server ${(inCpu / serverCpu).toFixed(2)} | a server with a core to itself: about ${Math.round(1e6 / serverCpu)} msgs/s`,
      );
    }
  } finally {
    client?.disconnect();
    await bare?.close();
    await api.close();
    await kernel.stop();
    await rm(root, { recursive: true, force: true });
  }
}
