// Store throughput and memory. Run after `pnpm build`: `node bench/store.bench.mjs` (or `pnpm bench store`).
//  1. submit → claim → complete of 20,000 one-recipient messages on the SQLite store, against raw
//     better-sqlite3 doing the equivalent inserts/updates in one transaction per 100 rows, same run.
//  2. peak RSS with 100,000 messages of 2 KB queued, then claimed and completed in batches (own process).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createSqliteStore } from '../packages/store-sqlite/dist/index.js';
import { createMemoryStore } from '../packages/store-memory/dist/index.js';
import { benchFigures } from './figures.mjs';

const require = createRequire(new URL('../packages/store-sqlite/package.json', import.meta.url));
const Database = require('better-sqlite3');

const MESSAGES = 20_000;
const SUBMIT_WINDOW = 1_000;
const CLAIM_BATCH = 100;
const CLAIMERS = 4;
const envelope = { subject: 'bench', headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false };

function request(n, body) {
  return {
    envelope,
    recipients: [{ recipient: { type: 'bench', address: `r${n}` }, role: 'to', provider: 'p1' }],
    parts: [{ kind: 'text', contentType: 'text/plain', content: body }],
    submittedAt: 1000,
    expiresAt: 1_000_000_000,
  };
}

/** Keeps `window` submits in flight so group commit can batch them. */
async function submitAll(store, count, body) {
  let next = 0;
  const worker = async () => {
    while (next < count) await store.submit(request(next++, body));
  };
  await Promise.all(Array.from({ length: SUBMIT_WINDOW }, worker));
}

/** Claimers in parallel, each claiming a batch and completing it concurrently, until the queue is empty. */
async function drain(store, onBatch = () => {}) {
  let done = 0;
  const claimer = async (i) => {
    for (;;) {
      const claims = await store.claim({ owner: `bench-${i}`, limit: CLAIM_BATCH, leaseMs: 600_000, now: 2000 });
      if (claims.length === 0) return;
      await Promise.all(claims.map((c) => store.complete({ ...c, result: { state: 'delivered' }, now: 2001 })));
      done += claims.length;
      onBatch();
    }
  };
  await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => claimer(i)));
  return done;
}

async function storeRun(store, count) {
  await store.open();
  const started = performance.now();
  await submitAll(store, count, 'hello from the store benchmark '.repeat(4));
  const submitted = performance.now();
  const delivered = await drain(store);
  const finished = performance.now();
  if (delivered !== count) throw new Error(`delivered ${delivered} of ${count}`);
  await store.close();
  return { total: finished - started, submit: submitted - started, drain: finished - submitted };
}

/** The same rows a store writes per message, by hand: 100 messages per transaction, per phase. */
function rawBaseline(path, count) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, envelope TEXT, parts TEXT, finished_at INTEGER, open_recipients INTEGER);
    CREATE TABLE recipients (message_seq INTEGER, idx INTEGER, recipient TEXT, state TEXT, due_at INTEGER, lease_id TEXT, PRIMARY KEY (message_seq, idx)) WITHOUT ROWID;
    CREATE INDEX recipients_due ON recipients (due_at, message_seq, idx) WHERE due_at IS NOT NULL;
    CREATE TABLE parts (id TEXT PRIMARY KEY, owner TEXT); CREATE TABLE part_chunks (part_id TEXT, seq INTEGER, data BLOB, PRIMARY KEY (part_id, seq));`);
  const insertMessage = db.prepare('INSERT INTO messages (id, envelope, parts, open_recipients) VALUES (?, ?, ?, 1)');
  const insertRecipient = db.prepare("INSERT INTO recipients VALUES (?, 0, ?, 'queued', 1000, NULL)");
  const insertPart = db.prepare('INSERT INTO parts VALUES (?, ?)');
  const insertChunk = db.prepare('INSERT INTO part_chunks VALUES (?, 0, ?)');
  const lease = db.prepare("UPDATE recipients SET state = 'in-flight', lease_id = ?, due_at = 9e15 WHERE message_seq = ? AND idx = 0");
  const complete = db.prepare("UPDATE recipients SET state = 'delivered', lease_id = NULL, due_at = NULL WHERE message_seq = ? AND idx = 0");
  const finish = db.prepare('UPDATE messages SET open_recipients = 0, finished_at = 2001 WHERE seq = ?');
  const body = Buffer.from('hello from the store benchmark '.repeat(4));
  const envelopeJson = JSON.stringify(envelope);
  const started = performance.now();
  for (let from = 0; from < count; from += 100) {
    db.transaction(() => {
      for (let n = from; n < from + 100; n += 1) {
        const id = `m${n}`;
        const { lastInsertRowid } = insertMessage.run(id, envelopeJson, '[]');
        insertRecipient.run(lastInsertRowid, JSON.stringify({ type: 'bench', address: `r${n}` }));
        insertPart.run(`p${n}`, id);
        insertChunk.run(`p${n}`, body);
      }
    })();
  }
  for (let from = 1; from <= count; from += 100) {
    db.transaction(() => {
      for (let seq = from; seq < from + 100; seq += 1) lease.run(`l${seq}`, seq);
    })();
    db.transaction(() => {
      for (let seq = from; seq < from + 100; seq += 1) {
        complete.run(seq);
        finish.run(seq);
      }
    })();
  }
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

const figures = benchFigures(import.meta.url);

async function throughput() {
  const dir = mkdtempSync(join(tmpdir(), 'xport-bench-'));
  try {
    const rawMs = rawBaseline(join(dir, 'raw.db'), MESSAGES);
    const sqlite = await storeRun(createSqliteStore({ path: join(dir, 'store.db') }), MESSAGES);
    const memory = await storeRun(createMemoryStore(), MESSAGES);
    const rate = (ms) => Math.round((MESSAGES / ms) * 1000);
    console.log(`sqlite store: ${rate(sqlite.total)} msgs/s (submit ${Math.round(sqlite.submit)} ms, claim+complete ${Math.round(sqlite.drain)} ms, ${MESSAGES} messages, synchronous=FULL)`);
    console.log(`raw better-sqlite3 baseline: ${rate(rawMs)} ops/s (same rows, one transaction per 100, synchronous=FULL)`);
    console.log(`ratio: ${(rate(sqlite.total) / rate(rawMs)).toFixed(2)} (target >= 10000 msgs/s end to end)`);
    console.log(`memory store: ${rate(memory.total)} msgs/s (reference)`);
    figures.value('sqlite store submit + claim + complete', rate(sqlite.total), 'msgs/s');
    figures.value('raw better-sqlite3', rate(rawMs), 'ops/s');
    figures.value('memory store submit + claim + complete', rate(memory.total), 'msgs/s');
    figures.ratio('sqlite store / raw better-sqlite3', rate(sqlite.total) / rate(rawMs), { baseline: 'raw better-sqlite3, same rows', target: 'sqlite store >= 10000 msgs/s' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function peakRss() {
  const dir = mkdtempSync(join(tmpdir(), 'xport-bench-rss-'));
  const count = 100_000;
  try {
    const store = createSqliteStore({ path: join(dir, 'store.db'), synchronous: 'NORMAL' });
    await store.open();
    const body = 'x'.repeat(2048);
    let sampled = process.memoryUsage().rss;
    const sample = () => {
      sampled = Math.max(sampled, process.memoryUsage().rss);
    };
    const timer = setInterval(sample, 20);
    await submitAll(store, count, body);
    sample();
    const delivered = await drain(store, sample);
    clearInterval(timer);
    await store.close();
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    figures.value('peak RSS, 100000 messages queued then drained', maxRssMb, 'MB');
    console.log(`peak RSS: ${Math.round(maxRssMb)} MB (target < 200 MB) — ${count} messages of 2 KB queued, then ${delivered} claimed/completed in batches of ${CLAIM_BATCH}; sampled rss peak ${Math.round(sampled / 1048576)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--rss') {
  await peakRss();
} else {
  await throughput();
  // In a process of its own, so the throughput section does not count towards its peak.
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rss'], { stdio: 'inherit' });
  if (child.status !== 0) process.exit(1);
}
