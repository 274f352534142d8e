// The least a durable relay must write, for a floor under the SMTP bench's SQLite paths: one row a
// message when it is accepted (its recipient and body) and one update when it is sent, in SQLite
// (better-sqlite3, WAL) with group commits and the WAL synced off the event loop, as the xport
// SQLite store does, but none of its schema, indexes, events or checkpoints. What it costs a message
// is a lower bound on what any SQLite-backed relay pays; the rate it allows, an upper bound.
import { closeSync, fdatasync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Opens a journal in a temporary directory. `accept(id, recipient, body)` and `markSent(id)` resolve
 * when their write is on disk: the writes of one event-loop turn share a transaction, and that
 * transaction's WAL frames are synced (`fdatasync` in libuv's thread pool) before any of them resolves.
 * @param {string} storePackage a package directory whose dependencies include better-sqlite3
 */
export async function openDurableJournal(storePackage) {
  const Database = createRequire(join(storePackage, 'package.json'))('better-sqlite3');
  const dir = await mkdtemp(join(tmpdir(), 'xport-bench-journal-'));
  const path = join(dir, 'journal.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // commits do not sync: the journal syncs the WAL itself, off the event loop
  db.pragma('wal_autocheckpoint = 0'); // no checkpoints at all: cheaper than any store that must keep its WAL short
  db.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, body BLOB NOT NULL, sent_at INTEGER)');
  const insert = db.prepare('INSERT INTO messages (id, recipient, body) VALUES (?, ?, ?)');
  const update = db.prepare('UPDATE messages SET sent_at = ? WHERE id = ?');
  const walFd = openSync(`${path}-wal`, 'r');
  let pending = [];
  let syncing = false;
  let commitScheduled = false;

  const commit = () => {
    commitScheduled = false;
    if (syncing || pending.length === 0) return;
    const batch = pending;
    pending = [];
    db.transaction(() => {
      for (const job of batch) job.write();
    })();
    syncing = true;
    fdatasync(walFd, (error) => {
      syncing = false;
      for (const job of batch) {
        if (error) job.reject(error);
        else job.resolve();
      }
      if (pending.length > 0) scheduleCommit();
    });
  };
  const scheduleCommit = () => {
    if (commitScheduled) return;
    commitScheduled = true;
    setImmediate(commit);
  };
  const durably = (write) =>
    new Promise((resolve, reject) => {
      pending.push({ write, resolve, reject });
      scheduleCommit();
    });

  return {
    accept: (id, recipient, body) => durably(() => insert.run(id, recipient, body)),
    markSent: (id) => durably(() => update.run(Date.now(), id)),
    async close() {
      closeSync(walFd);
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
