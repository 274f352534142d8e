// Child process for the multi-process test: claims from a shared postgres queue, "sends" each
// recipient (a short timer), completes it, and prints one line per event:
//   C <messageId> <index> <leaseId>   claimed
//   D <messageId> <index> <leaseId>   completed (delivered)
//   S <messageId> <index> <leaseId>   completion refused as stale
// It exits once no recipient is left that is not final. With `stallAfter`, every send after that many
// completions hangs (a stuck remote server), so the test can kill the process while it holds leases.
import { createPostgresStore } from '../../dist/index.js';

const [connectionString, schema, owner, leaseMsArg = '2000', stallAfterArg = 'Infinity'] = process.argv.slice(2);
const leaseMs = Number(leaseMsArg);
const stallAfter = Number(stallAfterArg);
let completed = 0;
const store = createPostgresStore({ connectionString, schema, poolSize: 4, applicationName: `xport-test-${owner}` });
await store.open();

const out = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function nextWork() {
  await new Promise((resolve) => {
    const timer = setTimeout(done, 100);
    const stop = store.onWork(done);
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
}

for (;;) {
  const claims = await store.claim({ owner, limit: 10, leaseMs, now: Date.now() });
  if (claims.length === 0) {
    const { byState } = await store.counts();
    if (byState.queued + byState['in-flight'] + byState.deferred === 0) break;
    await nextWork();
    continue;
  }
  for (const c of claims) out(`C ${c.messageId} ${c.recipientIndex} ${c.leaseId}`);
  await Promise.all(
    claims.map(async (c) => {
      await sleep(completed >= stallAfter ? 60_000 : 2);
      try {
        await store.complete({ ...c, result: { state: 'delivered' }, now: Date.now() });
        completed += 1;
        out(`D ${c.messageId} ${c.recipientIndex} ${c.leaseId}`);
      } catch (error) {
        if (error?.code !== 'XPORT_STORE_STALE_LEASE') throw error;
        out(`S ${c.messageId} ${c.recipientIndex} ${c.leaseId}`);
      }
    }),
  );
}
await store.close();
out('done');
