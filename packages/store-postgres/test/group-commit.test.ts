import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';

describe('postgres store group commit', () => {
  const schema = freshSchema();
  let store: MessageStore;
  beforeAll(async () => {
    store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 4 });
    await store.open();
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('completions issued together each get their own result: applied, stale, unknown, and one message finished once', async () => {
    const multi = await store.submit(makeSubmitRequest({ recipients: [0, 1, 2].map((i) => ({ to: `m${i}`, provider: 'gc' })) }));
    const single = await store.submit(makeSubmitRequest({ recipients: [{ to: 's', provider: 'gc' }] }));
    const claims = await store.claim({ owner: 'gc', limit: 10, leaseMs: 60_000, now: 2000, providers: ['gc'] });
    expect(claims).toHaveLength(4);
    const [a, b, c] = claims.filter((x) => x.messageId === multi.messageId);
    const s = claims.find((x) => x.messageId === single.messageId)!;
    const results = await Promise.allSettled([
      store.complete({ ...a!, result: { state: 'delivered' }, now: 2001 }),
      store.complete({ ...b!, result: { state: 'failed', error: { code: '5.1.1', diagnostic: 'no such user' } }, now: 2001 }),
      store.complete({ ...c!, result: { state: 'delivered' }, now: 2001 }),
      store.complete({ ...s, leaseId: 'not-the-lease', result: { state: 'delivered' }, now: 2001 }),
      store.complete({ ...s, messageId: 'no-such-message', result: { state: 'delivered' }, now: 2001 }),
      // The same recipient twice in one turn: the first applies, the second finds the lease gone.
      store.complete({ ...s, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, now: 2001 }),
      store.complete({ ...s, result: { state: 'delivered' }, now: 2001 }),
    ]);
    const finished = results.slice(0, 3).map((r) => (r.status === 'fulfilled' ? r.value.messageFinished : r.reason));
    expect(finished.filter((f) => f === true)).toHaveLength(1);
    expect(finished.filter((f) => f === false)).toHaveLength(2);
    const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' && XportError.is(r.reason) ? r.reason.code : r.status);
    expect(results.slice(3).map(codeOf)).toEqual(['XPORT_STORE_STALE_LEASE', 'XPORT_STORE_NOT_FOUND', 'fulfilled', 'XPORT_STORE_STALE_LEASE']);

    const stored = await store.getMessage(multi.messageId);
    expect(stored?.finishedAt).toBe(2001);
    expect(stored?.recipients.map((r) => r.state)).toEqual(['delivered', 'failed', 'delivered']);
    const deferred = await store.getMessage(single.messageId);
    expect(deferred?.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1, nextAttemptAt: 9000 });
  });

  it('submits issued together are written together, and one idempotency key twice yields one message', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.submit(makeSubmitRequest({ subject: `batch ${i}`, recipients: [{ to: `b${i}`, provider: 'gc2' }] }))),
      store.submit(makeSubmitRequest({ subject: 'keyed', idempotencyKey: 'gc-key', recipients: [{ to: 'k', provider: 'gc2' }] })),
      store.submit(makeSubmitRequest({ subject: 'keyed', idempotencyKey: 'gc-key', recipients: [{ to: 'k', provider: 'gc2' }] })),
    ]);
    const keyed = results.slice(20);
    expect(keyed.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(keyed[0]!.messageId).toBe(keyed[1]!.messageId);
    const queued = await store.listQueue({ limit: 100 });
    const mine = queued.filter((m) => m.recipients[0]?.provider === 'gc2');
    expect(mine).toHaveLength(21);
    expect(new Set(mine.map((m) => m.envelope.subject)).size).toBe(21);
  });
});
