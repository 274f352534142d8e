import { createMemoryStore } from '@xport/store-memory';
import { describe, expect, it } from 'vitest';
import { toReportOptions } from '../../src/spooler/report-options.js';
import { purgeExpiredSuppressions, startSuppressionPurge } from '../../src/spooler/suppression-purge.js';
import { recordingLogger } from './harness.js';

const DAY_MS = 86_400_000;
const ERROR = { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' };

async function setUp(now: number, suppression: { enabled?: boolean; ttlMs?: number } = {}) {
  const store = createMemoryStore();
  await store.open();
  const logger = recordingLogger();
  const host = { store, logger, clock: { now: () => now }, reports: toReportOptions({ suppression: { enabled: true, afterHardBounces: 1, ttlMs: 30 * DAY_MS, ...suppression } }) };
  return { store, host, logger };
}

describe('purge of expired suppression entries', () => {
  it('removes, in bounded batches, every entry whose last hard bounce is older than ttlMs, and keeps fresh and manual ones', async () => {
    const now = 100 * DAY_MS;
    const { store, host, logger } = await setUp(now);
    const list = store.suppression!;
    for (let i = 0; i < 7; i += 1) await list.recordHardBounce({ address: `smtp:old${i}@remote.test`, at: now - 40 * DAY_MS + i, error: ERROR, countSince: 0 });
    await list.recordHardBounce({ address: 'smtp:fresh@remote.test', at: now - DAY_MS, error: ERROR, countSince: 0 });
    await list.recordHardBounce({ address: 'smtp:kept@remote.test', at: now - 40 * DAY_MS, error: ERROR, countSince: 0 });
    await list.suppress({ address: 'smtp:kept@remote.test', at: now - 39 * DAY_MS, reason: 'by hand' });
    const calls: number[] = [];
    const purge = list.purgeExpired.bind(list);
    list.purgeExpired = async (before, limit) => {
      const removed = await purge(before, limit);
      calls.push(removed);
      return removed;
    };
    expect(await purgeExpiredSuppressions(host, 3)).toBe(7);
    // 3 + 3 + 1: a short batch ends the run.
    expect(calls).toEqual([3, 3, 1]);
    expect((await list.listSuppressed()).map((e) => e.address).sort()).toEqual(['smtp:fresh@remote.test', 'smtp:kept@remote.test']);
    expect(logger.lines.some((e) => e.message === 'purged expired suppression entries' && e.fields?.count === 7)).toBe(true);
  });

  it('purges nothing with the list switched off, and runs at once when started in the background', async () => {
    const now = 100 * DAY_MS;
    const off = await setUp(now, { enabled: false });
    await off.store.suppression!.recordHardBounce({ address: 'smtp:old@remote.test', at: 0, error: ERROR, countSince: 0 });
    expect(await purgeExpiredSuppressions(off.host)).toBe(0);
    expect(await off.store.suppression!.listSuppressed()).toHaveLength(1);

    const on = await setUp(now);
    await on.store.suppression!.recordHardBounce({ address: 'smtp:old@remote.test', at: 0, error: ERROR, countSince: 0 });
    const running = startSuppressionPurge(on.host);
    try {
      expect(await running.firstRun).toBe(1);
      expect(await on.store.suppression!.listSuppressed()).toEqual([]);
    } finally {
      running.stop();
    }
  });
});
