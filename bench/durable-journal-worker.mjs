// The durable journal (bench/durable-journal.mjs) in a worker thread: the main thread posts each
// event-loop turn's writes as one message, the worker applies them as its own writes, and answers
// with the ids whose writes are on disk, a message per sync. A floor for a store that keeps its
// statements off the sending thread.
import { parentPort, Worker, workerData, isMainThread } from 'node:worker_threads';
import { openDurableJournal } from './durable-journal.mjs';

/**
 * Opens a journal in a worker thread; same `accept` / `markSent` / `close` as openDurableJournal.
 * @param {string} storePackage a package directory whose dependencies include better-sqlite3
 */
export async function openDurableJournalInWorker(storePackage) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { storePackage } });
  await new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', resolve);
  });
  const waiting = new Map();
  let next = 0;
  let outgoing = [];
  worker.on('message', (done) => {
    for (const ticket of done) {
      waiting.get(ticket).resolve();
      waiting.delete(ticket);
    }
  });
  // A write that failed in the worker ends it: every write still waiting fails with its error.
  worker.on('error', (error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  });
  const post = () => {
    const batch = outgoing;
    outgoing = [];
    worker.postMessage(batch);
  };
  const durably = (write) =>
    new Promise((resolve, reject) => {
      const ticket = next++;
      waiting.set(ticket, { resolve, reject });
      if (outgoing.length === 0) setImmediate(post);
      outgoing.push([ticket, ...write]);
    });
  return {
    accept: (id, recipient, body) => durably(['accept', id, recipient, body]),
    markSent: (id) => durably(['sent', id]),
    async close() {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

if (!isMainThread && workerData?.storePackage) {
  const journal = await openDurableJournal(workerData.storePackage);
  let done = [];
  const acknowledge = (ticket) => {
    if (done.length === 0) {
      setImmediate(() => {
        parentPort.postMessage(done);
        done = [];
      });
    }
    done.push(ticket);
  };
  parentPort.on('message', async (batch) => {
    if (batch === 'close') {
      await journal.close();
      process.exit(0);
    }
    for (const [ticket, op, id, recipient, body] of batch) {
      const written = op === 'accept' ? journal.accept(id, recipient, body) : journal.markSent(id);
      written.then(() => acknowledge(ticket)); // a failed write rejects unhandled and ends the worker with its error
    }
  });
  parentPort.postMessage('ready');
}
