import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SubmitRequest } from '@xport/provider-sdk';
import { createSqliteStore, DEFAULT_STORE_PATH } from '@xport/store-sqlite';

// A deep queue for the console's queue page, written through the SQLite store's own API before the
// daemon starts: messages of many recipients each (one transaction a message), then held in
// batches, so that the daemon sends none of them and every one stays in the queue.

const RECIPIENTS_PER_MESSAGE = 500;
const HOLD_BATCH = 20_000;
const YEAR_MS = 365 * 24 * 3_600_000;

function messageOf(n: number, count: number, now: number): SubmitRequest {
  return {
    envelope: { subject: `Bulk ${n}`, from: { type: 'loopback', address: 'bulk-sender' }, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: true },
    recipients: Array.from({ length: count }, (_, i) => ({ recipient: { type: 'loopback', address: `r${n}-${i}@deep.example` }, role: 'to' as const, provider: 'loopback' })),
    parts: [{ kind: 'text', contentType: 'text/plain', content: `bulk message ${n}` }],
    submittedAt: now,
    expiresAt: now + YEAR_MS,
  };
}

/** Writes `total` held recipients into the SQLite store of the application at `root`. */
export async function fillHeldQueue(root: string, total: number): Promise<void> {
  const path = join(root, DEFAULT_STORE_PATH);
  await mkdir(dirname(path), { recursive: true });
  const store = createSqliteStore({ path });
  await store.open();
  try {
    const now = Date.now();
    for (let n = 0, written = 0; written < total; n++) {
      const count = Math.min(RECIPIENTS_PER_MESSAGE, total - written);
      await store.submit(messageOf(n, count, now));
      written += count;
    }
    const operations = store.operations!;
    let held = 0;
    for (;;) {
      const batch = await operations.applyOperation({ operation: 'hold', filter: { all: true }, now: Date.now(), limit: HOLD_BATCH });
      held += batch.changed;
      if (batch.changed < HOLD_BATCH) break;
    }
    if (held !== total) throw new Error(`held ${held} recipients of the ${total} written`);
  } finally {
    await store.close();
  }
}
