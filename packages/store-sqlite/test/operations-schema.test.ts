import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

describe('sqlite store schema v6: address type and domain columns for queue filters', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-5 database: recipients queued before are found by domain and address type, and held', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(
      makeSubmitRequest({ recipients: [{ to: 'smtp:ada@Bücher.Example', provider: 'smtp' }, { to: 'smtp:bob@other.example', provider: 'smtp' }, { to: 'loopback:ops', provider: 'loop' }] }),
    );
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(5));
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      const ops = store.operations!;
      const found = await ops.listRecipients({ filter: { domains: ['xn--bcher-kva.example'] }, limit: 10 });
      expect(found.entries.map((e) => [e.messageId, e.index])).toEqual([[messageId, 0]]);
      expect((await ops.listRecipients({ filter: { addressTypes: ['LOOPBACK'] }, limit: 10 })).entries.map((e) => e.index)).toEqual([2]);
      expect((await ops.applyOperation({ operation: 'hold', filter: { domains: ['BÜCHER.example'] }, now: 5000, limit: 10 })).changed).toBe(1);
      expect((await store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['held', 'queued', 'queued']);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    check.close();
  });

  it('reads the domain index for a domain filter, not every recipient', async () => {
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    await store.close();
    const db = new BetterSqlite3(temp.dbPath, { readonly: true });
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT r.idx FROM recipients r JOIN messages m ON m.seq = r.message_seq
           WHERE m.finished_at IS NULL AND r.state IN ('queued', 'held') AND r.domain IN (?, ?) ORDER BY r.message_seq, r.idx LIMIT 100`,
        )
        .all('example.org', 'other.example') as Array<{ detail: string }>;
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toContain('recipients_by_domain');
      expect(details).not.toMatch(/SCAN r\b(?! USING)/);
    } finally {
      db.close();
    }
  });
});
