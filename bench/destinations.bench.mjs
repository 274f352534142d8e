// Head-of-line blocking. Run after `pnpm build`: `node bench/destinations.bench.mjs` (or `pnpm bench destinations`).
// One transport, two destinations it names with `destinationOf`: `slow` (each send takes 200 ms,
// `limits.perDestination` holds it to 2 sends at once) and `fast` (answers at once). SLOW messages
// to the slow destination are submitted first, then FAST messages to the fast one, into a running
// spooler on the memory store. The figure is the fast destination's p99 submit → delivered latency,
// beside the same FAST messages sent with no slow destination present, in the same process.
// XPORT_BENCH_SLOW and XPORT_BENCH_FAST set the counts (10,000 and 2,000 by default).
import { performance } from 'node:perf_hooks';
import { createSpooler, toSpoolerOptions } from '../packages/core/dist/index.js';
import { createMemoryStore } from '../packages/store-memory/dist/index.js';
import { benchFigures } from './figures.mjs';

const SLOW = Number(process.env.XPORT_BENCH_SLOW ?? 10_000);
const FAST = Number(process.env.XPORT_BENCH_FAST ?? 2_000);
const SLOW_SEND_MS = 200;
const WINDOW = 256;
const figures = benchFigures(import.meta.url);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const clock = { now: () => Date.now() };
const limits = {
  concurrency: 16,
  ratePerSecond: 0,
  perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 5, overrides: [{ destination: 'slow', concurrency: 2 }] },
};

/** The transport: the recipient's domain is its destination; the slow one takes SLOW_SEND_MS per send. */
const transport = {
  destinationOf: (recipient) => recipient.address.slice(recipient.address.lastIndexOf('@') + 1),
  async send(_message, recipients) {
    if (recipients[0].recipient.address.endsWith('@slow')) await new Promise((resolve) => setTimeout(resolve, SLOW_SEND_MS));
    return recipients.map(() => ({ status: 'delivered' }));
  },
};

/** A spooler host over a memory store and the one transport, as the kernel would build it. */
function createHost(store) {
  return {
    store,
    clock,
    logger: silent,
    options: toSpoolerOptions({ pollMs: 1000, stopTimeoutMs: 1 }),
    routing: () => ({ providersFor: (type) => (type === 'bench' ? ['fx'] : []) }),
    transportIds: () => ['fx'],
    transport: (id) => (id === 'fx' ? transport : undefined),
    isAvailable: (id) => id === 'fx',
    onProviderState: () => () => undefined,
    hooks: () => [],
    limits: () => limits,
  };
}

async function windowed(count, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(WINDOW, count) }, worker));
}

/** Submits `slow` then FAST messages into a running spooler; the fast ones' submit → delivered latencies (ms). */
async function run(slow) {
  const store = createMemoryStore({ name: 'bench-destinations' });
  await store.open();
  const spooler = createSpooler(createHost(store));
  const submittedAt = new Map();
  const latencies = [];
  let resolveAll;
  const all = new Promise((resolve) => (resolveAll = resolve));
  spooler.on('delivered', (e) => {
    const at = submittedAt.get(e.messageId);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    if (latencies.length === FAST) resolveAll();
  });
  spooler.start();
  try {
    await windowed(slow, (n) => spooler.submit({ from: 'bench:me', to: [`bench:s${n}@slow`], text: 'slow' }));
    await windowed(FAST, async (n) => {
      const at = performance.now();
      const { messageId } = await spooler.submit({ from: 'bench:me', to: [`bench:f${n}@fast`], text: 'fast' });
      submittedAt.set(messageId, at);
    });
    await all;
  } finally {
    await spooler.stop();
    await store.close();
  }
  return latencies.sort((a, b) => a - b);
}

const p99 = (sorted) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];

console.log(`destinations: ${FAST} messages to a fast destination, alone and after ${SLOW} to a slow one (${SLOW_SEND_MS} ms a send, concurrency 2)`);
const alone = await run(0);
const behind = await run(SLOW);
const ratio = p99(behind) / p99(alone);
console.log(`  fast p99 submit → delivered: alone ${p99(alone).toFixed(1)} ms | behind the slow destination ${p99(behind).toFixed(1)} ms | ${ratio.toFixed(2)}× (target ≤ 2×)`);
console.log(`  fast p50: alone ${alone[Math.floor(alone.length / 2)].toFixed(1)} ms | behind ${behind[Math.floor(behind.length / 2)].toFixed(1)} ms`);
figures.value('fast p99 alone', p99(alone), 'ms');
figures.value('fast p99 behind slow', p99(behind), 'ms');
figures.value('slow messages', SLOW, 'msgs');
figures.value('fast messages', FAST, 'msgs');
figures.ratio('fast p99 behind slow / alone', ratio, { baseline: 'fast p99 with no slow destination', target: '<= 2' });
