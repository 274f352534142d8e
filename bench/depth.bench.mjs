// Cost with a deep queue. Run after `pnpm build`: `node bench/depth.bench.mjs` (or `pnpm bench depth`).
// For the SQLite and the PostgreSQL store, with 1,000 / 100,000 / 1,000,000 recipients already queued
// (deferred a year into the future, so they sit in the indexes; written with bulk SQL, not submit):
//  1. submit → claim → complete of FRESH one-recipient messages (claims of one provider, as the
//     spooler makes them): the rate at each depth as a ratio to the rate at the smallest (target
//     ≥ 0.8× at 1,000,000), and the duration of each claim that leased fresh work, p50 / p99. The
//     depths are filled first, then measured in interleaved rounds (medians), so the machine's drift
//     does not land on one depth;
//  2. the reads a deep queue must not slow down: counts() (what `xport status` shows), the first page
//     of listQueue() (`xport queue`), nextWakeAt() and getMessage(); on SQLite also `xport status`
//     and `xport queue` as whole CLI processes (Node's start-up included), target < 1 s;
//  3. on the SQLite store at the deepest depth: a real daemon (`xport start`, loopback transport) on
//     that queue, its peak RSS (VmHWM, target < 250 MB) once it has delivered FRESH messages submitted
//     beside it, and the CLI run beside it.
// XPORT_BENCH_DEPTHS (comma-separated, default 1000,100000,1000000), XPORT_BENCH_FRESH (default 2,000),
// XPORT_BENCH_ROUNDS (default 3) and XPORT_BENCH_STORES (default sqlite,postgres) size a run; `--quick`
// is 1000,20000 with 300 fresh and one round.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '../packages/store-sqlite/dist/index.js';
import { createPostgresStore } from '../packages/store-postgres/dist/index.js';
import { benchFigures } from './figures.mjs';

const quick = process.argv.includes('--quick');
const DEPTHS = (process.env.XPORT_BENCH_DEPTHS ?? (quick ? '1000,20000' : '1000,100000,1000000')).split(',').map(Number);
const FRESH = Number(process.env.XPORT_BENCH_FRESH ?? (quick ? 300 : 2_000));
const ROUNDS = Number(process.env.XPORT_BENCH_ROUNDS ?? (quick ? 1 : 3));
const STORES = (process.env.XPORT_BENCH_STORES ?? 'sqlite,postgres').split(',');
const PROVIDER = 'loopback';
// The queued recipients wait for a transport that is not running here. A daemon makes every deferred
// recipient of a transport due when the transport comes back from an outage (store-and-forward), so a
// deep queue of its own transport would be one million sends at its first outage, not a queue at rest. The claims' cost does not
// depend on it: they walk the due index up to now, and the filler is due a year ahead either way.
const PARKED = 'parked';
const SUBMIT_WINDOW = 50;
const CLAIM_BATCH = 50;
const CLAIMERS = 2;
const FILL_BATCH = 100_000;
const YEAR_MS = 365 * 24 * 3_600_000;
const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));
const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
const figures = benchFigures(import.meta.url);
const envelope = { subject: 'depth', from: { type: 'loopback', address: 'bench@depth' }, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false };

function request(n, now) {
  return {
    envelope,
    recipients: [{ recipient: { type: 'loopback', address: `fresh${n}@depth` }, role: 'to', provider: PROVIDER }],
    parts: [{ kind: 'text', contentType: 'text/plain', content: `fresh message ${n}` }],
    submittedAt: now,
    expiresAt: now + 2 * YEAR_MS,
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** FRESH messages submitted (a window at a time) while claimers lease and complete them: the rate and the claim durations. */
async function flow(store) {
  const claimMs = [];
  let submitted = 0;
  let done = 0;
  let allSubmitted = false;
  const start = performance.now();
  const submitter = async () => {
    while (submitted < FRESH) await store.submit(request(submitted++, Date.now()));
  };
  const claimer = async (i) => {
    while (done < FRESH) {
      const t = performance.now();
      const claims = await store.claim({ owner: `depth-${i}`, limit: CLAIM_BATCH, leaseMs: 600_000, now: Date.now(), providers: [PROVIDER] });
      if (claims.length === 0) {
        // Nothing due yet: wait for the next submit rather than spin (the store's work signal).
        if (!allSubmitted) await new Promise((resolve) => { const off = store.onWork(() => { off(); resolve(); }); setTimeout(() => { off(); resolve(); }, 5); });
        continue;
      }
      claimMs.push(performance.now() - t);
      await Promise.all(claims.map((c) => store.complete({ ...c, result: { state: 'delivered' } })));
      done += claims.length;
    }
  };
  const submitting = Promise.all(Array.from({ length: SUBMIT_WINDOW }, submitter)).then(() => (allSubmitted = true));
  await Promise.all([submitting, ...Array.from({ length: CLAIMERS }, (_, i) => claimer(i))]);
  const seconds = (performance.now() - start) / 1000;
  claimMs.sort((a, b) => a - b);
  return { rate: FRESH / seconds, p50: percentile(claimMs, 50), p99: percentile(claimMs, 99) };
}

/** Milliseconds of one call (the best of three: the figure is the read's cost, not the machine's noise). */
async function timed(call) {
  let best = Infinity;
  let result;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    result = await call();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, result };
}

async function reads_(store, depth) {
  const counts = await timed(() => store.counts());
  const waiting = counts.result.byState.deferred + counts.result.byState.queued;
  if (waiting !== depth) throw new Error(`counts() says ${waiting} waiting, ${depth} were queued`);
  const page = await timed(() => store.listQueue({ limit: 100 }));
  if (page.result.length !== Math.min(100, depth)) throw new Error(`listQueue({ limit: 100 }) returned ${page.result.length} messages`);
  const wake = await timed(() => store.nextWakeAt());
  const one = await timed(() => store.getMessage(page.result[0].id));
  return { counts: counts.ms, listQueue: page.ms, nextWakeAt: wake.ms, getMessage: one.ms };
}

// ---------------------------------------------------------------- bulk fill, one per store
// The filler copies the envelope, parts and recipient shape of one message written through submit
// (so every filler row decodes as that one does), a year ahead and deferred once.

async function fillSqlite(path, depth) {
  const require = createRequire(new URL('../packages/store-sqlite/package.json', import.meta.url));
  const Database = require('better-sqlite3');
  const seed = createSqliteStore({ path, sentRetentionDays: 0 });
  await seed.open();
  const now = Date.now();
  const { messageId } = await seed.submit(request('seed', now));
  await seed.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const template = db.prepare('SELECT seq, envelope, parts FROM messages WHERE id = ?').get(messageId);
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('recipients').map((c) => c.name);
  const destination = columns.includes('destination') ? ', destination' : '';
  const insertMessages = db.prepare(
    `WITH RECURSIVE g(n) AS (SELECT @from UNION ALL SELECT n + 1 FROM g WHERE n < @to)
     INSERT INTO messages (id, envelope, parts, size, submitted_at, expires_at, open_recipients)
     SELECT 'fill-' || n, @envelope, @parts, 0, @now, @expires, 1 FROM g`,
  );
  const insertRecipients = db.prepare(
    `INSERT INTO recipients (message_seq, idx, recipient, role, provider, state, attempts, next_attempt_at, due_at, updated_at${destination})
     SELECT seq, 0, json_object('type', 'loopback', 'address', 'filler' || seq || '@depth'), 'to', @provider, 'deferred', 1, @due + seq, @due + seq, @now${destination ? ", 'loopback'" : ''}
     FROM messages WHERE seq > @after`,
  );
  // The seed leaves the queue: the depth is the filler alone.
  db.prepare("UPDATE recipients SET state = 'delivered', due_at = NULL, next_attempt_at = NULL WHERE message_seq = ?").run(template.seq);
  db.prepare('UPDATE messages SET open_recipients = 0, finished_at = ? WHERE seq = ?').run(now, template.seq);
  for (let from = 1; from <= depth; from += FILL_BATCH) {
    db.transaction(() => {
      const after = db.prepare('SELECT max(seq) AS seq FROM messages').get().seq;
      insertMessages.run({ from, to: Math.min(depth, from + FILL_BATCH - 1), envelope: template.envelope, parts: template.parts, now, expires: now + 2 * YEAR_MS });
      insertRecipients.run({ after, provider: PARKED, due: now + YEAR_MS, now });
    })();
  }
  db.pragma('optimize');
  db.close();
}

async function fillPostgres(pool, url, schema, depth) {
  const seed = createPostgresStore({ connectionString: url, schema, poolSize: 2 });
  await seed.open();
  const now = Date.now();
  const { messageId } = await seed.submit(request('seed', now));
  await seed.close();
  const s = `"${schema}"`;
  const { rows: [template] } = await pool.query(`SELECT seq, envelope, parts FROM ${s}.messages WHERE id = $1`, [messageId]);
  const { rows: columns } = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'recipients'`, [schema]);
  const destination = columns.some((c) => c.column_name === 'destination') ? ', destination' : '';
  await pool.query(`UPDATE ${s}.recipients SET state = 'delivered', due_at = NULL, next_attempt_at = NULL WHERE message_seq = $1`, [template.seq]);
  await pool.query(`UPDATE ${s}.messages SET open_recipients = 0, finished_at = $1 WHERE seq = $2`, [now, template.seq]);
  for (let from = 1; from <= depth; from += FILL_BATCH) {
    const to = Math.min(depth, from + FILL_BATCH - 1);
    await pool.query(
      `WITH m AS (
         INSERT INTO ${s}.messages (id, envelope, parts, size, submitted_at, expires_at, open_recipients)
         SELECT 'fill-' || g, $3, $4, 0, $5, $6, 1 FROM generate_series($1::int, $2::int) g RETURNING seq
       )
       INSERT INTO ${s}.recipients (message_seq, idx, recipient, role, provider, state, attempts, next_attempt_at, due_at, updated_at${destination})
       SELECT seq, 0, jsonb_build_object('type', 'loopback', 'address', 'filler' || seq || '@depth'), 'to', $7, 'deferred', 1, $8 + seq, $8 + seq, $5${destination ? ", 'loopback'" : ''}
       FROM m`,
      [from, to, template.envelope, JSON.stringify(template.parts), now, now + 2 * YEAR_MS, PARKED, now + YEAR_MS],
    );
  }
  // A queue this deep has been autovacuumed in a running system: statistics and the visibility map as it would find them.
  await pool.query(`VACUUM ANALYZE ${s}.messages`);
  await pool.query(`VACUUM ANALYZE ${s}.recipients`);
}

// ---------------------------------------------------------------- the daemon at depth (SQLite)

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const CPU_HOOK = new URL('./process-cpu.mjs', import.meta.url).href;

/**
 * `xport <args>` as a whole process, three times: the best wall-clock milliseconds (like the reads
 * above), the best CPU milliseconds the process used (user + system: what the wall clock comes to on
 * an idle machine, where this machine's other work does not wait in it), and every run's wall clock.
 */
function cliMs(root, args) {
  return processMs([BIN, '--root', root, ...args], `xport ${args.join(' ')}`);
}

/**
 * The baseline of the CLI figures, measured beside them: a Node process that runs nothing (\`node -e ""\`),
 * its start-up and exit alone. The ratio of CPU times says what the CLI costs beyond Node's own
 * start-up, whatever the machine's load.
 */
function bareNodeMs() {
  return processMs(['-e', ''], 'node -e ""');
}

function processMs(argv, what) {
  const runs = [];
  const cpus = [];
  const cpuFile = join(tmpdir(), `xport-bench-depth-cpu-${process.pid}`);
  let stdout = '';
  try {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const run = spawnSync(process.execPath, ['--import', CPU_HOOK, ...argv], { encoding: 'utf8', env: { ...process.env, XPORT_BENCH_CPU_FILE: cpuFile } });
      runs.push(performance.now() - t);
      if (run.status !== 0) throw new Error(`${what} exited with ${run.status}: ${run.stderr}`);
      cpus.push(Number(readFileSync(cpuFile, 'utf8')));
      stdout = run.stdout;
    }
  } finally {
    rmSync(cpuFile, { force: true });
  }
  return { ms: Math.min(...runs), cpuMs: Math.min(...cpus), runs, stdout };
}

/** An application root like an integrator's: node_modules links the built loopback and SQLite packages. */
function createDaemonApp() {
  const root = mkdtempSync(join(tmpdir(), 'xport-bench-depth-app-'));
  mkdirSync(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of ['provider-loopback', 'store-sqlite']) symlinkSync(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
  return root;
}

function writeDaemonConfig(root, path) {
  const config = {
    store: { provider: 'store-sqlite' },
    transportOrder: ['loopback'],
    providers: { 'store-sqlite': { config: { path, sentRetentionDays: 0 } }, loopback: { config: {} } },
    spooler: { pollMs: 1000 },
  };
  writeFileSync(join(root, 'xport.config.json'), JSON.stringify(config, null, 2));
}

async function daemonAtDepth(root, path, depth) {
  rmSync(join(root, '.xport'), { recursive: true, force: true });
  const child = spawn(process.execPath, [BIN, '--root', root, 'start', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => (log.length < 20_000 ? (log += String(chunk)) : undefined));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    while (!existsSync(join(root, '.xport', 'daemon.json'))) {
      if (child.exitCode !== null) throw new Error(`the daemon exited before it ran:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Fresh work beside the deep queue, submitted from this process: the daemon delivers it.
    const store = createSqliteStore({ path, sentRetentionDays: 0 });
    await store.open();
    try {
      for (let n = 0; n < FRESH; n++) await store.submit(request(`daemon${n}`, Date.now()));
      for (;;) {
        const { byState } = await store.counts();
        if (byState.queued + byState['in-flight'] === 0) break;
        if (child.exitCode !== null) throw new Error(`the daemon exited:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await store.close();
    }
    const rss = peakRssMb(child.pid);
    const status = cliMs(root, ['status']);
    const queue = cliMs(root, ['queue']);
    const bare = bareNodeMs();
    console.log(`   daemon (xport start, loopback) with ${depth.toLocaleString('en')} queued, after delivering ${FRESH} fresh: peak RSS ${rss.toFixed(0)} MB (target < 250 MB)`);
    console.log(
      `   beside it: xport status ${status.ms.toFixed(0)} ms (CPU ${status.cpuMs.toFixed(0)} ms), xport queue ${queue.ms.toFixed(0)} ms (CPU ${queue.cpuMs.toFixed(0)} ms)` +
        ` (whole CLI processes, Node's start-up included, best of ${status.runs.map((ms) => ms.toFixed(0)).join(' / ')} and ${queue.runs.map((ms) => ms.toFixed(0)).join(' / ')}; target < 1 s each)` +
        `; a bare Node process ${bare.ms.toFixed(0)} ms (CPU ${bare.cpuMs.toFixed(0)} ms)`,
    );
    figures.value(`sqlite: daemon peak RSS at ${depth}`, rss, 'MB');
    figures.value(`sqlite: xport status beside the daemon at ${depth}`, status.ms, 'ms');
    figures.value(`sqlite: xport queue beside the daemon at ${depth}`, queue.ms, 'ms');
    figures.value(`sqlite: xport status CPU beside the daemon at ${depth}`, status.cpuMs, 'ms');
    figures.value(`sqlite: xport queue CPU beside the daemon at ${depth}`, queue.cpuMs, 'ms');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------- main
// Every depth is filled first; then ROUNDS rounds each run the flow once at every depth, in turn,
// and the figure is each depth's median: on a shared machine whose speed drifts by the minute, a
// depth measured after another would carry the drift in its ratio (the rounds interleave it away).

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(name, depth, measured, base) {
  const r = measured.rate / base.rate;
  console.log(
    `   ${String(depth.toLocaleString('en')).padStart(10)} queued: ${measured.rate.toFixed(0).padStart(6)} msgs/s (${r.toFixed(2)}× the rate at ${DEPTHS[0].toLocaleString('en')}; rounds ${measured.rates.map((x) => x.toFixed(0)).join(', ')})` +
      `   claim p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(2)} ms`,
  );
  console.log(
    `   ${''.padStart(10)}         counts ${measured.reads.counts.toFixed(1)} ms, listQueue(100) ${measured.reads.listQueue.toFixed(1)} ms, nextWakeAt ${measured.reads.nextWakeAt.toFixed(2)} ms, getMessage ${measured.reads.getMessage.toFixed(2)} ms` +
      (measured.cli
        ? `; xport status ${measured.cli.status.ms.toFixed(0)} ms (CPU ${measured.cli.status.cpuMs.toFixed(0)} ms), xport queue ${measured.cli.queue.ms.toFixed(0)} ms (CPU ${measured.cli.queue.cpuMs.toFixed(0)} ms) (whole CLI processes, best of three; target < 1 s)` +
          `; a bare Node process ${measured.cli.bare.ms.toFixed(0)} ms (CPU ${measured.cli.bare.cpuMs.toFixed(0)} ms): status ${(measured.cli.status.cpuMs / measured.cli.bare.cpuMs).toFixed(1)}×, queue ${(measured.cli.queue.cpuMs / measured.cli.bare.cpuMs).toFixed(1)}× its CPU`
        : ''),
  );
  figures.value(`${name}: rate at ${depth}`, measured.rate, 'msgs/s');
  figures.value(`${name}: claim p50 at ${depth}`, measured.p50, 'ms');
  figures.value(`${name}: claim p99 at ${depth}`, measured.p99, 'ms');
  for (const [read, ms] of Object.entries(measured.reads)) figures.value(`${name}: ${read} at ${depth}`, ms, 'ms');
  if (measured.cli) {
    const { bare, ...commands } = measured.cli;
    figures.value(`${name}: bare node process beside the CLI at ${depth}`, bare.ms, 'ms');
    figures.value(`${name}: bare node process CPU beside the CLI at ${depth}`, bare.cpuMs, 'ms');
    for (const [command, { ms, cpuMs }] of Object.entries(commands)) {
      figures.value(`${name}: xport ${command} at ${depth}`, ms, 'ms');
      figures.value(`${name}: xport ${command} CPU at ${depth}`, cpuMs, 'ms');
      // CPU, not the wall clock: the two are measured moments apart, and on a loaded machine the wall clock of each swings with the load.
      figures.ratio(`${name}: xport ${command} CPU at ${depth} / a bare node process`, cpuMs / bare.cpuMs, { baseline: 'the CPU time of node -e "" as a whole process, best of three, same run' });
    }
  }
  if (depth !== DEPTHS[0]) figures.ratio(`${name}: rate at ${depth} / at ${DEPTHS[0]}`, r, { baseline: `the rate at ${DEPTHS[0]} queued, same run, interleaved rounds`, ...(depth >= 1_000_000 ? { target: '>= 0.8' } : {}) });
}

/** The interleaved rounds over stores already filled (`open(depth)` opens one); each depth's medians and its reads. */
async function measureDepths(name, open, cliAt) {
  const runs = DEPTHS.map(() => ({ rates: [], p50s: [], p99s: [] }));
  for (let round = 0; round <= ROUNDS; round++) {
    for (let i = 0; i < DEPTHS.length; i++) {
      const store = await open(DEPTHS[i]);
      try {
        const measured = await flow(store);
        // Round 0 warms the JIT and each store's caches up: not counted.
        if (round > 0) {
          runs[i].rates.push(measured.rate);
          runs[i].p50s.push(measured.p50);
          runs[i].p99s.push(measured.p99);
        }
      } finally {
        await store.close();
      }
    }
  }
  let base;
  for (let i = 0; i < DEPTHS.length; i++) {
    const store = await open(DEPTHS[i]);
    let reads;
    try {
      reads = await reads_(store, DEPTHS[i]);
    } finally {
      await store.close();
    }
    const measured = { rate: median(runs[i].rates), rates: runs[i].rates, p50: median(runs[i].p50s), p99: median(runs[i].p99s), reads, ...(cliAt ? { cli: cliAt(DEPTHS[i]) } : {}) };
    base ??= measured;
    report(name, DEPTHS[i], measured, base);
  }
}

async function runSqlite() {
  console.log(`sqlite store (synchronous FULL): ${FRESH} fresh messages through submit → claim (${CLAIMERS} claimers, batches of ${CLAIM_BATCH}) → complete, ${ROUNDS} interleaved rounds`);
  const dir = mkdtempSync(join(tmpdir(), 'xport-bench-depth-'));
  const pathOf = (depth) => join(dir, `depth-${depth}.db`);
  try {
    for (const depth of DEPTHS) await fillSqlite(pathOf(depth), depth);
    const open = async (depth) => {
      const store = createSqliteStore({ path: pathOf(depth), sentRetentionDays: 0 });
      await store.open();
      return store;
    };
    const app = createDaemonApp(pathOf(DEPTHS.at(-1)));
    try {
      await measureDepths('sqlite', open, (depth) => {
        writeDaemonConfig(app, pathOf(depth));
        return { status: cliMs(app, ['status']), queue: cliMs(app, ['queue']), bare: bareNodeMs() };
      });
      writeDaemonConfig(app, pathOf(DEPTHS.at(-1)));
      await daemonAtDepth(app, pathOf(DEPTHS.at(-1)), DEPTHS.at(-1));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres() {
  const { findOrStartTestPostgres } = await import('../test/support/postgres/test-postgres.mjs');
  const server = await findOrStartTestPostgres({ log: (line) => console.log(line) });
  const require = createRequire(new URL('../packages/store-postgres/package.json', import.meta.url));
  const pg = require('pg');
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  const run = randomBytes(4).toString('hex');
  const schemaOf = (depth) => `xport_bench_depth_${run}_${depth}`;
  console.log(`postgres store (${server.description}): the same flow, ${ROUNDS} interleaved rounds`);
  try {
    for (const depth of DEPTHS) await fillPostgres(pool, server.url, schemaOf(depth), depth);
    await measureDepths('postgres', async (depth) => {
      const store = createPostgresStore({ connectionString: server.url, schema: schemaOf(depth), poolSize: 10 });
      await store.open();
      return store;
    });
  } finally {
    for (const depth of DEPTHS) await pool.query(`DROP SCHEMA IF EXISTS "${schemaOf(depth)}" CASCADE`);
    await pool.end();
    await server.release();
  }
}

console.log(`depths: ${DEPTHS.map((d) => d.toLocaleString('en')).join(' / ')} recipients queued (deferred a year ahead)`);
if (STORES.includes('sqlite')) await runSqlite();
if (STORES.includes('postgres')) await runPostgres();
