import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { adminQuery, freshSchema, TEST_PG_URL } from './test-database.js';

// The hot statements (claim, complete, counts, nextWakeAt, claimStranded, the first page of
// listQueue, getMessage) must not read every row of recipients or messages: their cost would grow
// with the queue. Each statement the store sends while doing them is explained with the values it
// was sent with, under `enable_seqscan = off`: on a handful of rows the planner rightly prefers a
// sequential scan, so it is only allowed one where no index can answer. A `Seq Scan` of either
// table in any plan fails the test, and so does a walk of a whole index of theirs (an index scan
// without an index condition), except the walks named below that a statement is for.
const TABLES = new Set(['recipients', 'messages']);
const WHOLE_INDEX_WALKS: ReadonlyArray<{ readonly index: string; readonly why: string }> = [
  { index: 'recipients_by_state', why: 'counts(): every recipient, from the covering index only (an index-only scan)' },
  { index: 'recipients_due', why: 'nextWakeAt(): min(due_at), the first entry of the due index' },
  { index: 'messages_open', why: 'listQueue(): open messages in order, stopped by the page size' },
  { index: 'recipients_unrouted', why: 'claimStranded(): a partial index of the unrouted waiting recipients only' },
];

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

function fullReads(node: PlanNode): string[] {
  const table = node['Relation Name'] ?? '';
  const index = node['Index Name'];
  const own: string[] = [];
  if (node['Node Type'] === 'Seq Scan' && TABLES.has(table)) own.push(`Seq Scan on ${table}`);
  if (index !== undefined && TABLES.has(table) && node['Index Cond'] === undefined && !WHOLE_INDEX_WALKS.some((w) => w.index === index)) {
    own.push(`${node['Node Type']} of all of ${index}`);
  }
  return [...own, ...(node.Plans ?? []).flatMap(fullReads)];
}

async function explain(text: string, values: unknown[] | undefined): Promise<PlanNode> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}

describe('postgres store query plans', () => {
  let schema: string;
  beforeEach(() => {
    schema = freshSchema();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('reads no table whole in claim, complete, a claim carrying completions, counts, nextWakeAt, claimStranded, listQueue and getMessage', async () => {
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await store.open();
    const sent: Array<{ text: string; values: unknown[] | undefined }> = [];
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
      if (typeof first === 'string') sent.push({ text: first, values: Array.isArray(second) ? second : undefined });
      else if (first && typeof first.text === 'string') sent.push({ text: first.text, values: first.values });
      return (query as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      const first = await store.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1', destination: 'd1' }, { to: 'b', provider: 'p1', destination: 'd2' }] }));
      await store.submit(makeSubmitRequest({ recipients: [{ to: 'c', provider: null, state: 'queued' }], expiresAt: 1500 }));
      const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000, providers: ['p1'], skipDestinations: ['d2'] });
      const rest = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 });
      await store.complete({ ...claims[0]!, result: { state: 'delivered' }, now: 2001 });
      // A claim issued in the same turn as a completion carries it (carried-completions.ts).
      await Promise.all([store.complete({ ...rest[0]!, result: { state: 'delivered' }, now: 2001 }), store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000, providers: ['p1'] })]);
      await store.claimStranded({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 });
      await store.counts();
      await store.nextWakeAt();
      await store.listQueue({ limit: 100 });
      await store.getMessage(first.messageId);
    } finally {
      vi.restoreAllMocks();
      await store.close();
    }
    const hot = sent.filter(({ text }) => /\.(recipients|messages)\b/.test(text) && !/^\s*(INSERT|CREATE|ALTER)/.test(text) && !text.includes('jsonb_to_recordset($1::jsonb) AS i(ord int, id text'));
    // Every hot path was exercised: the due claim with its skip, the stranded claim, the completion, counts.
    expect(hot.some(({ text }) => text.includes('r.destination <> ALL'))).toBe(true);
    expect(hot.some(({ text }) => text.includes('expires_at <= $1'))).toBe(true);
    expect(hot.some(({ text }) => text.includes('keep_provider'))).toBe(true);
    expect(hot.some(({ text }) => text.includes('keep_provider') && text.includes('FOR UPDATE SKIP LOCKED'))).toBe(true);
    expect(hot.some(({ text }) => text.includes('count(*)'))).toBe(true);
    const offending: Array<{ text: string; scans: string[] }> = [];
    for (const { text, values } of hot) {
      const scans = fullReads(await explain(text, values));
      if (scans.length > 0) offending.push({ text: text.replace(/\s+/g, ' ').slice(0, 300), scans });
    }
    expect(offending).toEqual([]);
  });
});
