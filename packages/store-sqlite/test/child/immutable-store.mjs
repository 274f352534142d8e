// Child process for the shared-memory guard test: holds a store open while the parent makes its
// files immutable. Without the guard, the first write or read after that dies with SIGBUS, which a
// test process could not survive — hence a child. Steps are driven by the parent over IPC.
import { createSqliteStore } from '../../dist/index.js';

const [path, pollMs = '0'] = process.argv.slice(2);
const store = createSqliteStore({ path, synchronous: 'FULL', workPollMs: Number(pollMs) });

const request = (n) => ({
  envelope: { subject: `immutable #${n}`, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false },
  recipients: [{ recipient: { type: 'test', address: `r${n}` }, role: 'to', provider: 'p1' }],
  parts: [{ kind: 'text', contentType: 'text/plain', content: `body ${n}` }],
  submittedAt: 1000,
  expiresAt: 1_000_000_000,
});

/** What a call came to: `ok`, or the error's code. */
const outcome = (promise) =>
  promise.then(
    () => 'ok',
    (error) => error?.code ?? String(error),
  );

const steps = {
  async open() {
    await store.open();
    // A listener keeps the cross-process poll (PRAGMA data_version) running, a read on a timer.
    store.onWork(() => undefined);
    // Ends with a write: the next read must record a read mark in the -shm mapping.
    const { messageId } = await store.submit(request(0));
    return { messageId };
  },
  async whileImmutable({ messageId }) {
    const results = {
      getMessage: await outcome(store.getMessage(messageId)),
      submit: await outcome(store.submit(request(1))),
      counts: await outcome(store.counts()),
      claim: await outcome(store.claim({ owner: 'child', limit: 10, leaseMs: 60_000, now: 2000 })),
    };
    // Give the timer-driven poll a few turns to read while the files are immutable.
    await new Promise((resolve) => setTimeout(resolve, 200));
    results.error = (await store.submit(request(2)).catch((e) => e))?.message;
    return results;
  },
  async afterwards({ messageId }) {
    const { messageId: next } = await store.submit(request(3));
    const queue = await store.listQueue();
    await store.close();
    return { first: messageId, next, queued: queue.map((m) => m.id) };
  },
};

process.on('message', async ({ step, args }) => {
  try {
    process.send({ step, result: await steps[step](args) });
  } catch (error) {
    process.send({ step, error: String(error?.stack ?? error) });
  }
  if (step === 'afterwards') process.disconnect();
});
