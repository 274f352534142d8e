import { afterEach, beforeEach, describe } from 'vitest';
import type { MessageStore } from '../store.js';
import { abortCases } from './store-cases/abort.js';
import { claimCases } from './store-cases/claim.js';
import { concurrencyCases } from './store-cases/concurrency.js';
import { contentCases } from './store-cases/content.js';
import { countsCases } from './store-cases/counts.js';
import { deferralCases } from './store-cases/deferral.js';
import { finishCases } from './store-cases/finish.js';
import { idempotencyCases } from './store-cases/idempotency.js';
import { inboxCases } from './store-cases/inbox.js';
import { leaseCases } from './store-cases/lease.js';
import { strandedCases } from './store-cases/stranded.js';
import type { ConformanceContext } from './store-cases/context.js';

/** Makes a fresh, unopened store for one test; `cleanup` runs after the suite has closed it. */
export type StoreFactory = () => Promise<{ store: MessageStore; cleanup?: () => Promise<void> }>;

/**
 * Declares the store conformance suite (vitest): every behaviour of the `MessageStore` contract
 * that the kernel relies on. Each test gets a fresh store from `factory`, opened before and closed after.
 *
 * @example
 * import { describeStoreConformance } from '@xport/provider-sdk/testing';
 * describeStoreConformance('my store', async () => ({ store: createMyStore(), cleanup: dropDatabase }));
 */
export function describeStoreConformance(name: string, factory: StoreFactory): void {
  describe(`${name} — store conformance`, () => {
    let current: { store: MessageStore; cleanup?: () => Promise<void> } | undefined;

    beforeEach(async () => {
      current = await factory();
      await current.store.open();
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (!done) return;
      await done.store.close();
      await done.cleanup?.();
    });

    const context: ConformanceContext = {
      store: () => {
        if (!current) throw new Error('store conformance: no store (used outside a test)');
        return current.store;
      },
    };

    claimCases(context);
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
  });
}
