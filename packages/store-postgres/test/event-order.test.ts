import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { DeliveryEvent, MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';

// An event written at this time makes its statement wait, after the insert and before its commit,
// until the test lets it go: the row holds its id, uncommitted, while another writer runs.
const STALLED_AT = 424_242;
const GATE = 4242;

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

async function readAll(store: MessageStore, after: number): Promise<DeliveryEvent[]> {
  const events: DeliveryEvent[] = [];
  for (;;) {
    const page = await store.events!.readEvents({ after: events.at(-1)?.id ?? after, limit: 100 });
    if (page.length === 0) return events;
    events.push(...page);
  }
}

describe('postgres event log: concurrent writers', () => {
  const schemas: string[] = [];
  const stores: MessageStore[] = [];
  let gate: pg.Client | undefined;
  afterEach(async () => {
    await gate?.end();
    gate = undefined;
    for (const store of stores.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('a cursor reader never skips an event whose transaction commits after one with a higher id', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    const second = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    stores.push(first, second);
    await first.open();
    await second.open();
    await adminQuery(`
      CREATE FUNCTION "${schema}".stall() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.at = ${STALLED_AT} THEN PERFORM pg_advisory_xact_lock(${GATE}); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER stall AFTER INSERT ON "${schema}".pending_events FOR EACH ROW EXECUTE FUNCTION "${schema}".stall();`);
    gate = new pg.Client({ connectionString: TEST_PG_URL });
    await gate.connect();
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
    const waiting = async (): Promise<number> => {
      const [row] = await adminQuery<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE $1", [`%${schema}%`],
      );
      return row!.n;
    };

    const cursor = await first.events!.lastEventId();
    // Writer one takes an id and stalls before its commit.
    const stalled = first.submit(makeSubmitRequest({ subject: 'stalled', submittedAt: STALLED_AT }));
    await waitUntil(async () => (await waiting()) >= 1);
    // Writer two, on other connections, writes its events meanwhile.
    let secondDone = false;
    const later = second.submit(makeSubmitRequest({ subject: 'later', submittedAt: 1000 })).then((r) => {
      secondDone = true;
      return r;
    });
    await waitUntil(async () => secondDone || (await waiting()) >= 2);
    // Writers do not take turns: writer two committed while writer one's transaction is still open.
    expect(secondDone).toBe(true);
    const b = await later;

    // A reader pages on while writer one has not committed: it sees writer two's events, not waiting either.
    const seenBefore = await readAll(first, cursor);
    expect(seenBefore.map((e) => e.messageId)).toContain(b.messageId);
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
    const a = await stalled;
    const seenAfter = await readAll(first, seenBefore.at(-1)?.id ?? cursor);

    const seen = [...seenBefore, ...seenAfter];
    const everything = await readAll(first, cursor);
    expect(everything.map((e) => e.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
    expect(seen).toEqual(everything);
  });

  it('reads what is published when the server takes no writes, and publishes the rest once it does', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    stores.push(store);
    await store.open();
    const first = await store.submit(makeSubmitRequest({ subject: 'published', submittedAt: 1000 }));
    const published = await readAll(store, 0);
    expect(published.map((e) => [e.type, e.messageId])).toEqual([['submitted', first.messageId]]);

    // The publish (a DELETE from pending_events) refused as a standby or a full disk would refuse it.
    const refuse = (sqlstate: string) =>
      adminQuery(`
        CREATE OR REPLACE FUNCTION "${schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '${sqlstate}'; END $$;
        DROP TRIGGER IF EXISTS refuse ON "${schema}".pending_events;
        CREATE TRIGGER refuse BEFORE DELETE ON "${schema}".pending_events FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".refuse();`);
    const second = await store.submit(makeSubmitRequest({ subject: 'pending', submittedAt: 2000 }));
    await refuse('25006');
    expect(await readAll(store, 0)).toEqual(published);
    expect(await store.events!.lastEventId()).toBe(published.at(-1)!.id);
    // Any other failure of the publish is the read's failure.
    await refuse('42501');
    await expect(store.events!.readEvents({ after: 0, limit: 10 })).rejects.toMatchObject({ code: '42501' });

    await adminQuery(`DROP TRIGGER refuse ON "${schema}".pending_events`);
    const later = await readAll(store, published.at(-1)!.id);
    expect(later.map((e) => [e.type, e.messageId])).toEqual([['submitted', second.messageId]]);
    expect(later[0]!.id).toBeGreaterThan(published.at(-1)!.id);
  });
});
