// Spooler throughput. Run after `pnpm build`: `node bench/spooler.bench.mjs` (or `pnpm bench spooler`).
// submit → route → loopback → inbound → inbox of 20,000 one-recipient messages through a real
// kernel (a temp app whose node_modules links provider-loopback and the store; found by manifest),
// on the SQLite store and on the memory store, against the store-only baseline (submit → claim →
// complete of the same count directly on the same store type), all measured in this run, each
// after an unmeasured warm-up run of its own.
// Submissions keep WINDOW messages in flight, as an integrator feeding the kernel would.
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createKernel } from '../packages/core/dist/index.js';
import { createSqliteStore } from '../packages/store-sqlite/dist/index.js';
import { createMemoryStore } from '../packages/store-memory/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(here, '..', 'packages');
const MESSAGES = Number(process.env.XPORT_BENCH_MESSAGES ?? 20_000);
const WINDOW = 256;
// Loopback is an in-process transport: an integrator running it raises its per-provider limit above
// the default of 8 messages in flight, which would otherwise cap every claim round at 8.
const CONCURRENCY = Number(process.env.XPORT_BENCH_CONCURRENCY ?? 256);
const TEXT = 'hello from the spooler benchmark '.repeat(4);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A temporary app linking the real packages, the way pnpm links workspace dependencies. */
async function createApp(storeId, config) {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-bench-spooler-')));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of ['provider-loopback', storeId]) await symlink(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
  await writeFile(join(root, 'xport.config.json'), JSON.stringify(config, null, 2));
  return root;
}

/** Runs `task(n)` for n in [0, count) with `window` of them in flight. */
async function windowed(count, window, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
}

async function kernelRun(storeId) {
  const root = await createApp(storeId, {
    store: { provider: storeId },
    transportOrder: ['loopback'],
    providers: { loopback: { limits: { concurrency: CONCURRENCY } } },
  });
  const kernel = createKernel({ root, logger: silent });
  try {
    await kernel.start();
    const offline = kernel.status().filter((row) => row.state !== 'online');
    if (offline.length > 0) throw new Error(`not online: ${offline.map((r) => `${r.id}=${r.state}`).join(', ')}`);
    let delivered = 0;
    let resolveAll;
    const all = new Promise((resolve) => (resolveAll = resolve));
    kernel.spooler().on('delivered', () => {
      if (++delivered === MESSAGES) resolveAll();
    });
    const started = performance.now();
    await windowed(MESSAGES, WINDOW, (n) => kernel.submit({ from: 'loopback:bench', to: [`loopback:r${n % 1000}`], subject: `m${n}`, text: TEXT }));
    const submitted = performance.now();
    await all;
    const finished = performance.now();
    const store = kernel.store();
    const counts = await store.counts();
    if (counts.byState.delivered !== MESSAGES) throw new Error(`delivered ${counts.byState.delivered} of ${MESSAGES}`);
    const inbox = await store.listInbox('loopback:r7');
    if (inbox.length !== MESSAGES / 1000) throw new Error(`mailbox loopback:r7 holds ${inbox.length}, expected ${MESSAGES / 1000}`);
    return { total: finished - started, submit: submitted - started };
  } finally {
    await kernel.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** The store alone: submit → claim → complete the same count, as bench/store.bench.mjs does. */
async function storeRun(store) {
  await store.open();
  const envelope = { from: { type: 'loopback', address: 'bench' }, subject: 'bench', headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false };
  const started = performance.now();
  await windowed(MESSAGES, WINDOW, (n) =>
    store.submit({
      envelope,
      recipients: [{ recipient: { type: 'loopback', address: `r${n % 1000}` }, role: 'to', provider: 'loopback' }],
      parts: [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: TEXT }],
      submittedAt: 1000,
      expiresAt: 1_000_000_000,
    }),
  );
  let done = 0;
  await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      for (;;) {
        const claims = await store.claim({ owner: `bench-${i}`, limit: 100, leaseMs: 600_000, now: 2000 });
        if (claims.length === 0) return;
        await Promise.all(claims.map((c) => store.complete({ ...c, result: { state: 'delivered' }, now: 2001 })));
        done += claims.length;
      }
    }),
  );
  const elapsed = performance.now() - started;
  if (done !== MESSAGES) throw new Error(`completed ${done} of ${MESSAGES}`);
  await store.close();
  return elapsed;
}

const rate = (ms) => Math.round((MESSAGES / ms) * 1000);
const dir = await mkdtemp(join(tmpdir(), 'xport-bench-spooler-store-'));
try {
  const rows = [];
  for (const [storeId, makeStore, target] of [
    ['store-sqlite', (name) => createSqliteStore({ path: join(dir, `${name}.db`) }), 5_000],
    ['store-memory', () => createMemoryStore(), 50_000],
  ].filter(([id]) => (process.env.XPORT_BENCH_STORE ?? id) === id)) {
    // Warm-up: both paths once in full, unmeasured (the JIT keeps improving a path over its first
    // thousands of messages; a path measured cold would be compared with one measured warm).
    await storeRun(makeStore('warm-up'));
    await kernelRun(storeId);
    const baselineMs = await storeRun(makeStore('baseline'));
    const run = await kernelRun(storeId);
    rows.push({ storeId, target, kernel: rate(run.total), submitOnly: rate(run.submit), baseline: rate(baselineMs) });
  }
  for (const r of rows) {
    console.log(
      `${r.storeId}: ${r.kernel} msgs/s through the kernel (submit → loopback → inbox, ${MESSAGES} messages, ${WINDOW} submits in flight, providers.loopback.limits.concurrency ${CONCURRENCY}; submits alone ${r.submitOnly} msgs/s)` +
        ` | store-only baseline ${r.baseline} msgs/s | ratio ${(r.kernel / r.baseline).toFixed(2)} | target >= ${r.target} msgs/s`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
