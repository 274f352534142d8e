// PostgreSQL store throughput and multi-process scaling. Run after `pnpm build`:
// `node bench/postgres.bench.mjs` (or `pnpm bench postgres`). Needs a PostgreSQL at XPORT_TEST_PG_URL
// (default postgres://postgres@127.0.0.1:5432/test); everything goes in a fresh schema, dropped at the end.
//  1. submit → claim → complete of 5,000 one-recipient messages through the store, against plain `pg`
//     queries doing the equivalent enqueue / SKIP LOCKED claim / complete, batched by 100, same run.
//  2. 1, 2 and 3 worker processes draining 3,000 messages: claim → "send" (5 ms timer: I/O wait,
//     not CPU) → complete, 4 sends in flight per worker. Reports msgs/s and the 2-vs-1 and 3-vs-1 ratios.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPostgresStore } from '../packages/store-postgres/dist/index.js';

const require = createRequire(new URL('../packages/store-postgres/package.json', import.meta.url));
const pg = require('pg');

const URL_ = process.env.XPORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MESSAGES = 5_000;
const BATCH = 100;
const SCALING_MESSAGES = 3_000;
const SEND_MS = 5;
const SENDS_IN_FLIGHT = 4;
const envelope = { subject: 'bench', headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false };
const body = 'x'.repeat(512);

function request(n) {
  return {
    envelope,
    recipients: [{ recipient: { type: 'bench', address: `r${n}` }, role: 'to', provider: 'p1' }],
    parts: [{ kind: 'text', contentType: 'text/plain', content: body }],
    submittedAt: 1000,
    expiresAt: 1_000_000_000,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- worker process (scaling runs)
if (process.argv[2] === '--worker') {
  const [, , , schema, name] = process.argv;
  const store = createPostgresStore({ connectionString: URL_, schema, poolSize: SENDS_IN_FLIGHT + 1, applicationName: `xport-bench-${name}` });
  await store.open();
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
  let sent = 0;
  const lane = async () => {
    for (;;) {
      const [claim] = await store.claim({ owner: name, limit: 1, leaseMs: 60_000, now: Date.now() });
      if (!claim) return;
      await sleep(SEND_MS);
      await store.complete({ ...claim, result: { state: 'delivered' }, now: Date.now() });
      sent += 1;
    }
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, lane));
  process.stdout.write(`done ${sent}\n`);
  await store.close();
  process.exit(0);
}

// ---------------------------------------------------------------- 1. raw pg vs the store
async function rawRun(pool, schema) {
  const t = `"${schema}".raw_queue`;
  await pool.query(`CREATE TABLE ${t} (id BIGSERIAL PRIMARY KEY, recipient TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL,
    lease TEXT, due BIGINT NOT NULL)`);
  await pool.query(`CREATE INDEX ON ${t} (due, id) WHERE state = 'queued'`);
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i += BATCH) {
    const n = Math.min(BATCH, MESSAGES - i);
    await pool.query(`INSERT INTO ${t} (recipient, body, state, due) SELECT 'r' || g, $1, 'queued', 1000 FROM generate_series(1, $2) g`, [body, n]);
  }
  let done = 0;
  for (;;) {
    const { rows } = await pool.query(
      `UPDATE ${t} SET state = 'in-flight', lease = gen_random_uuid()::text WHERE id IN (
         SELECT id FROM ${t} WHERE state = 'queued' AND due <= 2000 ORDER BY due, id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id`,
      [BATCH],
    );
    if (rows.length === 0) break;
    await pool.query(`UPDATE ${t} SET state = 'delivered', lease = NULL WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
    done += rows.length;
  }
  return { done, seconds: (performance.now() - start) / 1000 };
}

async function storeRun(schema) {
  const store = createPostgresStore({ connectionString: URL_, schema, poolSize: 10 });
  await store.open();
  const start = performance.now();
  let next = 0;
  const submitter = async () => {
    while (next < MESSAGES) await store.submit(request(next++));
  };
  await Promise.all(Array.from({ length: BATCH }, submitter));
  let done = 0;
  for (;;) {
    const claims = await store.claim({ owner: 'bench', limit: BATCH, leaseMs: 600_000, now: 2000 });
    if (claims.length === 0) break;
    await Promise.all(claims.map((c) => store.complete({ ...c, result: { state: 'delivered' }, now: 2001 })));
    done += claims.length;
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return { done, seconds };
}

// ---------------------------------------------------------------- 2. scaling over worker processes
async function fill(schema, count) {
  const store = createPostgresStore({ connectionString: URL_, schema, poolSize: 10 });
  await store.open();
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < count) await store.submit(request(next++));
  }));
  await store.close();
}

async function scalingRun(schema, workers) {
  await fill(schema, SCALING_MESSAGES);
  const children = Array.from({ length: workers }, (_, i) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', schema, `w${workers}-${i}`], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise((resolve) => lines.once('line', resolve));
    const done = new Promise((resolve) => lines.on('line', (line) => line.startsWith('done') && resolve(Number(line.split(' ')[1]))));
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const start = performance.now();
  for (const c of children) c.child.stdin.write('go\n');
  const counts = await Promise.all(children.map((c) => c.done));
  const seconds = (performance.now() - start) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== SCALING_MESSAGES) throw new Error(`scaling run with ${workers} worker(s) sent ${total}, expected ${SCALING_MESSAGES}`);
  return { rate: total / seconds, counts, seconds };
}

// ---------------------------------------------------------------- main
const schema = `xport_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Pool({ connectionString: URL_, max: 2 });
await admin.query(`CREATE SCHEMA "${schema}"`);
try {
  const raw = await rawRun(admin, schema);
  const stored = await storeRun(schema);
  const rawRate = raw.done / raw.seconds;
  const storeRate = stored.done / stored.seconds;
  console.log(`1) enqueue → claim → complete, ${MESSAGES} messages`);
  console.log(`   raw pg (batches of ${BATCH}):        ${rawRate.toFixed(0).padStart(7)} msgs/s  (${raw.seconds.toFixed(2)} s)`);
  console.log(`   store submit/claim/complete:     ${storeRate.toFixed(0).padStart(7)} msgs/s  (${stored.seconds.toFixed(2)} s)`);
  console.log(`   store / raw:                     ${(storeRate / rawRate).toFixed(2)}×`);

  console.log(`2) scaling: ${SCALING_MESSAGES} messages, send = ${SEND_MS} ms wait, ${SENDS_IN_FLIGHT} sends in flight per worker`);
  const rates = {};
  for (const workers of [1, 2, 3]) {
    const run = await scalingRun(schema, workers);
    rates[workers] = run.rate;
    console.log(`   ${workers} worker(s): ${run.rate.toFixed(0).padStart(6)} msgs/s  (${run.seconds.toFixed(2)} s; per worker ${run.counts.join(', ')})`);
  }
  console.log(`   2 vs 1: ${(rates[2] / rates[1]).toFixed(2)}×   3 vs 1: ${(rates[3] / rates[1]).toFixed(2)}× (target ≥ 2.5×)`);
} finally {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
}
