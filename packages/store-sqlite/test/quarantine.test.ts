import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger, MessageStore } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger & { warnings: string[] } = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: (message) => void warnings.push(message),
    child: () => logger,
  };
  return logger;
}

/** Damages a stored row behind the store's back, as a bad disk or a buggy tool would. */
function corrupt(path: string, statement: string, ...params: unknown[]): void {
  const raw = new BetterSqlite3(path);
  raw.prepare(statement).run(...params);
  raw.close();
}

describe('sqlite store quarantine of undecodable records', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: MessageStore;
  let logger: ReturnType<typeof recordingLogger>;
  beforeEach(async () => {
    temp = await makeTempDir();
    logger = recordingLogger();
    store = createSqliteStore({ path: temp.dbPath, logger });
    await store.open();
  });
  afterEach(async () => {
    await store.close();
    await temp.cleanup();
  });

  it('skips a message with a corrupt record when claiming, lists it as quarantined and reports it', async () => {
    const good1 = await store.submit(makeSubmitRequest({ subject: 'good 1' }));
    const badEnvelope = await store.submit(makeSubmitRequest({ subject: 'bad envelope' }));
    const badRecipient = await store.submit(makeSubmitRequest({ subject: 'bad recipient', recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
    const good2 = await store.submit(makeSubmitRequest({ subject: 'good 2' }));
    corrupt(temp.dbPath, 'UPDATE messages SET envelope = ? WHERE id = ?', '{"kind": "note", ', badEnvelope.messageId);
    corrupt(temp.dbPath, 'UPDATE recipients SET recipient = ? WHERE idx = 1 AND message_seq = (SELECT seq FROM messages WHERE id = ?)', 'not json', badRecipient.messageId);

    const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 });
    expect(claims.map((c) => c.messageId)).toEqual([good1.messageId, good2.messageId]);

    const quarantined = await store.quarantined();
    expect(quarantined.map((q) => q.id).sort()).toEqual([badEnvelope.messageId, badRecipient.messageId].sort());
    expect(quarantined.find((q) => q.id === badEnvelope.messageId)?.reason).toMatch(/envelope is not valid JSON/);
    expect(quarantined.find((q) => q.id === badRecipient.messageId)?.reason).toMatch(/recipient is not valid JSON/);
    expect(logger.warnings.filter((w) => w.includes('quarantined'))).toHaveLength(2);

    expect((await store.listQueue()).map((m) => m.id)).toEqual([good1.messageId, good2.messageId]);
    expect(await store.getMessage(badEnvelope.messageId)).toBeUndefined();
    expect((await store.counts()).byState['in-flight']).toBe(2);
    expect((await store.counts()).byState.queued).toBe(0);
    expect(await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 100_000 })).toHaveLength(2);
  });

  it('quarantines a queued message found corrupt while listing, and an unreadable inbox entry', async () => {
    const ok = await store.submit(makeSubmitRequest());
    const bad = await store.submit(makeSubmitRequest());
    corrupt(temp.dbPath, 'UPDATE messages SET parts = ? WHERE id = ?', '[{"oops": 1}]', bad.messageId);
    expect((await store.listQueue()).map((m) => m.id)).toEqual([ok.messageId]);

    const [entry] = await store.receive(makeReceiveRequest({ mailboxes: ['test:ada'] }));
    corrupt(temp.dbPath, 'UPDATE inbox SET envelope = ? WHERE id = ?', '', entry!.id);
    expect(await store.listInbox('test:ada')).toEqual([]);
    expect((await store.quarantined()).map((q) => q.id).sort()).toEqual([bad.messageId, entry!.id].sort());
    expect(await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 })).toHaveLength(1);
  });
});
