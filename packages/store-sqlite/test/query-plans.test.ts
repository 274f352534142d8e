import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

// The hot statements (claim, complete, counts, nextWakeAt, claimStranded, the first page of
// listQueue, getMessage) must not read every row of recipients or messages: their cost would grow
// with the queue. Each statement the store prepares while doing them is explained here, and a plan
// step that scans one of those tables fails the test. A few walks of an index are what the statement
// is for, and are named below with the reason.
const TABLES = /^SCAN (r|m|recipients|messages)\b/;
const ALLOWED: ReadonlyArray<{ readonly statement: RegExp; readonly step: RegExp; readonly why: string }> = [
  { statement: /INDEXED BY messages_quarantined/, step: /^SCAN m USING COVERING INDEX messages_quarantined$/, why: 'counts(): a partial index of the quarantined messages only' },
  { statement: /ORDER BY due_at LIMIT 1/, step: /^SCAN recipients USING INDEX recipients_due$/, why: 'nextWakeAt(): the first entry of the due index' },
  { statement: /INDEXED BY recipients_unrouted/, step: /^SCAN recipients USING INDEX recipients_unrouted$/, why: 'claimStranded(): a partial index of the unrouted waiting recipients only' },
  { statement: /ORDER BY seq LIMIT \? OFFSET \?/, step: /^SCAN messages USING INDEX messages_open$/, why: 'listQueue(): open messages in order, stopped by the page size' },
];

/** The plan's steps. Values do not change it (no statistics with value samples): every parameter is bound to null. */
function planOf(db: BetterSqlite3.Database, text: string): string[] {
  const named = Object.fromEntries([...text.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
  const positional = [...text.matchAll(/\?/g)].map(() => null);
  const params = Object.keys(named).length > 0 ? [named, ...positional] : positional;
  return (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>).map((s) => s.detail);
}

function offendingSteps(db: BetterSqlite3.Database, text: string): string[] {
  const steps = planOf(db, text).map((detail) => ({ detail }));
  return steps
    .map((s) => s.detail)
    .filter((detail) => TABLES.test(detail))
    .filter((detail) => !ALLOWED.some((a) => a.statement.test(text) && a.step.test(detail)));
}

describe('sqlite store query plans', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await temp.cleanup();
  });

  it('reads no table whole in claim, complete, counts, nextWakeAt, claimStranded, listQueue and getMessage', async () => {
    const store = createSqliteStore({ path: temp.dbPath, sentRetentionDays: 0 });
    await store.open();
    const prepared = new Set<string>();
    const prepare = BetterSqlite3.prototype.prepare;
    vi.spyOn(BetterSqlite3.prototype, 'prepare').mockImplementation(function (this: BetterSqlite3.Database, text: string) {
      prepared.add(text);
      return prepare.call(this, text);
    });
    try {
      const first = await store.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1', destination: 'd1' }, { to: 'b', provider: 'p1', destination: 'd2' }] }));
      await store.submit(makeSubmitRequest({ recipients: [{ to: 'c', provider: null, state: 'queued' }], expiresAt: 1500 }));
      const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000, providers: ['p1'], skipDestinations: ['d2'] });
      await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 });
      await store.complete({ ...claims[0]!, result: { state: 'delivered' }, now: 2001 });
      await store.claimStranded({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 });
      await store.counts();
      await store.nextWakeAt();
      await store.listQueue({ limit: 100 });
      await store.getMessage(first.messageId);
      await store.makeDue(['p1'], 1000, 10);
    } finally {
      vi.restoreAllMocks();
      await store.close();
    }
    const hot = [...prepared].filter((text) => /\b(recipients|messages)\b/.test(text) && !/^\s*INSERT/.test(text));
    // Every hot path was exercised: the due claim (with its skip), the stranded claim, the lease and
    // completion writes, counts, the due index's first entry, the queue page and one message.
    expect(hot.some((t) => t.includes('json_each(@skip)'))).toBe(true);
    expect(hot.some((t) => t.includes('recipients_unrouted'))).toBe(true);
    expect(hot.some((t) => t.includes('messages_quarantined'))).toBe(true);
    expect(hot.some((t) => t.includes('LIMIT @limit'))).toBe(true);
    const db = new BetterSqlite3(temp.dbPath, { readonly: true });
    try {
      const offending = hot.map((text) => ({ text: text.replace(/\s+/g, ' '), steps: offendingSteps(db, text) })).filter((s) => s.steps.length > 0);
      expect(offending).toEqual([]);
    } finally {
      db.close();
    }
  });
});
