import { afterEach, beforeEach, describe } from 'vitest';
import type { ProviderManifest } from '../manifest.js';
import type { MessageStore } from '../store.js';
import { abortCases } from './store-cases/abort.js';
import { bounceCases } from './store-cases/bounces.js';
import { claimCases } from './store-cases/claim.js';
import { destinationCases } from './store-cases/destinations.js';
import { concurrencyCases } from './store-cases/concurrency.js';
import { contentCases } from './store-cases/content.js';
import { countsCases } from './store-cases/counts.js';
import { defaultsCases } from './store-cases/defaults.js';
import { deferralCases } from './store-cases/deferral.js';
import { eventCases } from './store-cases/events.js';
import { finishCases } from './store-cases/finish.js';
import { heldExpiryCases } from './store-cases/held-expiry.js';
import { idempotencyCases } from './store-cases/idempotency.js';
import { inboxCases } from './store-cases/inbox.js';
import { leaseCases } from './store-cases/lease.js';
import { operationCases } from './store-cases/operations.js';
import { recordCases } from './store-cases/records.js';
import { suppressionCases } from './store-cases/suppression.js';
import { operationEventCases } from './store-cases/operation-events.js';
import { strandedCases } from './store-cases/stranded.js';
import { transitionCases } from './store-cases/transitions.js';
import type { ConformanceContext, RecordRewriter } from './store-cases/context.js';

/** One test's store, and what the suite may do with its storage beyond the contract. */
export interface StoreUnderTest {
  readonly store: MessageStore;
  /** Runs after the suite has closed the store. */
  readonly cleanup?: () => Promise<void>;
  /**
   * Writes a stored message's `envelope` or `parts` as this JSON value, bypassing the store (a SQL
   * UPDATE, a file edit): the record cases check the store judges it as the SDK's codec does. Omit
   * for a store that keeps no encoded records.
   */
  readonly rewriteRecord?: RecordRewriter;
  /**
   * A new, unopened store over the same storage, created with the same (default) options: the
   * defaults cases check what a durable store does at open. Omit for a store that keeps nothing.
   */
  readonly reopen?: () => MessageStore;
}

/** Makes a fresh, unopened store for one test; `cleanup` runs after the suite has closed it. */
export type StoreFactory = () => Promise<StoreUnderTest>;

export interface StoreConformanceOptions {
  /** The store's manifest (its package.json `xport`): its configSchema defaults are checked against STORE_DEFAULTS. */
  readonly manifest?: ProviderManifest;
}

/**
 * Declares the store conformance suite (vitest): every behaviour of the `MessageStore` contract
 * that the kernel relies on, and the SDK lifecycle module's rules (transitions, record judgement,
 * defaults). Each test gets a fresh store from `factory`, opened before and closed after.
 *
 * @example
 * import { describeStoreConformance } from '@xport/provider-sdk/testing';
 * describeStoreConformance('my store', async () => ({ store: createMyStore(), cleanup: dropDatabase }), { manifest: pkg.xport });
 */
export function describeStoreConformance(name: string, factory: StoreFactory, options: StoreConformanceOptions = {}): void {
  describe(`${name} — store conformance`, () => {
    let current: { -readonly [K in keyof StoreUnderTest]: StoreUnderTest[K] } | undefined;

    beforeEach(async () => {
      current = { ...(await factory()) };
      await current.store.open();
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (!done) return;
      await done.store.close();
      await done.cleanup?.();
    });

    const running = (): NonNullable<typeof current> => {
      if (!current) throw new Error('store conformance: no store (used outside a test)');
      return current;
    };
    const context: ConformanceContext = {
      store: () => running().store,
      rewriteRecord: () => running().rewriteRecord,
      manifest: () => options.manifest,
      reopen: {
        available: () => running().reopen !== undefined,
        run: async () => {
          const test = running();
          const next = test.reopen!();
          await test.store.close();
          test.store = next;
          await next.open();
        },
      },
    };

    claimCases(context);
    destinationCases(context);
    leaseCases(context);
    deferralCases(context);
    finishCases(context);
    idempotencyCases(context);
    abortCases(context);
    inboxCases(context);
    contentCases(context);
    concurrencyCases(context);
    countsCases(context);
    strandedCases(context);
    transitionCases(context);
    recordCases(context);
    defaultsCases(context);
    suppressionCases(context);
    operationCases(context);
    heldExpiryCases(context);
    eventCases(context);
    operationEventCases(context);
    bounceCases(context);
  });
}
