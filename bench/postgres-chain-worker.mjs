// One worker of bench/postgres.bench.mjs's plain-pg chain (run as a child process, one per "daemon"):
// the commits a transport-bound daemon makes per message, in plain `pg` — claim one row
// (UPDATE … FOR UPDATE SKIP LOCKED, its own commit), wait the send time, write an inbox row (its own
// commit), then complete the row (its own commit) while the next claim runs. No event log, no
// read-ahead, no kernel: what this host allows for the same round trips and WAL flushes.
// argv: connection string, schema, send time in ms. Sends its count to the parent and exits.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/store-postgres/package.json', import.meta.url));
const pg = require('pg');
const [url, schema, sendMs] = process.argv.slice(2);
const t = `"${schema}"`;
const pool = new pg.Pool({ connectionString: url, max: 4 });
const body = 'x'.repeat(512);
let count = 0;
let completing = Promise.resolve();
for (;;) {
  const { rows } = await pool.query({
    name: 'claim',
    text: `UPDATE ${t}.chain_queue SET state = 'in-flight', lease = gen_random_uuid()::text WHERE id IN (
             SELECT id FROM ${t}.chain_queue WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
  });
  if (rows.length === 0) break;
  await new Promise((resolve) => setTimeout(resolve, Number(sendMs)));
  await pool.query({ name: 'receive', text: `INSERT INTO ${t}.chain_inbox (body) VALUES ($1)`, values: [body] });
  await completing;
  completing = pool.query({ name: 'complete', text: `UPDATE ${t}.chain_queue SET state = 'delivered', lease = NULL WHERE id = $1`, values: [rows[0].id] });
  count += 1;
}
await completing;
await pool.end();
process.send(count, () => process.exit(0));
