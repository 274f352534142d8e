import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';

const CHILD = fileURLToPath(new URL('./child/claim-loop.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const MESSAGES = 3000;
// The victim's claims come back to the others once its short lease runs out. The survivors hold
// theirs for far longer than the test runs: however slow a loaded machine makes their sends, no
// lease of a survivor expires under it, so every recipient claimed twice was first the victim's.
const VICTIM_LEASE_MS = 2000;
const SURVIVOR_LEASE_MS = 10 * 60_000;

interface Claimer {
  readonly name: string;
  readonly child: ChildProcess;
  readonly claimed: string[];
  readonly completed: string[];
  readonly stale: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once this claimer has completed `n` recipients and holds claims it has not completed. */
  holdingClaimsAfter(n: number): Promise<void>;
}

function spawnClaimer(name: string, schema: string, leaseMs: number, stallAfter = Infinity): Claimer {
  const child = spawn(process.execPath, [CHILD, TEST_PG_URL, schema, name, String(leaseMs), String(stallAfter)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const claimer = { name, child, claimed: [] as string[], completed: [] as string[], stale: [] as string[] };
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const holding = (n: number): boolean => claimer.completed.length >= n && claimer.claimed.length > claimer.completed.length + claimer.stale.length;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [kind, messageId, index] = line.split(' ');
    const key = `${messageId}#${index}`;
    if (kind === 'C') claimer.claimed.push(key);
    if (kind === 'D') claimer.completed.push(key);
    if (kind === 'S') claimer.stale.push(key);
    for (const waiter of waiters.filter((w) => holding(w.n))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  // 'close', not 'exit': by then every line the child printed has been read (at 'exit' the last may still be in the pipe).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    ...claimer,
    exited,
    holdingClaimsAfter: (n) => new Promise<void>((resolve) => (holding(n) ? resolve() : waiters.push({ n, resolve }))),
  };
}

describe('postgres store shared by three claiming processes', () => {
  const schema = freshSchema();
  let store: MessageStore;
  const claimers: Claimer[] = [];

  beforeAll(async () => {
    expect(existsSync(BUILT), `build the package first (pnpm exec tsc -b packages/store-postgres): ${BUILT} is missing`).toBe(true);
    store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 8 });
    await store.open();
  });

  afterAll(async () => {
    for (const c of claimers) c.child.kill('SIGKILL');
    await store.close();
    await dropSchema(schema);
  });

  it('finishes every message once under live leases; a SIGKILLed claimer’s leased recipients are finished by the others', async () => {
    for (let i = 0; i < MESSAGES; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => store.submit(makeSubmitRequest({ subject: `m${i + j}`, recipients: [{ to: `r${i + j}`, provider: 'p1' }] }))));
    }
    // The victim's sends hang after 200 completions: it is killed holding leases, like a daemon that died mid-send.
    claimers.push(
      spawnClaimer('claimer-a', schema, VICTIM_LEASE_MS, 200),
      spawnClaimer('claimer-b', schema, SURVIVOR_LEASE_MS),
      spawnClaimer('claimer-c', schema, SURVIVOR_LEASE_MS),
    );
    const [victim, ...survivors] = claimers as [Claimer, Claimer, Claimer];

    await victim.holdingClaimsAfter(200);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    for (const survivor of survivors) expect(await survivor.exited).toEqual({ code: 0, signal: null });

    for (const c of claimers) {
      console.log(`${c.name}: claimed ${c.claimed.length}, completed ${c.completed.length}, refused as stale ${c.stale.length}`);
    }

    // Every message finished, every recipient delivered.
    const counts = await store.counts();
    expect(counts.byState).toMatchObject({ delivered: MESSAGES, queued: 0, 'in-flight': 0, deferred: 0 });
    expect(await store.listQueue()).toEqual([]);

    // No recipient was completed twice: a completion is accepted only under the current lease.
    const completed = claimers.flatMap((c) => c.completed);
    expect(new Set(completed).size).toBe(completed.length);
    // The victim may have been killed between a committed completion and printing it; those are its claims.
    const victimClaims = new Set(victim.claimed);
    const unreported = (await store.listSent({ limit: MESSAGES }))
      .map((m) => `${m.id}#0`)
      .filter((key) => !completed.includes(key));
    expect(unreported.every((key) => victimClaims.has(key))).toBe(true);

    // A recipient claimed more than once was first claimed by the victim, which died holding it.
    const claimedBy = new Map<string, string[]>();
    for (const c of claimers) for (const key of c.claimed) claimedBy.set(key, [...(claimedBy.get(key) ?? []), c.name]);
    const reclaimed = [...claimedBy].filter(([, names]) => names.length > 1);
    expect(reclaimed.every(([, names]) => names.includes(victim.name))).toBe(true);
    for (const survivor of survivors) {
      expect(survivor.claimed.filter((key) => (claimedBy.get(key)?.length ?? 0) > 1 && !victimClaims.has(key))).toEqual([]);
    }
    // The victim's in-flight claims at the kill are the only duplicates: claimed, not reported complete.
    const victimInFlight = victim.claimed.filter((key) => !victim.completed.includes(key));
    expect(reclaimed.map(([key]) => key).every((key) => victimInFlight.includes(key))).toBe(true);
    expect(reclaimed.length).toBeGreaterThan(0);
    console.log(`victim held ${victimInFlight.length} claim(s) when killed; ${reclaimed.length} were claimed again by the others`);
  }, 90_000);
});
