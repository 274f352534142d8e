import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';
import { countStatements } from './statement-counter.js';


const codeOf = (r: PromiseSettledResult<unknown>): string => (r.status === 'rejected' ? (XportError.is(r.reason) ? r.reason.code : 'error') : r.status);

describe('postgres store: a claim carries the completions of its turn', () => {
  let schema: string;
  let store: MessageStore;

  beforeEach(async () => {
    schema = freshSchema();
    store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 4 });
    await store.open();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    await dropSchema(schema);
  });

  const submit = (to: string) => store.submit(makeSubmitRequest({ recipients: [{ to, provider: 'p1' }] }));
  const claim = (limit: number, now = 2000, leaseMs = 60_000) => store.claim({ owner: 'spooler-1', limit, leaseMs, now, providers: ['p1'] });

  it('completions issued in the same turn as a claim go in its statement, each with its own result, and the claim leases the next', async () => {
    const [first, second, third] = [await submit('a'), await submit('b'), await submit('c')];
    const [a, b] = await claim(2);
    expect([a?.messageId, b?.messageId]).toEqual([first.messageId, second.messageId]);
    const counter = countStatements();
    let results: Array<PromiseSettledResult<unknown>>;
    try {
      results = await Promise.allSettled([
        store.complete({ ...a!, result: { state: 'delivered' }, now: 2001 }),
        store.complete({ ...b!, leaseId: 'not-the-lease', result: { state: 'delivered' }, now: 2001 }),
        claim(5),
      ]);
    } finally {
      counter.restore();
    }
    expect(counter.names).toEqual(['xport_claim_completing_providers']);
    expect(results.slice(0, 2).map(codeOf)).toEqual(['fulfilled', 'XPORT_STORE_STALE_LEASE']);
    expect((results[0] as PromiseFulfilledResult<{ messageFinished: boolean }>).value.messageFinished).toBe(true);
    const next = (results[2] as PromiseFulfilledResult<Array<{ messageId: string }>>).value;
    expect(next.map((c) => c.messageId)).toEqual([third.messageId]);

    expect((await store.getMessage(first.messageId))?.recipients[0]).toMatchObject({ state: 'delivered' });
    expect((await store.getMessage(second.messageId))?.recipients[0]).toMatchObject({ state: 'in-flight' });
    const delivered = await store.events!.readEvents({ limit: 100, types: ['delivered'] });
    expect(delivered.map((e) => e.messageId)).toEqual([first.messageId]);
  });

  it('leaves out a recipient the completions it carries write, even one whose lease has expired', async () => {
    const { messageId } = await submit('a');
    const [leased] = await claim(1, 2000, 1000);
    // At 5000 the lease (to 3000) has expired: the row is due again, and the completion still holds it.
    const [done, again] = await Promise.all([store.complete({ ...leased!, result: { state: 'delivered' }, now: 5000 }), claim(5, 5000)]);
    expect(done.messageFinished).toBe(true);
    expect(again).toEqual([]);
    const stored = await store.getMessage(messageId);
    expect(stored?.recipients[0]).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(stored?.finishedAt).toBe(5000);
  });

  it('a completion the database refuses fails alone: the others apply and the claim still leases', async () => {
    const [first, second, third] = [await submit('a'), await submit('b'), await submit('c')];
    const [a, b] = await claim(2);
    const counter = countStatements();
    let results: Array<PromiseSettledResult<unknown>>;
    try {
      results = await Promise.allSettled([
        // A time that is not a whole millisecond: the statement's bigint cast refuses it.
        store.complete({ ...a!, result: { state: 'delivered' }, now: 2001.5 }),
        store.complete({ ...b!, result: { state: 'delivered' }, now: 2001 }),
        claim(5),
      ]);
    } finally {
      counter.restore();
    }
    expect(counter.names[0]).toBe('xport_claim_completing_providers');
    expect(counter.names).toContain('xport_claim_providers');
    expect(results[0]!.status).toBe('rejected');
    expect(results[1]!.status).toBe('fulfilled');
    expect((results[2] as PromiseFulfilledResult<Array<{ messageId: string }>>).value.map((c) => c.messageId)).toEqual([third.messageId]);
    expect((await store.getMessage(first.messageId))?.recipients[0]).toMatchObject({ state: 'in-flight' });
    expect((await store.getMessage(second.messageId))?.recipients[0]).toMatchObject({ state: 'delivered' });
  });
});
