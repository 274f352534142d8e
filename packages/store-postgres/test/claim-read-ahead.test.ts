import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';
import { countStatements } from './statement-counter.js';


describe('postgres store: claims read ahead', () => {
  let schema: string;
  let store: MessageStore;
  let other: MessageStore;

  beforeEach(async () => {
    schema = freshSchema();
    store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 4, chunkSize: 1024 });
    other = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2, chunkSize: 1024 });
    await store.open();
    await other.open();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    await other.close();
    await dropSchema(schema);
  });

  const claimOne = async () => {
    const claims = await store.claim({ owner: 'spooler-1', limit: 1, leaseMs: 60_000, now: 2000, providers: ['p1'] });
    expect(claims).toHaveLength(1);
    return claims[0]!;
  };

  it('claim, getMessage and openPart of a small message cost one statement between them', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ text: 'small body' }));
    const counter = countStatements();
    try {
      const claim = await claimOne();
      const stored = await store.getMessage(messageId);
      const body = await text(store.openPart(stored!.parts[0]!.partId));
      expect(body).toBe('small body');
      expect(claim.messageId).toBe(messageId);
    } finally {
      counter.restore();
    }
    expect(counter.names).toEqual(['xport_claim_providers']);
  });

  it('readPart of a claimed small message is served from the read-ahead, then from the database', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ text: 'whole body' }));
    const counter = countStatements();
    let partId: string;
    try {
      await claimOne();
      partId = (await store.getMessage(messageId))!.parts[0]!.partId;
      expect((await store.readPart!(partId)).toString('utf8')).toBe('whole body');
    } finally {
      counter.restore();
    }
    expect(counter.names).toEqual(['xport_claim_providers']);
    // Served once: the next read goes to the database and finds the same bytes.
    expect((await store.readPart!(partId)).toString('utf8')).toBe('whole body');
  });

  it('serves the record a fresh read returns, the claimed recipient in flight and the others as stored', async () => {
    const { messageId } = await store.submit(
      makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }, { to: 'test:bob', provider: 'p2' }, { to: 'test:cy', provider: 'p1', state: 'failed' }] }),
    );
    await claimOne();
    const served = await store.getMessage(messageId);
    expect(served?.recipients.map((r) => r.state)).toEqual(['in-flight', 'queued', 'failed']);
    expect(served).toEqual(await other.getMessage(messageId));
  });

  it('serves a recipient held with expire as a fresh read does (expiresWhileHeld)', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ recipients: [{ to: 'smtp:ada@send.example', provider: 'p1' }, { to: 'smtp:bob@held.example', provider: 'p1' }] }));
    await store.operations!.applyOperation({ operation: 'hold', filter: { domains: ['held.example'] }, now: 1500, limit: 10, expire: true });
    await claimOne();
    const served = await store.getMessage(messageId);
    expect(served?.recipients.map((r) => [r.state, r.expiresWhileHeld])).toEqual([
      ['in-flight', undefined],
      ['held', true],
    ]);
    expect(served).toEqual(await other.getMessage(messageId));
  });

  it('serves each read-ahead once: a second getMessage and openPart read the database', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ text: 'twice' }));
    await claimOne();
    const first = await store.getMessage(messageId);
    const partId = first!.parts[0]!.partId;
    expect(await text(store.openPart(partId))).toBe('twice');
    const counter = countStatements();
    try {
      expect(await store.getMessage(messageId)).toEqual(first);
      expect(await text(store.openPart(partId))).toBe('twice');
    } finally {
      counter.restore();
    }
    expect(counter.names).toEqual(['xport_read_message', 'xport_read_part_first']);
  });

  it('does not read ahead a part stored in several chunks, and still streams it whole', async () => {
    const big = 'y'.repeat(2500);
    const { messageId } = await store.submit(makeSubmitRequest({ text: big }));
    await claimOne();
    const stored = await store.getMessage(messageId);
    const counter = countStatements();
    try {
      expect(await text(store.openPart(stored!.parts[0]!.partId))).toBe(big);
    } finally {
      counter.restore();
    }
    expect(counter.names).toEqual(['xport_read_part_first', 'xport_read_part_chunk', 'xport_read_part_chunk']);
  });

  it.each([
    ['delivered', { state: 'delivered' } as const, 'delivered'],
    ['released', { state: 'queued', provider: 'p1' } as const, 'queued'],
    ['deferred', { state: 'deferred', nextAttemptAt: 9000, countAttempt: true } as const, 'deferred'],
  ])('never serves the claim-time record after the claim is %s', async (_, result, state) => {
    const { messageId } = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }, { to: 'test:bob', provider: 'p1' }] }));
    const claim = await claimOne();
    await store.complete({ ...claim, result, now: 3000 });
    const stored = await store.getMessage(messageId);
    expect(stored?.recipients.map((r) => r.state)).toEqual([state, 'queued']);
    expect(stored).toEqual(await other.getMessage(messageId));
  });

  it('never serves the claim-time record after the message is aborted', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }, { to: 'test:bob', provider: 'p1' }] }));
    await store.claim({ owner: 'spooler-1', limit: 1, leaseMs: 10, now: 2000, providers: ['p1'] });
    await store.abort(messageId, 5000);
    expect((await store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['aborted', 'aborted']);
  });

  it('a later claim of another recipient replaces the earlier read-ahead of the same message', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }, { to: 'test:bob', provider: 'p1' }] }));
    await claimOne();
    await claimOne();
    expect((await store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['in-flight', 'in-flight']);
  });

  it('reads ahead every message of a claim round once, whatever its number of claimed recipients', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const recipients = [{ to: `test:a${i}`, provider: 'p1' }, { to: `test:b${i}`, provider: 'p1' }];
      ids.push((await store.submit(makeSubmitRequest({ recipients, text: `body ${i}` }))).messageId);
    }
    const claims = await store.claim({ owner: 'spooler-1', limit: 10, leaseMs: 60_000, now: 2000 });
    expect(claims).toHaveLength(6);
    const counter = countStatements();
    const bodies: string[] = [];
    try {
      for (const id of ids) {
        const stored = await store.getMessage(id);
        expect(stored?.recipients.map((r) => r.state)).toEqual(['in-flight', 'in-flight']);
        bodies.push(await text(store.openPart(stored!.parts[0]!.partId)));
      }
    } finally {
      counter.restore();
    }
    expect(bodies).toEqual(['body 0', 'body 1', 'body 2']);
    expect(counter.names).toEqual([]);
  });
});
