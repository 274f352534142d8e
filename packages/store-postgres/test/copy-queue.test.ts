import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { generateBytes, hashStream, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { copyQueue, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';

describe('copyQueue', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function openStore(): Promise<MessageStore> {
    const schema = freshSchema();
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    cleanups.push(async () => {
      await store.close();
      await dropSchema(schema);
    });
    return store;
  }

  it('copies queued messages with their open recipients and streamed content, leaves finished ones, and can run again', async () => {
    const from = await openStore();
    const to = await openStore();
    const big = generateBytes(600 * 1024);
    const withAttachment = await from.submit(
      makeSubmitRequest({
        idempotencyKey: 'order-1',
        recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p2' }],
        parts: [
          { kind: 'text', contentType: 'text/plain', content: 'see attachment' },
          { kind: 'attachment', contentType: 'application/octet-stream', filename: 'big.bin', content: big },
        ],
      }),
    );
    const [claim] = await from.claim({ owner: 's', limit: 1, leaseMs: 1000, now: 2000, providers: ['p1'] });
    await from.complete({ ...claim!, result: { state: 'delivered' }, now: 2001 });
    const plain = await from.submit(makeSubmitRequest({ subject: 'plain' }));
    const finished = await from.submit(makeSubmitRequest({ subject: 'done', recipients: [{ to: 'c', provider: 'p3' }] }));
    const [done] = await from.claim({ owner: 's', limit: 1, leaseMs: 1000, now: 2002, providers: ['p3'] });
    expect(done?.messageId).toBe(finished.messageId);
    await from.complete({ ...done!, result: { state: 'delivered' }, now: 2003 });

    expect(await copyQueue(from, to)).toEqual({ copied: 2, alreadyThere: 0, finalRecipientsSkipped: 1 });
    const copied = await to.listQueue();
    expect(copied.map((m) => m.envelope.subject)).toEqual(['conformance', 'plain']);
    expect(copied[0]?.idempotencyKey).toBe('order-1');
    expect(copied[1]?.idempotencyKey).toBe(`xport-copy:${plain.messageId}`);
    expect(copied[0]?.recipients.map((r) => [r.recipient.address, r.provider, r.state])).toEqual([['b', 'p2', 'queued']]);
    const attachment = copied[0]!.parts[1]!;
    expect(attachment).toMatchObject({ filename: 'big.bin', size: 600 * 1024 });
    expect((await hashStream(to.openPart(attachment.partId))).sha256).toBe(big.digest());
    expect(withAttachment.messageId).not.toBe(copied[0]?.id);

    expect(await copyQueue(from, to)).toEqual({ copied: 0, alreadyThere: 2, finalRecipientsSkipped: 1 });
    expect(await to.listQueue()).toHaveLength(2);
  });
});
