// Child process for the durability and multi-process tests: submits messages forever (or `count`
// of them), printing each id on its own line the moment `submit` resolves, then "done".
import { createSqliteStore } from '../../dist/index.js';

const [path, countArg = 'Infinity', inFlightArg = '16'] = process.argv.slice(2);
const count = Number(countArg);
const inFlight = Number(inFlightArg);
const store = createSqliteStore({ path, synchronous: 'FULL' });
await store.open();

let started = 0;
async function submitOne() {
  const n = started++;
  const { messageId } = await store.submit({
    envelope: { subject: `child ${process.pid} #${n}`, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: [{ recipient: { type: 'test', address: `r${n}` }, role: 'to', provider: 'p1' }],
    parts: [{ kind: 'text', contentType: 'text/plain', content: `body ${n} `.repeat(50) }],
    submittedAt: 1000,
    expiresAt: 1_000_000_000,
  });
  process.stdout.write(`${messageId}\n`);
}

async function worker() {
  while (started < count) await submitOne();
}

await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
await store.close();
process.stdout.write('done\n');
