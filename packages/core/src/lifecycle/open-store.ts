import { XportError, type Logger, type MessageStore } from '@xport/provider-sdk';
import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';
import { assertCompleteStore } from '../store-contract.js';
import type { LifecycleDeadlines } from './lifecycle-deadlines.js';
import { runStep } from './step-deadline.js';

/**
 * Why `store.provider` names nothing the kernel can run: not discovered, not a store, invalid or
 * disabled. A configuration error: restarting will not help, editing xport.config.json will.
 */
export function toStoreNotConfigured(storeId: string, records: readonly ProviderRecord[]): XportError {
  const record = records.find((r) => r.id === storeId && r.kind === 'store') ?? records.find((r) => r.id === storeId);
  const where = `store.provider "${storeId}" in xport.config.json`;
  let why: string;
  if (record === undefined) why = 'is not a discovered store provider';
  else if (record.kind !== 'store') why = `names a ${record.kind} provider (${record.packageName}), not a store`;
  else if (record.status !== 'ok') why = `names a store that cannot be used (${record.status}): ${record.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`;
  else why = `names a store that is disabled (providers.${storeId}.enabled is false)`;
  return new XportError('XPORT_STORE_NOT_CONFIGURED', `${where} ${why}; the kernel does not start without its store`, { details: { provider: storeId } });
}

/**
 * The store provider came no further than `state`: the kernel does not start without it. A store's
 * own code (XPORT_STORE_…) is kept; anything else (it failed to load, log on or start, or missed a
 * deadline) is XPORT_STORE_UNAVAILABLE, naming the underlying code.
 */
export function toStoreOpenFailure(storeId: string, state: string, lastError: ReportedError | undefined): XportError {
  const reason = lastError === undefined ? `it is ${state}` : `${lastError.code}: ${lastError.message}`;
  const code = lastError !== undefined && lastError.code.startsWith('XPORT_STORE_') ? lastError.code : 'XPORT_STORE_UNAVAILABLE';
  return new XportError(code, `the message store "${storeId}" could not be opened (${reason}); the kernel does not start without its store`, {
    details: { provider: storeId, state, ...(lastError ? { cause: lastError.code } : {}) },
  });
}

/**
 * Opens a store the application passed to `createKernel({ store })`, under the start deadline.
 * Rejects with XPORT_STORE_INCOMPATIBLE (before opening) when it lacks contract methods, with the
 * store's own XportError, or XPORT_STORE_UNAVAILABLE for anything else; a store that opens only
 * after the kernel gave up (or was stopped) is closed again.
 */
export async function openGivenStore(store: MessageStore, deadlines: LifecycleDeadlines, interrupt: AbortSignal, logger: Logger): Promise<void> {
  assertCompleteStore(store, 'the message store passed to createKernel({ store })');
  const outcome = await runStep(() => store.open(), {
    limitMs: deadlines.open,
    interrupt,
    onLate: (late) => {
      if (late.kind === 'done') void closeGivenStore(store, deadlines, logger);
    },
  });
  if (outcome.kind === 'done') return;
  if (outcome.kind === 'interrupted') throw new XportError('XPORT_KERNEL_STOPPED', 'start() was interrupted by stop() while the message store was opening');
  if (outcome.kind === 'timeout') {
    throw new XportError('XPORT_STORE_UNAVAILABLE', `the message store did not open within ${outcome.limitMs} ms (lifecycle.startTimeoutMs); the kernel does not start without its store`);
  }
  if (XportError.is(outcome.error)) throw outcome.error;
  const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  throw new XportError('XPORT_STORE_UNAVAILABLE', `the message store could not be opened: ${message}`, { cause: outcome.error });
}

/** Closes a store the application passed in, bounded by the stop deadline; failures are logged, never thrown. */
export async function closeGivenStore(store: MessageStore, deadlines: LifecycleDeadlines, logger: Logger): Promise<void> {
  const outcome = await runStep(() => store.close(), { limitMs: deadlines.close });
  if (outcome.kind === 'threw') logger.error('the message store threw while closing', { message: String((outcome.error as Error)?.message ?? outcome.error) });
  if (outcome.kind === 'timeout') logger.error('the message store did not close in time; abandoned', { timeoutMs: outcome.limitMs });
}
