import type { Kernel } from '@xport/core';
import { XportError, type MessageStore } from '@xport/provider-sdk';

/**
 * Opens the application's store without starting transports (so it works while a daemon runs),
 * runs `work`, and stops again.
 */
export async function withStore<T>(kernel: Kernel, work: (store: MessageStore) => Promise<T>): Promise<T> {
  await kernel.start({ spool: false });
  try {
    const store = kernel.store();
    if (store === undefined) throw new XportError('XPORT_STORE_NOT_CONFIGURED', 'no message store is configured: run `xport doctor`');
    return await work(store);
  } finally {
    await kernel.stop();
  }
}
