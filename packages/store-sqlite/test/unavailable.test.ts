import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { generateBytes, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

describe('sqlite store that cannot write', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('rejects a submit with XPORT_STORE_FULL when the store is over its size quota, and accepts nothing of it', async () => {
    const store = createSqliteStore({ path: temp.dbPath, maxSizeBytes: 2 * 1024 * 1024 });
    await store.open();
    try {
      const small = await store.submit(makeSubmitRequest());
      const big = makeSubmitRequest({ parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: generateBytes(4 * 1024 * 1024) }] });
      const error = await store.submit(big).catch((e: unknown) => e);
      expect(XportError.is(error, 'XPORT_STORE_FULL')).toBe(true);
      expect((error as XportError).message).toContain(temp.dbPath);
      expect((error as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
      expect((await store.listQueue()).map((m) => m.id)).toEqual([small.messageId]);
      // The store still works for what fits.
      const after = await store.submit(makeSubmitRequest());
      expect((await store.listQueue()).map((m) => m.id)).toEqual([small.messageId, after.messageId]);
    } finally {
      await store.close();
    }
  });

  it('rejects writes with XPORT_STORE_UNAVAILABLE while another process holds the write lock too long, then recovers', async () => {
    const store = createSqliteStore({ path: temp.dbPath, busyTimeoutMs: 50 });
    await store.open();
    const other = new BetterSqlite3(temp.dbPath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = await store.submit(makeSubmitRequest()).catch((e: unknown) => e);
      expect(XportError.is(error, 'XPORT_STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
      other.exec('COMMIT');
      const { messageId } = await store.submit(makeSubmitRequest());
      expect((await store.listQueue()).map((m) => m.id)).toEqual([messageId]);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('rejects every call with XPORT_STORE_UNAVAILABLE before open and after close', async () => {
    const store = createSqliteStore({ path: temp.dbPath });
    expect(XportError.is(await store.submit(makeSubmitRequest()).catch((e: unknown) => e), 'XPORT_STORE_UNAVAILABLE')).toBe(true);
    await store.open();
    await store.close();
    expect(XportError.is(await store.claim({ owner: 's', limit: 1, leaseMs: 1, now: 1 }).catch((e: unknown) => e), 'XPORT_STORE_UNAVAILABLE')).toBe(true);
    expect(XportError.is(await store.listQueue().catch((e: unknown) => e), 'XPORT_STORE_UNAVAILABLE')).toBe(true);
  });
});
